// The reader: an extension-origin frame over an armored block in an opened
// message. The content script gave it the ciphertext (through the
// background); decryption starts only on a real click while the frame is
// visible, and the plaintext is shown only here.

import { fromBase64 } from "../../shared/base64";
import type { PageReply, SignatureStatus } from "../../shared/contracts/page";
import { byTestId, el } from "../../pages/dom";
import { localizePage } from "../../shared/i18n";
import { paintPattern } from "../../pages/security-pattern";
import { READER_WINDOW_ARMOR, type DecryptedAttachment, type ToFrame, type WebmailApiReply, type WebmailApiRequest } from "../../shared/contracts/webmail";
import { GestureGuard } from "../common/gesture-guard";
import { gestureFailure } from "../common/gesture-text";
import { failureText, send, signatureText } from "../../pages/page-replies";
import { connectSession, reportHeight } from "../common/session";
import { t } from "../../shared/i18n";

localizePage(document);
void paintPattern(byTestId("security-pattern"));

const button = byTestId<HTMLButtonElement>("reader-decrypt");
const errorBox = byTestId("reader-error");
let armored: string | null = null;
let pgpMime = false;

/** reader.html?window=ID: a reader in its own window (content/webmail: a message in a sandboxed frame). */
const windowId = new URLSearchParams(location.search).get("window");

function onArmored(text: string, mime: boolean): void {
  if (armored !== null) return;
  armored = text;
  pgpMime = mime;
  button.disabled = false;
  document.body.dataset["state"] = "ready";
}

const onFrameMessage = (message: ToFrame): void => {
  if (message.type === "armored") {
    onArmored(message.armored, message.pgpMime);
  } else if (message.type === "visibility") {
    guard.setPageVisible(message.visible, message.flat, message.reason);
  } else if (message.type === "gestureVerdict") {
    guard.onVerdict(message);
  }
};
const session = windowId === null ? connectSession("reader", onFrameMessage) : null;
const guard = new GestureGuard(byTestId("reader-buttons"), (question) => session?.send(question), windowId !== null);
if (session !== null) {
  reportHeight(session);
} else {
  void (chrome.runtime.sendMessage({ type: READER_WINDOW_ARMOR, id: windowId }) as Promise<{ ok?: boolean; armored?: unknown } | undefined>).then((reply) => {
    if (reply?.ok === true && typeof reply.armored === "string") onArmored(reply.armored, false);
    else showError(t("readerWindowGone"), "reader_window_gone");
  });
}

function showError(message: string | null, code = ""): void {
  errorBox.hidden = message === null;
  errorBox.textContent = message ?? "";
  errorBox.dataset["code"] = code;
}

function showRefusal(reason: string): void {
  const { text, code } = gestureFailure(reason);
  showError(text, code);
  errorBox.dataset["reason"] = reason;
}

button.addEventListener("click", (event) => {
  const quick = guard.refusal(event);
  if (quick !== null) return showRefusal(quick);
  void guard.confirm(event, button).then((refusal) => {
    if (refusal !== null) return showRefusal(refusal);
    if (armored !== null) void decrypt(armored);
  });
});

type Decrypted = { ok: true; plaintext: string; signatures: SignatureStatus[]; attachments?: DecryptedAttachment[] };

function decrypted(reply: Decrypted | WebmailApiReply | PageReply): Decrypted | null {
  if (!reply.ok || !("plaintext" in reply) || typeof reply.plaintext !== "string" || !("signatures" in reply)) return null;
  return reply as Decrypted;
}

/** A multipart/encrypted message: the background decrypts and the core parses the MIME entity. */
async function decryptMime(message: string): Promise<Decrypted | WebmailApiReply> {
  const request: WebmailApiRequest = { type: "webmail.decryptMime", armored: message };
  const reply = (await chrome.runtime.sendMessage(request)) as WebmailApiReply;
  if (!reply.ok || !("text" in reply)) return reply;
  return { ok: true, plaintext: reply.text, signatures: reply.signatures, attachments: reply.attachments };
}

/** Each attachment becomes a download from this frame (a blob: URL of the extension's origin, never the page's). */
function showAttachments(list: DecryptedAttachment[]): void {
  const ul = byTestId("reader-attachments");
  ul.replaceChildren(
    ...list.map((a) => {
      const bytes = fromBase64(a.base64);
      const url = URL.createObjectURL(new Blob([bytes.buffer as ArrayBuffer], { type: a.contentType }));
      const link = el("a", { href: url, download: a.filename, "data-testid": "reader-attachment", "data-name": a.filename }, a.filename);
      const item = el("li", {}, "");
      item.append(link, ` (${bytes.length} B)`);
      return item;
    }),
  );
  ul.hidden = list.length === 0;
}

async function decrypt(message: string): Promise<void> {
  showError(null);
  button.disabled = true;
  byTestId("reader-busy").hidden = false;
  document.body.dataset["state"] = "decrypting";
  try {
    const raw = pgpMime ? await decryptMime(message) : await send({ type: "decrypt", armored: message });
    const reply = decrypted(raw);
    if (reply === null) {
      document.body.dataset["state"] = "ready";
      button.disabled = false;
      return showError(failureText(raw as PageReply), !raw.ok && "code" in raw ? raw.code : "");
    }
    const plaintext = byTestId("reader-plaintext");
    plaintext.textContent = reply.plaintext;
    if (reply.attachments) showAttachments(reply.attachments);
    plaintext.hidden = false;
    const signature = byTestId("reader-signature");
    signature.textContent = reply.signatures.map(signatureText).join(" · ");
    signature.dataset["status"] = reply.signatures[0]?.status ?? "unsigned";
    signature.hidden = false;
    byTestId("reader-buttons").hidden = true;
    document.body.dataset["state"] = "decrypted";
  } finally {
    byTestId("reader-busy").hidden = true;
  }
}
