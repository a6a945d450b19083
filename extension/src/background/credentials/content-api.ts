// Answers the autofill content script (`autofill.*` messages). The sender is
// checked strictly: our own extension, a real tab and frame, an http(s) page.
// What a page may receive is decided from the browser's sender.url, never
// from anything in the message body.

import type { FieldSummary, FieldsFoundReply } from "../../shared/contracts/autofill";
import { nextStep, type FillDeps } from "./fill-flow";
import type { SaveOffers } from "./sessions";

export interface ContentSender {
  tabId: number;
  frameId: number;
  url: string;
  origin: string;
}

/** The sender as a content script of ours in a web page, or null. */
export function contentSender(sender: chrome.runtime.MessageSender | undefined, runtimeId: string): ContentSender | null {
  if (sender === undefined || sender.id !== runtimeId) return null;
  const tabId = sender.tab?.id;
  if (typeof tabId !== "number" || tabId < 0 || typeof sender.frameId !== "number" || sender.frameId < 0) return null;
  if (typeof sender.url !== "string") return null;
  let url: URL;
  try {
    url = new URL(sender.url);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  return { tabId, frameId: sender.frameId, url: sender.url, origin: url.origin };
}

/** Bounds on what a page can make us hold in memory. */
const MAX_USERNAME = 1024;
const MAX_PASSWORD = 4096;

function readFields(v: unknown): FieldSummary | null {
  if (typeof v !== "object" || v === null) return null;
  const f = v as Record<string, unknown>;
  if (!["username", "password", "otp", "submittable"].every((k) => typeof f[k] === "boolean")) return null;
  const digits = f["otpDigits"];
  if (digits !== null && !(typeof digits === "number" && Number.isInteger(digits) && digits > 0 && digits <= 16)) return null;
  return {
    username: f["username"] as boolean,
    password: f["password"] as boolean,
    otp: f["otp"] as boolean,
    otpDigits: digits as number | null,
    submittable: f["submittable"] as boolean,
  };
}

export interface ContentApiDeps extends FillDeps {
  offers: SaveOffers;
}

export async function handleContentMessage(
  deps: ContentApiDeps,
  from: ContentSender,
  msg: unknown,
): Promise<FieldsFoundReply | { ok: boolean }> {
  const m = msg as Record<string, unknown>;
  if (m["type"] === "autofill.fieldsFound") {
    const fields = readFields(m["fields"]);
    if (fields === null) return { fill: null };
    try {
      return { fill: await nextStep(deps, from.tabId, from.frameId, from.url, fields) };
    } catch (err) {
      console.warn(`tessera: next login step not filled: ${(err as Error).message}`);
      return { fill: null };
    }
  }
  if (m["type"] === "autofill.loginSubmitted") {
    const username = m["username"];
    const password = m["password"];
    if (typeof username !== "string" || typeof password !== "string") return { ok: false };
    if (password === "" || username.length > MAX_USERNAME || password.length > MAX_PASSWORD) return { ok: false };
    // A login we just filled from the store is not new.
    if (deps.sessions.get(from.tabId, deps.now()) !== null) return { ok: true };
    deps.offers.add(from.tabId, from.origin, username, password, deps.now());
    return { ok: true };
  }
  return { ok: false };
}
