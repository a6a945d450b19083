// The popup repeats what the webmail content script told the user in this
// tab: typing went into the page's own editor, or into a field Tessera cannot
// protect. Only the kinds are known here, never what was typed.

import { byTestId, el } from "../pages/dom";
import { t } from "../shared/i18n";
import { TAB_NOTICES_REQUEST, type TabNotice } from "../shared/contracts/webmail";

const TEXT: Record<TabNotice, string> = { unprotected: "popupWebmailUnprotected", unsupported: "popupWebmailUnsupported" };

export async function showTabNotices(tabId: number | null): Promise<void> {
  if (tabId === null) return;
  const reply = (await chrome.runtime.sendMessage({ type: TAB_NOTICES_REQUEST, tabId })) as { ok?: boolean; notices?: unknown } | undefined;
  const notices = Array.isArray(reply?.notices) ? reply.notices.filter((n): n is TabNotice => n === "unprotected" || n === "unsupported") : [];
  byTestId("webmail-notices").replaceChildren(...notices.map((n) => el("li", { "data-testid": "webmail-notice", "data-kind": n }, t(TEXT[n]))));
  byTestId("webmail-notices-section").hidden = notices.length === 0;
}
