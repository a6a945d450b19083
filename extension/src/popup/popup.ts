// The popup: shows what the service worker knows about the helper and the
// tokens. It holds no secrets and talks only to the service worker. Data is
// put in the page with textContent only, never parsed as HTML.

import { formatFingerprint } from "../shared/fingerprint";
import { errorText, localizePage, t } from "../shared/i18n";
import {
  STATUS_PORT_NAME,
  type BackgroundToPage,
  type HostState,
  type HostStatus,
  type PageToBackground,
  type Problem,
  type TokenInfo,
} from "../shared/status";
import { byTestId, el } from "../pages/dom";
import { initCredentials, targetTab } from "./credentials";
import { showTabNotices } from "./webmail-notices";

const STATE_KEYS: Record<HostState, string> = {
  connecting: "stateConnecting",
  connected: "stateConnected",
  disconnected: "stateDisconnected",
  not_installed: "stateNotInstalled",
};

const SLOT_KEYS: Record<string, string> = {
  signature: "slotSignature",
  decryption: "slotDecryption",
  authentication: "slotAuthentication",
};

function field(list: HTMLDListElement, labelKey: string, value: string, testId: string): void {
  list.append(el("dt", {}, t(labelKey)), el("dd", { "data-testid": testId }, value));
}

function renderToken(token: TokenInfo): HTMLLIElement {
  const item = el("li", { class: "token", "data-testid": "token", "data-token-id": token.id });
  const backendKey = token.backend === "card" ? "tokenBackendCard" : token.backend === "soft" ? "tokenBackendSoft" : "";
  item.append(el("h3", { "data-testid": "token-backend" }, backendKey === "" ? token.backend : t(backendKey)));
  const details = el("dl");
  if (token.reader !== null) field(details, "labelReader", token.reader, "token-reader");
  field(details, "labelSerial", token.serial, "token-serial");
  if (token.cardholder !== null) field(details, "labelCardholder", token.cardholder, "token-cardholder");
  for (const slot of token.slots) {
    const key = SLOT_KEYS[slot.slot];
    const value = el("dd", { "data-testid": "slot", "data-slot": slot.slot });
    if (slot.algorithm !== null) value.append(el("span", { "data-testid": "slot-algorithm" }, slot.algorithm), " ");
    value.append(
      slot.fingerprint === null
        ? el("span", { "data-testid": "slot-empty" }, t("slotEmpty"))
        : el("span", { class: "fingerprint", "data-testid": "slot-fingerprint" }, formatFingerprint(slot.fingerprint)),
    );
    details.append(el("dt", {}, key === undefined ? slot.slot : t(key)), value);
  }
  if (token.pin_retries !== null) {
    const r = token.pin_retries;
    field(details, "labelPinRetries", t("pinRetries", [String(r.user), String(r.reset), String(r.admin)]), "pin-retries");
  }
  item.append(details);
  return item;
}

/**
 * No pcscd stops only smart cards: beside a usable token (the soft token) it
 * is a note on how to use a card, not a red problem in every popup.
 */
function isNote(problem: Problem, tokens: TokenInfo[]): boolean {
  return problem.code === "pcsc_unavailable" && tokens.length > 0;
}

function renderProblem(problem: Problem, tokens: TokenInfo[]): HTMLLIElement {
  const note = isNote(problem, tokens);
  const item = el("li", { "data-testid": "problem", "data-code": problem.code, "data-severity": note ? "note" : "problem" });
  if (note) {
    item.append(el("span", { class: "note" }, t("notePcscAbsent")));
    return item;
  }
  item.append(el("strong", {}, errorText(problem.code)), " ", el("span", { class: "detail" }, problem.message));
  return item;
}

function render(status: HostStatus): void {
  const state = byTestId("status-state");
  state.dataset["state"] = status.state;
  state.textContent = t(STATE_KEYS[status.state]);

  const message = byTestId("status-message");
  const messageKey =
    status.state === "not_installed" ? "messageNotInstalled" : status.state === "disconnected" ? "messageDisconnected" : null;
  message.hidden = messageKey === null;
  message.textContent = messageKey === null ? "" : t(messageKey);

  const lastError = byTestId("last-error");
  lastError.hidden = status.lastErrorCode === null;
  lastError.dataset["code"] = status.lastErrorCode ?? "";
  lastError.textContent =
    status.lastErrorCode === null ? "" : `${errorText(status.lastErrorCode)} (${status.lastError ?? ""})`;

  byTestId("host-version").textContent = status.hostVersion ?? t("unknownVersion");
  byTestId("core-version").textContent = status.coreVersion ?? t("unknownVersion");

  byTestId("token-list").replaceChildren(...status.tokens.map(renderToken));
  byTestId("no-tokens").hidden = !(status.state === "connected" && status.tokens.length === 0);

  byTestId("problems").replaceChildren(...status.problems.map((p) => renderProblem(p, status.tokens)));
  const section = byTestId("problems-section");
  section.hidden = status.problems.length === 0;
  const onlyNotes = status.problems.every((p) => isNote(p, status.tokens));
  const heading = section.querySelector("h2");
  if (heading !== null) heading.textContent = t(onlyNotes ? "notesHeading" : "problemsHeading");
}

function main(): void {
  localizePage(document);
  void initCredentials();
  void targetTab().then(showTabNotices);
  render({
    state: "connecting",
    hostVersion: null,
    coreVersion: null,
    tokens: [],
    problems: [],
    lastErrorCode: null,
    lastError: null,
  });
  let port = openStatusChannel();
  byTestId<HTMLButtonElement>("refresh").addEventListener("click", () => {
    const request: PageToBackground = { type: "refresh" };
    try {
      port.postMessage(request);
    } catch {
      port = openStatusChannel();
      port.postMessage(request);
    }
  });

  // The background may be restarted (a stopped MV3 worker, an updated
  // extension): open the channel again, which wakes it.
  function openStatusChannel(): chrome.runtime.Port {
    const p = chrome.runtime.connect({ name: STATUS_PORT_NAME });
    p.onMessage.addListener((message: BackgroundToPage) => {
      if (message.type === "status") render(message.status);
    });
    p.onDisconnect.addListener(() => {
      setTimeout(() => {
        port = openStatusChannel();
      }, 500);
    });
    return p;
  }
}

main();
