// Roundcube 1.6, Elastic skin: plain-text compose (textarea#composebody) and
// HTML compose (TinyMCE in iframe#composebody_ifr); opened messages in the
// preview frame (#messagebody .message-part).

import { t } from "../../../shared/i18n";
import { parseAddresses, type Recipients } from "../../../shared/contracts/webmail";
import { setControlValue, type ComposeTarget, type EncryptedMessage, type WebmailProvider } from "../provider";

/** Ciphertext is small text; refuse anything that would not be one (25 MiB of attachments ≈ 34 MiB of armor). */
const MAX_FETCH_BYTES = 40 * 1024 * 1024;

/**
 * Roundcube shows a multipart/encrypted message as a warning ("This is an
 * encrypted message and can not be displayed") and its encrypted part as an
 * attachment link: the reader goes over the warning and gets that part's text.
 */
function encryptedMessages(doc: Document): EncryptedMessage[] {
  const body = doc.querySelector<HTMLElement>("#messagebody");
  if (body === null || body.querySelector(".boxwarning") === null) return [];
  const link = [...doc.querySelectorAll<HTMLAnchorElement>("#attachment-list a.filename")].find((a) =>
    /\.(asc|pgp|gpg)$/i.test(a.querySelector(".attachment-name")?.textContent ?? ""),
  );
  if (!link) return [];
  const url = new URL(link.href, doc.location.href);
  if (url.origin !== doc.location.origin) return [];
  url.searchParams.set("_download", "1");
  return [
    {
      anchor: body,
      async fetchArmored() {
        const reply = await fetch(url, { credentials: "same-origin" });
        const length = Number(reply.headers.get("content-length") ?? "0");
        if (!reply.ok || length > MAX_FETCH_BYTES) return "";
        return (await reply.text()).replace(/\r\n/g, "\n");
      },
    },
  ];
}

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

/** What the body shows for a PGP/MIME message: its size and Tessera's note, never plaintext. */
function pgpMimeNotice(armored: string): string {
  return t("webmailPgpMimeNotice", [String(Math.ceil(armored.length / 1024))]);
}

function plainTarget(doc: Document): ComposeTarget | null {
  const body = doc.querySelector<HTMLTextAreaElement>("textarea#composebody");
  if (body === null) return null;
  // The whole container: Roundcube's editor toolbar floats over the textarea's top.
  const container = doc.querySelector<HTMLElement>("#composebodycontainer") ?? body;
  return {
    anchor: container,
    buttonBefore: container,
    editable: body,
    text: () => body.value,
    write(armored) {
      setPgpMimeField(doc, null);
      setControlValue(body, armored);
      return body.value === armored;
    },
    writePgpMime(armored) {
      setPgpMimeField(doc, armored);
      // Roundcube sends the field and drops the body; megabytes of armor in a textarea only slow the page.
      setControlValue(body, pgpMimeNotice(armored));
      return true;
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
    editable,
    text: () => editable.innerText,
    writePgpMime(armored) {
      this.write(pgpMimeNotice(armored));
      setPgpMimeField(doc, armored);
      return true;
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
      return true;
    },
  };
}

export const roundcube: WebmailProvider = {
  name: "roundcube",
  detect(doc) {
    return doc.body?.classList.contains("task-mail") === true && doc.querySelector('script[src*="program/js/app"]') !== null;
  },
  composeTargets(doc) {
    if (!doc.body.classList.contains("action-compose")) return [];
    const target = isHtmlMode(doc) ? htmlTarget(doc) : plainTarget(doc);
    return target === null ? [] : [target];
  },
  recipients(doc): Recipients {
    // Each field's textarea, plus what its recipient widget shows but has not yet copied there.
    const field = (name: string): string[] => {
      const area = doc.querySelector<HTMLTextAreaElement>(`textarea[name="_${name}"]`);
      const typed = [...doc.querySelectorAll<HTMLInputElement>(`#compose_${name} .recipient-input li.input input`)].map((i) => i.value);
      return parseAddresses([area?.value ?? "", ...typed].join(","));
    };
    const to = field("to");
    const cc = field("cc").filter((a) => !to.includes(a));
    const bcc = field("bcc").filter((a) => !to.includes(a) && !cc.includes(a));
    return { to, cc, bcc };
  },
  sender(doc) {
    const from = doc.querySelector<HTMLSelectElement>("select#_from");
    const text = from?.selectedOptions[0]?.textContent ?? "";
    return parseAddresses(text)[0] ?? null;
  },
  encryptedMessages,
  messageParts(doc) {
    return [...doc.querySelectorAll<HTMLElement>("#messagebody .message-part, #messagebody .message-htmlpart")];
  },
};
