// A node:test reporter that counts the end-to-end tests per browser, for the
// summary of tests/e2e/run.sh and scripts/test (issue 14): a test named
// "[firefox] …" or "[chromium] …" (the harness's tests written once for both),
// or else the browser of its file (firefox.test.mjs drives Firefox; every
// other file Chromium). Suites are not tests. Skips are counted apart, with
// the reason in the test's name. With TESSERA_TEST_NOTES set, the line is
// also appended to that file (scripts/test prints it under its summary).
// TESSERA_COUNTS_LABEL names the suite (default "browser end-to-end"; the
// webmail suite's run.sh sets "webmail end-to-end").
import { appendFileSync } from "node:fs";
import { basename } from "node:path";

function browserOf(name, file) {
  const tag = /^\[(chromium|firefox)\]/.exec(name);
  if (tag) return tag[1];
  return basename(file ?? "") === "firefox.test.mjs" ? "firefox" : "chromium";
}

export default async function* browserCounts(source) {
  const counts = {};
  const bump = (browser, what) => {
    counts[browser] ??= { passed: 0, failed: 0, skipped: 0 };
    counts[browser][what] += 1;
  };
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const { name, file, details } = event.data;
    if (details?.type === "suite") continue;
    const skipped = event.data.skip !== undefined || event.data.todo !== undefined;
    bump(browserOf(name, file), event.type === "test:fail" ? "failed" : skipped ? "skipped" : "passed");
  }
  const line =
    `${process.env.TESSERA_COUNTS_LABEL ?? "browser end-to-end"} by browser: ` +
    Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([b, c]) => `${b} ${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ""}`)
      .join("; ");
  if (process.env.TESSERA_TEST_NOTES) appendFileSync(process.env.TESSERA_TEST_NOTES, `${line}\n`);
  yield `${line}\n`;
}
