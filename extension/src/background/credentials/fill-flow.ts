// Filling one entry into a tab: the origin decision per frame in the wasm core
// (credentialsMayFill) with frame URLs from the browser, a probe of each frame
// that may be filled, the OTP computed here (HOTP: the counter written back to
// the store BEFORE the code is used), then one FillCommand per frame. A
// cross-origin frame is filled only when the popup confirmed that very frame.
// Multi-step logins: the entry stays armed for the tab (sessions.ts) and the
// next page's `autofill.fieldsFound` gets the next FillCommand.

import type { FieldSummary, FillCommand, FillReply } from "../../shared/contracts/autofill";
import { HostError, errorMessage } from "../errors";
import type { FlowDeps } from "../flow-deps";
import type { CredCore, FillDecision } from "./core";
import type { ConfirmableFrame, FieldKind, FillOutcome, FrameOutcome } from "../../shared/contracts/credentials";
import type { LoginSession, TabSessions } from "./sessions";
import type { EntryIndex } from "./entry-index";
import { openEntry, refLabel, writeEntry, type EntryRef, type OpenedEntry } from "./store-flow";

export interface FrameInfo {
  frameId: number;
  parentFrameId: number;
  url: string;
}

export interface FillDeps {
  flows(): Promise<FlowDeps>;
  cred(): Promise<CredCore>;
  /** Every frame of the tab with its URL, as the browser reports it. */
  frames(tabId: number): Promise<FrameInfo[]>;
  /** chrome.tabs.sendMessage(tabId, message, { frameId }); rejects when no content script answers. */
  sendToFrame(tabId: number, frameId: number, message: unknown): Promise<unknown>;
  sessions: TabSessions;
  /** What each entry opened or written here is bound to (entry-index.ts): not secret. */
  index: EntryIndex;
  /** Milliseconds since the epoch. */
  now(): number;
}

/** `host:port` as the user reads it in the address bar. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "null";
  }
}

function isFieldSummary(v: unknown): v is FieldSummary {
  if (typeof v !== "object" || v === null) return false;
  const f = v as Record<string, unknown>;
  return ["username", "password", "otp", "submittable"].every((k) => typeof f[k] === "boolean");
}

async function probe(deps: FillDeps, tabId: number, frameId: number): Promise<FieldSummary | null> {
  try {
    const reply = (await deps.sendToFrame(tabId, frameId, { type: "autofill.probe" })) as { fields?: unknown } | null;
    return isFieldSummary(reply?.fields) ? reply.fields : null;
  } catch {
    return null; // no content script in that frame (e.g. about:blank, a PDF)
  }
}

/**
 * The current OTP code of the entry's first otpauth URI. For HOTP the entry is
 * rewritten with the next counter first (expect_previous; one retry after a
 * conflict, re-reading the entry), so a code is never used twice.
 */
export async function otpFor(deps: Pick<FillDeps, "flows" | "cred" | "now">, session: { entry: OpenedEntry }): Promise<string | undefined> {
  const cred = await deps.cred();
  for (let attempt = 0; ; attempt++) {
    const entry = session.entry;
    const uri = entry.parsed.otpUris[0];
    if (uri === undefined) return undefined;
    let code: ReturnType<CredCore["otpCode"]>;
    try {
      code = cred.otpCode(uri, deps.now() / 1000);
    } catch (err) {
      throw new HostError("otp_invalid", `entry ${refLabel(entry.ref)}: its otpauth URI is not usable: ${errorMessage(err)}`);
    }
    if (code.nextUri === null) return code.code;
    const flows = await deps.flows();
    const text = cred.replaceOtpUri(entry.text, 0, code.nextUri);
    try {
      const sha256 = await writeEntry(flows, entry.ref, text, entry.sha256, {
        recipients: entry.recipients,
        recipientsFile: entry.recipientsFile,
      });
      session.entry = { ...entry, text, sha256, parsed: cred.parseEntry(text) };
      return code.code;
    } catch (err) {
      if (!(err instanceof HostError) || err.code !== "store_conflict" || attempt > 0) throw err;
      session.entry = await openEntry(flows, cred, entry.ref);
    }
  }
}

/** The command for the fields a frame has and the session has not filled yet. */
async function commandFor(
  deps: FillDeps,
  session: LoginSession,
  frameUrl: string,
  fields: FieldSummary,
): Promise<{ cmd: FillCommand; kinds: FieldKind[] } | null> {
  const { parsed } = session.entry;
  const kinds: FieldKind[] = [];
  const cmd: FillCommand = { type: "autofill.fill", expectedOrigin: originOf(frameUrl), submit: false };
  if (fields.username && parsed.login !== null && !(session.done.has("username") && !fields.password)) {
    cmd.username = parsed.login;
    kinds.push("username");
  }
  if (fields.password && !session.done.has("password")) {
    cmd.password = parsed.password;
    kinds.push("password");
  }
  if (fields.otp && !session.done.has("otp") && parsed.otpUris.length > 0) {
    const otp = await otpFor(deps, session);
    if (otp !== undefined) {
      cmd.otp = otp;
      kinds.push("otp");
    }
  }
  if (!kinds.some((k) => !session.done.has(k))) return null;
  cmd.submit = session.entry.parsed.autosubmit && fields.submittable;
  return { cmd, kinds };
}

function readFillReply(v: unknown): FillReply {
  const r = v as Partial<{ ok: boolean; filled: unknown; submitted: unknown; code: unknown; message: unknown }> | null;
  if (r?.ok === true && Array.isArray(r.filled)) {
    const filled = r.filled.filter((k): k is FieldKind => k === "username" || k === "password" || k === "otp");
    return { ok: true, filled, submitted: r.submitted === true };
  }
  const code = r?.code === "origin_changed" || r?.code === "no_fields" ? r.code : "fill_failed";
  return { ok: false, code, message: typeof r?.message === "string" ? r.message : "the page did not fill" };
}

function decide(cred: CredCore, url: string, allowSubdomains: boolean, frame: FrameInfo, top: FrameInfo): FillDecision {
  if (frame.frameId === 0) return cred.mayFill(url, allowSubdomains, frame.url, frame.url);
  return cred.mayFill(url, allowSubdomains, frame.url, top.url);
}

function noUrl(label: string): HostError {
  return new HostError("no_url", `entry ${label} has no url: line and its name holds no host name, so it fills nowhere`);
}

function refused(label: string, top: FrameInfo, reason: string | null): HostError {
  return new HostError("origin_refused", `entry ${label} does not fill on ${originOf(top.url)}: ${reason ?? "another site"}`);
}

/** Fills `ref` into tab `tabId` (every frame it may fill that has login fields). */
export async function fillEntry(
  deps: FillDeps,
  tabId: number,
  ref: EntryRef,
  confirmFrameId: number | null = null,
): Promise<FillOutcome> {
  const [flows, cred, frames] = await Promise.all([deps.flows(), deps.cred(), deps.frames(tabId)]);
  const top = frames.find((f) => f.frameId === 0);
  if (top === undefined) throw new HostError("no_tab", `tab ${tabId} has no page`);
  const label = refLabel(ref);
  // Fields first: a page with no login form needs no decryption (no card touch, no PIN).
  // The probe only asks each frame what fields it has; no secret goes out before the origin check.
  const fieldsOf = new Map<number, FieldSummary>();
  for (const frame of frames) {
    const fields = await probe(deps, tabId, frame.frameId);
    if (fields !== null && (fields.username || fields.password || fields.otp)) fieldsOf.set(frame.frameId, fields);
  }
  if (fieldsOf.size === 0) throw new HostError("no_fields", `no login fields found on ${originOf(top.url)}`);
  // An entry opened or written here before is known: refuse now what would be
  // refused after the decryption, so no PIN is asked for nothing.
  await deps.index.load();
  const known = deps.index.get(label);
  if (known !== undefined) {
    const site = cred.entryUrl(ref.path, known.url);
    if (site === null) throw noUrl(label);
    const decisions = frames.filter((f) => fieldsOf.has(f.frameId)).map((f) => decide(cred, site, known.allowSubdomains, f, top));
    if (decisions.every((d) => d.decision === "refuse")) throw refused(label, top, decisions[0]?.reason ?? null);
  }
  const entry = await openEntry(flows, cred, ref, { kind: "fill", site: hostOf(top.url) });
  deps.index.set(label, { url: entry.parsed.url, allowSubdomains: entry.parsed.allowSubdomains });
  const bound = cred.entryUrl(ref.path, entry.parsed.url);
  if (bound === null) throw noUrl(label);
  const allowed: FrameInfo[] = [];
  const confirmable: ConfirmableFrame[] = [];
  let refusal: string | null = null;
  for (const frame of frames) {
    const d = decide(cred, bound, entry.parsed.allowSubdomains, frame, top);
    if (d.decision === "fill") allowed.push(frame);
    else if (d.decision === "needs_confirmation") {
      if (frame.frameId === confirmFrameId) allowed.push(frame);
      else confirmable.push({ frameId: frame.frameId, origin: originOf(frame.url), reason: d.reason ?? "" });
    } else if (frame.frameId === 0) refusal = d.reason;
  }
  const withFields: Array<{ frame: FrameInfo; fields: FieldSummary }> = [];
  for (const frame of allowed) {
    const fields = fieldsOf.get(frame.frameId);
    if (fields !== undefined) withFields.push({ frame, fields });
  }
  if (withFields.length === 0) {
    const asking = confirmable.filter((c) => fieldsOf.has(c.frameId));
    if (asking.length > 0) {
      return {
        ok: false,
        code: "needs_confirmation",
        entry: label,
        ref: { store: ref.store, path: ref.path },
        frames: asking,
        message: `the login form is in a frame from another site (${asking.map((a) => a.origin).join(", ")}): confirm to fill it`,
      };
    }
    if (allowed.length === 0) throw refused(label, top, refusal);
    throw new HostError("no_fields", `no login fields found on ${originOf(top.url)}`);
  }

  const session = deps.sessions.start(tabId, entry, bound, confirmFrameId, deps.now());
  const results: FrameOutcome[] = [];
  for (const { frame, fields } of withFields) {
    const step = await commandFor(deps, session, frame.url, fields);
    if (step === null) continue;
    let reply: FillReply;
    try {
      reply = readFillReply(await deps.sendToFrame(tabId, frame.frameId, step.cmd));
    } catch (err) {
      reply = { ok: false, code: "fill_failed", message: errorMessage(err) };
    }
    if (!reply.ok) throw new HostError(reply.code, `${originOf(frame.url)}: ${reply.message}`);
    for (const k of reply.filled) session.done.add(k);
    results.push({ frameId: frame.frameId, origin: originOf(frame.url), filled: reply.filled, submitted: reply.submitted });
  }
  deps.sessions.finishIfComplete(tabId);
  return { ok: true, entry: label, frames: results };
}

/**
 * The next step of the login running in this tab, for a frame that just
 * reported its fields. The frame's URL comes from the browser (sender.url).
 */
export async function nextStep(
  deps: FillDeps,
  tabId: number,
  frameId: number,
  frameUrl: string,
  fields: FieldSummary,
): Promise<FillCommand | null> {
  const session = deps.sessions.get(tabId, deps.now());
  if (session === null || session.complete) return null;
  const cred = await deps.cred();
  const frames = await deps.frames(tabId);
  const top = frames.find((f) => f.frameId === 0);
  const self = frames.find((f) => f.frameId === frameId);
  // The browser's own view of this frame must agree with sender.url.
  if (top === undefined || self === undefined || self.url !== frameUrl) return null;
  const d = decide(cred, session.entryUrl, session.entry.parsed.allowSubdomains, self, top);
  const ok = d.decision === "fill" || (d.decision === "needs_confirmation" && frameId === session.confirmedFrameId);
  if (!ok) return null;
  const step = await commandFor(deps, session, frameUrl, fields);
  if (step === null) return null;
  // The content script fills what the command carries; count it as done so a
  // DOM change re-reporting the same fields does not fill (and submit) twice.
  for (const k of step.kinds) session.done.add(k);
  deps.sessions.finishIfComplete(tabId);
  return step.cmd;
}
