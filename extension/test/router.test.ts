import assert from "node:assert/strict";
import { test } from "node:test";
import { isCredentialsPage } from "../src/background/credentials/popup-api";
import { dispatchMessage, dispatchPort, routeMessage, zonesOf, type MessageHandler, type RouterContext, type Routes } from "../src/background/router";
import { CHROMIUM_EXTENSION_ID } from "../src/shared/contracts/generated/protocol";

const ID = CHROMIUM_EXTENSION_ID;
const BASE = `chrome-extension://${ID}/`;
const ctx: RouterContext = { extensionId: ID, extensionBase: BASE, isCredentialsPage: (url) => isCredentialsPage(url, BASE) };

const tab = { id: 3 } as chrome.tabs.Tab;
const popup: chrome.runtime.MessageSender = { id: ID, url: `${BASE}popup/popup.html` };
const options: chrome.runtime.MessageSender = { id: ID, url: `${BASE}options/options.html`, tab };
const pin: chrome.runtime.MessageSender = { id: ID, url: `${BASE}pin/pin.html?prompt=x` };
const editor: chrome.runtime.MessageSender = { id: ID, url: `${BASE}frames/editor/editor.html?session=s`, tab, frameId: 2 };
const reader: chrome.runtime.MessageSender = { id: ID, url: `${BASE}frames/reader/reader.html?window=w`, tab, frameId: 0 };
const content: chrome.runtime.MessageSender = { id: ID, url: "https://mail.example.test/", tab, frameId: 0 };
const srcdoc: chrome.runtime.MessageSender = { id: ID, url: "about:srcdoc", tab, frameId: 4 };
const otherExtension: chrome.runtime.MessageSender = { id: "otherextensionid", url: "https://mail.example.test/", tab, frameId: 0 };
const fileContent: chrome.runtime.MessageSender = { id: ID, url: "file:///home/x.html", tab, frameId: 0 };

test("zones come from the browser's sender fields", () => {
  assert.deepEqual([...zonesOf(popup, ctx)], ["page", "credentials-page"]);
  assert.deepEqual([...zonesOf(options, ctx)], ["page", "credentials-page"]);
  assert.deepEqual([...zonesOf(pin, ctx)], ["page"]);
  assert.deepEqual([...zonesOf(editor, ctx)], ["page", "frame"]);
  assert.deepEqual([...zonesOf(reader, ctx)], ["page", "frame", "reader-frame"]);
  assert.deepEqual([...zonesOf(content, ctx)], ["content"]);
  assert.deepEqual([...zonesOf(srcdoc, ctx)], ["content"]);
  assert.deepEqual([...zonesOf(otherExtension, ctx)], []);
  assert.deepEqual([...zonesOf(fileContent, ctx)], []);
  assert.deepEqual([...zonesOf({ id: ID, url: `chrome-extension://${"x".repeat(32)}/popup/popup.html` }, ctx)], []);
  assert.deepEqual([...zonesOf(undefined, ctx)], []);
});

function named(name: string): MessageHandler {
  const h: MessageHandler = () => name;
  Object.defineProperty(h, "name", { value: name });
  return h;
}
const pageApi = named("pageApi");
const routes: Routes = {
  messages: [
    { type: "keyring.list", zone: "page", handler: pageApi },
    { type: "webmail.encryptMime", zone: "frame", handler: named("webmailApi") },
    { type: "credentials.*", zone: "credentials-page", handler: named("credentials") },
    { type: "autofill.fieldsFound", zone: "content", handler: named("autofill") },
    { type: "webmail.notice", zone: "content", handler: () => undefined },
    { type: "webmail.readerWindowArmor", zone: "reader-frame", handler: named("readerArmor") },
    { type: "webmail.tabNotices", zone: "page", handler: () => ({ ok: true, notices: [] }) },
  ],
  pageFallback: named("fallback"),
  ports: [],
};
const which = (type: unknown, sender: chrome.runtime.MessageSender): string | null => routeMessage(routes, ctx, { type }, sender)?.name ?? null;

test("a message reaches its handler only from its zone", () => {
  assert.equal(which("keyring.list", pin), "pageApi");
  assert.equal(which("keyring.list", editor), "pageApi");
  assert.equal(which("webmail.encryptMime", editor), "webmailApi");
  assert.equal(which("credentials.list", popup), "credentials");
  assert.equal(which("credentials.anything", options), "credentials");
  assert.equal(which("autofill.fieldsFound", content), "autofill");
  assert.equal(which("webmail.readerWindowArmor", reader), "readerArmor");
});

test("page-zone types from the wrong page, and anything from outside, get no answer", () => {
  assert.equal(which("credentials.list", editor), null);
  assert.equal(which("credentials.list", pin), null);
  assert.equal(which("webmail.encryptMime", options), null);
  assert.equal(which("webmail.readerWindowArmor", editor), null);
  for (const sender of [content, srcdoc, otherExtension, fileContent]) {
    assert.equal(which("keyring.list", sender), null);
    assert.equal(which("credentials.list", sender), null);
    assert.equal(which("nonsense", sender), null);
  }
  assert.equal(which("autofill.fieldsFound", otherExtension), null);
  assert.equal(routeMessage(routes, ctx, "keyring.list", pin), null);
  assert.equal(routeMessage(routes, ctx, null, pin), null);
});

test("any other message from an extension page gets the page API's fallback", () => {
  assert.equal(which("nonsense", options), "fallback");
  assert.equal(which(undefined, pin), "fallback");
  // A content script's message sent by a page is not a page-zone type.
  assert.equal(which("autofill.fieldsFound", popup), "fallback");
  assert.equal(which("webmail.notice", editor), "fallback");
});

test("dispatch: a value is sent at once, a promise later, undefined never", async () => {
  const sent: unknown[] = [];
  assert.equal(dispatchMessage(routes, ctx, { type: "webmail.tabNotices", tabId: 1 }, popup, (r) => sent.push(r)), false);
  assert.deepEqual([...sent], [{ ok: true, notices: [] }]);
  assert.equal(dispatchMessage(routes, ctx, { type: "webmail.notice", kind: "unprotected" }, content, (r) => sent.push(r)), false);
  assert.equal(sent.length, 1);
  const slow: Routes = { ...routes, messages: [{ type: "keyring.list", zone: "page", handler: async () => ({ ok: true, keys: [] }) }] };
  assert.equal(dispatchMessage(slow, ctx, { type: "keyring.list" }, pin, (r) => sent.push(r)), true);
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(sent[1], { ok: true, keys: [] });
});

test("ports: a known name from its zone is accepted, anything else disconnected", () => {
  const accepted: string[] = [];
  const portRoutes: Routes = {
    ...routes,
    ports: [
      { name: "tessera-status", zone: "page", accept: () => accepted.push("status") },
      { name: "tessera-webmail-content", zone: "content", accept: () => accepted.push("content") },
      { name: "tessera-webmail-frame", zone: "frame", accept: () => accepted.push("frame") },
    ],
  };
  const port = (name: string, sender: chrome.runtime.MessageSender) => {
    const p = { name, sender, disconnected: false, disconnect: () => void (p.disconnected = true) };
    return p;
  };
  const logs: string[] = [];
  const cases: Array<[string, chrome.runtime.MessageSender, boolean]> = [
    ["tessera-status", popup, true],
    ["tessera-status", content, false],
    ["tessera-webmail-content", content, true],
    ["tessera-webmail-content", editor, false],
    ["tessera-webmail-frame", editor, true],
    ["tessera-webmail-frame", content, false],
    ["tessera-other", popup, false],
  ];
  for (const [name, sender, ok] of cases) {
    const p = port(name, sender);
    dispatchPort(portRoutes, ctx, p as unknown as chrome.runtime.Port, (m) => logs.push(m));
    assert.equal(p.disconnected, !ok, `${name} from ${sender.url}`);
  }
  assert.deepEqual(accepted, ["status", "content", "frame"]);
  assert.equal(logs.length, 3);
});
