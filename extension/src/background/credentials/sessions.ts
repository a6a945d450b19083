// Short-lived, in-memory state: the login a tab is going through (so the next
// step of a multi-step login is filled when its page reports its fields), and
// save offers from submitted login forms. Nothing here is ever stored on disk;
// everything expires, and a closed tab drops its state.

import type { FieldKind, SaveOfferView } from "../../shared/contracts/credentials";
import type { OpenedEntry } from "./store-flow";

/** How long a multi-step login stays armed after the user's action. */
export const SESSION_TTL_MS = 60_000;
/** How long a save offer waits for the user. */
export const OFFER_TTL_MS = 5 * 60_000;

export interface LoginSession {
  entry: OpenedEntry;
  /** What the entry is bound to (its url:, or its path name). */
  entryUrl: string;
  /** A cross-origin frame the user confirmed in the popup for this entry. */
  confirmedFrameId: number | null;
  done: Set<FieldKind>;
  /** Every field filled: no further step; kept until expiry so the submit is not offered for saving. */
  complete: boolean;
  expires: number;
}

export class TabSessions {
  private readonly byTab = new Map<number, LoginSession>();

  /** Drops every expired session, so a secret does not outlive its minute in a tab nobody revisits. */
  private prune(now: number): void {
    for (const [tabId, s] of this.byTab) if (s.expires <= now) this.byTab.delete(tabId);
  }

  start(tabId: number, entry: OpenedEntry, entryUrl: string, confirmedFrameId: number | null, now: number): LoginSession {
    this.prune(now);
    const s: LoginSession = { entry, entryUrl, confirmedFrameId, done: new Set(), complete: false, expires: now + SESSION_TTL_MS };
    this.byTab.set(tabId, s);
    return s;
  }

  get(tabId: number, now: number): LoginSession | null {
    this.prune(now);
    return this.byTab.get(tabId) ?? null;
  }

  /** Marks the session complete once every field the entry can fill has been filled. */
  finishIfComplete(tabId: number): void {
    const s = this.byTab.get(tabId);
    if (s === undefined) return;
    const needsOtp = s.entry.parsed.otpUris.length > 0;
    if (s.done.has("password") && (!needsOtp || s.done.has("otp"))) {
      s.complete = true;
      // Nothing left to fill: keep the session (it suppresses a save offer) without the secrets.
      // Extra fields (`pin: …`, recovery codes) are secrets too.
      s.entry = { ...s.entry, text: "", parsed: { ...s.entry.parsed, password: "", login: null, otpUris: [], fields: [] } };
    }
  }

  clear(tabId: number): void {
    this.byTab.delete(tabId);
  }
}

export interface SaveOffer {
  id: string;
  tabId: number;
  /** From the browser (sender.url), never from the page's message. */
  origin: string;
  username: string;
  password: string;
  expires: number;
}

/** What the popup sees of an offer: never the password. */
export class SaveOffers {
  private readonly offers = new Map<string, SaveOffer>();

  constructor(private readonly newId: () => string) {}

  /** One offer per tab: a newer submit replaces the older offer. */
  add(tabId: number, origin: string, username: string, password: string, now: number): SaveOffer {
    this.prune(now);
    for (const [id, o] of this.offers) if (o.tabId === tabId) this.offers.delete(id);
    const offer: SaveOffer = { id: this.newId(), tabId, origin, username, password, expires: now + OFFER_TTL_MS };
    this.offers.set(offer.id, offer);
    return offer;
  }

  private prune(now: number): void {
    for (const [id, o] of this.offers) if (o.expires <= now) this.offers.delete(id);
  }

  list(now: number): SaveOfferView[] {
    this.prune(now);
    return [...this.offers.values()].map(({ id, tabId, origin, username }) => ({ id, tabId, origin, username }));
  }

  /** The offer, removed (saved or dismissed), or null when gone or expired. */
  take(id: string, now: number): SaveOffer | null {
    this.prune(now);
    const o = this.offers.get(id);
    this.offers.delete(id);
    return o ?? null;
  }

  clearTab(tabId: number): void {
    for (const [id, o] of this.offers) if (o.tabId === tabId) this.offers.delete(id);
  }
}
