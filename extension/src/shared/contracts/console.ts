// Typing into consoles that have no login form (web terminals, VNC consoles):
// the messages between background/credentials/type-flow.ts and the content
// script's content/console/. The background decides what may be typed where
// (origin rules, typable characters) before any text leaves the worker.

/** What the popup asks to type; `username_tab_password_enter` types "login ⇥ password ⏎". */
export type TypeWhat = "password" | "username" | "otp" | "username_tab_password_enter";
export const TYPE_WHATS: readonly TypeWhat[] = ["password", "username", "otp", "username_tab_password_enter"];

/** The console engines an adapter exists for. */
export type ConsoleKind = "xterm" | "novnc" | "shellinabox";

/** Background → content: which console element is focused or was clicked last in this frame. */
export interface ConsoleProbe {
  type: "console.probe";
}

export interface ConsoleProbeReply {
  ok: true;
  /** null: no element of this frame was focused or clicked, or none an adapter knows. */
  kind: ConsoleKind | null;
  /** When the console was focused or clicked last (performance.timeOrigin + now), 0 if never. */
  at: number;
  /** Why there is nothing to type into (an element was focused that no adapter knows). */
  reason: string | null;
}

/** Background → content: type `text` into the console of this frame. */
export interface ConsoleTypeCommand {
  type: "console.type";
  /** The frame's origin the background decided for; a frame that navigated since types nothing. */
  expectedOrigin: string;
  /** The kind the probe reported; a different console now types nothing. */
  kind: ConsoleKind;
  text: string;
}

export type ConsoleTypeReply =
  | { ok: true; typed: number }
  | { ok: false; code: "origin_changed" | "no_console" | "cancelled" | "not_typable"; message: string };

/** Background → content: stop typing now (the popup's cancel). */
export interface ConsoleCancel {
  type: "console.cancel";
}

/** Characters a VNC console can type with a US keymap: printable ASCII, Tab, Enter. */
export function vncTypable(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return ch.length === 1 && ((c >= 0x20 && c <= 0x7e) || ch === "\t" || ch === "\r");
}

/** Characters a terminal takes as typed text: anything but control characters (Tab and Enter aside). */
export function terminalTypable(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  if (ch === "\t" || ch === "\r") return true;
  return !(c < 0x20 || (c >= 0x7f && c < 0xa0));
}

/** Shell In A Box reads one UTF-16 unit per key event: no characters beyond the BMP (emoji). */
export function bmpTerminalTypable(ch: string): boolean {
  return terminalTypable(ch) && (ch.codePointAt(0) ?? 0) <= 0xffff;
}

/** The first character `kind` cannot type, or null. */
export function untypable(kind: ConsoleKind, text: string): string | null {
  const ok = kind === "novnc" ? vncTypable : kind === "shellinabox" ? bmpTerminalTypable : terminalTypable;
  for (const ch of text) if (!ok(ch)) return ch;
  return null;
}
