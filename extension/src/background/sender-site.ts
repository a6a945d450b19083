// The web site an extension frame sits in (a webmail reader in a page), as the
// browser reports its tab: shown in PIN prompts so the user sees where the
// action comes from. An extension page in its own tab (options) has none.

export function webSiteOf(sender: chrome.runtime.MessageSender | undefined): string | null {
  const url = sender?.tab?.url;
  if (url === undefined) return null;
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:" ? u.host : null;
  } catch {
    return null;
  }
}
