// The console half of the autofill content script (imported by
// content/autofill/autofill.ts, one per frame): remembers the element the
// person focused or clicked last, tells the background which console it is,
// and types what the background sends into it. The person's Escape (a trusted
// key event) or the popup's cancel stops typing between two keys.

import type {
  ConsoleCancel,
  ConsoleProbe,
  ConsoleProbeReply,
  ConsoleTypeCommand,
  ConsoleTypeReply,
} from "../../shared/contracts/console";
import { untypable } from "../../shared/contracts/console";
import { consoleFor } from "./adapters";

let last: WeakRef<Element> | null = null;
let lastAt = 0;
let running: AbortController | null = null;

function remember(ev: Event): void {
  // Only what the person did: a page's synthetic focus or click names nothing.
  if (!ev.isTrusted) return;
  const el = ev.composedPath()[0];
  if (!(el instanceof Element)) return;
  last = new WeakRef(el);
  lastAt = performance.timeOrigin + performance.now();
}

document.addEventListener("focusin", remember, true);
document.addEventListener("pointerdown", remember, true);
document.addEventListener(
  "keydown",
  (ev) => {
    if (ev.isTrusted && ev.key === "Escape" && running !== null) running.abort();
  },
  true,
);

function current(): Element | null {
  const el = last?.deref() ?? null;
  if (el !== null && el.isConnected) return el;
  // Focus given by the page's own script (a console that focuses itself on load) counts too.
  const active = document.activeElement;
  return active !== null && active !== document.body && active !== document.documentElement ? active : null;
}

function probe(): ConsoleProbeReply {
  const el = current();
  if (el === null) return { ok: true, kind: null, at: 0, reason: null };
  const found = consoleFor(el);
  if (found === null) {
    return { ok: true, kind: null, at: lastAt, reason: `the focused element (${el.localName}) is not a console Tessera can type into` };
  }
  return { ok: true, kind: found.adapter.kind, at: lastAt, reason: null };
}

async function typeText(command: ConsoleTypeCommand): Promise<ConsoleTypeReply> {
  if (location.origin !== command.expectedOrigin) {
    return { ok: false, code: "origin_changed", message: `this frame is now on ${location.origin}` };
  }
  const found = consoleFor(current());
  if (found === null || found.adapter.kind !== command.kind) {
    return { ok: false, code: "no_console", message: "the console is no longer focused in this page" };
  }
  // Checked again here: the background refuses first, this keeps an adapter from half-typing.
  if (untypable(command.kind, command.text) !== null) {
    return { ok: false, code: "not_typable", message: "a character cannot be typed into this console" };
  }
  running?.abort();
  const controller = new AbortController();
  running = controller;
  try {
    await found.adapter.type(found.target, command.text, controller.signal);
    return { ok: true, typed: [...command.text].length };
  } catch (err) {
    if (controller.signal.aborted) return { ok: false, code: "cancelled", message: "typing was cancelled" };
    return { ok: false, code: "not_typable", message: err instanceof Error ? err.message : String(err) };
  } finally {
    if (running === controller) running = null;
  }
}

chrome.runtime.onMessage.addListener((message: ConsoleProbe | ConsoleTypeCommand | ConsoleCancel, _sender, sendResponse) => {
  if (message?.type === "console.probe") {
    sendResponse(probe());
    return false;
  }
  if (message?.type === "console.type") {
    void typeText(message).then(sendResponse);
    return true;
  }
  if (message?.type === "console.cancel") {
    running?.abort();
    sendResponse({ ok: true });
  }
  return false;
});
