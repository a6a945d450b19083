// Card set-up in the background: the PIN window's secrets reach the card in
// exactly one request per submit, a wrong one is reported with the tries left
// and never retried, a mistyped new PIN never leaves the worker, and the
// generation asks the user PIN for the certificate after the admin PIN.
import assert from "node:assert/strict";
import { test } from "node:test";
import { cardSetup, type CardSetupDeps } from "../src/background/card-setup-flow";
import { HostError } from "../src/background/errors";
import { PinBroker } from "../src/background/pin-broker";
import type { CardSecrets, CardSecretsKind } from "../src/shared/contracts/page";
import type { CardStatusResult } from "../src/shared/contracts/generated/protocol";
import type { TokenInfo } from "../src/shared/status";

const card: TokenInfo = {
  id: "card:D276000124010304FFFE000000010000",
  backend: "card",
  reader: "Virtual PCD 00 00",
  serial: "00000001",
  cardholder: null,
  manufacturer: null,
  slots: [],
  aid: null,
  pin_retries: { user: 3, reset: 0, admin: 3 },
  pin_cached: false,
};

const status = (admin = 3): CardStatusResult => ({
  token: card.id,
  manufacturer: "test",
  serial: "00000001",
  cardholder_name: "",
  url: "",
  slots: [],
  pin_retries: { user: 3, reset_code: 0, admin },
  signature_pin_forced: true,
  algorithms: ["cv25519"],
  algorithms_listed: false,
  default_pins: { user: null, admin: null },
});

const flush = () => new Promise((r) => setImmediate(r));

/** A broker whose prompt window is driven by the test, and a host that checks the admin PIN like a card. */
function harness() {
  const requests: Array<{ method: string; params: Record<string, unknown> }> = [];
  let admin = 3;
  let ids = 0;
  const prompts: string[] = [];
  let pinAsked = 0;
  const broker = new PinBroker({
    openPrompt: async (id) => {
      prompts.push(id);
      return id;
    },
    closePrompt: () => {},
    verifyPin: async () => {},
    newId: () => `p${++ids}`,
  });
  let changed = 0;
  const deps: CardSetupDeps = {
    listTokens: async () => [card],
    request: (async (method: string, params: Record<string, unknown>) => {
      requests.push({ method, params });
      if (method === "card.status") return status(admin);
      if (method === "card.generate" || method === "card.change_pin") {
        const pin = method === "card.generate" ? params["admin_pin"] : params["old"];
        if (pin !== "12345678") {
          admin -= 1;
          throw new HostError("pin_incorrect", "wrong admin PIN", admin);
        }
        admin = 3;
        return method === "card.generate" ? { signature: "S", decryption: "D", authentication: "A" } : { status: status() };
      }
      if (method === "token.export_certificate") {
        if (pinAsked === 0) throw new HostError("pin_required", "needs the PIN");
        return { armored: "-----BEGIN PGP PUBLIC KEY BLOCK-----", fingerprint: "S" };
      }
      throw new Error(`unexpected ${method}`);
    }) as CardSetupDeps["request"],
    pins: {
      requestPin: async () => {
        pinAsked += 1;
      },
    },
    broker,
    tokensChanged: () => void (changed += 1),
  };
  return { broker, deps, requests, prompts, changes: () => changed };
}

test("generation: the admin PIN from the window, once per submit; a wrong one shows the tries left; then the certificate after the user PIN", async () => {
  const h = harness();
  const done = cardSetup(h.deps, card.id, { kind: "generate", algorithm: "cv25519", replace: false, name: "Bob Example", email: "bob@example.test" });
  await flush();
  await flush();
  assert.equal(h.prompts.length, 1, "one PIN window");
  const info = h.broker.info(h.prompts[0] ?? "");
  assert.equal(info?.card, "admin_pin" satisfies CardSecretsKind);
  assert.equal(info?.retriesLeft, 3, "the admin PIN's tries, read from the card");

  const wrong = await h.broker.submitCard(h.prompts[0] ?? "", { current: "00000000" });
  assert.deepEqual(wrong, { ok: false, code: "pin_incorrect", retriesLeft: 2 });
  assert.equal(h.requests.filter((r) => r.method === "card.generate").length, 1, "one request for one submit, no retry");
  assert.equal(await h.broker.submitCard(h.prompts[0] ?? "", { current: "12345678" }).then((r) => r.ok), true);
  const outcome = await done;
  assert.equal(outcome.certificate?.fingerprint, "S");
  const generate = h.requests.filter((r) => r.method === "card.generate");
  assert.equal(generate.length, 2);
  assert.deepEqual(generate[1]?.params, { token: card.id, admin_pin: "12345678", algorithm: "cv25519", replace: false, cardholder_name: "Bob Example" });
  const exported = h.requests.filter((r) => r.method === "token.export_certificate");
  assert.deepEqual(exported.at(-1)?.params, { token: card.id, user_id: "Bob Example <bob@example.test>" });
  assert.ok(h.changes() >= 1, "the token list is read again");
});

test("a new PIN typed twice differently never reaches the card; an empty one neither", async () => {
  const h = harness();
  const done = cardSetup(h.deps, card.id, { kind: "change_pin", pin: "admin" });
  await flush();
  await flush();
  const id = h.prompts[0] ?? "";
  assert.equal(h.broker.info(id)?.card, "change_admin_pin");
  const mismatch: CardSecrets = { current: "12345678", next: "87654321", confirm: "87654320" };
  assert.deepEqual(await h.broker.submitCard(id, mismatch), { ok: false, code: "pin_mismatch", message: "the two new PINs differ" });
  assert.equal((await h.broker.submitCard(id, { current: "12345678", next: "", confirm: "" })).ok, false);
  assert.equal(h.requests.filter((r) => r.method === "card.change_pin").length, 0, "nothing sent");
  assert.equal((await h.broker.submitCard(id, { current: "12345678", next: "87654321", confirm: "87654321" })).ok, true);
  await done;
  assert.deepEqual(h.requests.find((r) => r.method === "card.change_pin")?.params, { token: card.id, pin: "admin", old: "12345678", new: "87654321" });
});

test("bad name or address, or no card: refused before any window or card request", async () => {
  const h = harness();
  for (const [name, email] of [["", "bob@example.test"], ["Bob", "not-an-address"], ["<script>", "bob@example.test"]] as const) {
    await assert.rejects(cardSetup(h.deps, card.id, { kind: "generate", algorithm: "cv25519", replace: false, name, email }), (e: unknown) => e instanceof HostError && e.code === "invalid_params");
  }
  await assert.rejects(cardSetup(h.deps, "card:OTHER", { kind: "set_reset_code" }), (e: unknown) => e instanceof HostError && e.code === "token_not_found");
  assert.equal(h.prompts.length, 0);
  assert.equal(h.requests.length, 0);
});

test("closing the window cancels the step; a plain PIN submit cannot answer a card prompt", async () => {
  const h = harness();
  const done = cardSetup(h.deps, card.id, { kind: "set_reset_code" });
  await flush();
  await flush();
  const id = h.prompts[0] ?? "";
  assert.equal((await h.broker.submit(id, "12345678")).ok, false, "pin.submit is for user PIN prompts only");
  h.broker.windowClosed(id);
  await assert.rejects(done, (e: unknown) => e instanceof HostError && e.code === "pin_cancelled");
  assert.equal(h.requests.filter((r) => r.method === "card.set_reset_code").length, 0);
});
