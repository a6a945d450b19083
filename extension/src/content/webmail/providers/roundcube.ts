// Roundcube 1.6, Elastic skin: plain-text compose (textarea#composebody) and
// HTML compose (TinyMCE in iframe#composebody_ifr); opened messages in the
// preview frame (#messagebody .message-part).

import { parseAddresses } from "../../../shared/webmail-messages";
import { setControlValue, type ComposeTarget, type WebmailProvider } from "../provider";

function isHtmlMode(doc: Document): boolean {
  return doc.querySelector<HTMLInputElement>('input[name="_is_html"]')?.value === "1";
}

/**
 * Roundcube's own PGP/MIME form field: send.php turns a posted `_pgpmime` into
 * multipart/encrypted (application/pgp-encrypted "Version: 1" + encrypted.asc),
 * dropping the body and any unencrypted attachment. null removes it (inline mode).
 */
function setPgpMimeField(doc: Document, armored: string | null): void {
  const form = doc.querySelector<HTMLTextAreaElement>("textarea#composebody")?.form;
  if (!form) return;
  let field = form.querySelector<HTMLInputElement>('input[name="_pgpmime"]');
  if (armored === null) return field?.remove();
  if (field === null) {
    field = doc.createElement("input");
    field.type = "hidden";
    field.name = "_pgpmime";
    form.append(field);
  }
  field.value = armored;
}

function plainTarget(doc: Document): ComposeTarget | null {
  const body = doc.querySelector<HTMLTextAreaElement>("textarea#composebody");
  if (body === null) return null;
  // The whole container: Roundcube's editor toolbar floats over the textarea's top.
  const container = doc.querySelector<HTMLElement>("#composebodycontainer") ?? body;
  return {
    anchor: container,
    buttonBefore: container,
    write(armored) {
      setPgpMimeField(doc, null);
      setControlValue(body, armored);
    },
    writePgpMime(armored) {
      setPgpMimeField(doc, armored);
      setControlValue(body, armored); // what the user sees; Roundcube sends the field instead
    },
  };
}

/** TinyMCE's editable body: armored text as one <pre>, so line breaks survive the HTML part. */
function htmlTarget(doc: Document): ComposeTarget | null {
  const frame = doc.querySelector<HTMLIFrameElement>("iframe#composebody_ifr");
  const editable = frame?.contentDocument?.body;
  const container = doc.querySelector<HTMLElement>("#composebody_ifr")?.closest<HTMLElement>(".tox-tinymce");
  if (!frame || !editable || !container) return null;
  return {
    anchor: doc.querySelector<HTMLElement>("#composebodycontainer") ?? container,
    buttonBefore: doc.querySelector<HTMLElement>("#composebodycontainer") ?? container,
    writePgpMime(armored) {
      this.write(armored);
      setPgpMimeField(doc, armored);
    },
    write(armored) {
      setPgpMimeField(doc, null);
      const editorDoc = editable.ownerDocument;
      const pre = editorDoc.createElement("pre");
      pre.textContent = armored;
      editable.replaceChildren(pre);
      for (const type of ["input", "change", "keyup"]) editable.dispatchEvent(new Event(type, { bubbles: true }));
      // The textarea is what Roundcube posts; TinyMCE copies into it on save, keep it in step anyway.
      const textarea = doc.querySelector<HTMLTextAreaElement>("textarea#composebody");
      if (textarea) textarea.value = editable.innerHTML;
    },
  };
}

export const roundcube: WebmailProvider = {
  name: "roundcube",
  detect(doc) {
    return doc.body?.classList.contains("task-mail") === true && doc.querySelector('script[src*="program/js/app"]') !== null;
  },
  composeTarget(doc) {
    if (!doc.body.classList.contains("action-compose")) return null;
    return isHtmlMode(doc) ? htmlTarget(doc) : plainTarget(doc);
  },
  recipients(doc) {
    const fields = ["_to", "_cc", "_bcc"].map((name) => doc.querySelector<HTMLTextAreaElement>(`textarea[name="${name}"]`)?.value ?? "");
    // What the recipient widget shows but has not yet copied to its textarea.
    const typed = [...doc.querySelectorAll<HTMLInputElement>(".recipient-input li.input input")].map((i) => i.value);
    return parseAddresses([...fields, ...typed].join(","));
  },
  sender(doc) {
    const from = doc.querySelector<HTMLSelectElement>("select#_from");
    const text = from?.selectedOptions[0]?.textContent ?? "";
    return parseAddresses(text)[0] ?? null;
  },
  messageParts(doc) {
    return [...doc.querySelectorAll<HTMLElement>("#messagebody .message-part, #messagebody .message-htmlpart")];
  },
};
