// Wires autofill's background half into the service worker: the routes for
// the content script's `autofill.*` messages (strict sender checks) and the
// `credentials.*` requests of the popup and options page (router.ts), the
// fill-best-match keyboard command, and dropping a tab's state when it closes.
// The credentials wasm module loads on first use.

import { HostError, errorMessage } from "../errors";
import { errorText, t } from "../../shared/i18n";
import type { FlowDeps } from "../flow-deps";
import { loadCredCore } from "./core";
import { EntryIndex } from "./entry-index";
import { contentSender, handleContentMessage, type ContentApiDeps } from "./content-api";
import type { FrameInfo } from "./fill-flow";
import { fillBest, handleCredentialsRequest } from "./popup-api";
import { SaveOffers, TabSessions } from "./sessions";
import { typeBest, typeRoutes } from "./type-flow";
import { createTypeMenu, typeWhatOfMenuItem } from "./type-menu";
import type { MessageRoute } from "../router";
import type { KeyValueStorage } from "../keyring-store";
import type { TypeWhat } from "../../shared/contracts/console";
import { AUTOFILL_FIELDS_FOUND, AUTOFILL_LOGIN_SUBMITTED } from "../../shared/contracts/autofill";

export const FILL_BEST_COMMAND = "fill-best-match";
/** Types the best match's password into the console focused in the active tab (type-flow.ts). */
export const TYPE_PASSWORD_COMMAND = "type-password";

// The shortcut has no window of its own: when it cannot fill, the toolbar
// button of that tab says so (a mark, and the reason as its tooltip) instead
// of nothing happening. Badges of a tab end with its page.
function showShortcutBadge(tabId: number, reason: string, key: "shortcutNotFilled" | "shortcutNotTyped" = "shortcutNotFilled"): void {
  void chrome.action.setBadgeBackgroundColor({ tabId, color: "#b3261e" }).catch(() => {});
  void chrome.action.setBadgeText({ tabId, text: "!" }).catch(() => {});
  void chrome.action.setTitle({ tabId, title: t(key, [reason]) }).catch(() => {});
}

function clearShortcutBadge(tabId: number): void {
  void chrome.action.setBadgeText({ tabId, text: "" }).catch(() => {});
  void chrome.action.setTitle({ tabId, title: t("actionTitle") }).catch(() => {});
}

/** Registers the command and tab listeners; returns the message routes (service-worker.ts lists them). */
export function registerCredentials(opts: { flows(): Promise<FlowDeps>; storage: KeyValueStorage }): MessageRoute[] {
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
    index: new EntryIndex(opts.storage, (m) => console.warn(`tessera: ${m}`)),
    offers,
    now: () => Date.now(),
  };

  /** From a content script of ours in a web page, with a tab and a frame (content-api.ts contentSender). */
  const fromContent = (message: Record<string, unknown>, sender: chrome.runtime.MessageSender): unknown => {
    const from = contentSender(sender, chrome.runtime.id);
    return from === null ? undefined : handleContentMessage(deps, from, message);
  };

  // The reply is a count; on failure the toolbar button says why, as for fill-best-match.
  const typeFromBrowserUi = (tabId: number, what: TypeWhat): void => {
    typeBest(deps, tabId, what).then(
      () => clearShortcutBadge(tabId),
      (err: unknown) => {
        const code = err instanceof HostError ? err.code : "internal";
        showShortcutBadge(tabId, `${errorText(code)} (${errorMessage(err)})`, "shortcutNotTyped");
      },
    );
  };

  chrome.commands?.onCommand.addListener((command, tab) => {
    if (command !== TYPE_PASSWORD_COMMAND || tab?.id === undefined) return;
    typeFromBrowserUi(tab.id, "password");
  });

  if (chrome.contextMenus !== undefined) {
    chrome.runtime.onInstalled.addListener(() => createTypeMenu(chrome.contextMenus));
    chrome.contextMenus.onClicked.addListener((info, tab) => {
      const what = typeWhatOfMenuItem(info.menuItemId);
      if (what === null || tab?.id === undefined) return;
      typeFromBrowserUi(tab.id, what);
    });
  }

  chrome.commands?.onCommand.addListener((command, tab) => {
    if (command !== FILL_BEST_COMMAND || tab?.id === undefined) return;
    const tabId = tab.id;
    fillBest(deps, tabId).then(
      (r) => {
        console.info(`tessera: fill-best-match: ${r.ok ? `filled ${r.entry}` : r.message}`);
        if (r.ok) clearShortcutBadge(tabId);
        else showShortcutBadge(tabId, r.message);
      },
      (err: unknown) => {
        console.warn(`tessera: fill-best-match: ${errorMessage(err)}`);
        const code = err instanceof HostError ? err.code : "internal";
        showShortcutBadge(tabId, `${errorText(code)} (${errorMessage(err)})`);
      },
    );
  });

  chrome.tabs.onRemoved.addListener((tabId) => {
    sessions.clear(tabId);
    offers.clearTab(tabId);
  });

  return [
    // Before credentials.*: the router takes the first route that matches.
    ...typeRoutes(deps),
    { type: "credentials.*", zone: "credentials-page", handler: (message) => handleCredentialsRequest(deps, message) },
    { type: AUTOFILL_FIELDS_FOUND, zone: "content", handler: fromContent },
    { type: AUTOFILL_LOGIN_SUBMITTED, zone: "content", handler: fromContent },
  ];
}
