// Requests from an extension page (options, and the webmail frames, which are
// extension pages by origin) to the background's page API, and the texts of
// its replies.

import type { PageReply, PageRequest, SignatureStatus } from "../shared/contracts/page";
import { formatFingerprint } from "../shared/fingerprint";
import { errorText, t } from "../shared/i18n";

export function send(msg: PageRequest): Promise<PageReply> {
  return chrome.runtime.sendMessage(msg) as Promise<PageReply>;
}

export function failureText(reply: PageReply): string {
  if (reply.ok || !("code" in reply)) return "";
  const detail = "message" in reply ? reply.message : "";
  return detail === "" ? errorText(reply.code) : `${errorText(reply.code)} (${detail})`;
}

export function signatureText(s: SignatureStatus): string {
  switch (s.status) {
    case "valid":
      return t("signatureValid", [s.userId ?? formatFingerprint(s.signer)]);
    case "bad":
      return t("signatureBad", [formatFingerprint(s.signer), s.reason]);
    case "unknown_signer":
      return t("signatureUnknown", [formatFingerprint(s.issuer)]);
    case "unsigned":
      return t("signatureNone");
  }
}
