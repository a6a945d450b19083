// The user's own public certificate, from a token (token.export_certificate):
// the soft token's public key, or a card's certificate built and signed on the
// card (which needs its PIN: asked through the PIN broker, as for a signature).
// The options page shows it and, only after the user's click, imports it.

import type { OwnCertificate } from "../shared/contracts/page";
import { HostError } from "./errors";
import type { FlowDeps } from "./flow-deps";
import { withPin } from "./pin-broker";

export async function exportOwnKey(
  deps: Pick<FlowDeps, "request" | "listTokens" | "pins">,
  tokenId: string,
): Promise<OwnCertificate> {
  const token = (await deps.listTokens()).find((t) => t.id === tokenId);
  if (token === undefined) throw new HostError("token_not_found", `no token ${tokenId} is present`);
  const r = await withPin(deps.pins, token, "sign", () => deps.request("token.export_certificate", { token: tokenId }), {
    kind: "certify_key",
  });
  return { token: tokenId, armored: r.armored, fingerprint: r.fingerprint };
}
