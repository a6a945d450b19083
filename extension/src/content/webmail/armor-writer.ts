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
// browser's own editing command inserts the text.

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

function pasteInto(editable: HTMLElement, armored: string): void {
  const view = editable.ownerDocument.defaultView ?? window;
  const data = new view.DataTransfer();
  data.setData("text/plain", armored);
  // One <pre>: editors that keep preformatted text keep the line breaks as they are.
  data.setData("text/html", `<pre>${escapeHtml(armored)}</pre>`);
  selectAll(editable);
  editable.dispatchEvent(new view.ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
}

function insertText(editable: HTMLElement, armored: string): void {
  selectAll(editable);
  editable.ownerDocument.execCommand("insertText", false, armored);
}

function replaceDom(editable: HTMLElement, armored: string): void {
  const pre = editable.ownerDocument.createElement("pre");
  pre.textContent = armored;
  editable.replaceChildren(pre);
  editable.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertReplacementText" }));
}

const afterRender = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

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
  for (const write of [pasteInto, insertText, replaceDom]) {
    write(editable, armored);
    // Editors apply a paste in the same task or the next one.
    await afterRender();
    if (bodyHolds(body, armored)) {
      editable.dispatchEvent(new Event("change", { bubbles: true }));
      editable.blur();
      return true;
    }
  }
  return false;
}
