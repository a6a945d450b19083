// Wires autofill's background half into the service worker: the content
// script listener (strict sender checks), the `credentials.*` requests of the
// extension's own pages, the fill-best-match keyboard command, and dropping a
// tab's state when it closes. The credentials wasm module loads on first use.

import { errorMessage } from "../errors";
import type { FlowDeps } from "../flow-deps";
import { loadCredCore } from "./core";
import { contentSender, handleContentMessage, isAutofillMessage, type ContentApiDeps } from "./content-api";
import type { FrameInfo } from "./fill-flow";
import { fillBest, handleCredentialsRequest, isCredentialsPage, isCredentialsRequest } from "./popup-api";
import { SaveOffers, TabSessions } from "./sessions";

export const FILL_BEST_COMMAND = "fill-best-match";

export { isCredentialsRequest };

export function registerCredentials(opts: {
  flows(): Promise<FlowDeps>;
  isExtensionPage(sender: chrome.runtime.MessageSender | undefined): boolean;
}): void {
  const sessions = new TabSessions();
  const offers = new SaveOffers(() => crypto.randomUUID());
  const deps: ContentApiDeps = {
    flows: opts.flows,
    cred: () => loadCredCore(chrome.runtime.getURL("wasm/tessera_credentials_bg.wasm")),
    async frames(tabId: number): Promise<FrameInfo[]> {
      const all = (await chrome.webNavigation.getAllFrames({ tabId })) ?? [];
      return all.map((f) => ({ frameId: f.frameId, parentFrameId: f.parentFrameId, url: f.url }));
    },
    sendToFrame: (tabId, frameId, message) => chrome.tabs.sendMessage(tabId, message, { frameId }),
    sessions,
    knownUrls: new Map(),
    offers,
    now: () => Date.now(),
  };

  chrome.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
    if (typeof message !== "object" || message === null) return false;
    if (isCredentialsRequest(message)) {
      if (!opts.isExtensionPage(sender) || !isCredentialsPage(sender.url, chrome.runtime.getURL(""))) return false;
      void handleCredentialsRequest(deps, message).then(sendResponse);
      return true;
    }
    if (!isAutofillMessage(message)) return false;
    const from = contentSender(sender, chrome.runtime.id);
    if (from === null || opts.isExtensionPage(sender)) return false;
    void handleContentMessage(deps, from, message).then(sendResponse);
    return true;
  });

  chrome.commands?.onCommand.addListener((command, tab) => {
    if (command !== FILL_BEST_COMMAND || tab?.id === undefined) return;
    fillBest(deps, tab.id).then(
      (r) => console.info(`tessera: fill-best-match: ${r.ok ? `filled ${r.entry}` : r.message}`),
      (err: unknown) => console.warn(`tessera: fill-best-match: ${errorMessage(err)}`),
    );
  });

  chrome.tabs.onRemoved.addListener((tabId) => {
    sessions.clear(tabId);
    offers.clearTab(tabId);
  });
}
