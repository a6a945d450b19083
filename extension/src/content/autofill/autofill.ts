// The autofill content script: one per frame (all_frames). Answers the
// background's probe and fill commands, tells it when login fields appear (a
// multi-step login continues there), and when the person submits a login.
// Detection and filling are separate modules; this file only wires them to
// the messages of shared/autofill-messages.ts.

import type {
  BackgroundToContent,
  FieldSummary,
  FieldsFound,
  FieldsFoundReply,
  FillCommand,
  FillReply,
  LoginSubmitted,
  ProbeReply,
} from "../../shared/contracts/autofill";
import { detectLoginFields, summarize } from "./detect";
import { canSubmit, fillFields, submitFields } from "./fill";
import { SubmitWatcher } from "./submit-watch";
// Consoles without a login form (web terminals, VNC) share this per-frame script.
import "../console/listener";

// DOM changes come in bursts (a framework rendering a step); detect once after.
// On a page that keeps changing, detection runs at most every REDETECT_DELAY_MS,
// or ten times its own last duration when that is longer, so that it stays
// under a tenth of the page's main thread.
const REDETECT_DELAY_MS = 100;
let lastDetectMs = 0;
// A submit Tessera makes is not a login to offer saving.
const OWN_SUBMIT_MS = 2000;

let ownSubmitUntil = 0;
let lastSent = "";
let redetectTimer: ReturnType<typeof setTimeout> | null = null;

const watcher = new SubmitWatcher(
  detectLoginFields,
  () => Date.now() < ownSubmitUntil,
  (login) => {
    const message: LoginSubmitted = { type: "autofill.loginSubmitted", ...login };
    chrome.runtime.sendMessage(message).catch(() => {});
  },
);

function fill(command: FillCommand): FillReply {
  // The background decided for an origin; a frame that navigated since gets nothing.
  if (location.origin !== command.expectedOrigin) {
    return { ok: false, code: "origin_changed", message: `this frame is now on ${location.origin}` };
  }
  const fields = detectLoginFields();
  let filled;
  try {
    filled = fillFields(fields, { username: command.username, password: command.password, otp: command.otp });
  } catch (e) {
    return { ok: false, code: "fill_failed", message: e instanceof Error ? e.message : String(e) };
  }
  if (filled.length === 0) return { ok: false, code: "no_fields", message: "no login field to fill in this frame" };
  if (!command.submit) return { ok: true, filled, submitted: false };
  ownSubmitUntil = Date.now() + OWN_SUBMIT_MS;
  // After the reply is sent and after the framework's state updates from the
  // input events (microtasks) have run, so its submit handler reads the values.
  setTimeout(() => submitFields(fields), 0);
  return { ok: true, filled, submitted: canSubmit(fields) };
}

function hasFields(summary: FieldSummary): boolean {
  return summary.username || summary.password || summary.otp;
}

/** Re-detects; tells the background when the set of fields changed. */
function redetect(): void {
  redetectTimer = null;
  const started = performance.now();
  const fields = detectLoginFields();
  lastDetectMs = performance.now() - started;
  for (const root of fields.shadowRoots) {
    watcher.watch(root);
    observer.observe(root, OBSERVED);
  }
  const summary = summarize(fields);
  const key = JSON.stringify(summary);
  if (key === lastSent) return;
  lastSent = key;
  if (!hasFields(summary)) return;
  const message: FieldsFound = { type: "autofill.fieldsFound", fields: summary };
  chrome.runtime
    .sendMessage(message)
    .then((reply: FieldsFoundReply | undefined) => {
      if (reply?.fill) fill(reply.fill);
    })
    .catch(() => {});
}

function scheduleRedetect(): void {
  if (redetectTimer === null) redetectTimer = setTimeout(redetect, Math.max(REDETECT_DELAY_MS, 10 * lastDetectMs));
}

const OBSERVED: MutationObserverInit = {
  childList: true,
  subtree: true,
  attributes: true,
  attributeFilter: ["type", "hidden", "disabled", "style", "class"],
};
const observer = new MutationObserver(scheduleRedetect);

chrome.runtime.onMessage.addListener((message: BackgroundToContent, _sender, sendResponse) => {
  if (message?.type === "autofill.probe") {
    const reply: ProbeReply = { ok: true, fields: summarize(detectLoginFields()) };
    sendResponse(reply);
  } else if (message?.type === "autofill.fill") {
    sendResponse(fill(message));
  }
  return false;
});

watcher.watch(document);
observer.observe(document, OBSERVED);
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", redetect, { once: true });
else redetect();
