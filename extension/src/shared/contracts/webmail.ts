// Messages of the webmail integration. Three parties: the content script (in
// the web page, sees ciphertext only), the background (relays, checks every
// sender) and the extension-origin frames (editor, reader: the only places
// plaintext exists). The content script and a frame never talk directly:
// a page can postMessage to a frame as easily as the content script can.

import type { SignatureStatus } from "./page";

export const WEBMAIL_CONTENT_PORT = "tessera-webmail-content";
export const WEBMAIL_FRAME_PORT = "tessera-webmail-frame";

export type FrameKind = "editor" | "reader";

/** Largest armored text relayed either way (a 10 MiB attachment grows ~4/3 in armor). */
export const MAX_ARMORED_CHARS = 20 * 1024 * 1024;

/** Session ids are random, made by the content script, and travel in the frame's URL fragment. */
export const SESSION_ID = /^[A-Za-z0-9_-]{22,64}$/;

export const ARMORED_MESSAGE = /^-----BEGIN PGP MESSAGE-----\r?\n[\s\S]*\r?\n-----END PGP MESSAGE-----\s*$/;

/** Content script → background (runtime.sendMessage): the tab showed a notice of this kind (no page text). */
export const NOTICE_MESSAGE = "webmail.notice";
/** Content script in a sandboxed frame → background: open this armored message in a reader window. */
export const OPEN_READER_WINDOW = "webmail.openReaderWindow";
/** Reader window → background: the armored message it was opened for (given once). */
export const READER_WINDOW_ARMOR = "webmail.readerWindowArmor";
/** Popup → background: the notices a tab showed. */
export const TAB_NOTICES_REQUEST = "webmail.tabNotices";
export type TabNotice = "unprotected" | "unsupported";

/** Recipients as the page shows them; Bcc recipients are encrypted for with their key IDs hidden. */
export interface Recipients {
  to: string[];
  cc: string[];
  bcc: string[];
}

/**
 * The content script's answer to a frame's "gesture" question: may a click at
 * that point act? flat: no transform, filter or will-change on the way up, so
 * IntersectionObserver v2's verdict (Chromium) is meaningful there too.
 */
export interface GestureVerdict {
  type: "gestureVerdict";
  id: number;
  ok: boolean;
  reason: string;
  flat: boolean;
}

/** Content script → background: the first message binds the port to a session. */
export type ContentToBackground =
  | { type: "open"; session: string; kind: FrameKind }
  | { type: "recipients"; recipients: Recipients; sender: string | null }
  | { type: "armored"; armored: string; pgpMime: boolean }
  /** Editor only: the compose field already holds this armor (an encrypted draft to continue). */
  | { type: "draft"; armored: string }
  /** reason: why not visible (click-evidence.ts codes), "" when visible. */
  | { type: "visibility"; visible: boolean; flat?: boolean; reason?: string }
  /** Editor only: whether the armor it wrote is now in the page's compose body. */
  | { type: "writeResult"; ok: boolean }
  | GestureVerdict;

/** Background → frame (what the content script said, checked). */
export type ToFrame =
  | { type: "recipients"; recipients: Recipients; sender: string | null }
  /** pgpMime: the encrypted part of a multipart/encrypted message (decrypts to a MIME entity). */
  | { type: "armored"; armored: string; pgpMime: boolean }
  | { type: "draft"; armored: string }
  | { type: "visibility"; visible: boolean; flat: boolean; reason: string }
  | { type: "writeResult"; ok: boolean }
  | GestureVerdict;

/** A frame asks whether a real click at (x, y) of its viewport (width × height) may act. */
export interface GestureQuestion {
  type: "gesture";
  id: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Frame → background: the first message claims the session. */
export type FrameToBackground =
  | { type: "hello"; session: string; kind: FrameKind }
  /** pgpMime: the armor is an encrypted RFC 3156 entity (text + attachments), to send as multipart/encrypted. */
  | { type: "write"; armored: string; pgpMime: boolean }
  | { type: "height"; px: number }
  | GestureQuestion
  | { type: "close" };

/** Background → content script. */
export type ToContent =
  | { type: "write"; armored: string; pgpMime: boolean }
  | { type: "height"; px: number }
  | GestureQuestion
  | { type: "close" };

/** Frames → background over runtime.sendMessage (answered only for pages under frames/). */
export type WebmailApiRequest =
  | {
      type: "webmail.encryptMime";
      text: string;
      attachments: Array<{ name: string; type: string; base64: string }>;
      recipients: string[];
      sign: boolean;
      /** Fingerprints among `recipients` to encrypt to without their key IDs (Bcc). */
      hidden?: string[];
    }
  | { type: "webmail.decryptMime"; armored: string };

export interface DecryptedAttachment {
  filename: string;
  contentType: string;
  base64: string;
}

export type WebmailApiReply =
  | { ok: true; armored: string }
  | { ok: true; text: string; attachments: DecryptedAttachment[]; signatures: SignatureStatus[] }
  | { ok: false; code: string; message: string };

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

/** Addresses as they come from To/Cc fields: each "Name <a@b>" or "a@b", lowercased, deduplicated. */
export function parseAddresses(text: string): string[] {
  const found = text.match(/[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g) ?? [];
  return [...new Set(found.map((a) => a.toLowerCase()))];
}
