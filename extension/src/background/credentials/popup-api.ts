// Answers `credentials.*` requests (shared/contracts/credentials.ts) from the
// popup and the options page (the router admits no other sender; e2e tests
// drive them from there). Replies never carry a password, an OTP code or an
// entry's text, except `credentials.openForEdit`'s: the entry form's fields.

import { HostError } from "../errors";
import { slotFingerprints } from "../flow-deps";
import { failure } from "../replies";
import { EditSessions, initStore, openForEdit, saveEntry } from "./edit-flow";
import { fillEntry, type FillDeps } from "./fill-flow";
import type { SaveOffers } from "./sessions";
import { shareArmored, shareToFolder, importShared } from "./share-flow";
import { listEntries, writeEntry, type EntryRef } from "./store-flow";
import type { CredentialsReply, EntryForm, EntryView, FillOutcome, TokenView } from "../../shared/contracts/credentials";

export interface PopupApiDeps extends FillDeps {
  offers: SaveOffers;
  /** Entries opened for the popup's form (edit-flow.ts); made on first use when absent. */
  edits?: EditSessions;
}

/**
 * Of the extension's pages, only the popup and the options page may drive
 * credentials; the webmail frames (extension pages embedded in web pages) may not.
 */
const CREDENTIALS_PAGES = ["popup/popup.html", "options/options.html"];

export function isCredentialsPage(url: string | undefined, extensionBase: string): boolean {
  if (url === undefined) return false;
  return CREDENTIALS_PAGES.some((p) => {
    const page = extensionBase + p;
    return url === page || url.startsWith(`${page}?`) || url.startsWith(`${page}#`);
  });
}

const str = (v: unknown, what: string): string => {
  if (typeof v !== "string" || v === "") throw new HostError("bad_request", `missing ${what}`);
  return v;
};
const tabOf = (v: unknown): number => {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new HostError("bad_request", "missing tabId");
  return v;
};
const refOf = (store: unknown, path: unknown): EntryRef => ({ store: str(store, "store"), path: str(path, "path") });
const text = (v: unknown, what: string): string => {
  if (typeof v !== "string") throw new HostError("bad_request", `missing ${what}`);
  return v.trim();
};
const formOf = (m: Record<string, unknown>): EntryForm => ({
  password: typeof m["password"] === "string" ? m["password"] : "",
  login: text(m["login"], "login"),
  url: text(m["url"], "url"),
  otp: text(m["otp"], "otp"),
  autosubmit: m["autosubmit"] === true,
});

function originOf(url: string | null): string {
  if (url === null) return "this tab";
  try {
    return new URL(url).origin;
  } catch {
    return "this tab";
  }
}

async function topUrl(deps: FillDeps, tabId: number | null): Promise<string | null> {
  if (tabId === null) return null;
  try {
    return (await deps.frames(tabId)).find((f) => f.frameId === 0)?.url ?? null;
  } catch {
    return null;
  }
}

/** Entries of every store, those matching the tab first (credentialsRank). */
export async function listForTab(deps: PopupApiDeps, tabId: number | null): Promise<CredentialsReply> {
  const flows = await deps.flows();
  const [listing, tabUrl, tokens] = await Promise.all([
    listEntries(flows),
    topUrl(deps, tabId),
    flows.listTokens().catch(() => []),
  ]);
  let entries: EntryView[] = listing.entries.map((e) => ({ store: e.store, path: e.path, match: null, refusal: null, site: null }));
  if (tabUrl !== null && /^https?:/.test(tabUrl)) {
    const cred = await deps.cred();
    await deps.index.load();
    const ranked = cred.rank(
      entries.map((e) => {
        const known = deps.index.get(`${e.store}:${e.path}`);
        if (known === undefined) return { path: e.path, urlKnown: false };
        return known.url === null
          ? { path: e.path, allowSubdomains: known.allowSubdomains, urlKnown: true }
          : { path: e.path, url: known.url, allowSubdomains: known.allowSubdomains, urlKnown: true };
      }),
      tabUrl,
    );
    const first = ranked.map((r) => ({ ...entries[r.index]!, match: r.match, refusal: r.refusal, site: r.site }));
    const rest = entries.filter((_, i) => !ranked.some((r) => r.index === i));
    entries = [...first, ...rest];
  }
  const decrypting = slotFingerprints(tokens, "decryption");
  const tokenViews: TokenView[] = tokens
    .filter((t) => t.slots.some((s) => s.slot === "decryption" && s.fingerprint !== null && decrypting.includes(s.fingerprint)))
    .map((t) => ({
      id: t.id,
      label: `${t.cardholder ?? t.manufacturer ?? t.backend} (${t.serial})`,
      pinNeeded: !t.pin_cached,
      backend: t.backend,
    }));
  return {
    ok: true,
    tabUrl,
    entries,
    problems: listing.problems,
    tokens: tokenViews,
    offers: deps.offers.list(deps.now()).filter((o) => tabId === null || o.tabId === tabId),
  };
}

/** The best-ranked entry for the tab, filled. */
export async function fillBest(deps: PopupApiDeps, tabId: number): Promise<FillOutcome> {
  const listed = await listForTab(deps, tabId);
  if (!("entries" in listed)) throw new HostError("internal", "listing failed");
  const best = listed.entries[0];
  if (best === undefined || best.match === null) {
    const near = listed.entries.filter((e) => e.refusal !== null).map((e) => `${e.path} fills ${e.site ?? "another site"} only`);
    const page = originOf(listed.tabUrl);
    throw new HostError("no_match", `no entry fills ${page}${near.length > 0 ? ` (${near.join("; ")})` : ""}`);
  }
  return fillEntry(deps, tabId, { store: best.store, path: best.path });
}

export async function handleCredentialsRequest(deps: PopupApiDeps, msg: unknown): Promise<CredentialsReply> {
  const m = msg as Record<string, unknown>;
  try {
    switch (m["type"]) {
      case "credentials.list":
        return await listForTab(deps, m["tabId"] === undefined || m["tabId"] === null ? null : tabOf(m["tabId"]));
      case "credentials.fill": {
        const confirm = typeof m["confirmFrameId"] === "number" ? m["confirmFrameId"] : null;
        return await fillEntry(deps, tabOf(m["tabId"]), refOf(m["store"], m["path"]), confirm);
      }
      case "credentials.fillBest":
        return await fillBest(deps, tabOf(m["tabId"]));
      case "credentials.save": {
        const offer = deps.offers.take(str(m["offerId"], "offerId"), deps.now());
        if (offer === null) throw new HostError("offer_gone", "this save offer has expired: submit the login form again");
        const ref = refOf(m["store"], m["path"]);
        const cred = await deps.cred();
        const text = cred.editEntry("", { password: offer.password, login: offer.username, url: offer.origin });
        await writeEntry(await deps.flows(), ref, text, null);
        deps.index.set(`${ref.store}:${ref.path}`, { url: offer.origin, allowSubdomains: false });
        return { ok: true, written: `${ref.store}:${ref.path}` };
      }
      case "credentials.dismissOffer":
        return { ok: true, dismissed: deps.offers.take(str(m["offerId"], "offerId"), deps.now()) !== null };
      case "credentials.share":
        return {
          ok: true,
          armored: await shareArmored(await deps.flows(), await deps.cred(), refOf(m["store"], m["path"]), str(m["recipient"], "recipient")),
        };
      case "credentials.shareToFolder": {
        const target = refOf(m["targetStore"], m["targetPath"]);
        const r = await shareToFolder(await deps.flows(), await deps.cred(), refOf(m["store"], m["path"]), target);
        return { ok: true, written: `${target.store}:${target.path}`, recipients: r.recipients };
      }
      case "credentials.import": {
        const target = refOf(m["store"], m["path"]);
        await importShared(await deps.flows(), await deps.cred(), str(m["armored"], "armored"), target);
        return { ok: true, written: `${target.store}:${target.path}` };
      }
      case "credentials.initStore":
        return { ok: true, initialized: await initStore(await deps.flows(), m["store"] === undefined ? "default" : str(m["store"], "store")) };
      case "credentials.openForEdit": {
        deps.edits ??= new EditSessions();
        const { form, previous } = await openForEdit({ ...deps, edits: deps.edits }, refOf(m["store"], m["path"]));
        return { ok: true, form, previous };
      }
      case "credentials.saveEntry": {
        deps.edits ??= new EditSessions();
        const previous = m["previous"] === null || m["previous"] === undefined ? null : str(m["previous"], "previous");
        const written = await saveEntry({ ...deps, edits: deps.edits }, refOf(m["store"], m["path"]), formOf(m), previous);
        return { ok: true, written };
      }
      default:
        return { ok: false, code: "bad_request", message: "unknown credentials request" };
    }
  } catch (err) {
    return failure(err);
  }
}
