// Requests only the webmail frames make (the service worker checks that the
// sender is a page under frames/): encrypting a message with attachments as
// an RFC 3156 PGP/MIME entity. The frame sends the text and the files; the
// entity is built here by the wasm core and encrypted by the usual flow, so
// the page only ever receives the armored result.

import { MimeCleartext } from "tessera-core";
import { fromBase64 } from "../shared/base64";
import type { WebmailApiReply, WebmailApiRequest } from "../shared/webmail-messages";
import { encrypt } from "./encrypt-flow";
import { HostError, errorMessage } from "./errors";
import type { FlowDeps } from "./flow-deps";

/** Attachments in one message, all together (a 10 MiB file is the target size). */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

const isStr = (v: unknown): v is string => typeof v === "string";

export function isWebmailApiRequest(message: unknown): message is WebmailApiRequest {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === "webmail.encryptMime";
}

export async function handleWebmailApiRequest(flows: () => Promise<FlowDeps>, msg: WebmailApiRequest): Promise<WebmailApiReply> {
  try {
    const recipients = Array.isArray(msg.recipients) ? msg.recipients.filter(isStr) : [];
    const files = Array.isArray(msg.attachments) ? msg.attachments : [];
    const mime = new MimeCleartext(String(msg.text ?? ""));
    let total = 0;
    try {
      for (const file of files) {
        if (!isStr(file?.name) || !isStr(file.base64)) throw new HostError("bad_attachment", "an attachment has no name or content");
        const data = fromBase64(file.base64);
        total += data.length;
        if (total > MAX_ATTACHMENT_BYTES) throw new HostError("attachments_too_large", `attachments exceed ${MAX_ATTACHMENT_BYTES} bytes`);
        mime.addAttachment(file.name, isStr(file.type) && file.type !== "" ? file.type : undefined, data);
        data.fill(0);
      }
      const entity = mime.build();
      // Built with allow_8bit off: the entity is 7-bit ASCII, so this round trip is byte-exact.
      const asText = new TextDecoder().decode(entity);
      entity.fill(0);
      const r = await encrypt(await flows(), asText, recipients, msg.sign === true);
      return { ok: true, armored: r.armored };
    } finally {
      mime.free();
    }
  } catch (err) {
    return { ok: false, code: err instanceof HostError ? err.code : "internal", message: errorMessage(err) };
  }
}
