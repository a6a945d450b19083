// One adapter per console engine behind one interface. An adapter delivers
// text the way the engine's own input path receives a person's typing (events
// on the element the engine listens to), never by writing page state: no
// value, attribute or property of the page's DOM holds the text afterwards.
// Events built here are untrusted (isTrusted false); both engines below read
// only the fields set here (checked in their sources: xterm.js
// CoreBrowserTerminal._inputEvent, noVNC core/input/keyboard.js).

import type { ConsoleKind } from "../../shared/contracts/console";

export interface ConsoleAdapter {
  kind: ConsoleKind;
  /** The element typing goes to when `el` (focused or clicked) belongs to this engine's console, else null. */
  detect(el: Element): Element | null;
  /** Types `text` into `target` (what detect returned); rejects with an AbortError when `signal` aborts. */
  type(target: Element, text: string, signal: AbortSignal): Promise<void>;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new DOMException("typing cancelled", "AbortError"));
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new DOMException("typing cancelled", "AbortError"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });

/**
 * xterm.js (WeTTY, Proxmox's shell, code-server, Jupyter…): the helper
 * textarea's `input` listener passes an InputEvent's `data` to the terminal's
 * onData when inputType is insertText and the event is not composed; "\r" is
 * Enter and "\t" Tab there, as the terminal's own keydown path would send them.
 * The textarea's value is never set, so nothing of the text stays in it.
 */
export const xtermAdapter: ConsoleAdapter = {
  kind: "xterm",
  detect(el) {
    const term = el.closest(".xterm");
    const area = term?.querySelector("textarea.xterm-helper-textarea");
    return area ?? null;
  },
  async type(target, text, signal) {
    for (const ch of text) {
      if (signal.aborted) throw new DOMException("typing cancelled", "AbortError");
      target.dispatchEvent(new InputEvent("input", { data: ch, inputType: "insertText", bubbles: true, composed: false }));
      // One character per task: the page's socket sends each one, and an Escape can cancel in between.
      await sleep(0, signal);
    }
  },
};

/** US keymap: the physical key (KeyboardEvent.code) of a printable ASCII character and whether Shift is down. */
const SHIFTED_DIGITS = ")!@#$%^&*(";
const PUNCT: ReadonlyArray<[string, string, string]> = [
  ["`", "~", "Backquote"],
  ["-", "_", "Minus"],
  ["=", "+", "Equal"],
  ["[", "{", "BracketLeft"],
  ["]", "}", "BracketRight"],
  ["\\", "|", "Backslash"],
  [";", ":", "Semicolon"],
  ["'", '"', "Quote"],
  [",", "<", "Comma"],
  [".", ">", "Period"],
  ["/", "?", "Slash"],
];

export interface UsKey {
  key: string;
  code: string;
  shift: boolean;
}

/** The key a person presses on a US keyboard for `ch` (printable ASCII, Tab, Enter), or null. */
export function usKey(ch: string): UsKey | null {
  if (ch === "\r" || ch === "\n") return { key: "Enter", code: "Enter", shift: false };
  if (ch === "\t") return { key: "Tab", code: "Tab", shift: false };
  if (ch === " ") return { key: " ", code: "Space", shift: false };
  if (/^[a-z]$/.test(ch)) return { key: ch, code: `Key${ch.toUpperCase()}`, shift: false };
  if (/^[A-Z]$/.test(ch)) return { key: ch, code: `Key${ch}`, shift: true };
  if (/^[0-9]$/.test(ch)) return { key: ch, code: `Digit${ch}`, shift: false };
  const d = SHIFTED_DIGITS.indexOf(ch);
  if (d >= 0 && ch.length === 1) return { key: ch, code: `Digit${d}`, shift: true };
  for (const [plain, shifted, code] of PUNCT) {
    if (ch === plain) return { key: ch, code, shift: false };
    if (ch === shifted) return { key: ch, code, shift: true };
  }
  return null;
}

/** Milliseconds between two key events to a VNC console: the server sees every press and release in order. */
export const VNC_KEY_GAP_MS = 4;

/**
 * noVNC: its Keyboard listens for keydown/keyup on the RFB canvas and maps
 * `code` (the physical key, tracked for the release) and `key` (the keysym)
 * to RFB key events. Shifted characters are typed with Shift held, as a
 * person does, so a server that maps keysyms to keycodes gets the same
 * modifier state. The canvas is recognised by what RFB builds: a canvas with
 * tabIndex -1 in a flex, scrolling screen div.
 */
export const novncAdapter: ConsoleAdapter = {
  kind: "novnc",
  detect(el) {
    const canvas = el instanceof HTMLCanvasElement ? el : el.querySelector(":scope > canvas");
    if (!(canvas instanceof HTMLCanvasElement) || canvas.tabIndex !== -1) return null;
    const screen = canvas.parentElement;
    if (!(screen instanceof HTMLDivElement) || screen.style.display !== "flex" || screen.style.overflow !== "auto") return null;
    return canvas;
  },
  async type(target, text, signal) {
    const keys: UsKey[] = [];
    for (const ch of text) {
      const k = usKey(ch);
      if (k === null) throw new Error("a character has no key on a US keyboard");
      keys.push(k);
    }
    const send = (type: "keydown" | "keyup", key: string, code: string, shift: boolean): void => {
      target.dispatchEvent(new KeyboardEvent(type, { key, code, shiftKey: shift, bubbles: true, cancelable: true }));
    };
    let shiftDown = false;
    try {
      for (const k of keys) {
        if (k.shift !== shiftDown) {
          send(k.shift ? "keydown" : "keyup", "Shift", "ShiftLeft", k.shift);
          shiftDown = k.shift;
          await sleep(VNC_KEY_GAP_MS, signal);
        }
        send("keydown", k.key, k.code, shiftDown);
        await sleep(VNC_KEY_GAP_MS, signal);
        send("keyup", k.key, k.code, shiftDown);
        await sleep(VNC_KEY_GAP_MS, signal);
      }
    } finally {
      // Never leave Shift held on the remote machine, cancelled or not.
      if (shiftDown) send("keyup", "Shift", "ShiftLeft", false);
    }
  },
};

/**
 * Shell In A Box (its own VT100 in JavaScript): its hidden `#input` field's
 * keypress listener takes a character from `charCode`; Enter and Tab it takes
 * on keydown from `keyCode` (VT100.keyDown/keyPressed/handleKey). The field's
 * value is never written. The console is recognised by the elements VT100
 * builds: `#input` and `#cliphelper` fields beside `#scrollable > #console`.
 */
export const shellinaboxAdapter: ConsoleAdapter = {
  kind: "shellinabox",
  detect(el) {
    for (let node: Element | null = el, depth = 0; node !== null && depth < 8; node = node.parentElement, depth++) {
      const input = node.querySelector("input#input");
      if (input !== null && node.querySelector("input#cliphelper") !== null && node.querySelector("#scrollable > pre#console") !== null) {
        return input;
      }
    }
    return null;
  },
  async type(target, text, signal) {
    for (const ch of text) {
      if (signal.aborted) throw new DOMException("typing cancelled", "AbortError");
      if (ch === "\r" || ch === "\t") {
        const keyCode = ch === "\r" ? 13 : 9;
        target.dispatchEvent(new KeyboardEvent("keydown", { key: ch === "\r" ? "Enter" : "Tab", keyCode, bubbles: true, cancelable: true }));
      } else {
        const charCode = ch.codePointAt(0) ?? 0;
        target.dispatchEvent(new KeyboardEvent("keypress", { key: ch, charCode, bubbles: true, cancelable: true }));
      }
      await sleep(0, signal);
    }
  },
};

export const ADAPTERS: readonly ConsoleAdapter[] = [xtermAdapter, novncAdapter, shellinaboxAdapter];

/** The adapter and its target for a focused or clicked element, or null: not a console Tessera can type into. */
export function consoleFor(el: Element | null): { adapter: ConsoleAdapter; target: Element } | null {
  if (el === null) return null;
  for (const adapter of ADAPTERS) {
    const target = adapter.detect(el);
    if (target !== null) return { adapter, target };
  }
  return null;
}
