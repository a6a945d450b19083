// Typing an entry's username, password or OTP code as keystrokes into a
// console that has no login form (web terminal, VNC console): the popup's
// `credentials.type`. Same origin rules as fill (the core's mayFill) for the
// frame that holds the focused or last-clicked console; every refusal (no
// console, another site, a character the console cannot type) comes before
// any text leaves the worker. The text goes to that one frame's content
// script (content/console/), never to the clipboard, never to a log, and the
// reply carries none of it.

import { HostError, errorMessage } from "../errors";
import { failure } from "../replies";
import type { MessageRoute } from "../router";
import type { ConsoleKind, ConsoleProbeReply, ConsoleTypeCommand, ConsoleTypeReply, TypeWhat } from "../../shared/contracts/console";
import { TYPE_WHATS, untypable } from "../../shared/contracts/console";
import { originOf, otpFor, type FillDeps, type FrameInfo } from "./fill-flow";
import { listForTab, type PopupApiDeps } from "./popup-api";
import { openEntry, refLabel, type EntryRef } from "./store-flow";

export const CREDENTIALS_TYPE = "credentials.type";
export const CREDENTIALS_TYPE_CANCEL = "credentials.typeCancel";

export interface TypeOutcome {
  ok: true;
  entry: string;
  kind: ConsoleKind;
  frameId: number;
  /** Characters typed (a count; never the text). */
  typed: number;
}

const ENGINE: Record<ConsoleKind, string> = { xterm: "xterm.js terminal", novnc: "noVNC console", shellinabox: "Shell In A Box terminal" };

function readProbe(v: unknown): ConsoleProbeReply | null {
  const r = v as Partial<ConsoleProbeReply> | null;
  if (r?.ok !== true || typeof r.at !== "number") return null;
  const kind = r.kind === "xterm" || r.kind === "novnc" || r.kind === "shellinabox" ? r.kind : null;
  return { ok: true, kind, at: r.at, reason: typeof r.reason === "string" ? r.reason : null };
}

/** The frame whose console the person focused or clicked last; a clear error when there is none. */
async function consoleFrame(deps: FillDeps, tabId: number, frames: FrameInfo[]): Promise<{ frame: FrameInfo; kind: ConsoleKind }> {
  let best: { frame: FrameInfo; kind: ConsoleKind; at: number } | null = null;
  let why: { reason: string; at: number } | null = null;
  for (const frame of frames) {
    let reply: ConsoleProbeReply | null;
    try {
      reply = readProbe(await deps.sendToFrame(tabId, frame.frameId, { type: "console.probe" }));
    } catch {
      continue; // no content script there (about:blank, a PDF)
    }
    if (reply === null) continue;
    if (reply.kind !== null && (best === null || reply.at > best.at)) best = { frame, kind: reply.kind, at: reply.at };
    if (reply.kind === null && reply.reason !== null && (why === null || reply.at > why.at)) why = { reason: reply.reason, at: reply.at };
  }
  if (best !== null) return best;
  const top = frames.find((f) => f.frameId === 0);
  const where = top === undefined ? "this tab" : originOf(top.url);
  throw new HostError(
    "no_console",
    why !== null
      ? `${why.reason}: click into the terminal or VNC console first (${where})`
      : `no console is focused on ${where}: click into the terminal or VNC console first`,
  );
}

/** The text `what` stands for; the OTP is computed now (an HOTP counter is written back first). */
async function textFor(deps: FillDeps, session: Parameters<typeof otpFor>[1], what: TypeWhat, label: string): Promise<string> {
  const { parsed } = session.entry;
  const login = (): string => {
    if (parsed.login === null) throw new HostError("no_username", `entry ${label} has no login: line to type`);
    return parsed.login;
  };
  switch (what) {
    case "password":
      return parsed.password;
    case "username":
      return login();
    case "otp": {
      const code = await otpFor(deps, session);
      if (code === undefined) throw new HostError("no_otp", `entry ${label} has no otpauth:// line`);
      return code;
    }
    case "username_tab_password_enter":
      return `${login()}\t${parsed.password}\r`;
  }
}

function whatName(what: TypeWhat): string {
  return what === "otp" ? "one-time code" : what === "username_tab_password_enter" ? "username and password" : what;
}

/** Types `what` of entry `ref` into the console focused in tab `tabId`. */
export async function typeEntry(deps: FillDeps, tabId: number, ref: EntryRef, what: TypeWhat): Promise<TypeOutcome> {
  const [flows, cred, frames] = await Promise.all([deps.flows(), deps.cred(), deps.frames(tabId)]);
  const top = frames.find((f) => f.frameId === 0);
  if (top === undefined) throw new HostError("no_tab", `tab ${tabId} has no page`);
  const label = refLabel(ref);
  // The console first: nothing to type into needs no decryption (no card touch, no PIN).
  const { frame, kind } = await consoleFrame(deps, tabId, frames);
  const decide = (site: string, allowSubdomains: boolean) =>
    cred.mayFill(site, allowSubdomains, frame.url, frame.frameId === 0 ? frame.url : top.url);
  const refuse = (reason: string | null): HostError =>
    new HostError("origin_refused", `entry ${label} does not type into ${originOf(frame.url)}: ${reason ?? "another site"}`);
  // A known binding refuses before the PIN is asked for nothing.
  await deps.index.load();
  const known = deps.index.get(label);
  if (known !== undefined) {
    const site = cred.entryUrl(ref.path, known.url);
    if (site !== null) {
      const d = decide(site, known.allowSubdomains);
      if (d.decision !== "fill") throw refuse(d.reason);
    }
  }
  const entry = await openEntry(flows, cred, ref, { kind: "fill", site: new URL(frame.url).host });
  deps.index.set(label, { url: entry.parsed.url, allowSubdomains: entry.parsed.allowSubdomains });
  const bound = cred.entryUrl(ref.path, entry.parsed.url);
  if (bound === null) throw new HostError("no_url", `entry ${label} has no url: line and its name holds no host name, so it types nowhere`);
  // Only "fill": a console frame of another site inside the page is never typed into (no confirmation step for keystrokes).
  const d = decide(bound, entry.parsed.allowSubdomains);
  if (d.decision !== "fill") throw refuse(d.reason);
  const session = { entry };
  const text = await textFor(deps, session, what, label);
  const bad = untypable(kind, text);
  if (bad !== null) {
    // The reason names the kind of character, never the character: it is part of a secret.
    const why =
      kind === "novnc"
        ? "a VNC console takes only the printable ASCII characters of a US keyboard, Tab and Enter"
        : kind === "shellinabox"
          ? "Shell In A Box takes no control characters and no characters beyond the Basic Multilingual Plane (emoji)"
          : "a terminal takes no control characters";
    throw new HostError("not_typable", `the ${whatName(what)} of ${label} holds a character this ${ENGINE[kind]} cannot type: ${why}. Nothing was typed`);
  }
  const command: ConsoleTypeCommand = { type: "console.type", expectedOrigin: originOf(frame.url), kind, text };
  let reply: ConsoleTypeReply;
  try {
    reply = (await deps.sendToFrame(tabId, frame.frameId, command)) as ConsoleTypeReply;
  } catch (err) {
    throw new HostError("type_failed", `${originOf(frame.url)}: ${errorMessage(err)}`);
  }
  if (reply?.ok !== true) {
    const code = typeof reply?.code === "string" ? reply.code : "type_failed";
    throw new HostError(code, `${originOf(frame.url)}: ${typeof reply?.message === "string" ? reply.message : "the page typed nothing"}`);
  }
  return { ok: true, entry: label, kind, frameId: frame.frameId, typed: reply.typed };
}

/**
 * The keyboard shortcut's and the context menu's action: `what` of the
 * best-ranked entry for the tab, typed into the console focused there (the
 * same checks as the popup's buttons).
 */
export async function typeBest(deps: PopupApiDeps, tabId: number, what: TypeWhat = "password"): Promise<TypeOutcome> {
  const listed = await listForTab(deps, tabId);
  const best = "entries" in listed ? listed.entries[0] : undefined;
  if (best === undefined || best.match === null) throw new HostError("no_match", "no entry is bound to this page");
  return typeEntry(deps, tabId, { store: best.store, path: best.path }, what);
}

/** Stops typing in every frame of the tab (the popup's cancel; Escape in the page does the same). */
export async function cancelTyping(deps: FillDeps, tabId: number): Promise<{ ok: true }> {
  const frames = await deps.frames(tabId);
  await Promise.all(frames.map((f) => deps.sendToFrame(tabId, f.frameId, { type: "console.cancel" }).catch(() => undefined)));
  return { ok: true };
}

const str = (v: unknown, what: string): string => {
  if (typeof v !== "string" || v === "") throw new HostError("bad_request", `missing ${what}`);
  return v;
};
const tabOf = (v: unknown): number => {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new HostError("bad_request", "missing tabId");
  return v;
};

/** `credentials.type` and `credentials.typeCancel`, for the popup and options page only; listed before `credentials.*`. */
export function typeRoutes(deps: FillDeps): MessageRoute[] {
  const handle = async (m: Record<string, unknown>): Promise<unknown> => {
    try {
      if (m["type"] === CREDENTIALS_TYPE_CANCEL) return await cancelTyping(deps, tabOf(m["tabId"]));
      const what = TYPE_WHATS.find((w) => w === m["what"]);
      if (what === undefined) throw new HostError("bad_request", `what must be one of ${TYPE_WHATS.join(", ")}`);
      return await typeEntry(deps, tabOf(m["tabId"]), { store: str(m["store"], "store"), path: str(m["path"], "path") }, what);
    } catch (err) {
      return failure(err);
    }
  };
  return [
    { type: CREDENTIALS_TYPE, zone: "credentials-page", handler: (m) => handle(m) },
    { type: CREDENTIALS_TYPE_CANCEL, zone: "credentials-page", handler: (m) => handle(m) },
  ];
}
