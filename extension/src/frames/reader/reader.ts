// The reader: an extension-origin frame over an armored block in an opened
// message. The content script gave it the ciphertext (through the
// background); decryption starts only on a real click while the frame is
// visible, and the plaintext is shown only here.

import { byTestId } from "../../shared/dom";
import { localizePage } from "../../shared/i18n";
import { paintPattern } from "../../shared/security-pattern";
import type { ToFrame } from "../../shared/webmail-messages";
import { GestureGuard } from "../common/gesture-guard";
import { failureText, send, signatureText } from "../common/replies";
import { connectSession, reportHeight } from "../common/session";
import { t } from "../../shared/i18n";

localizePage(document);
void paintPattern(byTestId("security-pattern"));

const button = byTestId<HTMLButtonElement>("reader-decrypt");
const errorBox = byTestId("reader-error");
const guard = new GestureGuard(byTestId("reader-buttons"));
let armored: string | null = null;

const session = connectSession("reader", (message: ToFrame) => {
  if (message.type === "armored" && armored === null) {
    armored = message.armored;
    button.disabled = false;
    document.body.dataset["state"] = "ready";
  } else if (message.type === "visibility") {
    guard.setPageVisible(message.visible);
  }
});
reportHeight(session);

function showError(message: string | null, code = ""): void {
  errorBox.hidden = message === null;
  errorBox.textContent = message ?? "";
  errorBox.dataset["code"] = code;
}

button.addEventListener("click", (event) => {
  const refusal = guard.refusal(event);
  if (refusal !== null) return showError(t("frameNotVisible"), `gesture_${refusal}`);
  if (armored !== null) void decrypt(armored);
});

async function decrypt(message: string): Promise<void> {
  showError(null);
  button.disabled = true;
  byTestId("reader-busy").hidden = false;
  document.body.dataset["state"] = "decrypting";
  try {
    const reply = await send({ type: "decrypt", armored: message });
    if (!reply.ok || !("plaintext" in reply)) {
      document.body.dataset["state"] = "ready";
      button.disabled = false;
      return showError(failureText(reply), "code" in reply ? reply.code : "");
    }
    const plaintext = byTestId("reader-plaintext");
    plaintext.textContent = reply.plaintext;
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
