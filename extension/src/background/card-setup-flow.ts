// Card set-up from the options page (the host's card.* methods, PROTOCOL.md
// "Card set-up"): the card's state, keys generated on it and its certificate,
// PIN and admin-PIN changes, the reset code, unblocking, a factory reset.
// Every PIN is typed in the PIN window (pin-broker.ts requestCardSecrets), one
// card request per submit; the options page never sees one.

import type { CardSecrets, CardSecretsKind, CardSetupOp, OwnCertificate } from "../shared/contracts/page";
import type { CardStatusResult } from "../shared/contracts/generated/protocol";
import type { TokenInfo } from "../shared/status";
import { HostError } from "./errors";
import type { FlowDeps } from "./flow-deps";
import type { PinBroker } from "./pin-broker";
import { withPin } from "./pin-broker";

export interface CardSetupDeps extends Pick<FlowDeps, "request" | "listTokens" | "pins"> {
  broker: Pick<PinBroker, "requestCardSecrets">;
  /** The keys or PINs changed: the held token list (and the popup) must be read again. */
  tokensChanged(): void;
}

export interface CardSetupOutcome {
  card: CardStatusResult;
  certificate?: OwnCertificate;
}

/** A cardholder name the card stores: letters, spaces, hyphens, apostrophes; the host checks the card's own limits. */
const NAME = /^[\p{L}][\p{L}\p{M} .'-]{0,78}$/u;
/** An address in a User ID: what WKD and mail clients look up. */
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

async function cardToken(deps: Pick<FlowDeps, "listTokens">, tokenId: string): Promise<TokenInfo> {
  const token = (await deps.listTokens()).find((t) => t.id === tokenId);
  if (token === undefined || token.backend !== "card") throw new HostError("token_not_found", `no card ${tokenId} is present`);
  return token;
}

export async function cardStatus(deps: Pick<FlowDeps, "request">, tokenId: string): Promise<CardStatusResult> {
  return deps.request("card.status", { token: tokenId });
}

function secretsKind(op: CardSetupOp): CardSecretsKind | null {
  switch (op.kind) {
    case "generate":
      return "admin_pin";
    case "change_pin":
      return op.pin === "user" ? "change_user_pin" : "change_admin_pin";
    case "set_reset_code":
      return "set_reset_code";
    case "unblock":
      return op.with === "reset_code" ? "unblock_with_reset_code" : "unblock_with_admin_pin";
    case "factory_reset":
      return null;
  }
}

/** The tries left of the secret a kind of prompt asks for first. */
function triesOf(status: CardStatusResult, kind: CardSecretsKind): number {
  switch (kind) {
    case "change_user_pin":
      return status.pin_retries.user;
    case "unblock_with_reset_code":
      return status.pin_retries.reset_code;
    default:
      return status.pin_retries.admin;
  }
}

function checkGenerate(op: Extract<CardSetupOp, { kind: "generate" }>): void {
  if (!NAME.test(op.name.trim())) throw new HostError("invalid_params", "enter your name (letters and spaces) for the key and the card");
  if (!EMAIL.test(op.email.trim())) throw new HostError("invalid_params", "enter your email address for the key");
}

/** The one card request a submit of the PIN window makes, with the secrets typed there. */
function requestFor(deps: Pick<FlowDeps, "request">, token: string, op: CardSetupOp, s: CardSecrets): Promise<unknown> {
  const next = s.next ?? "";
  switch (op.kind) {
    case "generate":
      return deps.request("card.generate", {
        token,
        admin_pin: s.current,
        algorithm: op.algorithm,
        replace: op.replace,
        cardholder_name: op.name.trim(),
        ...(op.url !== undefined && op.url.trim() !== "" ? { url: op.url.trim() } : {}),
      });
    case "change_pin":
      return deps.request("card.change_pin", { token, pin: op.pin, old: s.current, new: next });
    case "set_reset_code":
      return deps.request("card.set_reset_code", { token, admin_pin: s.current, reset_code: next });
    case "unblock":
      return deps.request("card.unblock_pin", { token, with: op.with, secret: s.current, new_pin: next });
    case "factory_reset":
      return deps.request("card.factory_reset", { token, confirm_serial: op.confirmSerial });
  }
}

export async function cardSetup(deps: CardSetupDeps, tokenId: string, op: CardSetupOp): Promise<CardSetupOutcome> {
  const token = await cardToken(deps, tokenId);
  if (op.kind === "generate") checkGenerate(op);
  const kind = secretsKind(op);
  try {
    if (kind === null) {
      await requestFor(deps, tokenId, op, { current: "" });
    } else {
      const before = await cardStatus(deps, tokenId);
      await deps.broker.requestCardSecrets(token, kind, triesOf(before, kind), (s) => requestFor(deps, tokenId, op, s));
    }
  } finally {
    deps.tokensChanged();
  }
  let certificate: OwnCertificate | undefined;
  if (op.kind === "generate") {
    // The certificate of the new keys, built by the host and signed by the card after the user PIN.
    const fresh = await cardToken(deps, tokenId);
    const userId = `${op.name.trim()} <${op.email.trim()}>`;
    const r = await withPin(deps.pins, fresh, "sign", () => deps.request("token.export_certificate", { token: tokenId, user_id: userId }), {
      kind: "certify_key",
    });
    certificate = { token: tokenId, armored: r.armored, fingerprint: r.fingerprint };
  }
  const card = await cardStatus(deps, tokenId);
  return certificate === undefined ? { card } : { card, certificate };
}
