// Messages of the webmail integration. Three parties: the content script (in
// the web page, sees ciphertext only), the background (relays, checks every
// sender) and the extension-origin frames (editor, reader: the only places
// plaintext exists). The content script and a frame never talk directly:
// a page can postMessage to a frame as easily as the content script can.

import type { SignatureStatus } from "./crypto-api";

export const WEBMAIL_CONTENT_PORT = "tessera-webmail-content";
export const WEBMAIL_FRAME_PORT = "tessera-webmail-frame";

export type FrameKind = "editor" | "reader";

/** Largest armored text relayed either way (a 10 MiB attachment grows ~4/3 in armor). */
export const MAX_ARMORED_CHARS = 20 * 1024 * 1024;

/** Session ids are random, made by the content script, and travel in the frame's URL fragment. */
export const SESSION_ID = /^[A-Za-z0-9_-]{22,64}$/;

export const ARMORED_MESSAGE = /^-----BEGIN PGP MESSAGE-----\r?\n[\s\S]*\r?\n-----END PGP MESSAGE-----\s*$/;

/** Content script → background: the first message binds the port to a session. */
export type ContentToBackground =
  | { type: "open"; session: string; kind: FrameKind }
  | { type: "recipients"; addresses: string[]; sender: string | null }
  | { type: "armored"; armored: string; pgpMime: boolean }
  | { type: "visibility"; visible: boolean };

/** Background → frame (what the content script said, checked). */
export type ToFrame =
  | { type: "recipients"; addresses: string[]; sender: string | null }
  /** pgpMime: the encrypted part of a multipart/encrypted message (decrypts to a MIME entity). */
  | { type: "armored"; armored: string; pgpMime: boolean }
  | { type: "visibility"; visible: boolean };

/** Frame → background: the first message claims the session. */
export type FrameToBackground =
  | { type: "hello"; session: string; kind: FrameKind }
  /** pgpMime: the armor is an encrypted RFC 3156 entity (text + attachments), to send as multipart/encrypted. */
  | { type: "write"; armored: string; pgpMime: boolean }
  | { type: "height"; px: number }
  | { type: "close" };

/** Background → content script. */
export type ToContent = { type: "write"; armored: string; pgpMime: boolean } | { type: "height"; px: number } | { type: "close" };

/** Frames → background over runtime.sendMessage (answered only for pages under frames/). */
export type WebmailApiRequest =
  | {
      type: "webmail.encryptMime";
      text: string;
      attachments: Array<{ name: string; type: string; base64: string }>;
      recipients: string[];
      sign: boolean;
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
