// The PIN prompt: an extension page in its own popup window, never a web
// page. One submit sends the PIN once (the background calls token.verify_pin
// once); nothing here retries. The input is cleared as soon as the PIN is
// read, and the PIN is not stored anywhere.

import { setsNewSecret } from "../shared/contracts/page";
import type { CardSecretsKind, PageReply, PageRequest, PinPromptInfo, PinSubmitResult } from "../shared/contracts/page";
import { errorText, localizePage, t } from "../shared/i18n";
import { byTestId } from "../pages/dom";
import { paintPattern } from "../pages/security-pattern";

void paintPattern(byTestId("security-pattern"));

function send(msg: PageRequest): Promise<PageReply> {
  return chrome.runtime.sendMessage(msg) as Promise<PageReply>;
}

const promptId = new URLSearchParams(location.search).get("prompt") ?? "";

function showRetries(left: number | null): void {
  const el = byTestId("pin-retries");
  el.hidden = left === null;
  el.dataset["retries"] = left === null ? "" : String(left);
  el.textContent = left === null ? "" : t("pinTriesLeft", [String(left)]);
}

function showBlocked(): void {
  byTestId("pin-blocked").hidden = false;
  byTestId("pin-error").hidden = true;
  byTestId<HTMLInputElement>("pin-input").disabled = true;
  byTestId<HTMLButtonElement>("pin-submit").disabled = true;
  document.body.dataset["state"] = "blocked";
}

function showError(code: string, text: string): void {
  const el = byTestId("pin-error");
  el.hidden = false;
  el.dataset["code"] = code;
  el.textContent = text;
}

/** The action in words: what the user is about to allow, and where. */
function actionText(info: PinPromptInfo): string {
  const a = info.action;
  switch (a?.kind) {
    case "fill":
      return t("pinActionFill", [a.site]);
    case "open_entry":
      return t("pinActionOpenEntry", [a.entry]);
    case "read_message":
      return a.site === null ? t("pinPurposeDecrypt") : t("pinActionReadMessage", [a.site]);
    case "sign_message":
      return a.recipients.length === 0 ? t("pinPurposeSign") : t("pinActionSignMessage", [a.recipients.join(", ")]);
    case "certify_key":
      return t("pinActionCertifyKey");
    default:
      return t(info.purpose === "sign" ? "pinPurposeSign" : "pinPurposeDecrypt");
  }
}

/** Card set-up: the title, what is asked first, and what the new secret is. */
const CARD_TEXT: Record<CardSecretsKind, { title: string; current: string; next?: string; confirm?: string }> = {
  admin_pin: { title: "pinCardAdminTitle", current: "pinAdminLabel" },
  change_user_pin: { title: "pinCardChangeUserTitle", current: "pinCurrentUserLabel", next: "pinNewLabel", confirm: "pinConfirmLabel" },
  change_admin_pin: { title: "pinCardChangeAdminTitle", current: "pinCurrentAdminLabel", next: "pinNewAdminLabel", confirm: "pinConfirmAdminLabel" },
  set_reset_code: { title: "pinCardResetCodeTitle", current: "pinAdminLabel", next: "pinNewResetCodeLabel", confirm: "pinConfirmResetCodeLabel" },
  unblock_with_reset_code: { title: "pinCardUnblockTitle", current: "pinResetCodeLabel", next: "pinNewLabel", confirm: "pinConfirmLabel" },
  unblock_with_admin_pin: { title: "pinCardUnblockTitle", current: "pinAdminLabel", next: "pinNewLabel", confirm: "pinConfirmLabel" },
};

function renderCard(kind: CardSecretsKind): void {
  const text = CARD_TEXT[kind];
  document.body.dataset["card"] = kind;
  const title = t(text.title);
  document.title = title;
  byTestId("pin-title").textContent = title;
  byTestId("pin-purpose").textContent = t("pinCardPurpose");
  byTestId("pin-label").textContent = t(text.current);
  byTestId("pin-note").textContent = t("pinCardNote");
  byTestId<HTMLButtonElement>("pin-submit").textContent = t("pinCardSubmit");
  byTestId("pin-new-fields").hidden = !setsNewSecret(kind);
  if (text.next !== undefined) byTestId("pin-new-label").textContent = t(text.next);
  if (text.confirm !== undefined) byTestId("pin-confirm-label").textContent = t(text.confirm);
  byTestId("pin-blocked").textContent = t("pinCardBlocked");
}

function render(info: PinPromptInfo): void {
  byTestId("pin-purpose").textContent = actionText(info);
  const soft = info.backend === "soft";
  document.body.dataset["backend"] = soft ? "soft" : "card";
  // A soft token is opened by a passphrase (any text); a card by its user PIN (digits on a phone keyboard).
  const title = t(soft ? "pinTitleSoft" : "pinTitle");
  document.title = title;
  byTestId("pin-title").textContent = title;
  byTestId("pin-label").textContent = t(soft ? "pinLabelSoft" : "pinLabel");
  byTestId("pin-note").textContent = t(soft ? "pinNoteSoft" : "pinNote");
  const input = byTestId<HTMLInputElement>("pin-input");
  if (soft) input.removeAttribute("inputmode");
  else input.inputMode = "numeric";
  byTestId("pin-token-card").hidden = soft;
  byTestId("pin-token-soft").hidden = !soft;
  byTestId("pin-token-serial").textContent = info.serial;
  byTestId("pin-token-cardholder").textContent = info.cardholder ?? "—";
  showRetries(info.retriesLeft);
  if (info.card !== undefined) renderCard(info.card);
  if (info.blocked) showBlocked();
}

/** Applies one verify result to the page; exported shape is shared with tests through PinSubmitResult. */
function applyResult(r: PinSubmitResult): void {
  if (r.ok) {
    document.body.dataset["state"] = "verified";
    window.close();
    return;
  }
  if (r.code === "pin_incorrect") {
    const left = "retriesLeft" in r ? r.retriesLeft : null;
    showRetries(left);
    if (left === 0) {
      showBlocked();
      return;
    }
    showError("pin_incorrect", left === null ? t("pinWrong") : t("pinWrongTriesLeft", [String(left)]));
    document.body.dataset["state"] = "wrong";
    return;
  }
  if (r.code === "pin_blocked") {
    showRetries(0);
    showBlocked();
    return;
  }
  showError(r.code, `${errorText(r.code)}${"message" in r ? ` (${r.message})` : ""}`);
}

async function main(): Promise<void> {
  localizePage(document);
  const input = byTestId<HTMLInputElement>("pin-input");
  const submit = byTestId<HTMLButtonElement>("pin-submit");
  const reply = await send({ type: "pin.info", promptId });
  if (!reply.ok || !("prompt" in reply)) {
    showError("pin_prompt_gone", errorText("pin_prompt_gone"));
    submit.disabled = true;
    input.disabled = true;
    return;
  }
  render(reply.prompt);
  document.body.dataset["state"] = reply.prompt.blocked ? "blocked" : "ready";
  input.focus();

  const card = reply.prompt.card;
  const next = byTestId<HTMLInputElement>("pin-new");
  const confirm = byTestId<HTMLInputElement>("pin-confirm");
  byTestId<HTMLFormElement>("pin-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    const pin = input.value;
    if (pin === "") return;
    let request: PageRequest;
    if (card === undefined) {
      request = { type: "pin.submit", promptId, pin };
    } else if (setsNewSecret(card)) {
      if (next.value === "") {
        next.focus();
        return;
      }
      // A mistyped new PIN never reaches the card: nothing is sent, nothing is spent.
      if (next.value !== confirm.value) {
        showError("pin_mismatch", t("pinMismatch"));
        confirm.value = "";
        confirm.focus();
        return;
      }
      request = { type: "pin.submitCard", promptId, secrets: { current: pin, next: next.value, confirm: confirm.value } };
    } else {
      request = { type: "pin.submitCard", promptId, secrets: { current: pin } };
    }
    // Not kept in the page after sending.
    input.value = "";
    next.value = "";
    confirm.value = "";
    submit.disabled = true;
    document.body.dataset["state"] = "checking";
    void send(request)
      .then((r) => applyResult(r as PinSubmitResult))
      .finally(() => {
        if (document.body.dataset["state"] !== "blocked") submit.disabled = false;
        input.focus();
      });
  });
  byTestId("pin-cancel").addEventListener("click", () => {
    void send({ type: "pin.cancel", promptId }).finally(() => window.close());
  });
}

void main();
