// What the webmail content scripts told the user in a tab ("not protected",
// "cannot protect this field"), kept so that the popup says it too. Only the
// kind of notice is kept: never page text, never an address. Dropped when the
// tab's top frame navigates or the tab closes.

import type { MessageRoute } from "./router";
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

/** Registers the navigation and tab listeners; returns the message routes (service-worker.ts lists them). */
export function registerTabNotices(): MessageRoute[] {
  const notices = new TabNotices();
  chrome.webNavigation.onCommitted.addListener((details) => {
    if (details.frameId === 0) notices.forget(details.tabId);
  });
  chrome.tabs.onRemoved.addListener((tabId) => notices.forget(tabId));
  return [
    // The popup asks what a tab showed.
    {
      type: TAB_NOTICES_REQUEST,
      zone: "page",
      handler: (m) => (typeof m.tabId === "number" ? { ok: true, notices: notices.of(m.tabId) } : undefined),
    },
    // A content script of this extension in a web page reports one; no answer.
    {
      type: NOTICE_MESSAGE,
      zone: "content",
      handler: (m, sender) => {
        notices.report(m, sender.tab?.id);
        return undefined;
      },
    },
  ];
}
