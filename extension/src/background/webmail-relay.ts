// Pairs each webmail content-script port with the one extension frame it
// opened, and relays between them. Content scripts live in hostile pages, so
// every port is checked (extension id, tab, frame, URL) and every relayed value
// is checked for shape: the content script may only hand ciphertext and
// addresses to a frame, and a frame may only hand an armored OpenPGP message
// back. Crypto requests never pass here; the frames ask page-api themselves.

import {
  ARMORED_MESSAGE,
  MAX_ARMORED_CHARS,
  SESSION_ID,
  WEBMAIL_CONTENT_PORT,
  WEBMAIL_FRAME_PORT,
  isObject,
  type FrameKind,
  type Recipients,
  type ToContent,
  type ToFrame,
} from "../shared/contracts/webmail";

export const WEBMAIL_PORT_NAMES: ReadonlySet<string> = new Set([WEBMAIL_CONTENT_PORT, WEBMAIL_FRAME_PORT]);

/** The part of chrome.runtime.Port this module uses (a fake in unit tests). */
export interface RelayPort {
  name: string;
  sender?: chrome.runtime.MessageSender;
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(fn: (message: unknown) => void): void };
  onDisconnect: { addListener(fn: () => void): void };
}

export interface RelayDeps {
  extensionId: string;
  /** runtime.getURL(""), e.g. chrome-extension://<id>/ */
  extensionBase: string;
  log?: (message: string) => void;
}

interface Session {
  kind: FrameKind;
  tabId: number;
  content: RelayPort;
  frame: RelayPort | null;
  /** A frame was attached once: a second claim (a page framing our URL itself) is refused. */
  claimed: boolean;
  queue: ToFrame[];
}

const MAX_ADDRESSES = 500;
const KINDS: ReadonlySet<string> = new Set(["editor", "reader"]);

export class WebmailRelay {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly deps: RelayDeps) {}

  /** Called for every runtime.onConnect; returns false for ports that are not ours. */
  accept(port: RelayPort): boolean {
    if (port.name === WEBMAIL_CONTENT_PORT) {
      this.acceptContent(port);
      return true;
    }
    if (port.name === WEBMAIL_FRAME_PORT) {
      this.acceptFrame(port);
      return true;
    }
    return false;
  }

  sessionCount(): number {
    return this.sessions.size;
  }

  private refuse(port: RelayPort, why: string): void {
    this.deps.log?.(`webmail: refused a port: ${why}`);
    port.disconnect();
  }

  private acceptContent(port: RelayPort): void {
    const s = port.sender;
    const url = s?.url ?? "";
    if (s?.id !== this.deps.extensionId || typeof s.tab?.id !== "number" || typeof s.frameId !== "number") {
      return this.refuse(port, "content port without our id, a tab and a frame");
    }
    if (!isWebDocument(url) || url.startsWith(this.deps.extensionBase)) {
      return this.refuse(port, "content port from a non-web URL");
    }
    const tabId = s.tab.id;
    let session: Session | null = null;
    let id = "";
    port.onDisconnect.addListener(() => {
      if (session === null) return;
      this.sessions.delete(id);
      session.frame?.disconnect();
    });
    port.onMessage.addListener((message: unknown) => {
      if (!isObject(message)) return;
      if (session === null) {
        if (message.type !== "open" || typeof message.session !== "string" || !SESSION_ID.test(message.session)) {
          return this.refuse(port, "first content message is not a valid open");
        }
        if (typeof message.kind !== "string" || !KINDS.has(message.kind) || this.sessions.has(message.session)) {
          return this.refuse(port, "bad or reused session");
        }
        id = message.session;
        session = { kind: message.kind as FrameKind, tabId, content: port, frame: null, claimed: false, queue: [] };
        this.sessions.set(id, session);
        return;
      }
      const forward = contentToFrame(message, session.kind);
      if (forward === null) return this.deps.log?.("webmail: dropped a malformed content message");
      if (session.frame) session.frame.postMessage(forward);
      else session.queue.push(forward);
    });
  }

  private acceptFrame(port: RelayPort): void {
    const s = port.sender;
    const url = s?.url ?? "";
    if (s?.id !== this.deps.extensionId || typeof s.tab?.id !== "number" || !url.startsWith(`${this.deps.extensionBase}frames/`)) {
      return this.refuse(port, "frame port not from our frames in a tab");
    }
    if (typeof s.frameId !== "number" || s.frameId === 0) return this.refuse(port, "frame port from a top-level page");
    const tabId = s.tab.id;
    let session: Session | null = null;
    port.onDisconnect.addListener(() => {
      if (session === null || session.frame !== port) return;
      session.frame = null;
      session.content.postMessage({ type: "close" } satisfies ToContent);
    });
    port.onMessage.addListener((message: unknown) => {
      if (!isObject(message)) return;
      if (session === null) {
        const found = typeof message.session === "string" ? this.sessions.get(message.session) : undefined;
        if (message.type !== "hello" || found === undefined) return this.refuse(port, "hello for an unknown session");
        if (found.tabId !== tabId || found.kind !== message.kind || found.claimed || !url.includes(`/frames/${found.kind}/`)) {
          return this.refuse(port, "session claimed twice, from another tab, or by the wrong frame");
        }
        found.claimed = true;
        found.frame = port;
        session = found;
        for (const queued of found.queue.splice(0)) port.postMessage(queued);
        return;
      }
      const forward = frameToContent(message);
      if (forward === null) return this.deps.log?.("webmail: dropped a malformed frame message");
      session.content.postMessage(forward);
    });
  }
}

/** A web page's document: http(s), or a frame of one that its scripts filled (about:blank, about:srcdoc). */
export function isWebDocument(url: string): boolean {
  return /^https?:\/\//.test(url) || url === "about:blank" || url === "about:srcdoc";
}

function addressList(v: unknown): string[] | null {
  if (!Array.isArray(v) || v.length > MAX_ADDRESSES) return null;
  return v.filter((a): a is string => typeof a === "string" && a.length <= 320);
}

function recipientsOf(v: unknown): Recipients | null {
  if (!isObject(v)) return null;
  const to = addressList(v.to);
  const cc = addressList(v.cc);
  const bcc = addressList(v.bcc);
  return to === null || cc === null || bcc === null ? null : { to, cc, bcc };
}

/** Message ids of gesture questions: small non-negative integers the frame counts up. */
const isGestureId = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isCoordinate = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && Math.abs(v) <= 100_000;

function contentToFrame(m: Record<string, unknown>, kind: FrameKind): ToFrame | null {
  switch (m.type) {
    case "recipients": {
      const recipients = recipientsOf(m.recipients);
      if (recipients === null) return null;
      const sender = typeof m.sender === "string" && m.sender.length <= 320 ? m.sender : null;
      return { type: "recipients", recipients, sender };
    }
    case "armored":
      if (typeof m.armored !== "string" || m.armored.length > MAX_ARMORED_CHARS) return null;
      return { type: "armored", armored: m.armored, pgpMime: m.pgpMime === true };
    case "draft":
      // Only an editor continues a draft, and only from an armored message.
      if (kind !== "editor" || typeof m.armored !== "string" || m.armored.length > MAX_ARMORED_CHARS || !ARMORED_MESSAGE.test(m.armored)) return null;
      return { type: "draft", armored: m.armored };
    case "visibility":
      if (typeof m.visible !== "boolean") return null;
      return { type: "visibility", visible: m.visible, flat: m.flat === true, reason: typeof m.reason === "string" && m.reason.length <= 64 ? m.reason : "" };
    case "writeResult":
      return kind === "editor" && typeof m.ok === "boolean" ? { type: "writeResult", ok: m.ok } : null;
    case "gestureVerdict":
      if (!isGestureId(m.id) || typeof m.ok !== "boolean" || typeof m.reason !== "string" || m.reason.length > 64) return null;
      return { type: "gestureVerdict", id: m.id, ok: m.ok, reason: m.reason, flat: m.flat === true };
    default:
      return null;
  }
}

function frameToContent(m: Record<string, unknown>): ToContent | null {
  switch (m.type) {
    case "write":
      // The only thing a frame writes into a page: an armored OpenPGP message.
      if (typeof m.armored !== "string" || m.armored.length > MAX_ARMORED_CHARS || !ARMORED_MESSAGE.test(m.armored)) return null;
      return { type: "write", armored: m.armored, pgpMime: m.pgpMime === true };
    case "height":
      return typeof m.px === "number" && Number.isFinite(m.px) ? { type: "height", px: Math.max(80, Math.min(4000, Math.round(m.px))) } : null;
    case "gesture":
      if (!isGestureId(m.id) || ![m.x, m.y, m.width, m.height].every(isCoordinate)) return null;
      return { type: "gesture", id: m.id, x: m.x as number, y: m.y as number, width: m.width as number, height: m.height as number };
    case "close":
      return { type: "close" };
    default:
      return null;
  }
}
