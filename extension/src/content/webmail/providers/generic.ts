// Any site's textarea or contenteditable, on sites the user enabled in the
// options page (chrome.storage.local "webmailSites", a list of origins). There
// is no To field to read: the user names recipients inside the editor frame.

import { setControlValue, type ComposeTarget, type WebmailProvider } from "../provider";

export const SITES_KEY = "webmailSites";

const MIN_WIDTH = 200;
const MIN_HEIGHT = 60;

function isShown(el: HTMLElement): boolean {
  const r = el.getBoundingClientRect();
  return r.width >= MIN_WIDTH && r.height >= MIN_HEIGHT && getComputedStyle(el).visibility === "visible";
}

/** The largest visible writable body on the page: a textarea or a contenteditable root. */
function largestBody(doc: Document): HTMLElement | null {
  const candidates = [
    ...doc.querySelectorAll<HTMLElement>("textarea:not([readonly]):not([disabled])"),
    ...[...doc.querySelectorAll<HTMLElement>('[contenteditable=""], [contenteditable="true"]')].filter(
      (el) => el.parentElement?.closest('[contenteditable=""], [contenteditable="true"]') == null,
    ),
  ].filter(isShown);
  const area = (el: HTMLElement): number => el.getBoundingClientRect().width * el.getBoundingClientRect().height;
  return candidates.sort((a, b) => area(b) - area(a))[0] ?? null;
}

function writeInto(body: HTMLElement, armored: string): void {
  if (body instanceof HTMLTextAreaElement) return setControlValue(body, armored);
  const pre = body.ownerDocument.createElement("pre");
  pre.textContent = armored;
  body.replaceChildren(pre);
  body.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertReplacementText" }));
  body.dispatchEvent(new Event("change", { bubbles: true }));
}

export function genericProvider(enabledOrigins: ReadonlySet<string>): WebmailProvider {
  return {
    name: "generic",
    detect: (doc) => enabledOrigins.has(doc.location.origin),
    composeTarget(doc): ComposeTarget | null {
      const body = largestBody(doc);
      if (body === null) return null;
      return { anchor: body, buttonBefore: body, write: (armored) => writeInto(body, armored) };
    },
    recipients: () => [],
    sender: () => null,
    messageParts(doc) {
      // The closest block around each text node that starts an armored block.
      const parts = new Set<HTMLElement>();
      const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
        if (!(node.nodeValue ?? "").includes("-----BEGIN PGP MESSAGE-----")) continue;
        const block = node.parentElement?.closest<HTMLElement>("pre, p, div, td, blockquote, article, section");
        if (block && !block.isContentEditable && block.closest("textarea") === null) parts.add(block);
      }
      return [...parts];
    },
  };
}
