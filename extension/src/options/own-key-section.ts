// "Your key": for each token, export the user's own public certificate (shown
// with its fingerprint, saved as a file through a Blob URL; never the
// clipboard). While Tessera's keyring holds no key of the user's own, an offer
// to add it: the certificate is exported, its fingerprint shown, and it is
// imported only when the user confirms.

import type { KeyInfo, OwnCertificate, PageReply } from "../shared/contracts/page";
import { fromBase64 } from "../shared/base64";
import { formatFingerprint } from "../shared/fingerprint";
import { t } from "../shared/i18n";
import type { TokenInfo } from "../shared/status";
import { byTestId, el } from "../pages/dom";
import { failureText, send } from "../pages/page-replies";

let tokens: TokenInfo[] = [];
let keys: KeyInfo[] | null = null;
let onImported: () => Promise<void> = async () => {};
// One Blob URL at a time: the previous one is revoked when a new one is made.
let downloadUrl: string | null = null;

function tokenLabel(token: TokenInfo): string {
  const who = token.cardholder ?? "";
  const what = token.backend === "card" ? t("ownKeyCard", [token.serial]) : t("ownKeySoftToken");
  return who === "" ? what : `${what} · ${who}`;
}

async function exportFrom(token: TokenInfo): Promise<OwnCertificate | string> {
  const reply: PageReply = await send({ type: "ownKey.export", token: token.id });
  if (reply.ok && "certificate" in reply) return reply.certificate;
  return failureText(reply);
}

function fileName(cert: OwnCertificate): string {
  return `${cert.fingerprint.slice(-16)}.asc`;
}

/** The exported certificate: fingerprint, armored text, a file to save. */
function renderCertificate(cert: OwnCertificate): HTMLElement {
  const box = el("div", { class: "own-key-export", "data-testid": "own-key-result", "data-fingerprint": cert.fingerprint });
  const fpr = el("p");
  fpr.append(t("ownKeyFingerprint"), " ", el("span", { class: "fingerprint", "data-testid": "own-key-fingerprint" }, formatFingerprint(cert.fingerprint)));
  const text = el("textarea", { "data-testid": "own-key-armored", readonly: "", rows: "8", spellcheck: "false" });
  text.setAttribute("aria-label", t("ownKeyArmoredLabel"));
  text.value = cert.armored;
  if (downloadUrl !== null) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(new Blob([cert.armored], { type: "application/pgp-keys" }));
  const save = el("a", { href: downloadUrl, download: fileName(cert), "data-testid": "own-key-download" }, t("ownKeySave"));
  box.append(fpr, text, el("div", { class: "row" }, undefined));
  box.lastElementChild?.append(save);
  box.append(wkdPublishing({ armored: cert.armored }));
  return box;
}

// Blob URLs of the WKD files shown, revoked when new ones are made.
let wkdUrls: string[] = [];

/** "Publish in a Web Key Directory": the files an administrator serves, and their exact paths. */
export function wkdPublishing(source: { armored: string } | { fingerprint: string }): HTMLElement {
  const box = el("div", { class: "wkd", "data-testid": "wkd-publish" });
  const show = el("button", { type: "button", "data-testid": "wkd-show" }, t("wkdShow"));
  const out = el("div");
  show.addEventListener("click", () => {
    show.disabled = true;
    void send({ type: "wkd.layout", ...source }).then((reply) => {
      show.disabled = false;
      if (!reply.ok || !("layout" in reply)) {
        out.replaceChildren(el("p", { class: "error", role: "alert", "data-testid": "wkd-error" }, failureText(reply)));
        return;
      }
      for (const u of wkdUrls) URL.revokeObjectURL(u);
      const binary = fromBase64(reply.layout.binaryBase64);
      const keyUrl = URL.createObjectURL(new Blob([binary.slice().buffer as ArrayBuffer], { type: "application/octet-stream" }));
      const policyUrl = URL.createObjectURL(new Blob([], { type: "text/plain" }));
      wkdUrls = [keyUrl, policyUrl];
      const items = reply.layout.entries.map((e) => {
        const item = el("div", { "data-testid": "wkd-entry", "data-address": e.address, "data-hash": e.hash });
        item.append(el("p", {}, t("wkdFor", [e.address])));
        const paths = el("dl", { class: "wkd-paths" });
        for (const [label, value, testid] of [
          [t("wkdAdvancedKey"), e.advancedKey, "wkd-advanced-key"],
          [t("wkdAdvancedPolicy"), e.advancedPolicy, "wkd-advanced-policy"],
          [t("wkdDirectKey"), e.directKey, "wkd-direct-key"],
          [t("wkdDirectPolicy"), e.directPolicy, "wkd-direct-policy"],
        ] as const) {
          paths.append(el("dt", {}, label), el("dd", {}, undefined));
          paths.lastElementChild?.append(el("code", { "data-testid": testid }, value));
        }
        const files = el("div", { class: "row" });
        files.append(
          el("a", { href: keyUrl, download: e.hash, "data-testid": "wkd-key-file" }, t("wkdKeyFile", [e.hash])),
          " ",
          el("a", { href: policyUrl, download: "policy", "data-testid": "wkd-policy-file" }, t("wkdPolicyFile")),
        );
        item.append(paths, files);
        return item;
      });
      out.replaceChildren(el("p", { class: "hint" }, t("wkdHint")), ...items);
    });
  });
  box.append(show, out);
  return box;
}

function hasOwnKey(): boolean {
  return keys !== null && keys.some((k) => k.own);
}

function renderTokens(): void {
  const list = byTestId("own-key-tokens");
  byTestId("own-key-no-token").hidden = tokens.length > 0;
  list.replaceChildren(
    ...tokens.map((token) => {
      const item = el("li", { "data-testid": "own-key-token", "data-token": token.id });
      const button = el("button", { type: "button", "data-testid": "own-key-export" }, t("ownKeyExport"));
      const error = el("p", { class: "error", role: "alert", "data-testid": "own-key-error", hidden: "" });
      const result = el("div");
      button.addEventListener("click", () => {
        button.disabled = true;
        error.hidden = true;
        void exportFrom(token)
          .then((cert) => {
            if (typeof cert === "string") {
              error.textContent = cert;
              error.hidden = false;
            } else {
              result.replaceChildren(renderCertificate(cert));
            }
          })
          .finally(() => {
            button.disabled = false;
          });
      });
      item.append(el("div", { class: "row" }, undefined), error, result);
      item.firstElementChild?.append(el("span", {}, tokenLabel(token)), " ", button);
      return item;
    }),
  );
}

/** The first-use offer: shown while no key in the keyring is the user's own. */
function renderOffer(): void {
  const offer = byTestId("own-key-offer");
  const show = tokens.length > 0 && keys !== null && !hasOwnKey();
  if (!show) {
    offer.hidden = true;
    offer.replaceChildren();
    return;
  }
  if (!offer.hidden && offer.childElementCount > 0) return; // already offered: keep its state
  offer.hidden = false;
  const text = el("p", {}, t("ownKeyOfferText"));
  const buttons = el("div", { class: "row" });
  const status = el("div");
  for (const token of tokens) {
    const start = el("button", { type: "button", class: "primary", "data-testid": "own-key-offer-start", "data-token": token.id });
    start.textContent = tokens.length > 1 ? `${t("ownKeyOfferButton")} (${tokenLabel(token)})` : t("ownKeyOfferButton");
    start.addEventListener("click", () => {
      start.disabled = true;
      void exportFrom(token).then((cert) => {
        start.disabled = false;
        if (typeof cert === "string") {
          status.replaceChildren(el("p", { class: "error", role: "alert", "data-testid": "own-key-offer-error" }, cert));
          return;
        }
        status.replaceChildren(confirmation(cert, status));
      });
    });
    buttons.append(start);
  }
  offer.replaceChildren(text, buttons, status);
}

function confirmation(cert: OwnCertificate, status: HTMLElement): HTMLElement {
  const box = el("div", { "data-testid": "own-key-confirmation", "data-fingerprint": cert.fingerprint });
  const question = el("p");
  question.append(t("ownKeyConfirmQuestion"), " ", el("span", { class: "fingerprint", "data-testid": "own-key-offer-fingerprint" }, formatFingerprint(cert.fingerprint)));
  const yes = el("button", { type: "button", class: "primary", "data-testid": "own-key-confirm" }, t("ownKeyConfirm"));
  const no = el("button", { type: "button", "data-testid": "own-key-cancel" }, t("cancel"));
  no.addEventListener("click", () => status.replaceChildren());
  yes.addEventListener("click", () => {
    yes.disabled = true;
    void send({ type: "keyring.import", text: cert.armored }).then(async (reply) => {
      const failed = !reply.ok ? failureText(reply) : "results" in reply ? reply.results.find((r) => !r.ok) : undefined;
      if (failed !== undefined) {
        yes.disabled = false;
        const message = typeof failed === "string" ? failed : failed.message;
        status.append(el("p", { class: "error", role: "alert", "data-testid": "own-key-offer-error" }, message));
        return;
      }
      status.replaceChildren(el("p", { "data-testid": "own-key-added" }, t("ownKeyAdded")));
      await onImported();
    });
  });
  const row = el("div", { class: "row" });
  row.append(yes, " ", no);
  box.append(question, row);
  return box;
}

export function setupOwnKeySection(imported: () => Promise<void>): void {
  onImported = imported;
  renderTokens();
}

/** The tokens changed (status from the background). */
export function ownKeyTokens(next: TokenInfo[]): void {
  // A card set up here keeps its id but changes its cardholder and keys: those count too.
  const label = (tk: TokenInfo | undefined) => (tk === undefined ? "" : `${tk.id}|${tk.cardholder ?? ""}|${tk.slots.map((s) => s.fingerprint ?? "").join(",")}`);
  const same = next.length === tokens.length && next.every((tk, i) => label(tk) === label(tokens[i]));
  tokens = next;
  if (!same) {
    renderTokens();
    byTestId("own-key-offer").replaceChildren();
  }
  renderOffer();
}

/** The keyring was listed. */
export function ownKeyKeys(next: KeyInfo[]): void {
  keys = next;
  renderOffer();
}
