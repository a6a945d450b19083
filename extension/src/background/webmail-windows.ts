// A reader in a window of its own, for an encrypted message Tessera cannot
// frame in place: a page that shows mail in a sandboxed frame (opaque
// origin), where no extension page may be embedded (frame-ancestors) and
// whose parent cannot reach in. The content script in that frame offers
// "Open in Tessera"; the background opens reader.html?window=ID as a popup
// window and hands that page, once, the armored text (ciphertext only). A
// top-level window cannot be covered or faded by the page.

import { ARMORED_MESSAGE, MAX_ARMORED_CHARS, OPEN_READER_WINDOW, READER_WINDOW_ARMOR } from "../shared/contracts/webmail";
import { isWebDocument } from "./webmail-relay";

/** Messages waiting for their window: at most a few, for a short while. */
const MAX_PENDING = 8;
const PENDING_MS = 60_000;

export function registerReaderWindows(isExtensionPage: (sender: chrome.runtime.MessageSender) => boolean): void {
  const pending = new Map<string, { armored: string; at: number }>();
  chrome.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
    const m = message as { type?: unknown; armored?: unknown; id?: unknown } | null;
    if (m?.type === OPEN_READER_WINDOW) {
      // From a content script of this extension in a web page only, with one armored message.
      if (sender.id !== chrome.runtime.id || isExtensionPage(sender) || !isWebDocument(sender.url ?? "") || sender.tab === undefined) return false;
      if (typeof m.armored !== "string" || m.armored.length > MAX_ARMORED_CHARS || !ARMORED_MESSAGE.test(m.armored)) return false;
      const now = Date.now();
      for (const [id, p] of pending) if (now - p.at > PENDING_MS) pending.delete(id);
      if (pending.size >= MAX_PENDING) return false;
      const id = crypto.randomUUID();
      pending.set(id, { armored: m.armored, at: now });
      void chrome.windows.create({ url: chrome.runtime.getURL(`frames/reader/reader.html?window=${id}`), type: "popup", width: 760, height: 600, focused: true });
      return false;
    }
    if (m?.type === READER_WINDOW_ARMOR) {
      if (!isExtensionPage(sender) || !(sender.url ?? "").startsWith(chrome.runtime.getURL("frames/reader/")) || typeof m.id !== "string") return false;
      const found = pending.get(m.id);
      pending.delete(m.id);
      sendResponse(found === undefined ? { ok: false } : { ok: true, armored: found.armored });
      return false;
    }
    return false;
  });
}
