// Summarises the core's verification results (openpgp::verify::Verification,
// typed by the generated contract) for display: valid / bad / unknown signer / unsigned.

import type { Verification } from "../shared/contracts/generated/core";
import type { SignatureStatus } from "../shared/contracts/page";

export function readVerifications(list: readonly Verification[]): SignatureStatus[] {
  const out: SignatureStatus[] = [];
  for (const v of list) {
    switch (v.status) {
      case "valid":
        out.push({ status: "valid", signer: v.signer_fingerprint, userId: v.user_id });
        break;
      case "bad":
        out.push({ status: "bad", signer: v.signer_fingerprint, reason: v.reason });
        break;
      case "unknown_signer":
        out.push({ status: "unknown_signer", issuer: v.issuer });
        break;
      case "unsigned":
        break;
    }
  }
  return out.length === 0 ? [{ status: "unsigned" }] : out;
}
