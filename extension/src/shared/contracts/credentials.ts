// The popup's (and options page's) `credentials.*` requests to the background
// (background/credentials/popup-api.ts) and their replies. Replies never carry
// a password, an OTP code or an entry's text, except `credentials.openForEdit`'s
// (the entry form's fields, for the popup that asked). The router admits these only from
// popup/popup.html and options/options.html.

export interface EntryRef {
  store: string;
  path: string;
}

export type CredentialsRequest =
  /** Entries of every store, those matching the tab first; without a tab, all of them. */
  | { type: "credentials.list"; tabId?: number | null }
  /**
   * Fills the entry into the tab's frames that may have it; `confirmFrameId` after
   * needs_confirmation. A null tabId (the popup knows no tab) is answered bad_request.
   */
  | ({ type: "credentials.fill"; tabId: number | null; confirmFrameId?: number } & EntryRef)
  | { type: "credentials.fillBest"; tabId: number | null }
  | ({ type: "credentials.save"; offerId: string } & EntryRef)
  | { type: "credentials.dismissOffer"; offerId: string }
  /** The entry encrypted to one recipient (armored, for a colleague). */
  | ({ type: "credentials.share"; recipient: string } & EntryRef)
  | ({ type: "credentials.shareToFolder"; targetStore: string; targetPath: string } & EntryRef)
  | ({ type: "credentials.import"; armored: string } & EntryRef)
  /** Creates a missing store (`default` when absent) encrypted to the user's own key. */
  | { type: "credentials.initStore"; store?: string }
  /** Decrypts an entry for the popup's form: the one reply that carries a password. */
  | ({ type: "credentials.openForEdit" } & EntryRef)
  /** Writes the form: a new entry (`previous` null), or the version `previous` (its sha256) edited. */
  | ({ type: "credentials.saveEntry"; previous: string | null } & EntryRef & EntryForm);

/**
 * The popup's entry form. `login`, `url` or `otp` empty: no such line (an edit
 * removes it). `otp`: an `otpauth://` URI or a bare base32 secret. Lines the
 * form does not show stay as they are.
 */
export interface EntryForm {
  password: string;
  login: string;
  url: string;
  otp: string;
  autosubmit: boolean;
}

export interface EntryView extends EntryRef {
  /** How it fills the tab (credentials/core.ts RankMatch), null when it does not. */
  match: string | null;
  /** It names the tab's host but would be refused: `scheme` (the page is http:, the entry https:) or `port`. */
  refusal: "scheme" | "port" | null;
  /** The origin the entry fills, when it is related to the tab. */
  site: string | null;
}

export interface TokenView {
  id: string;
  label: string;
  /** The host holds no verified PIN for it: the next decryption asks. */
  pinNeeded: boolean;
  /** `card` (asks a PIN) or `soft` (asks the soft token's passphrase). */
  backend: string;
}

export interface SaveOfferView {
  id: string;
  tabId: number;
  origin: string;
  username: string;
}

/** A store that could not be listed (the host's store.list `problems`). */
export interface StoreProblemView {
  store: string;
  code: string;
  message: string;
}

export type FieldKind = "username" | "password" | "otp";

export interface FrameOutcome {
  frameId: number;
  origin: string;
  filled: FieldKind[];
  submitted: boolean;
}

export interface ConfirmableFrame {
  frameId: number;
  origin: string;
  reason: string;
}

export type FillOutcome =
  | { ok: true; entry: string; frames: FrameOutcome[] }
  /** ref: the entry to fill once the user confirms (after a fillBest the popup did not choose it). */
  | { ok: false; code: "needs_confirmation"; message: string; entry: string; ref: EntryRef; frames: ConfirmableFrame[] };

export type CredentialsReply =
  | { ok: true; tabUrl: string | null; entries: EntryView[]; problems: StoreProblemView[]; tokens: TokenView[]; offers: SaveOfferView[] }
  | FillOutcome
  | { ok: true; armored: string }
  | { ok: true; written: string; recipients?: string[] }
  | { ok: true; dismissed: boolean }
  | { ok: true; initialized: { store: string; path: string; created: boolean } }
  /** `credentials.openForEdit` only, for the form's password input: `previous` is the version's sha256. */
  | { ok: true; form: EntryForm; previous: string }
  | { ok: false; code: string; message: string };
