import assert from "node:assert/strict";
import { test } from "node:test";
import { WebmailRelay, type RelayPort } from "../src/background/webmail-relay";
import { WEBMAIL_CONTENT_PORT, WEBMAIL_FRAME_PORT, parseAddresses } from "../src/shared/contracts/webmail";
import { CHROMIUM_EXTENSION_ID } from "../src/shared/contracts/generated/protocol";

const ID = CHROMIUM_EXTENSION_ID;
const BASE = `chrome-extension://${ID}/`;
const SESSION = "AbCdEfGhIjKlMnOpQrStUvWxYz012345";
const ARMOR = "-----BEGIN PGP MESSAGE-----\n\nwcBMA0xyz\n=abcd\n-----END PGP MESSAGE-----\n";

class FakePort implements RelayPort {
  posted: unknown[] = [];
  disconnected = false;
  private onMsg: Array<(m: unknown) => void> = [];
  private onDisc: Array<() => void> = [];
  onMessage = { addListener: (fn: (m: unknown) => void) => void this.onMsg.push(fn) };
  onDisconnect = { addListener: (fn: () => void) => void this.onDisc.push(fn) };
  constructor(
    public name: string,
    public sender: chrome.runtime.MessageSender,
  ) {}
  postMessage(m: unknown): void {
    this.posted.push(m);
  }
  disconnect(): void {
    this.disconnected = true;
  }
  receive(m: unknown): void {
    for (const fn of this.onMsg) fn(m);
  }
  drop(): void {
    for (const fn of this.onDisc) fn();
  }
}

const tab = (id: number) => ({ id }) as chrome.tabs.Tab;
const content = (over: Partial<chrome.runtime.MessageSender> = {}) =>
  new FakePort(WEBMAIL_CONTENT_PORT, { id: ID, tab: tab(7), frameId: 0, url: "http://127.0.0.1:8080/?_task=mail", ...over });
const frame = (kind = "editor", over: Partial<chrome.runtime.MessageSender> = {}) =>
  new FakePort(WEBMAIL_FRAME_PORT, { id: ID, tab: tab(7), frameId: 3, url: `${BASE}frames/${kind}/${kind}.html#${SESSION}`, ...over });

function paired(kind = "editor") {
  const relay = new WebmailRelay({ extensionId: ID, extensionBase: BASE });
  const c = content();
  relay.accept(c);
  c.receive({ type: "open", session: SESSION, kind });
  const f = frame(kind);
  relay.accept(f);
  f.receive({ type: "hello", session: SESSION, kind });
  return { relay, c, f };
}

test("a content script's recipients reach its frame, queued until the frame says hello", () => {
  const relay = new WebmailRelay({ extensionId: ID, extensionBase: BASE });
  const c = content();
  relay.accept(c);
  c.receive({ type: "open", session: SESSION, kind: "editor" });
  c.receive({ type: "recipients", recipients: { to: ["bob@example.test", 42], cc: [], bcc: ["eve@example.test"] }, sender: "alice@example.test" });
  c.receive({ type: "recipients", recipients: { to: ["bob@example.test"] }, sender: null });
  const f = frame();
  relay.accept(f);
  f.receive({ type: "hello", session: SESSION, kind: "editor" });
  assert.deepEqual(f.posted, [
    { type: "recipients", recipients: { to: ["bob@example.test"], cc: [], bcc: ["eve@example.test"] }, sender: "alice@example.test" },
  ]);
  assert.equal(f.disconnected, false);
});

test("a frame may hand back only an armored OpenPGP message", () => {
  const { c, f } = paired();
  f.receive({ type: "write", armored: "Dear Bob, the plaintext" });
  f.receive({ type: "write", armored: `${ARMOR}trailing plaintext` });
  f.receive({ type: "write", armored: "-----BEGIN PGP SIGNATURE-----\n\nx\n-----END PGP SIGNATURE-----\n" });
  assert.deepEqual(c.posted, []);
  f.receive({ type: "write", armored: ARMOR });
  f.receive({ type: "write", armored: ARMOR, pgpMime: true });
  f.receive({ type: "write", armored: ARMOR, pgpMime: "yes" });
  assert.deepEqual(c.posted, [
    { type: "write", armored: ARMOR, pgpMime: false },
    { type: "write", armored: ARMOR, pgpMime: true },
    { type: "write", armored: ARMOR, pgpMime: false },
  ]);
});

test("content ports from extension pages, other extensions or without a tab are refused", () => {
  const relay = new WebmailRelay({ extensionId: ID, extensionBase: BASE });
  for (const bad of [
    content({ id: "someotherextensionidaaaaaaaaaaaa" }),
    content({ url: `${BASE}options/options.html` }),
    content({ url: "file:///etc/passwd" }),
  ]) {
    relay.accept(bad);
    assert.equal(bad.disconnected, true, JSON.stringify(bad.sender));
  }
});

test("a content port without a tab (not from a web page's frame) is refused", () => {
  const relay = new WebmailRelay({ extensionId: ID, extensionBase: BASE });
  const port = new FakePort(WEBMAIL_CONTENT_PORT, { id: ID, frameId: 0, url: "http://127.0.0.1:8080/" });
  relay.accept(port);
  assert.equal(port.disconnected, true);
});

test("a session is claimed once, by our frame of the right kind, in the same tab", () => {
  const relay = new WebmailRelay({ extensionId: ID, extensionBase: BASE });
  const c = content();
  relay.accept(c);
  c.receive({ type: "open", session: SESSION, kind: "reader" });
  const otherTab = frame("reader", { tab: tab(8) });
  relay.accept(otherTab);
  otherTab.receive({ type: "hello", session: SESSION, kind: "reader" });
  assert.equal(otherTab.disconnected, true, "another tab");
  const wrongKind = frame("editor");
  relay.accept(wrongKind);
  wrongKind.receive({ type: "hello", session: SESSION, kind: "editor" });
  assert.equal(wrongKind.disconnected, true, "wrong kind");
  const topLevel = frame("reader", { frameId: 0 });
  relay.accept(topLevel);
  assert.equal(topLevel.disconnected, true, "a top-level page is not a frame in a web page");
  const good = frame("reader");
  relay.accept(good);
  good.receive({ type: "hello", session: SESSION, kind: "reader" });
  assert.equal(good.disconnected, false);
  const second = frame("reader");
  relay.accept(second);
  second.receive({ type: "hello", session: SESSION, kind: "reader" });
  assert.equal(second.disconnected, true, "a second claim (a page framing our URL itself)");
});

test("bad session ids and reused sessions are refused; closing either side ends the session", () => {
  const relay = new WebmailRelay({ extensionId: ID, extensionBase: BASE });
  const c1 = content();
  relay.accept(c1);
  c1.receive({ type: "open", session: "short", kind: "editor" });
  assert.equal(c1.disconnected, true);
  const { relay: r2, c, f } = paired();
  const again = content();
  r2.accept(again);
  again.receive({ type: "open", session: SESSION, kind: "editor" });
  assert.equal(again.disconnected, true, "reused session id");
  f.drop();
  assert.deepEqual(c.posted, [{ type: "close" }]);
  c.drop();
  assert.equal(r2.sessionCount(), 0);
  assert.equal(relay.sessionCount(), 0);
});

test("addresses are read from To/Cc text, lowercased and deduplicated", () => {
  assert.deepEqual(parseAddresses("Bob <Bob@Example.test>, carol@example.test; bob@example.test, not-an-address"), [
    "bob@example.test",
    "carol@example.test",
  ]);
});

test("a draft to continue reaches only an editor, and only as armor", () => {
  const { c, f } = paired("editor");
  c.receive({ type: "draft", armored: "the plaintext of a draft" });
  c.receive({ type: "draft", armored: ARMOR });
  assert.deepEqual(f.posted, [{ type: "draft", armored: ARMOR }]);
  const reader = paired("reader");
  reader.c.receive({ type: "draft", armored: ARMOR });
  assert.deepEqual(reader.f.posted, []);
});

test("gesture questions and verdicts pass only with their shape", () => {
  const { c, f } = paired("reader");
  f.receive({ type: "gesture", id: 1, x: 10, y: 20, width: 300, height: 200 });
  f.receive({ type: "gesture", id: -1, x: 10, y: 20, width: 300, height: 200 });
  f.receive({ type: "gesture", id: 2, x: "10", y: 20, width: 300, height: 200 });
  f.receive({ type: "gesture", id: 3, x: Number.NaN, y: 20, width: 300, height: 200 });
  assert.deepEqual(c.posted, [{ type: "gesture", id: 1, x: 10, y: 20, width: 300, height: 200 }]);
  c.receive({ type: "gestureVerdict", id: 1, ok: true, reason: "", flat: true });
  c.receive({ type: "gestureVerdict", id: 1, ok: "yes", reason: "" });
  c.receive({ type: "gestureVerdict", id: 1, ok: false, reason: "x".repeat(100) });
  assert.deepEqual(f.posted, [{ type: "gestureVerdict", id: 1, ok: true, reason: "", flat: true }]);
});
