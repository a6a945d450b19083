// The messages between the background (service worker) and the autofill
// content script (extension/src/content/autofill/), in both directions.
// Plain data only. This is the one small interface between the two halves of
// autofill: the content side detects and fills fields, the background decides
// what may be filled where (origin binding, in the wasm core) and with what.
//
// Trust: the content script runs inside the web page's renderer. The
// background never takes a page origin from a message body: it reads frame URLs
// from the browser (sender.url, webNavigation.getAllFrames). A fill command
// still carries the origin it was decided for, and the content script refuses
// it when its frame has navigated elsewhere in between (time-of-check/use).

/** Which login fields a frame has right now (detection result, no values). */
export interface FieldSummary {
  username: boolean;
  password: boolean;
  otp: boolean;
  /** Split OTP boxes: how many one-character inputs; null for one OTP field. */
  otpDigits: number | null;
  /** The frame has a submit control or a form to submit. */
  submittable: boolean;
}

// --- background → content (chrome.tabs.sendMessage with a frameId) ---

/** Ask a frame what it has. Reply: ProbeReply. */
export interface ProbeCommand {
  type: "autofill.probe";
}

export interface ProbeReply {
  ok: true;
  fields: FieldSummary;
}

/** Fill this frame (and submit if `submit`). Reply: FillReply. */
export interface FillCommand {
  type: "autofill.fill";
  /** `location.origin` the background checked the entry against. */
  expectedOrigin: string;
  username?: string;
  password?: string;
  otp?: string;
  submit: boolean;
}

export type FillReply =
  | { ok: true; filled: Array<"username" | "password" | "otp">; submitted: boolean }
  | { ok: false; code: "origin_changed" | "no_fields" | "fill_failed"; message: string };

export type BackgroundToContent = ProbeCommand | FillCommand;

// --- content → background (chrome.runtime.sendMessage) ---

export const AUTOFILL_FIELDS_FOUND = "autofill.fieldsFound";
export const AUTOFILL_LOGIN_SUBMITTED = "autofill.loginSubmitted";

/**
 * Sent by a frame when detection finds login fields (on load and when the DOM
 * changes). The background answers with the next step of a multi-step login it
 * is running for this tab, if the frame's origin (from the browser) matches.
 */
export interface FieldsFound {
  type: typeof AUTOFILL_FIELDS_FOUND;
  fields: FieldSummary;
}

export interface FieldsFoundReply {
  fill: FillCommand | null;
}

/**
 * The user submitted a login form. The background offers to save the
 * credentials when the store has no such entry (popup); they are held in
 * memory only, and dropped after a short time or once saved or dismissed.
 */
export interface LoginSubmitted {
  type: typeof AUTOFILL_LOGIN_SUBMITTED;
  username: string;
  password: string;
}

export type ContentToBackground = FieldsFound | LoginSubmitted;
