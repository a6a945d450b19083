import assert from "node:assert/strict";
import { test } from "node:test";
import { HostError } from "../src/background/errors";
import { PinBroker, withPin } from "../src/background/pin-broker";
import type { PinPurpose } from "../src/shared/contracts/page";
import type { TokenInfo } from "../src/shared/status";

const card: TokenInfo = {
  id: "card:D276000124010304FFFE000000010000",
  backend: "card",
  reader: "Virtual PCD 00 00",
  serial: "00000001",
  cardholder: "Alice Example",
  manufacturer: null,
  slots: [],
  aid: null,
  pin_retries: { user: 3, reset: 0, admin: 3 },
  pin_cached: false,
};

/** A card that answers verify_pin like the host: one try per call, never more. */
function setup(correct = "123456", tries = 3) {
  const verifies: Array<{ token: string; pin: string; purpose: PinPurpose }> = [];
  const opened: string[] = [];
  const closed: unknown[] = [];
  let left = tries;
  let n = 0;
  let release: (() => void) | null = null;
  const broker = new PinBroker({
    openPrompt: async (id) => {
      opened.push(id);
      return 100 + opened.length;
    },
    closePrompt: (h) => void closed.push(h),
    verifyPin: async (token, pin, purpose) => {
      verifies.push({ token, pin, purpose });
      if (release !== null) await new Promise<void>((r) => (release = r));
      if (left === 0) throw new HostError("pin_blocked", "blocked");
      if (pin !== correct) {
        left -= 1;
        if (left === 0) throw new HostError("pin_blocked", "blocked");
        throw new HostError("pin_incorrect", "wrong", left);
      }
      left = tries;
    },
    newId: () => `p${++n}`,
  });
  return {
    broker,
    verifies,
    opened,
    closed,
    hold() {
      release = () => {};
    },
    unhold() {
      const r = release;
      release = null;
      r?.();
    },
  };
}

const flush = () => new Promise((r) => setImmediate(r));

test("a wrong PIN costs exactly one verify and the prompt stays open with the tries left", async () => {
  const s = setup();
  let settled = false;
  const pending = s.broker
    .requestPin(card, "decrypt", { kind: "fill", site: "cockpit.corp.test:9090" })
    .then(() => (settled = true));
  await flush();
  assert.deepEqual(s.opened, ["p1"]);
  assert.deepEqual(s.broker.info("p1"), {
    tokenId: card.id,
    backend: "card",
    serial: "00000001",
    cardholder: "Alice Example",
    purpose: "decrypt",
    action: { kind: "fill", site: "cockpit.corp.test:9090" },
    retriesLeft: 3,
    blocked: false,
  });

  const r = await s.broker.submit("p1", "000000");
  assert.deepEqual(r, { ok: false, code: "pin_incorrect", retriesLeft: 2 });
  await flush();
  assert.equal(s.verifies.length, 1, "never retried automatically");
  assert.equal(settled, false, "the operation still waits for the user");
  assert.equal(s.broker.info("p1")?.retriesLeft, 2);

  assert.deepEqual(await s.broker.submit("p1", "123456"), { ok: true });
  await pending;
  assert.equal(s.verifies.length, 2);
  assert.deepEqual(s.verifies.map((v) => v.pin), ["000000", "123456"]);
  assert.deepEqual(s.closed, [101], "the prompt window is closed after success");
  assert.equal(s.broker.openPrompts, 0);
});

test("a second submit while one is in flight sends nothing", async () => {
  const s = setup();
  void s.broker.requestPin(card, "sign");
  await flush();
  s.hold();
  const first = s.broker.submit("p1", "000000");
  await flush();
  const second = await s.broker.submit("p1", "000000");
  assert.equal(second.ok, false);
  assert.equal((second as { code: string }).code, "pin_busy");
  s.unhold();
  await first;
  assert.equal(s.verifies.length, 1);
  assert.equal(s.verifies[0]?.purpose, "sign");
});

test("blocked: the last wrong PIN blocks, later submits send nothing, the operation fails with pin_blocked", async () => {
  const s = setup("123456", 1);
  const pending = s.broker.requestPin({ ...card, pin_retries: { user: 1, reset: 0, admin: 3 } }, "decrypt");
  await flush();
  assert.deepEqual(await s.broker.submit("p1", "999999"), { ok: false, code: "pin_blocked" });
  assert.equal(s.broker.info("p1")?.blocked, true);
  assert.deepEqual(await s.broker.submit("p1", "123456"), { ok: false, code: "pin_blocked" });
  assert.equal(s.verifies.length, 1, "nothing sent to a blocked card");
  s.broker.cancel("p1");
  await assert.rejects(pending, (e: unknown) => e instanceof HostError && e.code === "pin_blocked");
});

test("a card already at 0 tries opens a blocked prompt", async () => {
  const s = setup();
  void s.broker.requestPin({ ...card, pin_retries: { user: 0, reset: 0, admin: 3 } }, "decrypt").catch(() => {});
  await flush();
  assert.equal(s.broker.info("p1")?.blocked, true);
  assert.deepEqual(await s.broker.submit("p1", "123456"), { ok: false, code: "pin_blocked" });
  assert.equal(s.verifies.length, 0);
});

test("closing the prompt window cancels the operation", async () => {
  const s = setup();
  const pending = s.broker.requestPin(card, "decrypt");
  await flush();
  s.broker.windowClosed(101);
  await assert.rejects(pending, (e: unknown) => e instanceof HostError && e.code === "pin_cancelled");
  assert.equal(s.verifies.length, 0);
  assert.equal(s.broker.info("p1"), null);
});

test("an empty PIN or an unknown prompt sends nothing", async () => {
  const s = setup();
  void s.broker.requestPin(card, "decrypt");
  await flush();
  assert.equal((await s.broker.submit("p1", "")).ok, false);
  assert.equal((await s.broker.submit("nope", "123456")).ok, false);
  assert.equal(s.verifies.length, 0);
});

test("withPin: pin_required → one prompt → the operation runs once more; other errors pass through", async () => {
  let calls = 0;
  let prompts = 0;
  const broker = {
    requestPin: async () => {
      prompts += 1;
    },
  };
  const result = await withPin(broker, card, "decrypt", async () => {
    calls += 1;
    if (calls === 1) throw new HostError("pin_required", "no PIN cached");
    return "session key";
  });
  assert.equal(result, "session key");
  assert.equal(calls, 2);
  assert.equal(prompts, 1);

  calls = 0;
  await assert.rejects(
    withPin(broker, card, "decrypt", async () => {
      calls += 1;
      throw new HostError("pin_required", "still none");
    }),
    (e: unknown) => e instanceof HostError && e.code === "pin_required",
  );
  assert.equal(calls, 2, "at most one prompt per operation");

  await assert.rejects(
    withPin(broker, card, "decrypt", async () => {
      throw new HostError("wrong_key", "not ours");
    }),
    (e: unknown) => e instanceof HostError && e.code === "wrong_key",
  );
  assert.equal(prompts, 2);

  const cancelled = { requestPin: async () => Promise.reject(new HostError("pin_cancelled", "closed")) };
  let ran = 0;
  await assert.rejects(
    withPin(cancelled, card, "sign", async () => {
      ran += 1;
      throw new HostError("pin_required", "x");
    }),
    (e: unknown) => e instanceof HostError && e.code === "pin_cancelled",
  );
  assert.equal(ran, 1, "not run again after a cancelled prompt");
});
