// Entry point of the background context (Chromium service worker, Firefox
// background script). Owns the only connection to tessera-host and publishes
// its status to extension pages over the "tessera-status" port. Every runtime
// message and port goes through the one table below (router.ts): message type
// or port name → the sender zone allowed to use it → handler.
//
// Worker lifetime: an open native port keeps a Chromium MV3 service worker
// alive. While no host is reachable the worker may be stopped between retries;
// every listener is registered synchronously below, so a popup opening wakes it
// and it connects again from the top.

import { workerTrustedArea } from "./trusted-storage";
import { workerPatternStore } from "./pattern-store";
import { errorMessage } from "./errors";
import { loadCore } from "./core-loader";
import { loadProtocol } from "./protocol-loader";
import { registerCredentials } from "./credentials/register";
import { isCredentialsPage } from "./credentials/popup-api";
import type { FlowDeps } from "./flow-deps";
import { HostConnection } from "./host-connection";
import { KEYRING_STORAGE_KEY, KeyringStore } from "./keyring-store";
import { ENTRY_INDEX_STORAGE_KEY } from "./credentials/entry-index";
import { KEYSERVER_STORAGE_KEY } from "./discovery/keyserver";
import { handlePageRequest } from "./page-api";
import { PinBroker } from "./pin-broker";
import { realTimers } from "./requests";
import { listen, type MessageHandler, type RouterContext, type Routes } from "./router";
import { WebmailRelay } from "./webmail-relay";
import { handleWebmailApiRequest } from "./webmail-api";
import { registerTabNotices } from "./webmail-notices";
import { registerReaderWindows } from "./webmail-windows";
import { HOST_NAME } from "../shared/contracts/host";
import type { PageRequest } from "../shared/contracts/page";
import { WEBMAIL_CONTENT_PORT, WEBMAIL_FRAME_PORT, type WebmailApiRequest } from "../shared/contracts/webmail";
import { STATUS_PORT_NAME, type BackgroundToPage, type HostStatus } from "../shared/status";

const pages = new Set<chrome.runtime.Port>();

function publish(status: HostStatus): void {
  const message: BackgroundToPage = { type: "status", status };
  for (const page of pages) {
    try {
      page.postMessage(message);
    } catch {
      pages.delete(page);
    }
  }
}

const connection = new HostConnection({
  connect: () => chrome.runtime.connectNative(HOST_NAME),
  lastErrorMessage: () => chrome.runtime.lastError?.message,
  timers: realTimers,
  clientVersion: chrome.runtime.getManifest().version,
  onStatus: publish,
  log: (message) => console.info(`tessera: ${message}`),
});

// Webmail: content-script ports and frame ports, paired and checked (webmail-relay.ts).
const webmail = new WebmailRelay({
  extensionId: chrome.runtime.id,
  extensionBase: chrome.runtime.getURL(""),
  log: (message) => console.info(`tessera: ${message}`),
});

/** A status port of an extension page (the popup, the options page); content scripts never get one. */
function acceptStatusPort(port: chrome.runtime.Port): void {
  pages.add(port);
  port.onDisconnect.addListener(() => pages.delete(port));
  port.onMessage.addListener((message: unknown) => {
    if (typeof message === "object" && message !== null && (message as { type?: unknown }).type === "refresh") {
      connection.refresh();
    }
  });
  const hello: BackgroundToPage = { type: "status", status: connection.currentStatus() };
  port.postMessage(hello);
}

// --- OpenPGP: keyring, decrypt, encrypt, PIN prompt (extension pages only) ---

// Out of content scripts' reach (trusted-storage.ts); the entry index shares it (credentials/register.ts).
const trusted = workerTrustedArea();
const keyring = new KeyringStore(trusted);
// Older versions' values move at the worker's first start after the update, before any page can plant one.
for (const key of [KEYRING_STORAGE_KEY, ENTRY_INDEX_STORAGE_KEY]) {
  trusted.get(key).catch((err: unknown) => console.warn(`tessera: storage: ${errorMessage(err)}`));
}

const broker = new PinBroker({
  async openPrompt(promptId) {
    const win = await chrome.windows.create({
      url: chrome.runtime.getURL(`pin/pin.html?prompt=${encodeURIComponent(promptId)}`),
      type: "popup",
      width: 440,
      height: 480,
      focused: true,
    });
    return win?.id ?? null;
  },
  closePrompt(handle) {
    if (typeof handle === "number") chrome.windows.remove(handle).catch(() => {});
  },
  async verifyPin(token, pin, purpose) {
    try {
      await connection.request("token.verify_pin", { token, pin, purpose });
    } finally {
      connection.refresh(); // the popup shows the new tries left
    }
  },
  newId: () => crypto.randomUUID(),
});
chrome.windows.onRemoved.addListener((windowId) => broker.windowClosed(windowId));

// The host protocol module (small) at once: the connection and the popup's status need it.
loadProtocol(chrome.runtime.getURL("wasm/tessera_protocol_bg.wasm")).then(
  (codec) => connection.start(codec),
  (err: unknown) => connection.coreFailed(err),
);

// The OpenPGP module when a flow first needs it (core-loader.ts says why).
async function flows(): Promise<FlowDeps> {
  const pgp = await loadCore(chrome.runtime.getURL("wasm/tessera_core_bg.wasm"));
  return {
    pgp,
    keyring,
    request: (method, params) => connection.request(method, params),
    // The list the connection holds while fresh: a decryption costs no PC/SC listing of its own.
    listTokens: () => connection.tokens(),
    pins: broker,
  };
}

const pattern = workerPatternStore();
// Key discovery: the browser's own fetch (its TLS and trust store; servers must allow CORS, as
// WKD servers for web clients do) and the keyserver setting, off unless the user names one.
const discovery = {
  fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init),
  keyserver: async () => {
    const v = (await chrome.storage.local.get(KEYSERVER_STORAGE_KEY))[KEYSERVER_STORAGE_KEY];
    return typeof v === "string" ? v : "";
  },
  setKeyserver: (url: string) => chrome.storage.local.set({ [KEYSERVER_STORAGE_KEY]: url }),
};
const pageApi: MessageHandler = (message, sender) =>
  handlePageRequest({ flows, broker, pattern, tokensChanged: () => connection.refresh(), discovery }, message as unknown as PageRequest, sender);
const webmailApi: MessageHandler = (message, sender) => handleWebmailApiRequest(flows, message as unknown as WebmailApiRequest, sender);

// Message type (".*": a prefix) → the zone allowed to send it → handler (router.ts says what
// each zone is; a handler may still refuse by returning undefined: no answer).
const routes: Routes = {
  messages: [
    // The extension pages' page API (options, PIN prompt, webmail frames): page-api.ts.
    ...(["keyring.list", "keyring.import", "keyring.remove", "decrypt", "encrypt", "pin.info", "pin.submit", "pin.cancel", "ownKey.export", "pattern.get"] satisfies PageRequest["type"][]).map(
      (type) => ({ type, zone: "page" as const, handler: pageApi }),
    ),
    // Only the options page (and popup) may replace the pattern.
    { type: "pattern.replace", zone: "credentials-page", handler: pageApi },
    // Card set-up changes the card: from the options page (and its PIN window's submits) only.
    { type: "keys.find", zone: "page", handler: pageApi },
    { type: "keys.importFound", zone: "page", handler: pageApi },
    { type: "keyserver.get", zone: "credentials-page", handler: pageApi },
    { type: "wkd.layout", zone: "credentials-page", handler: pageApi },
    { type: "keyserver.set", zone: "credentials-page", handler: pageApi },
    { type: "card.status", zone: "credentials-page", handler: pageApi },
    { type: "card.setup", zone: "credentials-page", handler: pageApi },
    { type: "pin.submitCard", zone: "page", handler: pageApi },
    // PGP/MIME for the webmail frames only: webmail-api.ts.
    ...(["webmail.encryptMime", "webmail.decryptMime"] satisfies WebmailApiRequest["type"][]).map((type) => ({
      type,
      zone: "frame" as const,
      handler: webmailApi,
    })),
    // Autofill: credentials.* from the popup and options page, autofill.* from content scripts.
    ...registerCredentials({ flows, storage: trusted }),
    // Webmail notices a tab showed (content scripts report, the popup repeats them).
    ...registerTabNotices(),
    // Readers in their own window, for messages in sandboxed frames.
    ...registerReaderWindows(),
  ],
  // Any other message from an extension page: the page API's "unknown request".
  pageFallback: pageApi,
  ports: [
    { name: STATUS_PORT_NAME, zone: "page", accept: acceptStatusPort },
    // Webmail: content-script ports and frame ports, paired and checked again (webmail-relay.ts).
    { name: WEBMAIL_CONTENT_PORT, zone: "content", accept: (port) => webmail.accept(port) },
    { name: WEBMAIL_FRAME_PORT, zone: "frame", accept: (port) => webmail.accept(port) },
  ],
};

const routerContext: RouterContext = {
  extensionId: chrome.runtime.id,
  extensionBase: chrome.runtime.getURL(""),
  isCredentialsPage: (url) => isCredentialsPage(url, chrome.runtime.getURL("")),
};
listen(routes, routerContext, (message) => console.info(`tessera: ${message}`));
