// The keyring in the worker's trusted storage (trusted-storage.ts; chrome.storage.local
// before): one armored string of PUBLIC keys
// (the core refuses secret keys). Changes are serialised so that two imports
// at once cannot lose one another.

export const KEYRING_STORAGE_KEY = "keyring";

export interface KeyValueStorage {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

export class KeyringStore {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly storage: KeyValueStorage) {}

  async read(): Promise<string> {
    const got = await this.storage.get(KEYRING_STORAGE_KEY);
    const v = got[KEYRING_STORAGE_KEY];
    return typeof v === "string" ? v : "";
  }

  /** Runs `change` on the current keyring and stores what it returns, one change at a time. */
  update<T>(change: (stored: string) => { stored: string; value: T }): Promise<T> {
    const run = this.chain.then(async () => {
      const { stored, value } = change(await this.read());
      await this.storage.set({ [KEYRING_STORAGE_KEY]: stored });
      return value;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}
