import assert from "node:assert/strict";
import { test } from "node:test";
import { formatFingerprint } from "../src/shared/fingerprint";

test("groups a v4 fingerprint in ten groups of four upper-case digits", () => {
  assert.equal(
    formatFingerprint("0f1d3a8e9a3c4e7b5b1c2d3e4f5061728394a5b6"),
    "0F1D 3A8E 9A3C 4E7B 5B1C 2D3E 4F50 6172 8394 A5B6",
  );
});

test("a v6 fingerprint (64 digits) gives sixteen groups", () => {
  const out = formatFingerprint("A".repeat(64));
  assert.equal(out.split(" ").length, 16);
  assert.ok(out.split(" ").every((g) => g === "AAAA"));
});

test("a length not divisible by four keeps the short last group", () => {
  assert.equal(formatFingerprint("ABCDEF"), "ABCD EF");
});

test("text that is not hex is shown as it is, not as a fingerprint", () => {
  assert.equal(formatFingerprint("not-a-fingerprint"), "not-a-fingerprint");
  assert.equal(formatFingerprint(""), "");
});
