// Puts armored ciphertext into a page's compose body so that the editor's
// own serialization (getData(), getContent(), innerHTML, the form post) keeps
// it readable by any OpenPGP implementation. Only ciphertext passes here.
//
// Rich-text editors keep a model of their own (CKEditor, ProseMirror, Quill,
// TinyMCE) and rewrite or drop DOM they did not make, so writing the DOM
// directly is lost at the next render or serialization. Every one of them
// takes a paste, and reads it from the event's clipboardData: a paste event
// built here with a DataTransfer of our own goes through the editor's model
// like a user's paste, without touching the system clipboard. Plain
// contenteditable divs (no library) ignore an untrusted paste; for them the
// browser's own editing command inserts the text. Which way an editor takes
// is not guessed from its markup: each is tried in turn and the body read back.

import { armoredBlocks } from "../../shared/armor-text";
import { bodyText, isTextarea, type EditableBody } from "./editables";
import { setControlValue } from "./provider";

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Whether the body now holds exactly this armored message (as its canonical form). */
export function bodyHolds(body: EditableBody, armored: string): boolean {
  const want = armoredBlocks(armored)[0];
  return want !== undefined && armoredBlocks(bodyText(body)).includes(want);
}

function selectAll(editable: HTMLElement): void {
  const view = editable.ownerDocument.defaultView;
  editable.focus();
  const selection = view?.getSelection();
  if (selection == null) return;
  const range = editable.ownerDocument.createRange();
  range.selectNodeContents(editable);
  selection.removeAllRanges();
  selection.addRange(range);
}

/**
 * The armor as HTML: one paragraph per blank-line-separated part, its lines
 * joined by <br>. Not a <pre>: webmails' own HTML-to-text conversion (the
 * text/plain alternative they send, Horde's for one) turns a <pre>'s line
 * breaks into spaces, while every converter and every editor keeps <br> and
 * paragraphs.
 */
function armorHtml(armored: string): string {
  return armored
    .trimEnd()
    .split(/\n\s*\n/)
    .map((part) => `<p>${part.split("\n").map(escapeHtml).join("<br>")}</p>`)
    .join("");
}

/** Lets an editor see the new DOM selection (CKEditor 5 syncs it on selectionchange, a task later). */
const selectionSettles = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 30));

/** Dispatches the paste; true when an editor took it (cancelled the browser's default). */
async function paste(editable: HTMLElement, armored: string, asHtml: boolean): Promise<boolean> {
  const view = editable.ownerDocument.defaultView ?? window;
  const data = new view.DataTransfer();
  data.setData("text/plain", armored);
  if (asHtml) data.setData("text/html", armorHtml(armored));
  selectAll(editable);
  await selectionSettles();
  return !editable.dispatchEvent(new view.ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
}

/** Paragraphs and <br> (what survives every editor's model and every HTML-to-text conversion). */
const pasteHtml = (editable: HTMLElement, armored: string): Promise<boolean> => paste(editable, armored, true);
/** Plain text, for an editor that refuses the HTML: it makes its own paragraphs and line breaks. */
const pastePlain = (editable: HTMLElement, armored: string): Promise<boolean> => paste(editable, armored, false);

/**
 * The browser's own editing, with the paragraphs and <br> of armorHtml: an
 * editor that ignores an untrusted paste (CKEditor 3, a plain contenteditable)
 * still gets line breaks every HTML-to-text conversion keeps. insertText would
 * make the blank line after the header a "&nbsp;" line, which gpg refuses once
 * a webmail has turned the HTML into text.
 */
async function insertHtml(editable: HTMLElement, armored: string): Promise<void> {
  selectAll(editable);
  await selectionSettles();
  editable.ownerDocument.execCommand("insertHTML", false, armorHtml(armored));
}

async function insertText(editable: HTMLElement, armored: string): Promise<void> {
  selectAll(editable);
  await selectionSettles();
  editable.ownerDocument.execCommand("insertText", false, armored);
}

/** The last resort, for a contenteditable with no editor library that refused the editing command. */
async function replaceDom(editable: HTMLElement, armored: string): Promise<void> {
  const doc = editable.ownerDocument;
  const paragraphs = armored
    .trimEnd()
    .split(/\n\s*\n/)
    .map((part) => {
      const p = doc.createElement("p");
      part.split("\n").forEach((line, i) => {
        if (i > 0) p.append(doc.createElement("br"));
        p.append(line);
      });
      return p;
    });
  editable.replaceChildren(...paragraphs);
  editable.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertReplacementText" }));
  await selectionSettles();
}

/**
 * How long an editor may take to apply a paste (some apply it a task or a frame
 * later, TinyMCE ~80 ms and CKEditor 3/4 later still, without cancelling the event).
 */
const SETTLE_MS = 400;

async function settles(body: EditableBody, armored: string, withinMs: number): Promise<boolean> {
  const end = performance.now() + withinMs;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (bodyHolds(body, armored)) return true;
    if (performance.now() > end) return false;
  }
}

/** Writes in progress: the input events they cause are Tessera's, not the user's typing. */
let writing = 0;
export const isWriting = (): boolean => writing > 0;

/**
 * Writes the armor into the body and checks it is there. Returns false when no
 * way worked: the caller must then say so, never leave the user guessing.
 */
export async function writeArmor(body: EditableBody, armored: string): Promise<boolean> {
  writing++;
  try {
    return await writeWith(body, armored);
  } finally {
    // Editors may fire their own input events a task later.
    setTimeout(() => writing--, 50);
  }
}

async function writeWith(body: EditableBody, armored: string): Promise<boolean> {
  const editable = body.editable;
  if (isTextarea(editable)) {
    setControlValue(editable, armored);
    return bodyHolds(body, armored);
  }
  // Each way is checked by reading the body back as a mail client would render
  // it: the first that keeps the armor readable wins. A paste that neither was
  // cancelled nor changed the body in that time was ignored (no editor library
  // listens: a plain contenteditable), so the plain-text paste is skipped too.
  const done = (): boolean => {
    editable.dispatchEvent(new Event("change", { bubbles: true }));
    editable.blur();
    return true;
  };
  let changed = false;
  const observer = new MutationObserver(() => (changed = true));
  observer.observe(editable, { childList: true, subtree: true, characterData: true });
  try {
    // The full wait even without a sign: CKEditor 3/4 take a paste a while later without
    // cancelling it, and a write that overtook theirs would leave the armor twice.
    const tookHtml = await pasteHtml(editable, armored);
    if (await settles(body, armored, SETTLE_MS)) return done();
    if (tookHtml || changed) {
      await pastePlain(editable, armored);
      if (await settles(body, armored, SETTLE_MS)) return done();
    }
  } finally {
    observer.disconnect();
  }
  for (const write of [insertHtml, insertText, replaceDom]) {
    await write(editable, armored);
    if (await settles(body, armored, SETTLE_MS)) return done();
  }
  return false;
}
