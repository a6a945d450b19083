// The popup's "Type" buttons for an entry bound to the page (issue 16): for
// consoles without a login form (web terminals, VNC consoles) the background
// types the username, password, OTP code or "username ⇥ password ⏎" as
// keystrokes into the console the person clicked last
// (background/credentials/type-flow.ts). The popup never receives the text;
// nothing goes through the clipboard.

import { el } from "../pages/dom";
import { t } from "../shared/i18n";
import type { TypeWhat } from "../shared/contracts/console";
import type { EntryView } from "../shared/contracts/credentials";

type Reply = ({ ok: true } & Record<string, unknown>) | { ok: false; code: string; message: string };

export interface ConsoleTypeDeps {
  status(text: string, kind?: "info" | "error"): void;
  fail(r: { code: string; message: string }): void;
}

const BUTTONS: ReadonlyArray<{ what: TypeWhat; key: string; testId: string }> = [
  { what: "password", key: "credTypePassword", testId: "cred-type-password" },
  { what: "username", key: "credTypeUsername", testId: "cred-type-username" },
  { what: "otp", key: "credTypeOtp", testId: "cred-type-otp" },
  { what: "username_tab_password_enter", key: "credTypeLogin", testId: "cred-type-login" },
];

async function send(message: Record<string, unknown>): Promise<Reply> {
  const reply = (await chrome.runtime.sendMessage(message)) as Reply | undefined;
  return reply ?? { ok: false, code: "disconnected", message: "no answer from the background" };
}

/** The Type buttons for `entry`, or null when the entry is not bound to the tab's page. */
export function consoleTypeControls(entry: EntryView, tabId: number | null, deps: ConsoleTypeDeps): HTMLElement | null {
  if (tabId === null || entry.match === null) return null;
  const box = el("div", { class: "console-type", "data-testid": "cred-type", role: "group", "aria-label": t("credTypeGroup") });
  const cancel = el("button", { type: "button", "data-testid": "cred-type-cancel" }, t("credTypeCancel"));
  cancel.hidden = true;
  cancel.addEventListener("click", () => void send({ type: "credentials.typeCancel", tabId }));
  const buttons = BUTTONS.map(({ what, key, testId }) => {
    const b = el("button", { type: "button", "data-testid": testId }, t(key));
    b.addEventListener("click", async () => {
      for (const other of buttons) other.disabled = true;
      cancel.hidden = false;
      deps.status(t("credTyping"));
      try {
        const r = await send({ type: "credentials.type", tabId, store: entry.store, path: entry.path, what });
        if (r.ok) deps.status(t("credTyped", [String(r["typed"] ?? 0), String(r["entry"] ?? "")]));
        else deps.fail(r);
      } finally {
        for (const other of buttons) other.disabled = false;
        cancel.hidden = true;
      }
    });
    return b;
  });
  box.append(el("span", { class: "console-type-label" }, t("credTypeGroup")), ...buttons, cancel);
  return box;
}
