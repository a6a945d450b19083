// Where a user can write a mail body on any page: a textarea, a
// contenteditable root (a plain div as Gmail and Outlook use, CKEditor 5,
// Quill, ProseMirror/Tiptap) or the editable document of a same-origin iframe
// (CKEditor 4, TinyMCE in iframe mode, designMode). Found from the DOM alone:
// the content script cannot see the editors' JavaScript objects, and must not
// depend on any one library's markup.
//
// Editors in iframes: CKEditor 4 and TinyMCE fill a same-origin frame
// (about:blank, srcdoc, or a document.open()ed copy of the page's URL). The
// content script copy of the topmost same-origin document takes over every
// editor of its same-origin frames, whatever their URL: the Tessera editor
// must replace the editor's box in that document, toolbar included, and a
// frame's own copy (when the browser runs one there) cannot reach it. Copies
// in same-origin frames therefore only place readers (main.ts).

export type BodyKind = "textarea" | "contenteditable" | "frame";

export interface EditableBody {
  readonly kind: BodyKind;
  /** Where the user types: the textarea, the contenteditable root, or the iframe document's body. */
  readonly editable: HTMLElement;
  /** The element in this document that shows the editor (toolbar included) and that Tessera's editor replaces. */
  readonly box: HTMLElement;
}

/** Smallest body worth offering: a mail body, not a search box or a one-line reply field. */
export const MIN_WIDTH = 200;
export const MIN_HEIGHT = 60;
/** Nested same-origin frames searched (an editor's iframe inside a webmail's compose iframe). */
const MAX_FRAME_DEPTH = 3;

const EDITABLE_ROOTS = '[contenteditable=""], [contenteditable="true"], [contenteditable="plaintext-only"]';

/** Elements Tessera put in the page: never a body, never scanned. */
export function isOurs(el: Element): boolean {
  for (let node: Element | null = el; node !== null; node = node.parentElement) {
    if (node.localName.startsWith("tessera-")) return true;
  }
  return false;
}

// Elements of a frame's document come from that frame's realm: `instanceof`
// against this script's constructors is false for them, so tags are compared.
export const isTextarea = (el: Element): el is HTMLTextAreaElement => el.localName === "textarea";
const isInput = (el: Element): el is HTMLInputElement => el.localName === "input";
const isElement = (t: EventTarget | null): t is Element => t !== null && typeof (t as Partial<Element>).localName === "string";

export function styleOf(el: Element): CSSStyleDeclaration {
  return (el.ownerDocument.defaultView ?? window).getComputedStyle(el);
}

export function isRendered(el: Element): boolean {
  if (!el.isConnected || el.getClientRects().length === 0) return false;
  const style = styleOf(el);
  return style.visibility === "visible" && style.display !== "none";
}

function bigEnough(el: Element): boolean {
  const r = el.getBoundingClientRect();
  return r.width >= MIN_WIDTH && r.height >= MIN_HEIGHT;
}

/** The document of a same-origin iframe, or null (cross-origin, sandboxed, not loaded). */
export function sameOriginFrameDocument(frame: HTMLIFrameElement): Document | null {
  try {
    return frame.contentDocument;
  } catch {
    return null;
  }
}

function isWritable(el: HTMLElement): boolean {
  if (isTextarea(el)) return !el.readOnly && !el.disabled;
  return el.isContentEditable;
}

/**
 * The editor's box: the largest ancestor that still looks like this editor and
 * nothing else (its toolbar and status bar, no other field of the form).
 */
function editorBox(start: HTMLElement, doc: Document): HTMLElement {
  const base = start.getBoundingClientRect();
  let box = start;
  for (let node = start.parentElement; node !== null && node !== doc.body && node !== doc.documentElement; node = node.parentElement) {
    const r = node.getBoundingClientRect();
    if (r.width > base.width * 1.15 + 24 || r.height > base.height * 1.8 + 160) break;
    const others = [...node.querySelectorAll<HTMLElement>(`input:not([type=hidden]):not([type=button]):not([type=checkbox]):not([type=radio]):not([type=file]), textarea, iframe, ${EDITABLE_ROOTS}`)].filter(
      (el) => el !== start && !start.contains(el) && !el.contains(start) && isRendered(el) && !(el.parentElement?.isContentEditable ?? false),
    );
    if (others.length > 0) break;
    box = node;
  }
  return box;
}

/** Every writable body of this document and of its scripted same-origin frames, largest first. */
export function findBodies(doc: Document, depth = 0): EditableBody[] {
  const bodies: EditableBody[] = [];
  for (const area of doc.querySelectorAll<HTMLTextAreaElement>("textarea")) {
    if (isWritable(area) && !isOurs(area) && isRendered(area) && bigEnough(area)) bodies.push({ kind: "textarea", editable: area, box: area });
  }
  for (const root of doc.querySelectorAll<HTMLElement>(EDITABLE_ROOTS)) {
    if (root.parentElement?.isContentEditable === true || isOurs(root) || !isRendered(root) || !bigEnough(root)) continue;
    // A designMode document's body is found through its frame below.
    if (root === doc.body && depth > 0) continue;
    bodies.push({ kind: "contenteditable", editable: root, box: editorBox(root, doc) });
  }
  if (depth < MAX_FRAME_DEPTH) {
    for (const frame of doc.querySelectorAll<HTMLIFrameElement>("iframe")) {
      if (isOurs(frame) || !isRendered(frame) || !bigEnough(frame)) continue;
      const inner = sameOriginFrameDocument(frame);
      const body = inner?.body;
      if (inner == null || body == null) continue;
      if (body.isContentEditable || inner.designMode === "on") {
        bodies.push({ kind: "frame", editable: body, box: editorBox(frame, doc) });
        continue;
      }
      // A frame that holds an editor of its own further down (a compose page in an iframe).
      for (const nested of findBodies(inner, depth + 1)) bodies.push({ ...nested, box: nested.box.ownerDocument === doc ? nested.box : frame });
    }
  }
  const area = (b: EditableBody): number => b.box.getBoundingClientRect().width * b.box.getBoundingClientRect().height;
  return bodies.sort((a, b) => area(b) - area(a));
}

const BLOCK_TAGS = new Set([
  "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure", "footer", "form",
  "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul",
]);
const PREFORMATTED = new Set(["pre", "textarea", "listing", "xmp", "plaintext"]);
const SKIPPED = new Set(["script", "style", "template", "select", "button"]);

/**
 * The text of HTML as a mail client renders it with default styles: line
 * breaks come from <br>, block elements and preformatted text only; other
 * newlines are spaces. Not innerText: an editor's own CSS (white-space:
 * pre-wrap) shows line breaks that its serialized HTML no longer has once it
 * leaves the editor. Widgets an editor puts in its body (contenteditable=false)
 * are not text.
 */
export function renderedText(root: Node): string {
  const out: string[] = [];
  const walk = (node: Node, pre: boolean): void => {
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node.nodeValue ?? "";
      out.push(pre ? text : text.replace(/[ \t\r\n\f]+/g, " "));
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const el = node as Element;
    const tag = el.localName;
    if (SKIPPED.has(tag) || el.getAttribute("contenteditable") === "false") return;
    if (tag === "br") return void out.push("\n");
    const block = BLOCK_TAGS.has(tag);
    if (block) out.push("\n");
    for (const child of el.childNodes) walk(child, pre || PREFORMATTED.has(tag));
    if (block) out.push("\n");
  };
  walk(root, false);
  return out.join("");
}

/** The text a body holds now, as it will read once the page sends it (a textarea: its value). */
export function bodyText(body: EditableBody): string {
  return isTextarea(body.editable) ? body.editable.value : renderedText(body.editable);
}

/**
 * The multi-line writable element an input event came from, or null (a
 * single-line input, or not writable). Used to tell a user who types into the
 * page's own editor that the text is not protected.
 */
export function writableTarget(target: EventTarget | null): HTMLElement | null {
  if (!isElement(target)) return null;
  const doc = target.ownerDocument;
  if (isTextarea(target)) return isWritable(target) ? target : null;
  if (isInput(target)) return null;
  if (doc.designMode === "on") return doc.body;
  const el = "isContentEditable" in target ? (target as HTMLElement) : target.parentElement;
  if (el === null || !el.isContentEditable) return null;
  // The editable root: the highest ancestor that is still editable.
  let root: HTMLElement = el;
  while (root.parentElement !== null && root.parentElement.isContentEditable) root = root.parentElement;
  return root;
}
