// Summarises the core's verification results (openpgp::verify::Verification)
// for display: valid / bad / unknown signer / unsigned.

import type { SignatureStatus } from "../shared/contracts/page";

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
const str = (v: unknown): string => (typeof v === "string" ? v : "");

export function readVerifications(list: unknown): SignatureStatus[] {
  const out: SignatureStatus[] = [];
  for (const v of Array.isArray(list) ? list : []) {
    if (!isObject(v)) continue;
    switch (v["status"]) {
      case "valid":
        out.push({
          status: "valid",
          signer: str(v["signer_fingerprint"]),
          userId: typeof v["user_id"] === "string" ? v["user_id"] : null,
        });
        break;
      case "bad":
        out.push({ status: "bad", signer: str(v["signer_fingerprint"]), reason: str(v["reason"]) });
        break;
      case "unknown_signer":
        out.push({ status: "unknown_signer", issuer: str(v["issuer"]) });
        break;
      default:
        break;
    }
  }
  return out.length === 0 ? [{ status: "unsigned" }] : out;
}
