// Puts values into detected login fields the way typing would, then submits.
// Values go into the inputs' value only: never into an attribute, a data-*,
// a log line or the clipboard.

import type { LoginFields } from "./detect";

export type FieldName = "username" | "password" | "otp";

export interface FillValues {
  username?: string | undefined;
  password?: string | undefined;
  otp?: string | undefined;
}

// Frameworks (React, Vue) remember the last value they saw on the element; the
// prototype's setter bypasses that bookkeeping, so the `input` event that
// follows is seen as a change and reaches the component's state.
const nativeValueSetter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")?.set;

function key(type: "keydown" | "keyup", input: HTMLInputElement, char: string): void {
  input.dispatchEvent(new KeyboardEvent(type, { key: char, bubbles: true, composed: true, cancelable: true }));
}

/** One field, as if a person focused it, typed `value` and left it. */
export function typeInto(input: HTMLInputElement, value: string): void {
  input.focus({ preventScroll: true });
  input.dispatchEvent(new FocusEvent("focusin", { bubbles: true, composed: true }));
  const last = value.slice(-1);
  key("keydown", input, last);
  if (nativeValueSetter === undefined) input.value = value;
  else nativeValueSetter.call(input, value);
  input.dispatchEvent(new InputEvent("input", { bubbles: true, composed: true, inputType: "insertText" }));
  key("keyup", input, last);
  input.dispatchEvent(new Event("change", { bubbles: true }));
}

function leave(input: HTMLInputElement): void {
  input.blur();
  input.dispatchEvent(new FocusEvent("focusout", { bubbles: true, composed: true }));
}

/**
 * Fills what both the page and `values` have. Split OTP boxes get one
 * character each; a code of another length than the boxes is not filled.
 */
export function fillFields(fields: LoginFields, values: FillValues): FieldName[] {
  const filled: FieldName[] = [];
  const put = (name: FieldName, input: HTMLInputElement | null, value: string | undefined): void => {
    if (input === null || value === undefined || value === "") return;
    typeInto(input, value);
    leave(input);
    filled.push(name);
  };
  put("username", fields.username, values.username);
  put("password", fields.password, values.password);
  if (fields.otpBoxes !== null && values.otp !== undefined && values.otp.length === fields.otpBoxes.length) {
    const digits = [...values.otp];
    fields.otpBoxes.forEach((box, i) => typeInto(box, digits[i]!));
    leave(fields.otpBoxes[fields.otpBoxes.length - 1]!);
    filled.push("otp");
  } else {
    put("otp", fields.otp, values.otp);
  }
  return filled;
}

/** Whether `submitFields` has something to click, submit or press Enter in. */
export function canSubmit(fields: LoginFields): boolean {
  return (
    fields.submit !== null ||
    fields.form !== null ||
    fields.username !== null ||
    fields.password !== null ||
    fields.otp !== null ||
    fields.otpBoxes !== null
  );
}

/**
 * Sends the form the way a person would: clicks its submit control, else asks
 * the form to submit (which runs its validation and submit handlers), else
 * presses Enter in the last field. Returns whether anything was sent.
 */
export function submitFields(fields: LoginFields): boolean {
  if (fields.submit !== null) {
    fields.submit.click();
    return true;
  }
  if (fields.form !== null) {
    fields.form.requestSubmit();
    return true;
  }
  const last = fields.otpBoxes?.at(-1) ?? fields.otp ?? fields.password ?? fields.username;
  if (last === null || last === undefined) return false;
  for (const type of ["keydown", "keypress", "keyup"]) {
    last.dispatchEvent(
      new KeyboardEvent(type, { key: "Enter", code: "Enter", keyCode: 13, bubbles: true, composed: true, cancelable: true }),
    );
  }
  return true;
}
