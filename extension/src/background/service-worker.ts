// Entry point of the background context (Chromium service worker, Firefox
// background script). Owns the only connection to tessera-host and publishes
// its status to extension pages over the "tessera-status" port.
//
// Worker lifetime: an open native port keeps a Chromium MV3 service worker
// alive. While no host is reachable the worker may be stopped between retries;
// every listener is registered synchronously below, so a popup opening wakes it
// and it connects again from the top.

import { loadCore } from "./core";
import { HOST_NAME, HostConnection } from "./host-connection";
import { realTimers } from "./requests";
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

/** Only the extension's own pages get the status; content scripts never do. */
function isExtensionPage(sender: chrome.runtime.MessageSender | undefined): boolean {
  return sender?.id === chrome.runtime.id && (sender.url ?? "").startsWith(chrome.runtime.getURL(""));
}

chrome.runtime.onConnect.addListener((port) => {
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

loadCore(chrome.runtime.getURL("wasm/tessera_core_bg.wasm")).then(
  (codec) => connection.start(codec),
  (err: unknown) => connection.coreFailed(err),
);
