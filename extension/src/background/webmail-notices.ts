// What the webmail content scripts told the user in a tab ("not protected",
// "cannot protect this field"), kept so that the popup says it too. Only the
// kind of notice is kept: never page text, never an address. Dropped when the
// tab's top frame navigates or the tab closes.

import { isWebDocument } from "./webmail-relay";
import { NOTICE_MESSAGE, TAB_NOTICES_REQUEST, type TabNotice } from "../shared/contracts/webmail";

const KINDS: ReadonlySet<string> = new Set<TabNotice>(["unprotected", "unsupported"]);

export class TabNotices {
  private readonly byTab = new Map<number, Set<TabNotice>>();

  /** A content script's report; false when the message is not one (so another listener may answer it). */
  report(message: unknown, tabId: number | undefined): boolean {
    if (typeof message !== "object" || message === null) return false;
    const m = message as { type?: unknown; kind?: unknown };
    if (m.type !== NOTICE_MESSAGE) return false;
    if (typeof tabId !== "number" || typeof m.kind !== "string" || !KINDS.has(m.kind)) return true;
    let set = this.byTab.get(tabId);
    if (set === undefined) this.byTab.set(tabId, (set = new Set()));
    set.add(m.kind as TabNotice);
    return true;
  }

  of(tabId: number): TabNotice[] {
    return [...(this.byTab.get(tabId) ?? [])];
  }

  forget(tabId: number): void {
    this.byTab.delete(tabId);
  }
}

export function registerTabNotices(isExtensionPage: (sender: chrome.runtime.MessageSender) => boolean): void {
  const notices = new TabNotices();
  chrome.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
    const m = message as { type?: unknown; tabId?: unknown } | null;
    if (m?.type === TAB_NOTICES_REQUEST) {
      if (!isExtensionPage(sender) || typeof m.tabId !== "number") return false;
      sendResponse({ ok: true, notices: notices.of(m.tabId) });
      return false;
    }
    // From a content script of this extension in a web page only.
    if (sender.id !== chrome.runtime.id || isExtensionPage(sender) || !isWebDocument(sender.url ?? "")) return false;
    notices.report(message, sender.tab?.id);
    return false;
  });
  chrome.webNavigation.onCommitted.addListener((details) => {
    if (details.frameId === 0) notices.forget(details.tabId);
  });
  chrome.tabs.onRemoved.addListener((tabId) => notices.forget(tabId));
}
