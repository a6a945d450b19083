// Entry point of the background context (Chromium service worker, Firefox
// background script). Owns the only connection to tessera-host and publishes
// its status to extension pages over the "tessera-status" port.
//
// Worker lifetime: an open native port keeps a Chromium MV3 service worker
// alive. While no host is reachable the worker may be stopped between retries;
// every listener is registered synchronously below, so a popup opening wakes it
// and it connects again from the top.

import { loadCore, type Core } from "./core";
import { isCredentialsRequest, registerCredentials } from "./credentials/register";
import type { FlowDeps } from "./flow-deps";
import { HOST_NAME, HostConnection } from "./host-connection";
import { KeyringStore } from "./keyring-store";
import { handlePageRequest } from "./page-api";
import { PinBroker } from "./pin-broker";
import { realTimers } from "./requests";
import { WEBMAIL_PORT_NAMES, WebmailRelay } from "./webmail-relay";
import { handleWebmailApiRequest, isWebmailApiRequest } from "./webmail-api";
import { registerTabNotices } from "./webmail-notices";
import { registerReaderWindows } from "./webmail-windows";
import { patternSeed } from "../shared/security-pattern";
import type { PageRequest } from "../shared/contracts/page";
import { READER_WINDOW_ARMOR, TAB_NOTICES_REQUEST } from "../shared/contracts/webmail";
import { STATUS_PORT_NAME, type BackgroundToPage, type HostStatus } from "../shared/status";
import { readTokenList } from "../shared/token-list";

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

/** Only the extension's own pages get the status; content scripts never do. */
function isExtensionPage(sender: chrome.runtime.MessageSender | undefined): boolean {
  return sender?.id === chrome.runtime.id && (sender.url ?? "").startsWith(chrome.runtime.getURL(""));
}

// The security pattern exists before any frame or PIN prompt asks for it (no two first draws).
void patternSeed();

// Webmail: content-script ports and frame ports, paired and checked (webmail-relay.ts).
const webmail = new WebmailRelay({
  extensionId: chrome.runtime.id,
  extensionBase: chrome.runtime.getURL(""),
  log: (message) => console.info(`tessera: ${message}`),
});

chrome.runtime.onConnect.addListener((port) => {
  if (WEBMAIL_PORT_NAMES.has(port.name)) {
    webmail.accept(port);
    return;
  }
  if (port.name !== STATUS_PORT_NAME || !isExtensionPage(port.sender)) {
    port.disconnect();
    return;
  }
  pages.add(port);
  port.onDisconnect.addListener(() => pages.delete(port));
  port.onMessage.addListener((message: unknown) => {
    if (typeof message === "object" && message !== null && (message as { type?: unknown }).type === "refresh") {
      connection.refresh();
    }
  });
  const hello: BackgroundToPage = { type: "status", status: connection.currentStatus() };
  port.postMessage(hello);
});

// --- OpenPGP: keyring, decrypt, encrypt, PIN prompt (extension pages only) ---

const keyring = new KeyringStore({
  get: (key) => chrome.storage.local.get(key),
  set: (items) => chrome.storage.local.set(items),
});

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

const coreReady: Promise<Core> = loadCore(chrome.runtime.getURL("wasm/tessera_core_bg.wasm"));
coreReady.then(
  (core) => connection.start(core.codec),
  (err: unknown) => connection.coreFailed(err),
);

async function flows(): Promise<FlowDeps> {
  const core = await coreReady;
  return {
    pgp: core.pgp,
    keyring,
    request: (method, params) => connection.request(method, params),
    listTokens: async () => readTokenList(await connection.request("token.list", {})).tokens,
    pins: broker,
  };
}

// Autofill: content-script messages and the popup's credentials.* requests.
registerCredentials({ flows, isExtensionPage });
// Webmail notices a tab showed (the popup repeats them).
registerTabNotices(isExtensionPage);
// Readers in their own window, for messages in sandboxed frames.
registerReaderWindows(isExtensionPage);

chrome.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
  if (!isExtensionPage(sender) || typeof message !== "object" || message === null) return false;
  if (isCredentialsRequest(message)) return false; // answered by registerCredentials
  const type = (message as { type?: unknown }).type;
  if (type === TAB_NOTICES_REQUEST || type === READER_WINDOW_ARMOR) return false; // answered by their own listeners
  if (isWebmailApiRequest(message)) {
    // Only the webmail frames ask this (a page under frames/ of this extension).
    if (!(sender.url ?? "").startsWith(chrome.runtime.getURL("frames/"))) return false;
    void handleWebmailApiRequest(flows, message).then(sendResponse);
    return true;
  }
  void handlePageRequest({ flows, broker }, message as PageRequest).then(sendResponse);
  return true;
});
