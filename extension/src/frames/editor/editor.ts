// The secure editor: an extension-origin frame in place of the webmail's
// body. The text typed here never leaves this frame except encrypted: the
// background encrypts it (page-api "encrypt") and this frame hands only the
// armored result to the background, which relays it to the content script.

import type { KeyInfo, PageReply } from "../../shared/contracts/page";
import { byTestId, el } from "../../pages/dom";
import { formatFingerprint } from "../../shared/fingerprint";
import { localizePage, t } from "../../shared/i18n";
import { paintPattern } from "../../pages/security-pattern";
import { parseAddresses, type Recipients, type ToFrame, type WebmailApiReply, type WebmailApiRequest } from "../../shared/contracts/webmail";
import { GestureGuard } from "../common/gesture-guard";
import { gestureFailure } from "../common/gesture-text";
import { failureText, send } from "../../pages/page-replies";
import { connectSession, reportHeight } from "../common/session";

localizePage(document);
void paintPattern(byTestId("security-pattern"));

const text = byTestId<HTMLTextAreaElement>("editor-text");
const errorBox = byTestId("editor-error");
const buttons = [byTestId<HTMLButtonElement>("editor-encrypt"), byTestId<HTMLButtonElement>("editor-sign-encrypt")];

type Kind = keyof Recipients;
let pageRecipients: Recipients = { to: [], cc: [], bcc: [] };
/** Typed into the editor itself: sites without To/Cc fields, or extra recipients. */
let ownAddresses: string[] = [];
/** Everyone the message is encrypted for, each once, with the most visible kind (To over Cc over Bcc). */
let recipients: Array<{ address: string; kind: Kind }> = [];
let sender: string | null = null;
let keys: KeyInfo[] = [];
/** An encrypted draft found in the page's compose field, to decrypt and continue. */
let draft: string | null = null;

function mergeRecipients(): void {
  const seen = new Set<string>();
  recipients = [];
  const add = (address: string, kind: Kind): void => {
    if (seen.has(address) || address === sender) return;
    seen.add(address);
    recipients.push({ address, kind });
  };
  for (const a of [...pageRecipients.to, ...ownAddresses]) add(a, "to");
  for (const a of pageRecipients.cc) add(a, "cc");
  for (const a of pageRecipients.bcc) add(a, "bcc");
}

/** The addresses of a key's user IDs ("Name <a@b>" or a bare address). */
function keyAddresses(key: KeyInfo): string[] {
  return key.user_ids.flatMap((uid) => parseAddresses(uid));
}

function keyFor(address: string): KeyInfo | undefined {
  return keys.find((k) => k.can_encrypt && k.validity === "valid" && keyAddresses(k).includes(address));
}

function showError(message: string | null, code = ""): void {
  errorBox.hidden = message === null;
  errorBox.textContent = message ?? "";
  errorBox.dataset["code"] = code;
}

const KIND_LABEL: Record<Kind, string> = { to: "editorKindTo", cc: "editorKindCc", bcc: "editorKindBcc" };

function renderRecipients(): void {
  const list = byTestId("editor-recipients");
  list.replaceChildren(
    ...recipients.map(({ address, kind }) => {
      const has = keyFor(address) !== undefined;
      const item = el("li", { "data-testid": "recipient", "data-address": address, "data-kind": kind, "data-has-key": String(has) });
      item.append(el("span", { class: "kind" }, t(KIND_LABEL[kind])), " ", address);
      if (!has) item.append(" ", el("span", { class: "missing" }, t("editorNoKey")));
      return item;
    }),
  );
  byTestId("editor-no-recipients").hidden = recipients.length > 0;
  byTestId("editor-bcc-note").hidden = !recipients.some((r) => r.kind === "bcc");
  byTestId("editor-import").hidden = recipients.every((r) => keyFor(r.address) !== undefined);
}

async function loadKeys(): Promise<void> {
  const reply = await send({ type: "keyring.list" });
  if (reply.ok && "keys" in reply) keys = reply.keys;
  renderRecipients();
}

const session = connectSession("editor", (message: ToFrame) => {
  if (message.type === "recipients") {
    pageRecipients = message.recipients;
    sender = message.sender;
    mergeRecipients();
    renderRecipients();
  } else if (message.type === "visibility") {
    guard.setPageVisible(message.visible, message.flat, message.reason);
  } else if (message.type === "gestureVerdict") {
    guard.onVerdict(message);
  } else if (message.type === "writeResult" && !message.ok) {
    // The page's editor did not take the ciphertext: nothing was written, the text is still here.
    document.body.dataset["state"] = "ready";
    showError(t("webmailWriteFailed"), "write_failed");
  } else if (message.type === "draft" && draft === null) {
    draft = message.armored;
    byTestId("editor-draft").hidden = false;
  }
});
const guard = new GestureGuard(byTestId("editor-buttons"), (question) => session.send(question));
reportHeight(session);
document.body.dataset["state"] = "ready";

// --- attachments: read here, in the frame; encrypted with the text as one PGP/MIME entity ---

const attachInput = byTestId<HTMLInputElement>("editor-attach");
const progress = byTestId<HTMLProgressElement>("editor-progress");
let attachments: File[] = [];

function renderAttachments(): void {
  byTestId("editor-attachments").replaceChildren(
    ...attachments.map((file, i) => {
      const remove = el("button", { type: "button", "data-testid": "editor-attachment-remove" }, t("editorAttachmentRemove"));
      remove.addEventListener("click", () => {
        attachments = attachments.filter((_, j) => j !== i);
        renderAttachments();
      });
      const item = el("li", { "data-testid": "editor-attachment", "data-name": file.name, "data-size": String(file.size) }, `${file.name} (${formatSize(file.size)}) `);
      item.append(remove);
      return item;
    }),
  );
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

attachInput.addEventListener("change", () => {
  attachments = [...attachments, ...(attachInput.files ?? [])];
  attachInput.value = "";
  renderAttachments();
});

function setProgress(value: number | null, label: string): void {
  progress.hidden = false;
  if (value === null) progress.removeAttribute("value");
  else progress.value = value;
  progress.dataset["stage"] = label;
  byTestId("editor-busy").textContent = t(label);
}

/** Base64 of a file, read in slices so the progress bar moves while a 10 MiB file is read. */
async function readBase64(file: File, done: number, total: number): Promise<string> {
  const SLICE = 3 * 256 * 1024; // a multiple of 3: slices encode without padding in between
  const parts: string[] = [];
  for (let offset = 0; offset < file.size; offset += SLICE) {
    const bytes = new Uint8Array(await file.slice(offset, offset + SLICE).arrayBuffer());
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    parts.push(btoa(binary));
    bytes.fill(0);
    setProgress(Math.round(((done + offset + bytes.length) / Math.max(1, total)) * 50), "editorReading");
  }
  return parts.join("");
}

async function encryptWithAttachments(fingerprints: string[], hidden: string[], sign: boolean): Promise<WebmailApiReply> {
  const total = attachments.reduce((n, f) => n + f.size, 0);
  const files: Extract<WebmailApiRequest, { type: "webmail.encryptMime" }>["attachments"] = [];
  let done = 0;
  for (const file of attachments) {
    files.push({ name: file.name, type: file.type, base64: await readBase64(file, done, total) });
    done += file.size;
  }
  setProgress(null, "editorBusy");
  const request: WebmailApiRequest = { type: "webmail.encryptMime", text: text.value, attachments: files, recipients: fingerprints, hidden, sign };
  return (await chrome.runtime.sendMessage(request)) as WebmailApiReply;
}

async function encrypt(sign: boolean, event: Event): Promise<void> {
  showError(null);
  // What needs no gesture is said at once; the click's verdict comes before any key operation.
  if (recipients.length === 0) return showError(t("editorNoRecipients"), "no_recipients");
  const missing = recipients.filter((r) => keyFor(r.address) === undefined).map((r) => r.address);
  if (missing.length > 0) return showError(t("editorMissingKeys", [missing.join(", ")]), "missing_keys");
  const fingerprints = [...new Set(recipients.map((r) => keyFor(r.address)?.fingerprint ?? ""))];
  // A key shown in To or Cc is not hidden because the same person is also in Bcc.
  const shown = new Set(recipients.filter((r) => r.kind !== "bcc").map((r) => keyFor(r.address)?.fingerprint));
  const hidden = [...new Set(recipients.filter((r) => r.kind === "bcc").map((r) => keyFor(r.address)?.fingerprint ?? ""))].filter((f) => !shown.has(f));
  for (const b of buttons) b.disabled = true;
  const refusal = await guard.confirm(event, event.currentTarget instanceof Element ? event.currentTarget : document.body);
  if (refusal !== null) {
    for (const b of buttons) b.disabled = false;
    return showRefusal(refusal);
  }
  byTestId("editor-busy").hidden = false;
  document.body.dataset["state"] = "encrypting";
  const pgpMime = attachments.length > 0;
  try {
    const reply = pgpMime
      ? await encryptWithAttachments(fingerprints, hidden, sign)
      : await send({ type: "encrypt", text: text.value, recipients: fingerprints, hidden, sign });
    const armored = reply.ok && "armored" in reply && typeof reply.armored === "string" ? reply.armored : null;
    if (armored === null) {
      document.body.dataset["state"] = "ready";
      // Both reply shapes carry { ok: false, code, message } on failure.
      return showError(failureText(reply as PageReply), !reply.ok && "code" in reply ? reply.code : "");
    }
    if (pgpMime) setProgress(100, "editorWriting");
    // The text stays until the page holds the ciphertext: the frame is removed then, and a failure keeps it.
    document.body.dataset["state"] = "done";
    session.send({ type: "write", armored, pgpMime });
  } finally {
    for (const b of buttons) b.disabled = false;
    byTestId("editor-busy").hidden = true;
    byTestId("editor-busy").textContent = t("editorBusy");
    progress.hidden = true;
  }
}

function showRefusal(reason: string): void {
  const { text: message, code } = gestureFailure(reason);
  showError(message, code);
  errorBox.dataset["reason"] = reason;
}

/** Runs fn only for a click the guard confirms; a refusal that is known at once is shown at once. */
function guarded(fn: () => Promise<void>): (event: Event) => void {
  return (event) => {
    const quick = guard.refusal(event);
    if (quick !== null) return showRefusal(quick);
    const control = event instanceof SubmitEvent && event.submitter ? event.submitter : event.currentTarget;
    void guard.confirm(event, control instanceof Element ? control : document.body).then((refusal) => (refusal === null ? fn() : showRefusal(refusal)));
  };
}

for (const [i, b] of buttons.entries()) {
  b.addEventListener("click", (event) => {
    const quick = guard.refusal(event);
    if (quick !== null) return showRefusal(quick);
    void encrypt(i === 1, event);
  });
}

/** An encrypted draft from the compose field: decrypted here with the user's own key, to write on. */
async function continueDraft(): Promise<void> {
  if (draft === null) return;
  showError(null);
  const button = byTestId<HTMLButtonElement>("editor-draft-decrypt");
  button.disabled = true;
  document.body.dataset["state"] = "decrypting";
  try {
    const reply = await send({ type: "decrypt", armored: draft });
    if (!reply.ok || !("plaintext" in reply)) {
      document.body.dataset["state"] = "ready";
      return showError(failureText(reply), !reply.ok ? reply.code : "");
    }
    text.value = reply.plaintext + (text.value === "" ? "" : `\n${text.value}`);
    draft = null;
    byTestId("editor-draft").hidden = true;
    document.body.dataset["state"] = "ready";
    text.focus();
  } finally {
    button.disabled = false;
  }
}
byTestId("editor-draft-decrypt").addEventListener("click", guarded(continueDraft));
byTestId("editor-cancel").addEventListener("click", () => {
  if (text.value === "") return session.send({ type: "close" });
  byTestId("editor-discard").hidden = false;
});
byTestId("editor-discard-cancel").addEventListener("click", () => {
  byTestId("editor-discard").hidden = true;
});
byTestId("editor-discard-confirm").addEventListener("click", () => {
  text.value = "";
  session.send({ type: "close" });
});
byTestId<HTMLFormElement>("editor-import").addEventListener("submit", guarded(importKey));
byTestId<HTMLFormElement>("editor-import").addEventListener("submit", (event) => event.preventDefault());

// Recipients without a key: looked up by their address (WKD, then the keyserver the user
// set), each shown with its fingerprint and added only on a (guarded) click.
byTestId("editor-find").addEventListener("click", guarded(findMissing));

async function findMissing(): Promise<void> {
  const list = byTestId("editor-find-results");
  const missing = recipients.filter((r) => keyFor(r.address) === undefined).map((r) => r.address);
  list.replaceChildren(...missing.map((address) => el("li", { "data-testid": "editor-find-item", "data-address": address }, t("findWorking", [address]))));
  await Promise.all(
    missing.map(async (address) => {
      const item = list.querySelector<HTMLElement>(`[data-testid="editor-find-item"][data-address="${CSS.escape(address)}"]`);
      if (item === null) return;
      const reply = await send({ type: "keys.find", address });
      if (!reply.ok || !("found" in reply)) {
        item.dataset["code"] = !reply.ok && "code" in reply ? reply.code : "";
        item.replaceChildren(`${address}: ${failureText(reply)}`);
        return;
      }
      const found = reply.found;
      item.dataset["fingerprint"] = found.keys.map((k) => k.fingerprint).join(" ");
      const add = el("button", { type: "button", "data-testid": "editor-find-add" }, t("findImport"));
      add.addEventListener(
        "click",
        guarded(async () => {
          add.disabled = true;
          const r = await send({ type: "keys.importFound", id: found.id });
          item.append(" ", r.ok ? t("findImported") : failureText(r));
          await loadKeys();
        }),
      );
      item.replaceChildren(
        `${t(found.source === "keyserver" ? "findSourceKeyserver" : "findSourceWkd", [address, new URL(found.url).host])} `,
        ...found.keys.map((k) => el("span", { class: "fingerprint" }, `${formatFingerprint(k.fingerprint)} (${k.user_ids.join(", ")}) `)),
        add,
      );
    }),
  );
}

async function importKey(): Promise<void> {
  const input = byTestId<HTMLTextAreaElement>("editor-import-text");
  const result = byTestId("editor-import-result");
  const reply = await send({ type: "keyring.import", text: input.value });
  if (!reply.ok || !("results" in reply)) {
    result.textContent = failureText(reply);
    return;
  }
  const failed = reply.results.filter((r) => !r.ok);
  result.textContent = failed.length === 0 ? t("editorImportDone") : failed.map((r) => (r.ok ? "" : `${r.label}: ${r.message}`)).join("; ");
  if (failed.length === 0) input.value = "";
  await loadKeys();
}

byTestId<HTMLFormElement>("editor-add-recipient").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = byTestId<HTMLInputElement>("editor-add-recipient-input");
  const added = parseAddresses(input.value);
  if (added.length === 0) return;
  ownAddresses = [...new Set([...ownAddresses, ...added])];
  mergeRecipients();
  input.value = "";
  renderRecipients();
});

void loadKeys();
text.focus();
