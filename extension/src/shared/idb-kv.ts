// A key-value store in one IndexedDB object store of the caller's origin. The
// extension keeps here what its content scripts must neither read nor write
// (they run with the web page's origin, so they never reach the extension
// origin's IndexedDB, unlike chrome.storage.local, which they share: see
// THREAT-MODEL.md). The caller hands in the IDBFactory (shared/ calls no
// browser API of its own).

const STORE = "kv";

export class IdbKv {
  constructor(
    private readonly factory: IDBFactory,
    private readonly dbName: string,
  ) {}

  private open(): Promise<IDBDatabase> {
    return new Promise((resolve, reject) => {
      const req = this.factory.open(this.dbName, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error(`the extension's storage (${this.dbName}) could not be opened`));
    });
  }

  /** Runs `body` in one transaction; resolves with what it set through `done` once the transaction committed. */
  private async transact<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore, done: (v: T) => void) => void): Promise<T> {
    const db = await this.open();
    try {
      return await new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        let result: { v: T } | null = null;
        body(tx.objectStore(STORE), (v) => (result = { v }));
        const failed = (): void => reject(tx.error ?? new Error(`the extension's storage (${this.dbName}) could not be written`));
        tx.oncomplete = () => (result === null ? failed() : resolve(result.v));
        tx.onerror = failed;
        tx.onabort = failed;
      });
    } finally {
      db.close();
    }
  }

  get(key: string): Promise<unknown> {
    return this.transact("readonly", (store, done) => {
      const got = store.get(key);
      got.onsuccess = () => done(got.result);
    });
  }

  set(key: string, value: unknown): Promise<void> {
    return this.transact("readwrite", (store, done) => {
      store.put(value, key).onsuccess = () => done(undefined);
    });
  }

  /** The stored value if `accept` takes it, else `candidate`, stored: in one transaction, so two first users agree. */
  getOrPut<T>(key: string, candidate: T, accept: (v: unknown) => v is T): Promise<T> {
    return this.transact("readwrite", (store, done) => {
      const got = store.get(key);
      got.onsuccess = () => {
        if (accept(got.result)) return done(got.result);
        store.put(candidate, key);
        done(candidate);
      };
    });
  }
}
