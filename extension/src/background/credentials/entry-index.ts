// What Tessera knows of each entry without decrypting it: its `url:` line (or
// that it has none) and `allow_subdomains`. Never a password, a login or an
// OTP secret. Kept in extension storage so that ranking by `url:` (the only
// way an entry named `admin` can be offered on an IP console) survives a
// browser restart, and so that an entry already known not to fill a page is
// refused before any decryption, hence before any PIN.

export interface EntryMeta {
  /** The entry's `url:` line; null when it has none (its name then decides). */
  url: string | null;
  allowSubdomains: boolean;
}

/** The few calls of chrome.storage.local this needs; tests pass none (memory only). */
export interface IndexStorage {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

export const ENTRY_INDEX_STORAGE_KEY = "entryIndex";
const KEY = ENTRY_INDEX_STORAGE_KEY;

function isMeta(v: unknown): v is EntryMeta {
  if (typeof v !== "object" || v === null) return false;
  const m = v as Record<string, unknown>;
  return (m["url"] === null || typeof m["url"] === "string") && typeof m["allowSubdomains"] === "boolean";
}

export class EntryIndex {
  private readonly entries = new Map<string, EntryMeta>();
  private loading: Promise<void> | null = null;

  constructor(
    private readonly storage: IndexStorage | null,
    private readonly log: (message: string) => void = () => {},
  ) {}

  /** Reads the stored index once; a storage failure leaves it empty (it only suggests). */
  load(): Promise<void> {
    this.loading ??= (async () => {
      if (this.storage === null) return;
      try {
        const stored = (await this.storage.get(KEY))[KEY];
        if (typeof stored !== "object" || stored === null) return;
        for (const [label, meta] of Object.entries(stored)) {
          if (isMeta(meta) && !this.entries.has(label)) this.entries.set(label, meta);
        }
      } catch (err) {
        this.log(`the entry index could not be read: ${String(err)}`);
      }
    })();
    return this.loading;
  }

  /** `store:path` → what is known of it; undefined when it was never opened or written here. */
  get(label: string): EntryMeta | undefined {
    return this.entries.get(label);
  }

  set(label: string, meta: EntryMeta): void {
    const old = this.entries.get(label);
    if (old !== undefined && old.url === meta.url && old.allowSubdomains === meta.allowSubdomains) return;
    this.entries.set(label, { url: meta.url, allowSubdomains: meta.allowSubdomains });
    this.save();
  }

  private save(): void {
    const storage = this.storage;
    if (storage === null) return;
    // After the stored index is merged in, or a save would drop what the last session knew.
    this.load()
      .then(() => storage.set({ [KEY]: Object.fromEntries(this.entries) }))
      .catch((err: unknown) => this.log(`the entry index could not be saved: ${String(err)}`));
  }
}
