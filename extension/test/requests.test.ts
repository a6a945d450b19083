import assert from "node:assert/strict";
import { test } from "node:test";
import { HostError } from "../src/background/errors";
import { RequestTracker } from "../src/background/requests";
import { FakeTimers, flush } from "./fake-timers";

test("replies are matched by id, in any order", async () => {
  const tracker = new RequestTracker(new FakeTimers());
  const a = tracker.nextId();
  const b = tracker.nextId();
  assert.notEqual(a, b);
  const pa = tracker.track(a, "hello", 1000);
  const pb = tracker.track(b, "token.list", 1000);
  assert.equal(tracker.settle({ id: b, result: "B" }), true);
  assert.equal(tracker.settle({ id: a, result: "A" }), true);
  assert.equal(await pa, "A");
  assert.equal(await pb, "B");
  assert.equal(tracker.inFlight, 0);
});

test("an error reply rejects with the host's code and message", async () => {
  const tracker = new RequestTracker(new FakeTimers());
  const id = tracker.nextId();
  const p = tracker.track(id, "token.list", 1000);
  tracker.settle({ id, error: { code: "pcsc_unavailable", message: "no pcscd" } });
  await assert.rejects(p, (e: unknown) => e instanceof HostError && e.code === "pcsc_unavailable" && e.message === "no pcscd");
});

test("a request with no reply times out, and a late reply is then ignored", async () => {
  const timers = new FakeTimers();
  const tracker = new RequestTracker(timers);
  const id = tracker.nextId();
  const p = tracker.track(id, "hello", 5000);
  let settled = false;
  p.catch(() => undefined).finally(() => (settled = true));
  timers.advance(4999);
  await flush();
  assert.equal(settled, false, "must not time out early");
  timers.advance(1);
  await assert.rejects(p, (e: unknown) => e instanceof HostError && e.code === "timeout" && /hello/.test(e.message));
  assert.equal(tracker.settle({ id, result: "late" }), false);
});

test("a reply stops its timer", async () => {
  const timers = new FakeTimers();
  const tracker = new RequestTracker(timers);
  const id = tracker.nextId();
  const p = tracker.track(id, "hello", 5000);
  tracker.settle({ id, result: 1 });
  assert.deepEqual(timers.pending, []);
  assert.equal(await p, 1);
});

test("replies with an unknown or null id are reported as unmatched", () => {
  const tracker = new RequestTracker(new FakeTimers());
  assert.equal(tracker.settle({ id: 42, result: null }), false);
  assert.equal(tracker.settle({ id: null, error: { code: "invalid_json", message: "x" } }), false);
});

test("failAll rejects every request in flight with the same error and clears timers", async () => {
  const timers = new FakeTimers();
  const tracker = new RequestTracker(timers);
  const ps = [1, 2, 3].map(() => tracker.track(tracker.nextId(), "token.list", 1000));
  tracker.failAll(new HostError("disconnected", "Native host has exited."));
  for (const p of ps) await assert.rejects(p, (e: unknown) => e instanceof HostError && e.code === "disconnected");
  assert.equal(tracker.inFlight, 0);
  assert.deepEqual(timers.pending, []);
});

test("ids skip those still in flight and stay safe integers when they wrap", () => {
  const tracker = new RequestTracker(new FakeTimers());
  const first = tracker.nextId();
  void tracker.track(first, "hello", 1000).catch(() => undefined);
  // Force a wrap: the next id after MAX_SAFE_INTEGER is 1, which is taken.
  (tracker as unknown as { lastId: number }).lastId = Number.MAX_SAFE_INTEGER;
  const next = tracker.nextId();
  assert.equal(first, 1);
  assert.equal(next, 2);
});

test("tracking an id already in flight is refused", async () => {
  const tracker = new RequestTracker(new FakeTimers());
  void tracker.track(7, "hello", 1000).catch(() => undefined);
  await assert.rejects(tracker.track(7, "hello", 1000), (e: unknown) => e instanceof HostError && e.code === "bad_request");
});
