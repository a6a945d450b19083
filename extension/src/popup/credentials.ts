// The popup's logins section: entries matching the target tab first, search
// over all, one click fills (and submits for `autosubmit: true` entries), the
// token in use and whether a PIN will be asked, save offers, share, import.
// It never receives a password or an OTP code: the background fills pages
// directly. Nothing here writes to the clipboard.
//
// Target tab: the active tab of this window, or `?tab=<id>` when the popup is
// opened as a tab (e2e tests; background/credentials/README.md).

import { byTestId, el } from "../pages/dom";
import { errorText, t } from "../shared/i18n";
import type { CredentialsRequest, EntryView, SaveOfferView as OfferView, TokenView } from "../shared/contracts/credentials";
import type { KeyInfo } from "../shared/contracts/page";
import { initEntryEditor, openEdit, showStoreSetup } from "./entry-editor";
import { consoleTypeControls } from "./console-type";
type Reply = { ok: true } & Record<string, unknown> | { ok: false; code: string; message: string; frames?: unknown; ref?: unknown };

let tabId: number | null = null;
let tabUrl: string | null = null;
let entries: EntryView[] = [];
let stores: string[] = [];
let shareRef: { store: string; path: string } | null = null;

async function send(message: CredentialsRequest): Promise<Reply> {
  const reply = (await chrome.runtime.sendMessage(message)) as Reply | undefined;
  return reply ?? { ok: false, code: "disconnected", message: "no answer from the background" };
}

function status(text: string, kind: "info" | "error" = "info"): void {
  const s = byTestId("cred-status");
  s.textContent = text;
  s.dataset["kind"] = kind;
}

function fail(r: { code: string; message: string }): void {
  status(`${errorText(r.code)} (${r.message})`, "error");
}

/** The tab the popup acts on: ?tab=ID (tests open the popup as a tab), else the active tab. */
export async function targetTab(): Promise<number | null> {
  const param = new URLSearchParams(location.search).get("tab");
  if (param !== null && /^\d+$/.test(param)) return Number(param);
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab?.id ?? null;
}

function describeFill(r: Record<string, unknown>): string {
  const frames = Array.isArray(r["frames"]) ? (r["frames"] as Array<{ filled: string[]; submitted: boolean }>) : [];
  const filled = frames.flatMap((f) => f.filled);
  const submitted = frames.some((f) => f.submitted);
  return t(submitted ? "credFilledSubmitted" : "credFilled", [String(r["entry"] ?? ""), filled.join(", ")]);
}

type FillRequest = Extract<CredentialsRequest, { type: "credentials.fill" | "credentials.fillBest" }>;

async function fill(message: FillRequest): Promise<void> {
  status(t("credFilling"));
  byTestId("cred-confirm").hidden = true;
  const r = await send(message);
  if (r.ok) {
    status(describeFill(r));
    // The fill may have verified the PIN: the token line should say so.
    await refresh({ keepStatus: true });
    return;
  }
  if (r.code === "needs_confirmation" && Array.isArray(r.frames) && r.frames.length > 0) {
    const frame = r.frames[0] as { frameId: number; origin: string };
    byTestId("cred-confirm-text").textContent = t("credConfirmText", [frame.origin]);
    byTestId("cred-confirm").hidden = false;
    // The entry the background chose (a fillBest names none), in the frame the user confirms.
    const ref = r.ref as { store?: unknown; path?: unknown } | undefined;
    if (typeof ref?.store !== "string" || typeof ref.path !== "string") return fail(r);
    const confirmed: FillRequest = { type: "credentials.fill", tabId: message.tabId, store: ref.store, path: ref.path, confirmFrameId: frame.frameId };
    byTestId("cred-confirm-fill").onclick = () => void fill(confirmed);
    status(t("credNeedsConfirmation"));
    return;
  }
  fail(r);
}

function renderEntries(): void {
  const q = byTestId<HTMLInputElement>("cred-search").value.trim().toLowerCase();
  const shown = entries.filter((e) => (q === "" ? e.match !== null || e.refusal !== null || entries.length <= 50 : `${e.store}/${e.path}`.toLowerCase().includes(q)));
  byTestId("cred-list").replaceChildren(
    ...shown.slice(0, 200).map((e) => {
      const item = el("li", { "data-testid": "cred-entry", "data-entry": `${e.store}:${e.path}` });
      const label = stores.length > 1 ? `${e.store}: ${e.path}` : e.path;
      item.append(el("span", { class: "path" }, label));
      if (e.match === "path_unverified") item.append(el("span", { class: "match maybe", "data-testid": "cred-maybe" }, t("credMaybe")));
      else if (e.match !== null) item.append(el("span", { class: "match", "data-testid": "cred-match" }, t("credMatch")));
      else if (e.refusal !== null && e.site !== null) {
        const why = e.refusal === "scheme" ? "credNearMissScheme" : "credNearMissPort";
        item.append(el("span", { class: "near-miss", "data-testid": "cred-near-miss", "data-refusal": e.refusal }, t(why, [e.site])));
      }
      const fillBtn = el("button", { type: "button", "data-testid": "cred-fill" }, t("credFill"));
      fillBtn.disabled = tabId === null;
      fillBtn.addEventListener("click", () => void fill({ type: "credentials.fill", tabId, store: e.store, path: e.path }));
      const shareBtn = el("button", { type: "button", "data-testid": "cred-share-open" }, t("credShare"));
      shareBtn.addEventListener("click", () => openShare(e));
      const editBtn = el("button", { type: "button", "data-testid": "cred-edit" }, t("credEdit"));
      editBtn.addEventListener("click", () => void openEdit({ store: e.store, path: e.path }));
      item.append(fillBtn, editBtn, shareBtn);
      // Consoles without a login form: Type buttons for an entry bound to this page (console-type.ts).
      const typing = consoleTypeControls(e, tabId, { status, fail });
      if (typing !== null) item.append(typing);
      return item;
    }),
  );
  const nothingFills = tabUrl !== null && /^https?:/.test(tabUrl) && entries[0]?.match == null;
  byTestId<HTMLButtonElement>("cred-fill-best").disabled = tabId === null || nothingFills || tabUrl === null;
  // Said before any click, so nobody types a PIN for an entry that cannot fill here.
  const none = byTestId("cred-no-match");
  none.hidden = !nothingFills || entries.length === 0;
  none.textContent = nothingFills ? t("credNoMatch", [originOf(tabUrl)]) : "";
}

function originOf(url: string | null): string {
  try {
    return url === null ? "" : new URL(url).origin;
  } catch {
    return url ?? "";
  }
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return "";
  }
}

function renderOffers(offers: OfferView[]): void {
  byTestId("cred-offers").replaceChildren(
    ...offers.map((o) => {
      const item = el("li", { "data-testid": "cred-offer", "data-offer": o.id });
      item.append(el("span", { class: "path" }, t("credSaveOffer", [o.username, o.origin])));
      const store = storeSelect("cred-offer-store");
      store.setAttribute("aria-label", t("credOfferStoreLabel"));
      const path = el("input", { type: "text", "data-testid": "cred-offer-path", autocomplete: "off", "aria-label": t("credOfferPathLabel") });
      path.value = hostOf(o.origin);
      const save = el("button", { type: "button", "data-testid": "cred-save" }, t("credSave"));
      save.addEventListener("click", async () => {
        const r = await send({ type: "credentials.save", offerId: o.id, store: store.value, path: path.value.trim() });
        if (r.ok) {
          status(t("credSaved", [String(r["written"])]));
          await refresh();
        } else fail(r);
      });
      const dismiss = el("button", { type: "button", "data-testid": "cred-dismiss" }, t("credDismiss"));
      dismiss.addEventListener("click", async () => {
        await send({ type: "credentials.dismissOffer", offerId: o.id });
        item.remove();
      });
      item.append(store, path, save, dismiss);
      return item;
    }),
  );
}

function storeSelect(testId: string, into?: HTMLSelectElement): HTMLSelectElement {
  const select = into ?? el("select", { "data-testid": testId });
  select.replaceChildren(...stores.map((s) => el("option", { value: s }, s)));
  return select;
}

async function openShare(e: EntryView): Promise<void> {
  shareRef = { store: e.store, path: e.path };
  const panel = byTestId<HTMLDetailsElement>("cred-share");
  panel.hidden = false;
  panel.open = true;
  byTestId("cred-share-title").textContent = t("credShareTitle", [e.path]);
  byTestId("cred-share-output").hidden = true;
  const r = (await chrome.runtime.sendMessage({ type: "keyring.list" })) as { ok: boolean; keys?: KeyInfo[] } | undefined;
  const keys = (r?.keys ?? []).filter((k) => !k.own && k.can_encrypt);
  byTestId("cred-share-recipient").replaceChildren(
    ...keys.map((k) => el("option", { value: k.fingerprint }, `${k.user_ids[0] ?? k.fingerprint} (${k.fingerprint.slice(-16)})`)),
  );
  if (keys.length === 0) status(t("credShareNoKeys"), "error");
}

/** A card asks its PIN, the soft token its passphrase: the line says which, and whether it will be asked. */
function tokenLine(tk: TokenView): string {
  const soft = tk.backend === "soft";
  if (tk.pinNeeded) return soft ? "credTokenPassphrase" : "credTokenPin";
  return soft ? "credTokenNoPassphrase" : "credTokenNoPin";
}

async function refresh(opts: { keepStatus?: boolean } = {}): Promise<void> {
  const r = await send({ type: "credentials.list", tabId });
  if (!r.ok) {
    if (opts.keepStatus !== true) fail(r);
    return;
  }
  entries = (r["entries"] as EntryView[]) ?? [];
  tabUrl = typeof r["tabUrl"] === "string" ? r["tabUrl"] : null;
  stores = [...new Set(entries.map((e) => e.store))];
  const problems = (r["problems"] as Array<{ store: string; code: string; message: string }>) ?? [];
  for (const p of problems) if (!stores.includes(p.store)) stores.push(p.store);
  const tokens = (r["tokens"] as TokenView[]) ?? [];
  byTestId("cred-token").textContent =
    tokens.length === 0
      ? t("credNoToken")
      : tokens.map((tk) => t(tokenLine(tk), [tk.label])).join(" · ");
  // Stores that could not be read: shown apart from the outcome of the last action.
  const problemLine = byTestId("cred-problems");
  problemLine.textContent = problems.map((p) => p.message).join("; ");
  problemLine.hidden = problems.length === 0;
  showStoreSetup(problems);
  storeSelect("cred-share-store", byTestId<HTMLSelectElement>("cred-share-store"));
  storeSelect("cred-import-store", byTestId<HTMLSelectElement>("cred-import-store"));
  renderOffers((r["offers"] as OfferView[]) ?? []);
  renderEntries();
}

export async function initCredentials(): Promise<void> {
  byTestId<HTMLInputElement>("cred-search").placeholder = t("credSearch");
  byTestId<HTMLTextAreaElement>("cred-import-armored").placeholder = t("credImportPaste");
  byTestId("cred-search").addEventListener("input", renderEntries);
  byTestId("cred-fill-best").addEventListener("click", () => void fill({ type: "credentials.fillBest", tabId }));
  byTestId("cred-share-armored").addEventListener("click", async () => {
    if (shareRef === null) return;
    const recipient = byTestId<HTMLSelectElement>("cred-share-recipient").value;
    const r = await send({ type: "credentials.share", ...shareRef, recipient });
    if (!r.ok) return fail(r);
    const out = byTestId<HTMLTextAreaElement>("cred-share-output");
    out.value = String(r["armored"]); // ciphertext for the colleague, not the secret
    out.hidden = false;
    status(t("credShareReady"));
  });
  byTestId("cred-share-copy").addEventListener("click", async () => {
    if (shareRef === null) return;
    const r = await send({
      type: "credentials.shareToFolder",
      ...shareRef,
      targetStore: byTestId<HTMLSelectElement>("cred-share-store").value,
      targetPath: byTestId<HTMLInputElement>("cred-share-path").value.trim(),
    });
    if (r.ok) {
      status(t("credSaved", [String(r["written"])]));
      await refresh();
    } else fail(r);
  });
  byTestId("cred-import-do").addEventListener("click", async () => {
    const r = await send({
      type: "credentials.import",
      armored: byTestId<HTMLTextAreaElement>("cred-import-armored").value,
      store: byTestId<HTMLSelectElement>("cred-import-store").value,
      path: byTestId<HTMLInputElement>("cred-import-path").value.trim(),
    });
    if (r.ok) {
      byTestId<HTMLTextAreaElement>("cred-import-armored").value = "";
      status(t("credSaved", [String(r["written"])]));
      await refresh();
    } else fail(r);
  });
  initEntryEditor({ send, status, fail, refresh: () => refresh({ keepStatus: true }), stores: () => stores, tabUrl: () => tabUrl });
  tabId = await targetTab();
  await refresh();
}
