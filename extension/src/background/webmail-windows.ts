// A reader in a window of its own, for an encrypted message Tessera cannot
// frame in place: a page that shows mail in a sandboxed frame (opaque
// origin), where no extension page may be embedded (frame-ancestors) and
// whose parent cannot reach in. The content script in that frame offers
// "Open in Tessera"; the background opens reader.html?window=ID as a popup
// window and hands that page, once, the armored text (ciphertext only). A
// top-level window cannot be covered or faded by the page.

import { ARMORED_MESSAGE, MAX_ARMORED_CHARS, OPEN_READER_WINDOW, READER_WINDOW_ARMOR } from "../shared/contracts/webmail";
import type { MessageRoute } from "./router";

/** Messages waiting for their window: at most a few, for a short while. */
const MAX_PENDING = 8;
const PENDING_MS = 60_000;

/** The message routes (service-worker.ts lists them); never answers the content script. */
export function registerReaderWindows(): MessageRoute[] {
  const pending = new Map<string, { armored: string; at: number }>();
  return [
    // From a content script of this extension in a web page of a tab, with one armored message.
    {
      type: OPEN_READER_WINDOW,
      zone: "content",
      handler: (m, sender) => {
        if (sender.tab === undefined) return undefined;
        if (typeof m.armored !== "string" || m.armored.length > MAX_ARMORED_CHARS || !ARMORED_MESSAGE.test(m.armored)) return undefined;
        const now = Date.now();
        for (const [id, p] of pending) if (now - p.at > PENDING_MS) pending.delete(id);
        if (pending.size >= MAX_PENDING) return undefined;
        const id = crypto.randomUUID();
        pending.set(id, { armored: m.armored, at: now });
        void chrome.windows.create({ url: chrome.runtime.getURL(`frames/reader/reader.html?window=${id}`), type: "popup", width: 760, height: 600, focused: true });
        return undefined;
      },
    },
    // The reader window asks for it, once.
    {
      type: READER_WINDOW_ARMOR,
      zone: "reader-frame",
      handler: (m) => {
        if (typeof m.id !== "string") return undefined;
        const found = pending.get(m.id);
        pending.delete(m.id);
        return found === undefined ? { ok: false } : { ok: true, armored: found.armored };
      },
    },
  ];
}
