// Tessera's visible notices in a web page: "what you type here is not
// protected", "Tessera cannot protect this field", "the recipients changed
// after encryption", "the ciphertext could not be written". Each sits in a
// closed shadow root right above the field it is about (or at the top of the
// window when that field is not on screen), carries only text Tessera wrote,
// and is reported to the background so that the popup says it too.

import { t } from "../../shared/i18n";
import { NOTICE_MESSAGE } from "../../shared/contracts/webmail";
import { isRendered } from "./editables";

export type NoticeKind = "unprotected" | "unsupported" | "stale" | "write_failed";

const shown = new Map<string, { host: HTMLElement; near: HTMLElement | null }>();
const keys = new WeakMap<HTMLElement, number>();
let nextKey = 1;

function keyOf(kind: NoticeKind, near: HTMLElement | null): string {
  if (near === null) return kind;
  let k = keys.get(near);
  if (k === undefined) {
    k = nextKey++;
    keys.set(near, k);
  }
  return `${kind}:${k}`;
}

function onScreen(el: HTMLElement): boolean {
  if (!isRendered(el)) return false;
  const r = el.getBoundingClientRect();
  return r.width >= 40 && r.height >= 16 && r.right > 0 && r.bottom > 0;
}

export interface NoticeAction {
  label: string;
  run(): void;
}

/** Shows (once) a notice of this kind about `near`; returns its host element. */
export function showNotice(kind: NoticeKind, near: HTMLElement | null, text: string, action?: NoticeAction): HTMLElement {
  const key = keyOf(kind, near);
  const existing = shown.get(key);
  if (existing?.host.isConnected) return existing.host;
  const host = document.createElement("tessera-notice");
  host.dataset["tesseraNotice"] = kind;
  host.setAttribute("role", "alert");
  const root = host.attachShadow({ mode: "closed" });
  const box = document.createElement("div");
  const severe = kind !== "stale";
  box.style.cssText = `font:500 13px/1.4 system-ui,sans-serif;padding:.5em .8em;margin:.3em 0;border-radius:4px;border:1px solid ${severe ? "#9b1c1c" : "#8a5a00"};background:${severe ? "#fdecec" : "#fff6e0"};color:#1a1a1a;display:flex;gap:.6em;align-items:center;max-width:60em`;
  const message = document.createElement("span");
  message.textContent = `⚠ ${text}`;
  box.append(message);
  const button = (label: string, run: () => void): HTMLButtonElement => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.style.cssText = "font:inherit;padding:.2em .7em;border:1px solid #555;border-radius:3px;background:#fff;color:#1a1a1a;cursor:pointer;white-space:nowrap";
    b.addEventListener("click", (event) => {
      if (event.isTrusted) run();
    });
    return b;
  };
  if (action) box.append(button(action.label, action.run));
  box.append(button(t("webmailNoticeDismiss"), () => host.remove()));
  root.append(box);
  const target = near !== null && onScreen(near) ? near : null;
  if (target !== null) {
    target.insertAdjacentElement("beforebegin", host);
  } else {
    // The field is not on screen (a hidden input behind a canvas editor): the top of the window.
    host.style.cssText = "position:fixed;top:8px;left:50%;transform:translateX(-50%);z-index:2147483647;display:block";
    (document.body ?? document.documentElement).append(host);
  }
  shown.set(key, { host, near });
  if (kind === "unprotected" || kind === "unsupported") {
    chrome.runtime.sendMessage({ type: NOTICE_MESSAGE, kind }).catch(() => {});
  }
  return host;
}

export function removeNotice(kind: NoticeKind, near: HTMLElement | null): void {
  const key = keyOf(kind, near);
  shown.get(key)?.host.remove();
  shown.delete(key);
}
