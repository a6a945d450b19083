import assert from "node:assert/strict";
import { test } from "node:test";
import { HostError } from "../src/background/errors";
import { loadOnce } from "../src/background/load-once";

test("loads once for every caller, forgets a failed load, and says which module failed", async () => {
  let calls = 0;
  let fail = true;
  const load = loadOnce("the test module", async (url: string) => {
    calls += 1;
    if (fail) throw new Error(`no ${url}`);
    return { url, n: calls };
  });
  const failed = await Promise.allSettled([load("a.wasm"), load("b.wasm")]);
  assert.equal(calls, 1, "two callers during one load share it");
  for (const r of failed) {
    assert.equal(r.status, "rejected");
    const err = (r as PromiseRejectedResult).reason;
    assert.ok(err instanceof HostError);
    assert.equal(err.code, "core_unavailable");
    assert.equal(err.message, "the test module did not load: no a.wasm");
  }
  fail = false;
  const first = await load("c.wasm");
  assert.deepEqual(first, { url: "c.wasm", n: 2 }, "a failed load is tried again");
  assert.equal(await load("d.wasm"), first, "then every call gets the loaded module");
  assert.equal(calls, 2);
});
