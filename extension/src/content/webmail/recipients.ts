// To, Cc and Bcc as any webmail shows them, read from the DOM only: plain
// inputs, textareas, and "address chips" (Gmail, Outlook, Roundcube, Horde,
// most React/Vue address pickers) inside an area labelled To, Cc or Bcc.
// Labels come from aria-label, aria-labelledby, <label for>, placeholder,
// name/id, or the text just before the field, in English, French and German.
// Read only: Tessera never edits the page's recipients.

import { parseAddresses, type Recipients } from "../../shared/contracts/webmail";
import { isOurs, isRendered } from "./editables";

type Kind = keyof Recipients;

// A label is the keyword alone, or with a word such as "recipients" (Gmail's
// "To recipients"): a body labelled "An email body" is not a To field.
const TAIL = String.raw`(?:\s+(?:recipients?|field|address(?:es)?|destinataires?|empf[äa]nger))?$`;
const LABELS: ReadonlyArray<[Kind, RegExp]> = [
  ["bcc", new RegExp(String.raw`^(?:bcc|cci|blind(?: carbon)? copy|copie cach[ée]e|blindkopie)` + TAIL, "i")],
  ["cc", new RegExp(String.raw`^(?:cc|carbon copy|copie(?: [àa])?|kopie)` + TAIL, "i")],
  ["to", new RegExp(String.raw`^(?:to|[àa]|destinataires?|recipients?|an|empf[äa]nger)` + TAIL, "i")],
];

/** Attributes in which chips keep the address they show a name for. */
const ADDRESS_ATTRIBUTES = ["data-email", "email", "data-hovercard-id", "data-address", "title", "aria-label", "data-value", "value"];

const FIELD_SELECTOR = 'input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit]), textarea, [role="combobox"], [role="listbox"], [role="textbox"], [contenteditable="true"]';

function cleanLabel(text: string | null | undefined): string {
  return (text ?? "").replace(/[\s:*]+/g, " ").trim();
}

/** The first label of a field that names a recipient kind. */
function kindOf(field: HTMLElement): Kind | null {
  const doc = field.ownerDocument;
  const labels: string[] = [field.getAttribute("aria-label") ?? "", field.getAttribute("placeholder") ?? ""];
  for (const id of (field.getAttribute("aria-labelledby") ?? "").split(/\s+/).filter(Boolean)) labels.push(doc.getElementById(id)?.textContent ?? "");
  if (field.id !== "") {
    for (const label of doc.querySelectorAll(`label[for="${CSS.escape(field.id)}"]`)) labels.push(label.textContent ?? "");
  }
  labels.push(field.closest("label")?.textContent ?? "");
  // Field names such as _to, to[], compose-cc, bccField.
  for (const attr of [field.getAttribute("name"), field.id]) {
    const m = /(?:^|[_\-[.])(to|cc|bcc)(?:$|[_\-\]0-9.]|field|input)/i.exec(attr ?? "");
    if (m?.[1]) labels.push(m[1]);
  }
  // The text just before the field's row: "To" in a <td>, <span> or <div> left of it.
  let node: Element | null = field;
  for (let up = 0; up < 4 && node !== null; up++, node = node.parentElement) {
    const before = node.previousElementSibling;
    if (before !== null && !before.querySelector(FIELD_SELECTOR)) {
      labels.push(before.textContent ?? "");
      break;
    }
  }
  for (const label of labels) {
    const kind = kindOfLabel(label);
    if (kind !== null) return kind;
  }
  return null;
}

/** The recipient kind a field's label names ("To", "Cc recipients", "Cci :"), or null. */
export function kindOfLabel(text: string): Kind | null {
  const label = cleanLabel(text);
  if (label === "" || label.length > 40) return null;
  for (const [kind, pattern] of LABELS) if (pattern.test(label)) return kind;
  return null;
}

/** Whether a field is one of the page's To/Cc/Bcc fields (never a mail body, however tall). */
export function isRecipientField(field: HTMLElement): boolean {
  return kindOf(field) !== null;
}

/** The area a field's chips live in: the closest ancestor that holds no other recipient field. */
function areaOf(field: HTMLElement, fields: readonly HTMLElement[]): HTMLElement {
  let area = field;
  for (let node = field.parentElement, up = 0; node !== null && up < 5; node = node.parentElement, up++) {
    if (fields.some((other) => other !== field && node.contains(other))) break;
    // Never the From selector (the sender's address) or the body.
    if (node.querySelector("select") !== null) break;
    if (node.querySelector("textarea, iframe, [contenteditable='true']:not([role=textbox])") !== null && node.getBoundingClientRect().height > 200) break;
    area = node;
  }
  return area;
}

function addressesIn(area: HTMLElement): string[] {
  const found: string[] = [];
  const push = (text: string | null | undefined): void => void found.push(...parseAddresses(text ?? ""));
  for (const el of [area, ...area.querySelectorAll<HTMLElement>("*")]) {
    if (isOurs(el)) continue;
    if (el.localName === "input" || el.localName === "textarea") push((el as HTMLInputElement).value);
    for (const attr of ADDRESS_ATTRIBUTES) if (attr !== "value") push(el.getAttribute(attr));
  }
  // Chips that show only the address as text.
  push(area.innerText);
  return [...new Set(found)];
}

/**
 * The recipients shown in the page, inside `scope` (the compose form or
 * window the body belongs to). An address in two kinds counts once, in the
 * most visible (To over Cc over Bcc): hiding a key ID the page shows anyway
 * would protect nothing.
 */
export function readRecipients(scope: ParentNode): Recipients {
  const fields = [...scope.querySelectorAll<HTMLElement>(FIELD_SELECTOR)].filter((f) => !isOurs(f));
  const labelled = fields.map((f) => ({ field: f, kind: kindOf(f) })).filter((x): x is { field: HTMLElement; kind: Kind } => x.kind !== null);
  // A hidden field counts only when its kind has no visible one (the textarea behind a chip widget).
  const visibleKinds = new Set(labelled.filter((x) => isRendered(x.field)).map((x) => x.kind));
  const out: Recipients = { to: [], cc: [], bcc: [] };
  const anchors = labelled.map((x) => x.field);
  for (const { field, kind } of labelled) {
    const rendered = isRendered(field);
    if (!rendered && visibleKinds.has(kind)) continue;
    out[kind].push(...(rendered ? addressesIn(areaOf(field, anchors)) : parseAddresses((field as HTMLInputElement).value ?? "")));
  }
  const to = [...new Set(out.to)];
  const cc = [...new Set(out.cc)].filter((a) => !to.includes(a));
  const bcc = [...new Set(out.bcc)].filter((a) => !to.includes(a) && !cc.includes(a));
  return { to, cc, bcc };
}

/** The closest ancestor of a compose body that holds recipient fields: its form, dialog or window. */
export function composeScope(box: HTMLElement): ParentNode {
  for (let node = box.parentElement; node !== null; node = node.parentElement) {
    const fields = [...node.querySelectorAll<HTMLElement>(FIELD_SELECTOR)].filter((f) => !box.contains(f) && kindOf(f) !== null);
    if (fields.length > 0) return node;
  }
  return box.ownerDocument;
}
