// Notices when the person submits a login form by hand, so the background can
// offer to save credentials it does not have. Reads the two values at that
// moment and hands them over at once; keeps nothing.

import type { LoginFields } from "./detect";

function isButtonLike(target: EventTarget): boolean {
  return (
    target instanceof HTMLButtonElement ||
    (target instanceof HTMLInputElement && ["submit", "image", "button"].includes(target.type)) ||
    (target instanceof Element && target.getAttribute("role") === "button")
  );
}

export interface SubmittedLogin {
  username: string;
  password: string;
}

// A click on the submit control is followed by the form's submit event: one
// report for both.
const SAME_SUBMIT_MS = 1000;

/**
 * Calls `report` when a login is sent by a submit event (in the document or an
 * open shadow root: submit events do not cross shadow boundaries), a click on
 * the submit control, or Enter in the password field. `ours()` tells a submit
 * Tessera itself made, which is not reported.
 */
export class SubmitWatcher {
  private lastReport = 0;
  private readonly watchedRoots = new WeakSet<Document | ShadowRoot>();

  constructor(
    private readonly current: () => LoginFields,
    private readonly ours: () => boolean,
    private readonly report: (login: SubmittedLogin) => void,
  ) {}

  /** Listens on `root` (the document, or a shadow root found by detection). */
  watch(root: Document | ShadowRoot): void {
    if (this.watchedRoots.has(root)) return;
    this.watchedRoots.add(root);
    root.addEventListener("submit", () => this.onSend(null), true);
    root.addEventListener("click", (event) => this.onSend(event), true);
    root.addEventListener(
      "keydown",
      (event) => {
        if ((event as KeyboardEvent).key === "Enter") this.onSend(event);
      },
      true,
    );
  }

  private onSend(event: Event | null): void {
    if (this.ours()) return;
    // Detection reads the whole page: only for a click on something button-like
    // or Enter in an input, not for every click and key of the page.
    if (event?.type === "click" && !event.composedPath().some(isButtonLike)) return;
    if (event?.type === "keydown" && !(event.composedPath()[0] instanceof HTMLInputElement)) return;
    const fields = this.current();
    const password = fields.password;
    if (password === null || password.value === "") return;
    if (event !== null) {
      const path = event.composedPath();
      const onSubmit = fields.submit !== null && path.includes(fields.submit);
      const enterInField = event.type === "keydown" && (path.includes(password) || (fields.username !== null && path.includes(fields.username)));
      if (!onSubmit && !enterInField) return;
    }
    const now = Date.now();
    if (now - this.lastReport < SAME_SUBMIT_MS) return;
    this.lastReport = now;
    this.report({ username: fields.username?.value ?? "", password: password.value });
  }
}
