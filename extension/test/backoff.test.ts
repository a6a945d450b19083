import assert from "node:assert/strict";
import { test } from "node:test";
import { Backoff } from "../src/background/backoff";

test("starts at 250 ms and doubles up to 30 s, then stays there", () => {
  const b = new Backoff();
  const delays = Array.from({ length: 10 }, () => b.next());
  assert.deepEqual(delays, [250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
});

test("reset after a successful hello starts again from the first delay", () => {
  const b = new Backoff(100, 1000);
  b.next();
  b.next();
  b.next();
  b.reset();
  assert.equal(b.next(), 100);
});

test("a thousand failures never overflow past the cap", () => {
  const b = new Backoff();
  let last = 0;
  for (let i = 0; i < 1000; i++) last = b.next();
  assert.equal(last, 30000);
});

test("refuses a schedule that makes no sense", () => {
  assert.throws(() => new Backoff(0, 10), RangeError);
  assert.throws(() => new Backoff(100, 10), RangeError);
});
