// "Your card": set up an OpenPGP card without GnuPG. For each card, what it
// holds (keys, algorithms, tries left, touch policies) and warnings while its
// PINs are the factory ones; keys generated on the card and the certificate it
// signs (added to the keyring only when the user confirms); PIN, admin PIN and
// reset code changes; unblocking; a factory reset confirmed by typing the
// card's serial. Every PIN is typed in the PIN window, never on this page.

import type { CardKeyAlgorithm, CardStatusResult } from "../shared/contracts/generated/protocol";
import type { CardSetupOp, OwnCertificate, PageReply } from "../shared/contracts/page";
import { formatFingerprint } from "../shared/fingerprint";
import { t } from "../shared/i18n";
import type { TokenInfo } from "../shared/status";
import { byTestId, el } from "../pages/dom";
import { failureText, send } from "../pages/page-replies";

let cards: TokenInfo[] = [];
let onImported: () => Promise<void> = async () => {};

const ALGORITHM_TEXT: Record<CardKeyAlgorithm, string> = {
  cv25519: "Curve25519 (Ed25519 / X25519)",
  rsa2048: "RSA 2048",
  rsa3072: "RSA 3072",
  rsa4096: "RSA 4096",
  nist_p256: "NIST P-256",
  nist_p384: "NIST P-384",
  nist_p521: "NIST P-521",
};

function slotText(slot: string): string {
  return t(slot === "signature" ? "cardSlotSignature" : slot === "decryption" ? "cardSlotDecryption" : "cardSlotAuthentication");
}

function holdsKeys(s: CardStatusResult): boolean {
  return s.slots.some((slot) => slot.fingerprint !== null);
}

async function fetchStatus(token: string): Promise<CardStatusResult | string> {
  const reply: PageReply = await send({ type: "card.status", token });
  if (reply.ok && "card" in reply) return reply.card;
  return failureText(reply);
}

/** Runs one set-up step; the card's new state (or the failure) comes back. */
async function setup(token: string, op: CardSetupOp): Promise<{ card: CardStatusResult; certificate?: OwnCertificate } | string> {
  const reply: PageReply = await send({ type: "card.setup", token, op });
  if (reply.ok && "card" in reply) return reply.certificate === undefined ? { card: reply.card } : { card: reply.card, certificate: reply.certificate };
  return failureText(reply);
}

function warnings(s: CardStatusResult): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (s.default_pins.user === true) {
    out.push(el("p", { class: "notice notice-error", role: "alert", "data-testid": "card-default-user-pin" }, t("cardDefaultUserPin")));
  }
  if (s.default_pins.admin === true) {
    out.push(el("p", { class: "notice notice-error", role: "alert", "data-testid": "card-default-admin-pin" }, t("cardDefaultAdminPin")));
  }
  if (s.pin_retries.user === 0) out.push(el("p", { class: "notice notice-error", role: "alert", "data-testid": "card-user-pin-blocked" }, t("cardUserPinBlocked")));
  return out;
}

function facts(s: CardStatusResult): HTMLElement {
  const list = el("dl", { class: "card-facts" });
  const add = (label: string, value: string, testid: string): void => {
    list.append(el("dt", {}, label), el("dd", { "data-testid": testid }, value));
  };
  add(t("labelCardholder"), s.cardholder_name === "" ? t("cardNotSet") : s.cardholder_name, "card-cardholder");
  for (const slot of s.slots) {
    const touch = slot.touch_policy === null ? "" : ` · ${t("cardTouch", [slot.touch_policy])}`;
    const value = slot.fingerprint === null ? t("cardSlotEmpty") : `${slot.algorithm} · ${formatFingerprint(slot.fingerprint)}${touch}`;
    add(slotText(slot.slot), value, `card-slot-${slot.slot}`);
  }
  add(
    t("cardTriesLeft"),
    t("cardTriesLeftValue", [String(s.pin_retries.user), String(s.pin_retries.reset_code), String(s.pin_retries.admin)]),
    "card-tries",
  );
  if (s.url !== "") add(t("cardUrl"), s.url, "card-url");
  return list;
}

function certificateOffer(cert: OwnCertificate, status: HTMLElement): HTMLElement {
  const box = el("div", { "data-testid": "card-certificate", "data-fingerprint": cert.fingerprint });
  const question = el("p");
  question.append(t("cardCertificateMade"), " ", el("span", { class: "fingerprint", "data-testid": "card-certificate-fingerprint" }, formatFingerprint(cert.fingerprint)));
  const add = el("button", { type: "button", class: "primary", "data-testid": "card-certificate-add" }, t("ownKeyConfirm"));
  add.addEventListener("click", () => {
    add.disabled = true;
    void send({ type: "keyring.import", text: cert.armored }).then(async (reply) => {
      const bad = !reply.ok ? failureText(reply) : "results" in reply ? reply.results.find((r) => !r.ok)?.message : undefined;
      if (bad !== undefined) {
        add.disabled = false;
        status.append(el("p", { class: "error", role: "alert" }, bad));
        return;
      }
      box.replaceChildren(el("p", { "data-testid": "card-certificate-added" }, t("ownKeyAdded")));
      await onImported();
    });
  });
  box.append(question, add);
  return box;
}

function generateForm(token: TokenInfo, s: CardStatusResult, run: (op: CardSetupOp) => void): HTMLElement {
  const form = el("form", { class: "card-generate", "data-testid": "card-generate-form" });
  const algorithm = el("select", { "data-testid": "card-generate-algorithm" });
  for (const a of s.algorithms) {
    const option = el("option", { value: a }, ALGORITHM_TEXT[a]);
    if (a === "cv25519") option.selected = true;
    algorithm.append(option);
  }
  const name = el("input", { type: "text", "data-testid": "card-generate-name", autocomplete: "name", required: "" });
  name.value = s.cardholder_name !== "" ? s.cardholder_name : (token.cardholder ?? "");
  const email = el("input", { type: "email", "data-testid": "card-generate-email", autocomplete: "email", required: "" });
  const url = el("input", { type: "url", "data-testid": "card-generate-url", placeholder: "https://" });
  const label = (text: string, input: HTMLElement): HTMLElement => {
    const l = el("label", {}, text);
    l.append(input);
    return l;
  };
  form.append(
    label(t("cardGenerateAlgorithm"), algorithm),
    label(t("cardGenerateName"), name),
    label(t("cardGenerateEmail"), email),
    label(t("cardGenerateUrl"), url),
  );
  const replace = el("input", { type: "checkbox", "data-testid": "card-generate-replace" });
  if (holdsKeys(s)) {
    const l = el("label", { class: "danger" });
    l.append(replace, " ", t("cardGenerateReplace"));
    form.append(l);
  }
  const submit = el("button", { type: "submit", class: "primary", "data-testid": "card-generate" }, t("cardGenerate"));
  form.append(submit);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    run({
      kind: "generate",
      algorithm: algorithm.value as CardKeyAlgorithm,
      replace: replace.checked,
      name: name.value,
      email: email.value,
      url: url.value,
    });
  });
  return form;
}

function resetForm(s: CardStatusResult, run: (op: CardSetupOp) => void): HTMLElement {
  const form = el("form", { class: "card-reset", "data-testid": "card-reset-form" });
  const serial = el("input", { type: "text", "data-testid": "card-reset-serial", spellcheck: "false", autocomplete: "off" });
  const label = el("label", {}, t("cardResetTypeSerial", [s.serial]));
  label.append(serial);
  const submit = el("button", { type: "submit", class: "danger", "data-testid": "card-reset" }, t("cardReset"));
  form.append(el("p", { class: "hint" }, t("cardResetHint")), label, submit);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    run({ kind: "factory_reset", confirmSerial: serial.value.trim() });
  });
  return form;
}

function renderCard(item: HTMLElement, token: TokenInfo, s: CardStatusResult): void {
  const status = el("div", { "data-testid": "card-result", "aria-live": "polite" });
  const busy: HTMLButtonElement[] = [];
  const run = (op: CardSetupOp): void => {
    for (const b of item.querySelectorAll("button")) {
      b.disabled = true;
      busy.push(b);
    }
    status.replaceChildren(el("p", { "data-testid": "card-working" }, t("cardWorking")));
    void setup(token.id, op).then((r) => {
      if (typeof r === "string") {
        for (const b of busy) b.disabled = false;
        status.replaceChildren(el("p", { class: "error", role: "alert", "data-testid": "card-error" }, r));
        return;
      }
      renderCard(item, token, r.card);
      const done = item.querySelector<HTMLElement>('[data-testid="card-result"]');
      done?.replaceChildren(el("p", { "data-testid": "card-done", "data-op": op.kind }, t("cardDone")));
      if (r.certificate !== undefined && done !== null) done.append(certificateOffer(r.certificate, done));
    });
  };
  const heading = el("h3", {}, `${s.manufacturer} · ${s.serial}`);
  const actions = el("div", { class: "row card-actions" });
  const action = (testid: string, text: string, op: CardSetupOp): void => {
    const b = el("button", { type: "button", "data-testid": testid }, text);
    b.addEventListener("click", () => run(op));
    actions.append(b);
  };
  action("card-change-pin", t("cardChangePin"), { kind: "change_pin", pin: "user" });
  action("card-change-admin-pin", t("cardChangeAdminPin"), { kind: "change_pin", pin: "admin" });
  action("card-set-reset-code", t("cardSetResetCode"), { kind: "set_reset_code" });
  if (s.pin_retries.reset_code > 0) action("card-unblock-reset-code", t("cardUnblockResetCode"), { kind: "unblock", with: "reset_code" });
  action("card-unblock-admin-pin", t("cardUnblockAdminPin"), { kind: "unblock", with: "admin_pin" });
  item.dataset["serial"] = s.serial;
  item.replaceChildren(
    heading,
    ...warnings(s),
    facts(s),
    el("h4", {}, t("cardGenerateHeading")),
    generateForm(token, s, run),
    el("h4", {}, t("cardPinsHeading")),
    actions,
    el("h4", {}, t("cardResetHeading")),
    resetForm(s, run),
    status,
  );
}

async function renderCards(): Promise<void> {
  const list = byTestId("card-list");
  byTestId("card-section").hidden = cards.length === 0;
  list.replaceChildren(
    ...(await Promise.all(
      cards.map(async (token) => {
        const item = el("li", { "data-testid": "card", "data-token": token.id });
        const s = await fetchStatus(token.id);
        if (typeof s === "string") item.append(el("p", { class: "error", role: "alert", "data-testid": "card-error" }, s));
        else renderCard(item, token, s);
        return item;
      }),
    )),
  );
}

export function setupCardSection(imported: () => Promise<void>): void {
  onImported = imported;
}

/** The tokens changed (status from the background): a card came or went. */
export function cardTokens(tokens: TokenInfo[]): void {
  const next = tokens.filter((tk) => tk.backend === "card");
  const same = next.length === cards.length && next.every((tk, i) => tk.id === cards[i]?.id);
  cards = next;
  if (!same) void renderCards();
}
