// The secure editor: an extension-origin frame in place of the webmail's
// body. The text typed here never leaves this frame except encrypted: the
// background encrypts it (page-api "encrypt") and this frame hands only the
// armored result to the background, which relays it to the content script.

import type { KeyInfo, PageReply } from "../../shared/crypto-api";
import { byTestId, el } from "../../shared/dom";
import { localizePage, t } from "../../shared/i18n";
import { paintPattern } from "../../shared/security-pattern";
import { parseAddresses, type ToFrame, type WebmailApiReply, type WebmailApiRequest } from "../../shared/webmail-messages";
import { GestureGuard } from "../common/gesture-guard";
import { failureText, send } from "../../shared/page-replies";
import { connectSession, reportHeight } from "../common/session";

localizePage(document);
void paintPattern(byTestId("security-pattern"));

const text = byTestId<HTMLTextAreaElement>("editor-text");
const errorBox = byTestId("editor-error");
const buttons = [byTestId<HTMLButtonElement>("editor-encrypt"), byTestId<HTMLButtonElement>("editor-sign-encrypt")];
const guard = new GestureGuard(byTestId("editor-buttons"));

let pageAddresses: string[] = [];
/** Typed into the editor itself: sites without To/Cc fields (the generic provider), or extra recipients. */
let ownAddresses: string[] = [];
let addresses: string[] = [];
let sender: string | null = null;
let keys: KeyInfo[] = [];

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

function renderRecipients(): void {
  const list = byTestId("editor-recipients");
  list.replaceChildren(
    ...addresses.map((address) => {
      const has = keyFor(address) !== undefined;
      const item = el("li", { "data-testid": "recipient", "data-address": address, "data-has-key": String(has) }, address);
      if (!has) item.append(" ", el("span", { class: "missing" }, t("editorNoKey")));
      return item;
    }),
  );
  byTestId("editor-no-recipients").hidden = addresses.length > 0;
  byTestId("editor-import").hidden = addresses.every((a) => keyFor(a) !== undefined);
}

async function loadKeys(): Promise<void> {
  const reply = await send({ type: "keyring.list" });
  if (reply.ok && "keys" in reply) keys = reply.keys;
  renderRecipients();
}

const session = connectSession("editor", (message: ToFrame) => {
  if (message.type === "recipients") {
    pageAddresses = message.addresses;
    addresses = [...new Set([...pageAddresses, ...ownAddresses])];
    sender = message.sender;
    renderRecipients();
  } else if (message.type === "visibility") {
    guard.setPageVisible(message.visible);
  }
});
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

async function encryptWithAttachments(fingerprints: string[], sign: boolean): Promise<WebmailApiReply> {
  const total = attachments.reduce((n, f) => n + f.size, 0);
  const files: Extract<WebmailApiRequest, { type: "webmail.encryptMime" }>["attachments"] = [];
  let done = 0;
  for (const file of attachments) {
    files.push({ name: file.name, type: file.type, base64: await readBase64(file, done, total) });
    done += file.size;
  }
  setProgress(null, "editorBusy");
  const request: WebmailApiRequest = { type: "webmail.encryptMime", text: text.value, attachments: files, recipients: fingerprints, sign };
  return (await chrome.runtime.sendMessage(request)) as WebmailApiReply;
}

async function encrypt(sign: boolean): Promise<void> {
  showError(null);
  const recipients = addresses.filter((a) => a !== sender);
  if (recipients.length === 0) return showError(t("editorNoRecipients"), "no_recipients");
  const missing = recipients.filter((a) => keyFor(a) === undefined);
  if (missing.length > 0) return showError(t("editorMissingKeys", [missing.join(", ")]), "missing_keys");
  const fingerprints = [...new Set(recipients.map((a) => keyFor(a)?.fingerprint ?? ""))];
  for (const b of buttons) b.disabled = true;
  byTestId("editor-busy").hidden = false;
  document.body.dataset["state"] = "encrypting";
  const pgpMime = attachments.length > 0;
  try {
    const reply = pgpMime
      ? await encryptWithAttachments(fingerprints, sign)
      : await send({ type: "encrypt", text: text.value, recipients: fingerprints, sign });
    const armored = reply.ok && "armored" in reply && typeof reply.armored === "string" ? reply.armored : null;
    if (armored === null) {
      document.body.dataset["state"] = "ready";
      // Both reply shapes carry { ok: false, code, message } on failure.
      return showError(failureText(reply as PageReply), !reply.ok && "code" in reply ? reply.code : "");
    }
    if (pgpMime) setProgress(100, "editorWriting");
    text.value = "";
    attachments = [];
    document.body.dataset["state"] = "done";
    session.send({ type: "write", armored, pgpMime });
  } finally {
    for (const b of buttons) b.disabled = false;
    byTestId("editor-busy").hidden = true;
    byTestId("editor-busy").textContent = t("editorBusy");
    progress.hidden = true;
  }
}

function guarded(fn: () => void): (event: Event) => void {
  return (event) => {
    const refusal = guard.refusal(event);
    if (refusal !== null) {
      showError(t("frameNotVisible"), `gesture_${refusal}`);
      return;
    }
    fn();
  };
}

buttons[0]?.addEventListener("click", guarded(() => void encrypt(false)));
buttons[1]?.addEventListener("click", guarded(() => void encrypt(true)));
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
byTestId<HTMLFormElement>("editor-import").addEventListener(
  "submit",
  guarded(() => void importKey()),
);
byTestId<HTMLFormElement>("editor-import").addEventListener("submit", (event) => event.preventDefault());

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
  addresses = [...new Set([...pageAddresses, ...ownAddresses])];
  input.value = "";
  renderRecipients();
});

void loadKeys();
text.focus();
