// The options page: the keyring (import, list, remove) and, until the webmail
// UI exists, a Decrypt and an Encrypt box to exercise the whole chain. An
// extension page: plaintext is shown here only, always with textContent.

import { toBase64 } from "../shared/base64";
import type { ImportItemResult, KeyInfo, PageReply } from "../shared/contracts/page";
import { formatFingerprint } from "../shared/fingerprint";
import { errorText, localizePage, t } from "../shared/i18n";
import { failureText, send, signatureText } from "../pages/page-replies";
import { STATUS_PORT_NAME, type BackgroundToPage } from "../shared/status";
import { byTestId, el } from "../pages/dom";
import { cardTokens, setupCardSection } from "./card-section";
import { lookUp, setupFindSection } from "./find-section";
import { ownKeyKeys, ownKeyTokens, setupOwnKeySection, wkdPublishing } from "./own-key-section";
import { setupPatternSection } from "./pattern-section";
import { setupWebmailSites } from "./webmail-sites";

function showError(testId: string, reply: PageReply | null): void {
  const node = byTestId(testId);
  node.hidden = reply === null;
  node.dataset["code"] = reply !== null && !reply.ok && "code" in reply ? reply.code : "";
  node.textContent = reply === null ? "" : failureText(reply);
}

function date(secs: number): string {
  return new Date(secs * 1000).toISOString().slice(0, 10);
}

const VALIDITY_KEYS: Record<string, string> = {
  valid: "validityValid",
  expired: "validityExpired",
  revoked: "validityRevoked",
  invalid: "validityInvalid",
};

// --- keys ---

let keys: KeyInfo[] = [];

function renderKey(key: KeyInfo): HTMLLIElement {
  const item = el("li", {
    class: "key",
    "data-testid": "key",
    "data-fingerprint": key.fingerprint,
    "data-own": String(key.own),
    "data-validity": key.validity,
  });
  const head = el("div");
  head.append(el("span", { class: "fingerprint", "data-testid": "key-fingerprint" }, formatFingerprint(key.fingerprint)));
  if (key.own) head.append(el("span", { class: "own", "data-testid": "key-own" }, t("ownKey")));
  item.append(head);
  for (const uid of key.user_ids) item.append(el("div", { "data-testid": "key-userid" }, uid));
  const meta = el("div", { class: "meta" });
  meta.append(
    el("span", { "data-testid": "key-algorithm" }, key.algorithm),
    " · ",
    el(
      "span",
      { "data-testid": "key-expiry" },
      key.expires === null || key.expires === undefined ? t("noExpiry") : t("expiresOn", [date(key.expires)]),
    ),
    " · ",
  );
  // The core's reason when not valid ("expired on 2025-03-01", "revoked: key compromised");
  // a valid key that cannot receive mail says so too.
  const problem =
    key.validity !== "valid" ? (key.validity_detail ?? "") : key.can_encrypt ? "" : t("noEncryptionSubkey");
  const validity = el("span", {
    "data-testid": "key-validity",
    "data-validity": key.validity,
    class: problem === "" ? "" : "validity-problem",
  });
  validity.textContent = `${t(VALIDITY_KEYS[key.validity] ?? "validityInvalid")}${problem === "" ? "" : `: ${problem}`}`;
  meta.append(validity);
  item.append(meta);

  const actions = el("div", { class: "row" });
  // An expired key, or one that expires within 30 days: its owner may have published a newer version.
  const address = key.user_ids.map((u) => /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(u)?.[1]).find((a) => a !== undefined);
  const soon = key.expires !== null && key.expires !== undefined && key.expires * 1000 - Date.now() < 30 * 86_400_000;
  if (address !== undefined && !key.own && (key.validity === "expired" || (key.validity === "valid" && soon))) {
    const refresh = el("button", { type: "button", "data-testid": "key-refresh" }, t("keyRefresh"));
    refresh.addEventListener("click", () => void lookUp(address));
    actions.append(refresh, " ");
  }
  const remove = el("button", { type: "button", "data-testid": "key-remove" }, t("removeKey"));
  if (key.own) item.append(wkdPublishing({ fingerprint: key.fingerprint }));
  const confirm = el("span", { "data-testid": "key-remove-confirmation", hidden: "" });
  const yes = el("button", { type: "button", "data-testid": "key-remove-confirm" }, t("removeConfirm"));
  const no = el("button", { type: "button", "data-testid": "key-remove-cancel" }, t("cancel"));
  confirm.append(t("removeQuestion"), " ", yes, " ", no);
  remove.addEventListener("click", () => {
    confirm.hidden = false;
    remove.hidden = true;
  });
  no.addEventListener("click", () => {
    confirm.hidden = true;
    remove.hidden = false;
  });
  yes.addEventListener("click", () => {
    yes.disabled = true;
    void send({ type: "keyring.remove", fingerprint: key.fingerprint }).then(() => refreshKeys());
  });
  actions.append(remove, confirm);
  item.append(actions);
  return item;
}

function renderRecipients(): void {
  const list = byTestId("encrypt-recipients");
  const checked = new Set(
    [...list.querySelectorAll<HTMLInputElement>("input:checked")].map((i) => i.dataset["fingerprint"] ?? ""),
  );
  const usable = keys.filter((k) => k.can_encrypt && k.validity === "valid");
  list.replaceChildren(
    ...usable.map((k) => {
      const item = el("li", { "data-testid": "recipient", "data-fingerprint": k.fingerprint });
      const box = el("input", { type: "checkbox", "data-fingerprint": k.fingerprint, "data-testid": "recipient-check" });
      box.checked = checked.has(k.fingerprint);
      const label = el("label");
      label.append(box, " ", k.user_ids[0] ?? formatFingerprint(k.fingerprint));
      item.append(label);
      return item;
    }),
  );
  byTestId("no-recipients").hidden = usable.length > 0;
}

let refreshing: Promise<void> | null = null;
let refreshAgain = false;

/**
 * Lists the keyring. A call during a listing runs one more listing after it:
 * the host may connect while the first one ran without tokens, and its
 * answer would otherwise stand with no key marked as the user's own.
 */
function refreshKeys(): Promise<void> {
  if (refreshing !== null) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      refreshAgain = false;
      const reply = await send({ type: "keyring.list" });
      if (reply.ok && "keys" in reply) {
        showError("keys-error", null);
        keys = reply.keys;
        byTestId("key-list").replaceChildren(...keys.map(renderKey));
        byTestId("no-keys").hidden = keys.length > 0;
        renderRecipients();
        ownKeyKeys(keys);
      } else {
        // Never an empty list in silence: the keys may be there, unreadable now (e.g. the OpenPGP module did not load).
        showError("keys-error", reply);
      }
    } while (refreshAgain);
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

function renderImportResult(r: ImportItemResult): HTMLLIElement {
  if (r.ok) {
    const item = el("li", { class: "result-ok", "data-testid": "import-result", "data-ok": "true" });
    item.textContent = t("importedKeys", [r.fingerprints.map(formatFingerprint).join(", ")]);
    return item;
  }
  const item = el("li", { class: "result-error", "data-testid": "import-result", "data-ok": "false", "data-code": r.code });
  item.textContent = `${t("importFailed", [r.label])} ${errorText(r.code)} (${r.message})`;
  return item;
}

async function importFromReply(reply: PageReply): Promise<void> {
  const results = byTestId("import-results");
  if (reply.ok && "results" in reply) {
    results.replaceChildren(...reply.results.map(renderImportResult));
  } else {
    const item = el("li", { class: "result-error", "data-testid": "import-result", "data-ok": "false" }, failureText(reply));
    results.replaceChildren(item);
  }
  await refreshKeys();
}

async function importFile(file: File): Promise<void> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const head = new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(0, 4096));
  const reply = head.includes("-----BEGIN PGP")
    ? await send({ type: "keyring.import", text: new TextDecoder().decode(bytes) })
    : await send({ type: "keyring.import", base64: toBase64(bytes) });
  await importFromReply(reply);
}

// --- decrypt / encrypt ---

async function runBusy(busyId: string, button: HTMLButtonElement, fn: () => Promise<void>): Promise<void> {
  button.disabled = true;
  byTestId(busyId).hidden = false;
  try {
    await fn();
  } finally {
    button.disabled = false;
    byTestId(busyId).hidden = true;
  }
}

async function doDecrypt(): Promise<void> {
  const output = byTestId("decrypt-output");
  const signature = byTestId("decrypt-signature");
  output.hidden = true;
  output.textContent = "";
  signature.hidden = true;
  showError("decrypt-error", null);
  const reply = await send({ type: "decrypt", armored: byTestId<HTMLTextAreaElement>("decrypt-input").value });
  if (reply.ok && "plaintext" in reply) {
    output.textContent = reply.plaintext;
    output.hidden = false;
    const worst =
      reply.signatures.find((s) => s.status === "bad") ??
      reply.signatures.find((s) => s.status === "unknown_signer") ??
      reply.signatures[0] ?? { status: "unsigned" as const };
    signature.dataset["status"] = worst.status;
    signature.textContent = reply.signatures.map(signatureText).join(" · ");
    signature.hidden = false;
  } else {
    showError("decrypt-error", reply);
  }
}

async function doEncrypt(): Promise<void> {
  const output = byTestId<HTMLTextAreaElement>("encrypt-output");
  output.hidden = true;
  output.value = "";
  showError("encrypt-error", null);
  const recipients = [
    ...byTestId("encrypt-recipients").querySelectorAll<HTMLInputElement>("input:checked"),
  ].map((i) => i.dataset["fingerprint"] ?? "");
  const reply = await send({
    type: "encrypt",
    text: byTestId<HTMLTextAreaElement>("encrypt-input").value,
    recipients,
    sign: byTestId<HTMLInputElement>("encrypt-sign").checked,
  });
  if (reply.ok && "armored" in reply) {
    output.value = reply.armored;
    output.hidden = false;
  } else {
    showError("encrypt-error", reply);
  }
}

function main(): void {
  localizePage(document);
  const importButton = byTestId<HTMLButtonElement>("import-submit");
  importButton.addEventListener("click", () => {
    const text = byTestId<HTMLTextAreaElement>("import-text").value;
    if (text.trim() === "") return;
    void send({ type: "keyring.import", text }).then(importFromReply);
  });
  byTestId<HTMLInputElement>("import-file").addEventListener("change", (ev) => {
    const files = (ev.target as HTMLInputElement).files;
    for (const file of files ?? []) void importFile(file);
  });
  const decryptButton = byTestId<HTMLButtonElement>("decrypt-submit");
  decryptButton.addEventListener("click", () => void runBusy("decrypt-busy", decryptButton, doDecrypt));
  const encryptButton = byTestId<HTMLButtonElement>("encrypt-submit");
  encryptButton.addEventListener("click", () => void runBusy("encrypt-busy", encryptButton, doEncrypt));

  // Own keys depend on the tokens: list again whenever the background's status changes.
  const open = (): void => {
    const port = chrome.runtime.connect({ name: STATUS_PORT_NAME });
    port.onMessage.addListener((msg: BackgroundToPage) => {
      if (msg.type === "status") {
        ownKeyTokens(msg.status.tokens);
        cardTokens(msg.status.tokens);
      }
      void refreshKeys();
    });
    port.onDisconnect.addListener(() => setTimeout(open, 500));
  };
  setupOwnKeySection(refreshKeys);
  setupCardSection(refreshKeys);
  setupFindSection(refreshKeys);
  open();
  void refreshKeys();
  setupPatternSection();
  setupWebmailSites();
}

main();
