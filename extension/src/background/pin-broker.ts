// PIN entry, only ever in an extension page: when a token operation answers
// pin_required, the broker opens the PIN prompt (pin/pin.html?prompt=<id>, a
// popup window), and the operation waits. Each submit from the prompt sends
// token.verify_pin exactly once: the broker NEVER retries a PIN by itself, and
// refuses a second submit while one is in flight (a double click must not cost
// two of the card's tries). The PIN string is passed through and not kept.

import { HostError } from "./errors";
import { setsNewSecret } from "../shared/contracts/page";
import type { CardSecrets, CardSecretsKind, PinAction, PinPromptInfo, PinPurpose, PinSubmitResult } from "../shared/contracts/page";
import type { TokenInfo } from "../shared/status";

export interface PinBrokerDeps {
  /** Opens the prompt page for this prompt id; resolves to a handle for close(). */
  openPrompt(promptId: string): Promise<unknown>;
  closePrompt(handle: unknown): void;
  /** token.verify_pin; rejects with HostError (pin_incorrect with retriesLeft, pin_blocked…). */
  verifyPin(tokenId: string, pin: string, purpose: PinPurpose): Promise<void>;
  newId(): string;
}

interface Prompt {
  id: string;
  info: PinPromptInfo;
  handle: unknown;
  busy: boolean;
  /** Card set-up: the one card request a submit makes with the secrets typed. */
  run?: (secrets: CardSecrets) => Promise<unknown>;
  resolve(value?: unknown): void;
  reject(err: HostError): void;
}

/** The `retries_left` of a pin_incorrect error, when the host sent one. */
export function retriesLeftOf(err: unknown): number | null {
  const v = (err as { retriesLeft?: unknown } | null)?.retriesLeft;
  return typeof v === "number" ? v : null;
}

export class PinBroker {
  private readonly prompts = new Map<string, Prompt>();

  constructor(private readonly deps: PinBrokerDeps) {}

  /**
   * Asks the user for the PIN of `token`. Resolves once the host verified a PIN
   * (it is then cached by the host); rejects with HostError("pin_cancelled") when
   * the user closes the prompt, or ("pin_blocked") when the card is blocked.
   */
  requestPin(token: TokenInfo, purpose: PinPurpose, action: PinAction | null = null): Promise<void> {
    const id = this.deps.newId();
    const retries = token.pin_retries?.user ?? null;
    const info: PinPromptInfo = {
      tokenId: token.id,
      backend: token.backend,
      serial: token.serial,
      cardholder: token.cardholder,
      purpose,
      action,
      retriesLeft: retries,
      blocked: retries === 0,
    };
    return this.open<void>(id, info);
  }

  /**
   * Card set-up: asks for `kind`'s secrets in the PIN window; each submit runs
   * `run` once with them (one card request: the card counts a wrong one). A
   * wrong secret keeps the window open with the tries left, for the user to
   * try again or cancel; nothing is retried here. Resolves with `run`'s result.
   */
  requestCardSecrets<T>(
    token: TokenInfo,
    kind: CardSecretsKind,
    retriesLeft: number | null,
    run: (secrets: CardSecrets) => Promise<T>,
  ): Promise<T> {
    const id = this.deps.newId();
    const info: PinPromptInfo = {
      tokenId: token.id,
      backend: token.backend,
      serial: token.serial,
      cardholder: token.cardholder,
      purpose: "sign",
      action: null,
      retriesLeft,
      blocked: retriesLeft === 0,
      card: kind,
    };
    return this.open<T>(id, info, run);
  }

  /** Opens the prompt window for `info`; the promise settles when a submit succeeds or the user cancels. */
  private open<T>(id: string, info: PinPromptInfo, run?: (secrets: CardSecrets) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const prompt: Prompt = { id, info, handle: null, busy: false, resolve: (v) => resolve(v as T), reject, ...(run === undefined ? {} : { run }) };
      this.prompts.set(id, prompt);
      this.deps.openPrompt(id).then(
        (handle) => {
          prompt.handle = handle;
          if (!this.prompts.has(id)) this.deps.closePrompt(handle);
        },
        (err: unknown) => {
          this.prompts.delete(id);
          reject(new HostError("pin_prompt_failed", String(err)));
        },
      );
    });
  }

  /** A wrong or blocked secret: the prompt shows the tries left and stays for the user; null for any other failure. */
  private counted(p: Prompt, err: unknown): PinSubmitResult | null {
    const code = err instanceof HostError ? err.code : "internal";
    if (code === "pin_incorrect") {
      const left = retriesLeftOf(err);
      p.info.retriesLeft = left;
      if (left === 0) p.info.blocked = true;
      return { ok: false, code: "pin_incorrect", retriesLeft: left };
    }
    if (code === "pin_blocked") {
      p.info.blocked = true;
      p.info.retriesLeft = 0;
      return { ok: false, code: "pin_blocked" };
    }
    return null;
  }

  /** One submit from a card set-up prompt = at most one card request. */
  async submitCard(promptId: string, secrets: CardSecrets): Promise<PinSubmitResult> {
    const p = this.prompts.get(promptId);
    if (p === undefined || p.run === undefined || p.info.card === undefined) {
      return { ok: false, code: "pin_prompt_gone", message: "this PIN prompt is no longer active" };
    }
    if (p.info.blocked) return { ok: false, code: "pin_blocked" };
    if (p.busy) return { ok: false, code: "pin_busy", message: "a PIN is already being checked" };
    if (secrets.current === "") return { ok: false, code: "pin_empty", message: "no PIN entered" };
    if (setsNewSecret(p.info.card)) {
      if ((secrets.next ?? "") === "") return { ok: false, code: "pin_empty", message: "no new PIN entered" };
      // Checked in the window too; again here, so a mistyped new PIN never reaches the card.
      if (secrets.next !== secrets.confirm) return { ok: false, code: "pin_mismatch", message: "the two new PINs differ" };
    }
    p.busy = true;
    let value: unknown;
    try {
      value = await p.run(secrets);
    } catch (err) {
      const counted = this.counted(p, err);
      if (counted !== null) return counted;
      const code = err instanceof HostError ? err.code : "internal";
      // Anything else ends the set-up step: the options page says what happened.
      this.finish(p);
      p.reject(err instanceof HostError ? err : new HostError("internal", String(err)));
      return { ok: false, code, message: err instanceof Error ? err.message : String(err) };
    } finally {
      p.busy = false;
    }
    this.finish(p);
    p.resolve(value);
    return { ok: true };
  }

  info(promptId: string): PinPromptInfo | null {
    const p = this.prompts.get(promptId);
    return p === undefined ? null : { ...p.info };
  }

  /** One submit from the prompt = at most one token.verify_pin. */
  async submit(promptId: string, pin: string): Promise<PinSubmitResult> {
    const p = this.prompts.get(promptId);
    if (p === undefined || p.run !== undefined) return { ok: false, code: "pin_prompt_gone", message: "this PIN prompt is no longer active" };
    if (p.info.blocked) return { ok: false, code: "pin_blocked" };
    if (p.busy) return { ok: false, code: "pin_busy", message: "a PIN is already being checked" };
    if (pin === "") return { ok: false, code: "pin_empty", message: "no PIN entered" };
    p.busy = true;
    try {
      await this.deps.verifyPin(p.info.tokenId, pin, p.info.purpose);
    } catch (err) {
      const counted = this.counted(p, err);
      if (counted !== null) return counted;
      const code = err instanceof HostError ? err.code : "internal";
      return { ok: false, code, message: err instanceof Error ? err.message : String(err) };
    } finally {
      p.busy = false;
    }
    this.finish(p);
    p.resolve();
    return { ok: true };
  }

  /** The user cancelled (button) or closed the prompt window. */
  cancel(promptId: string): void {
    const p = this.prompts.get(promptId);
    if (p === undefined) return;
    this.finish(p);
    p.reject(
      p.info.blocked
        ? new HostError("pin_blocked", p.info.card === undefined ? "the card's user PIN is blocked" : "the card's PIN is blocked")
        : new HostError("pin_cancelled", "PIN entry was cancelled"),
    );
  }

  /** A prompt window went away (chrome.windows.onRemoved). */
  windowClosed(handle: unknown): void {
    for (const p of this.prompts.values()) if (p.handle === handle) this.cancel(p.id);
  }

  get openPrompts(): number {
    return this.prompts.size;
  }

  private finish(p: Prompt): void {
    this.prompts.delete(p.id);
    if (p.handle !== null) this.deps.closePrompt(p.handle);
  }
}

/**
 * Runs a token operation; on pin_required asks for the PIN once and runs it
 * again once. The operation itself never resends a PIN.
 */
export async function withPin<T>(
  broker: Pick<PinBroker, "requestPin">,
  token: TokenInfo,
  purpose: PinPurpose,
  op: () => Promise<T>,
  action: PinAction | null = null,
): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (!(err instanceof HostError) || err.code !== "pin_required") throw err;
  }
  await broker.requestPin(token, purpose, action);
  return op();
}
