// Finds the login fields of one frame: username, password and OTP inputs (one
// field or split boxes), and how to submit them. Reads the DOM only; never
// writes to it. Runs in the page's renderer, so it sees no secret.
//
// Each frame runs its own copy (all_frames), so same-origin iframes are covered
// by their own content script and nothing here crosses a frame boundary.

import type { FieldSummary } from "../../shared/contracts/autofill";

export interface LoginFields {
  username: HTMLInputElement | null;
  password: HTMLInputElement | null;
  /** One OTP field. */
  otp: HTMLInputElement | null;
  /** Split OTP boxes, one character each, in order; null when there are none. */
  otpBoxes: HTMLInputElement[] | null;
  /** The form holding the fields, when there is one. */
  form: HTMLFormElement | null;
  /** The control a person would click to send the fields. */
  submit: HTMLElement | null;
  /** Open shadow roots seen on the way, so that callers can observe them. */
  shadowRoots: ShadowRoot[];
}

const TEXTUAL = new Set(["text", "email", "tel", "number", ""]);

// Words in name, id, label, placeholder and aria-label, by field kind. Tested
// against one lowercased string per input (see `describe`).
const USERNAME_WORDS = /user|login|e-?mail|account|identifiant|identifier|utilisateur|courriel|\buid\b/;
// Words that name an OTP even on a type=password input ("one-time password").
const STRONG_OTP_WORDS =
  /one.?time|\botp\b|totp|hotp|2fa|mfa|two.?factor|verification.?code|security.?code|authenticator|passcode|code à usage/;
const OTP_WORDS = new RegExp(`${STRONG_OTP_WORDS.source}|auth(entication)?.?code|\\btoken\\b|\\bcode\\b|code de v`);
const NOT_LOGIN = /search|recherche|query|captcha|coupon|promo|newsletter|zip|postal/;
// Text of a control that sends a login step.
const SUBMIT_WORDS =
  /log ?in|sign ?in|continue|next|submit|verify|confirm|connexion|se connecter|suivant|valider|continuer|vérifier|weiter|anmelden/i;

/** Every open shadow root under `root`, depth first. */
function openShadowRoots(root: Document | ShadowRoot, out: ShadowRoot[]): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    const shadow = (node as Element).shadowRoot;
    if (shadow !== null) {
      out.push(shadow);
      openShadowRoots(shadow, out);
    }
  }
}

/** Inputs of the document and of its open shadow roots, in document order per tree. */
function allInputs(shadowRoots: ShadowRoot[]): HTMLInputElement[] {
  const inputs = [...document.querySelectorAll("input")];
  for (const shadow of shadowRoots) inputs.push(...shadow.querySelectorAll("input"));
  return inputs;
}

/** A field a person can see and type in. */
export function isFillable(input: HTMLInputElement): boolean {
  if (input.disabled || input.readOnly || input.type === "hidden") return false;
  if (input.getClientRects().length === 0) return false;
  const rect = input.getBoundingClientRect();
  if (rect.width < 2 || rect.height < 2) return false;
  // Moved out of the page (left: -9999px): a honeypot, not a field for a person.
  if (rect.right + scrollX <= 0 || rect.bottom + scrollY <= 0) return false;
  const style = getComputedStyle(input);
  return style.visibility !== "hidden" && style.visibility !== "collapse" && Number(style.opacity) > 0.05;
}

function autocompleteTokens(input: HTMLInputElement): string[] {
  return (input.getAttribute("autocomplete") ?? "").toLowerCase().split(/\s+/);
}

// Label text per input for the current detection. Built once from the
// <label> elements: `input.labels` scans the whole tree per input the first
// time, which on a 10,000-element page cost half a second.
let labelTexts = new Map<HTMLInputElement, string>();

function collectLabels(roots: Array<Document | ShadowRoot>): void {
  labelTexts = new Map();
  for (const root of roots) {
    for (const label of root.querySelectorAll("label")) {
      const control = label.control;
      if (control instanceof HTMLInputElement) {
        labelTexts.set(control, `${labelTexts.get(control) ?? ""} ${label.textContent ?? ""}`);
      }
    }
  }
}

/** Name, id, labels, placeholder and aria-label, lowercased, in one string. */
function describe(input: HTMLInputElement): string {
  const parts = [input.name, input.id, input.placeholder, input.getAttribute("aria-label") ?? ""];
  parts.push(labelTexts.get(input) ?? "");
  return parts.join(" ").toLowerCase();
}

function isPassword(input: HTMLInputElement): boolean {
  return input.type === "password" && !isOtp(input) && input.maxLength !== 1;
}

function isOtp(input: HTMLInputElement): boolean {
  const ac = autocompleteTokens(input);
  if (ac.includes("one-time-code")) return true;
  if (ac.includes("username") || ac.includes("current-password") || ac.includes("new-password")) return false;
  const words = describe(input);
  if (NOT_LOGIN.test(words)) return false;
  if (input.type === "password") return STRONG_OTP_WORDS.test(words);
  return TEXTUAL.has(input.type) && OTP_WORDS.test(words);
}

function isUsername(input: HTMLInputElement): boolean {
  if (!TEXTUAL.has(input.type)) return false;
  const ac = autocompleteTokens(input);
  if (ac.includes("username") || ac.includes("email")) return true;
  if (ac.includes("one-time-code")) return false;
  const words = describe(input);
  if (NOT_LOGIN.test(words) || OTP_WORDS.test(words)) return false;
  return input.type === "email" || USERNAME_WORDS.test(words);
}

/**
 * Runs of 4 to 8 one-character inputs that sit next to each other (same
 * parent or same grandparent): split OTP boxes.
 */
function splitOtpBoxes(inputs: HTMLInputElement[]): HTMLInputElement[] | null {
  const single = inputs.filter(
    (i) => i.maxLength === 1 && (TEXTUAL.has(i.type) || i.type === "password") && isFillable(i),
  );
  let run: HTMLInputElement[] = [];
  const close = (a: HTMLInputElement, b: HTMLInputElement): boolean =>
    a.parentElement === b.parentElement || a.parentElement?.parentElement === b.parentElement?.parentElement;
  for (const input of single) {
    const last = run[run.length - 1];
    if (last !== undefined && close(last, input)) {
      run.push(input);
    } else {
      if (run.length >= 4 && run.length <= 8) return run;
      run = [input];
    }
  }
  return run.length >= 4 && run.length <= 8 ? run : null;
}

function preferAutocomplete(candidates: HTMLInputElement[], token: string): HTMLInputElement | null {
  return candidates.find((i) => autocompleteTokens(i).includes(token)) ?? candidates[0] ?? null;
}

/** The closest textual input before `password` in document order, in its form or tree. */
function usernameBefore(password: HTMLInputElement, inputs: HTMLInputElement[]): HTMLInputElement | null {
  const root = password.getRootNode();
  for (let i = inputs.indexOf(password) - 1; i >= 0; i--) {
    const input = inputs[i]!;
    if (input.getRootNode() !== root || (password.form !== null && input.form !== password.form)) continue;
    if (!TEXTUAL.has(input.type) || input.type === "number") continue;
    if (isOtp(input) || NOT_LOGIN.test(describe(input)) || !isFillable(input)) continue;
    return input;
  }
  return null;
}

function isVisibleControl(el: HTMLElement): boolean {
  return !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0;
}

function controlText(el: HTMLElement): string {
  return el instanceof HTMLInputElement ? el.value : (el.textContent ?? el.getAttribute("aria-label") ?? "");
}

/** The form's submit control, or for form-less pages a nearby button that reads like "Sign in". */
function submitControl(anchor: HTMLInputElement, form: HTMLFormElement | null): HTMLElement | null {
  if (form !== null) {
    const inForm = [...form.querySelectorAll<HTMLElement>("button, input[type=submit], input[type=image]")].filter(
      (el) => isVisibleControl(el) && (el instanceof HTMLInputElement || (el as HTMLButtonElement).type === "submit"),
    );
    return inForm.find((el) => SUBMIT_WORDS.test(controlText(el))) ?? inForm[0] ?? null;
  }
  // Form-less: the closest ancestor with a button in it.
  for (let node = anchor.parentElement; node !== null; node = node.parentElement) {
    const buttons = [
      ...node.querySelectorAll<HTMLElement>("button, input[type=submit], input[type=button], [role=button]"),
    ].filter(isVisibleControl);
    if (buttons.length === 0) continue;
    return buttons.find((el) => SUBMIT_WORDS.test(controlText(el))) ?? (buttons.length === 1 ? buttons[0]! : null);
  }
  return null;
}

/** The login fields of this frame right now. */
export function detectLoginFields(): LoginFields {
  const shadowRoots: ShadowRoot[] = [];
  openShadowRoots(document, shadowRoots);
  const inputs = allInputs(shadowRoots);
  collectLabels([document, ...shadowRoots]);
  // Attribute checks first, layout (isFillable) only for the few candidates
  // left: a big page has many inputs and style/layout reads are the cost.
  const password = preferAutocomplete(inputs.filter((i) => isPassword(i) && isFillable(i)), "current-password");
  const otpBoxes = splitOtpBoxes(inputs);
  const otp = otpBoxes === null ? (inputs.find((i) => i.maxLength !== 1 && isOtp(i) && isFillable(i)) ?? null) : null;
  let username: HTMLInputElement | null = null;
  if (password !== null) {
    const inScope = inputs.filter(
      (i) =>
        i.getRootNode() === password.getRootNode() &&
        (password.form === null || i.form === password.form) &&
        isUsername(i) &&
        isFillable(i),
    );
    username = preferAutocomplete(inScope, "username") ?? usernameBefore(password, inputs);
  } else {
    username = preferAutocomplete(
      inputs.filter((i) => isUsername(i) && isFillable(i)),
      "username",
    );
  }

  const anchor = password ?? username ?? otp ?? otpBoxes?.[otpBoxes.length - 1] ?? null;
  const form = anchor?.form ?? null;
  const submit = anchor === null ? null : submitControl(anchor, form);
  labelTexts = new Map(); // no references to the page's nodes between detections
  return { username, password, otp, otpBoxes, form, submit, shadowRoots };
}

export function summarize(fields: LoginFields): FieldSummary {
  const any = fields.username !== null || fields.password !== null || fields.otp !== null || fields.otpBoxes !== null;
  return {
    username: fields.username !== null,
    password: fields.password !== null,
    otp: fields.otp !== null || fields.otpBoxes !== null,
    otpDigits: fields.otpBoxes?.length ?? null,
    submittable: any && (fields.submit !== null || fields.form !== null),
  };
}
