// The security pattern's seed in the extension origin's IndexedDB: extension
// pages and frames reach it, content scripts do not (they run with the web
// page's origin), unlike chrome.storage.local (see shared/security-pattern.ts).

import { isSeed, type LegacySeed, type SeedVault } from "../shared/security-pattern";

const DB_NAME = "tessera-pattern";
const STORE = "seed";
const KEY = "seed";
/** Where versions before this one kept the seed. */
const LEGACY_KEY = "securityPattern";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error("the security pattern's storage could not be opened"));
  });
}

/** Runs `body` in one readwrite transaction and resolves with its result once the transaction committed. */
async function transact<T>(body: (store: IDBObjectStore, done: (v: T) => void) => void): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, "readwrite");
      let result: { v: T } | null = null;
      body(tx.objectStore(STORE), (v) => (result = { v }));
      tx.oncomplete = () => (result === null ? reject(new Error("no result")) : resolve(result.v));
      tx.onerror = () => reject(tx.error ?? new Error("the security pattern could not be stored"));
      tx.onabort = () => reject(tx.error ?? new Error("the security pattern could not be stored"));
    });
  } finally {
    db.close();
  }
}

export const idbVault: SeedVault = {
  getOrPut: (candidate) =>
    transact<string>((store, done) => {
      const got = store.get(KEY);
      got.onsuccess = () => {
        if (isSeed(got.result)) return done(got.result);
        store.put(candidate, KEY);
        done(candidate);
      };
    }),
  put: (seed) =>
    transact<void>((store, done) => {
      store.put(seed, KEY).onsuccess = () => done();
    }),
};

export const legacySeed: LegacySeed = {
  async read() {
    const v = (await chrome.storage.local.get(LEGACY_KEY))[LEGACY_KEY];
    return isSeed(v) ? v : null;
  },
  remove: () => chrome.storage.local.remove(LEGACY_KEY),
};
