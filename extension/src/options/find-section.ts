// "Find a key": a recipient's key looked up by its address (the mail domain's
// Web Key Directory, then the keyserver the user set, off by default), shown
// with its fingerprint, user IDs and validity, and added to the keyring only
// when the user confirms. Also what the "Refresh" of an expiring key runs.

import type { FoundKeys, PageReply } from "../shared/contracts/page";
import { formatFingerprint } from "../shared/fingerprint";
import { t } from "../shared/i18n";
import { byTestId, el } from "../pages/dom";
import { failureText, send } from "../pages/page-replies";

let onImported: () => Promise<void> = async () => {};

const SOURCE_TEXT: Record<FoundKeys["source"], string> = {
  wkd_advanced: "findSourceWkd",
  wkd_direct: "findSourceWkd",
  keyserver: "findSourceKeyserver",
};

function date(secs: number): string {
  return new Date(secs * 1000).toISOString().slice(0, 10);
}

function renderFound(found: FoundKeys): HTMLElement {
  const box = el("div", { "data-testid": "find-found", "data-source": found.source });
  box.append(el("p", { "data-testid": "find-source" }, t(SOURCE_TEXT[found.source], [found.address, new URL(found.url).host])));
  const list = el("ul", { class: "keys" });
  for (const key of found.keys) {
    const item = el("li", { class: "key", "data-testid": "find-key", "data-fingerprint": key.fingerprint, "data-validity": key.validity });
    item.append(el("div", { class: "fingerprint" }, formatFingerprint(key.fingerprint)));
    for (const uid of key.user_ids) item.append(el("div", { "data-testid": "find-userid" }, uid));
    const expiry = key.expires === null ? t("noExpiry") : t("expiresOn", [date(key.expires)]);
    const problem = key.validity === "valid" ? "" : ` · ${key.validity_detail ?? key.validity}`;
    item.append(el("div", { class: "meta" }, `${key.algorithm} · ${expiry}${problem}`));
    list.append(item);
  }
  const add = el("button", { type: "button", class: "primary", "data-testid": "find-import" }, t("findImport"));
  const status = el("p", { role: "status" });
  add.addEventListener("click", () => {
    add.disabled = true;
    void send({ type: "keys.importFound", id: found.id }).then(async (reply) => {
      if (!reply.ok) {
        add.disabled = false;
        status.replaceChildren(el("span", { class: "error", "data-testid": "find-error" }, failureText(reply)));
        return;
      }
      status.replaceChildren(el("span", { "data-testid": "find-imported" }, t("findImported")));
      await onImported();
    });
  });
  box.append(list, add, status);
  return box;
}

/** Looks `address` up and shows what was found (or why nothing was). */
export async function lookUp(address: string): Promise<void> {
  const result = byTestId("find-result");
  const input = byTestId<HTMLInputElement>("find-address");
  input.value = address;
  result.replaceChildren(el("p", { "data-testid": "find-working" }, t("findWorking", [address])));
  const reply: PageReply = await send({ type: "keys.find", address });
  if (reply.ok && "found" in reply) {
    result.replaceChildren(renderFound(reply.found));
  } else {
    const code = !reply.ok && "code" in reply ? reply.code : "";
    result.replaceChildren(el("p", { class: "error", role: "alert", "data-testid": "find-error", "data-code": code }, failureText(reply)));
  }
  byTestId("find-section").scrollIntoView({ block: "nearest" });
}

export function setupFindSection(imported: () => Promise<void>): void {
  onImported = imported;
  byTestId<HTMLFormElement>("find-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const address = byTestId<HTMLInputElement>("find-address").value.trim();
    if (address !== "") void lookUp(address);
  });
  const server = byTestId<HTMLInputElement>("keyserver-input");
  const status = byTestId("keyserver-status");
  void send({ type: "keyserver.get" }).then((r) => {
    if (r.ok && "keyserver" in r) server.value = r.keyserver;
  });
  byTestId<HTMLFormElement>("keyserver-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    void send({ type: "keyserver.set", url: server.value }).then((r) => {
      const ok = r.ok && "keyserver" in r;
      status.className = ok ? "" : "error";
      status.textContent = ok ? (r.keyserver === "" ? t("keyserverOff") : t("keyserverSaved")) : failureText(r);
    });
  });
}
