// Requests only the webmail frames make (routed by router.ts only for senders
// under frames/): encrypting a message with attachments as
// an RFC 3156 PGP/MIME entity. The frame sends the text and the files; the
// entity is built here by the wasm core and encrypted by the usual flow, so
// the page only ever receives the armored result.

import { fromBase64, toBase64 } from "../shared/base64";
import type { DecryptedAttachment, WebmailApiReply, WebmailApiRequest } from "../shared/contracts/webmail";
import { MimeCleartext, mimeParseContent } from "./core-loader";
import { decryptBytes } from "./decrypt-flow";
import { encrypt, readHidden } from "./encrypt-flow";
import { HostError } from "./errors";
import type { FlowDeps } from "./flow-deps";
import { failure } from "./replies";
import { webSiteOf } from "./sender-site";

/** Attachments in one message, all together (a 10 MiB file is the target size). */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

const isStr = (v: unknown): v is string => typeof v === "string";

/** A PGP/MIME message: decrypt (PIN through the broker), then the core parses the entity. */
async function decryptMime(flows: () => Promise<FlowDeps>, armored: string, site: string | null): Promise<WebmailApiReply> {
  const out = await decryptBytes(await flows(), new TextEncoder().encode(armored), { kind: "read_message", site });
  try {
    const parsed = mimeParseContent(out.data);
    const attachments: DecryptedAttachment[] = parsed.attachments.map((a, i) => {
      const item = {
        filename: a.filename !== null && a.filename !== "" ? a.filename : `attachment-${i + 1}`,
        contentType: a.content_type,
        base64: toBase64(a.data),
      };
      a.data.fill(0);
      return item;
    });
    const text = parsed.text;
    return { ok: true, text, attachments, signatures: out.signatures };
  } finally {
    out.data.fill(0);
  }
}

export async function handleWebmailApiRequest(
  flows: () => Promise<FlowDeps>,
  msg: WebmailApiRequest,
  sender?: chrome.runtime.MessageSender,
): Promise<WebmailApiReply> {
  try {
    if (msg.type === "webmail.decryptMime") return await decryptMime(flows, String(msg.armored), webSiteOf(sender));
    const recipients = Array.isArray(msg.recipients) ? msg.recipients.filter(isStr) : [];
    const hidden = readHidden(msg.hidden, recipients);
    const files = Array.isArray(msg.attachments) ? msg.attachments : [];
    // First: MimeCleartext is the OpenPGP module's, which flows() loads on first use.
    const deps = await flows();
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
      const r = await encrypt(deps, asText, recipients, msg.sign === true, hidden);
      return { ok: true, armored: r.armored };
    } finally {
      mime.free();
    }
  } catch (err) {
    return failure(err);
  }
}
