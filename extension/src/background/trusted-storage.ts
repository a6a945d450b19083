// The worker's storage for what decides where secrets go: the keyring (whose
// keys mail is encrypted to) and the entry index (which sites an entry is
// bound to). chrome.storage.local would do, but every content script can read
// and write it, so a compromised renderer could swap a recipient's key
// without any UI (the CVE-2019-9150 class). The extension origin's IndexedDB
// is out of their reach. A value an older version left in
// chrome.storage.local moves here on first read and is deleted there.

import { IdbKv } from "../shared/idb-kv";
import type { KeyValueStorage } from "./keyring-store";

/** Where older versions kept the same keys. */
export interface LegacyArea {
  get(key: string): Promise<Record<string, unknown>>;
  remove(key: string): Promise<void>;
}

export interface ValueStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  getOrPut<T>(key: string, candidate: T, accept: (v: unknown) => v is T): Promise<T>;
}

const present = (v: unknown): v is NonNullable<unknown> => v !== undefined && v !== null;
/** Set once a key's leftover was looked for: chrome.storage.local is never read for it again. */
const movedMark = (key: string): string => `moved:${key}`;

export function trustedArea(store: ValueStore, legacy: LegacyArea): KeyValueStorage {
  return {
    async get(key) {
      const v = await store.get(key);
      if (present(v)) return { [key]: v };
      // Looked for once only: a value planted there later (by a compromised renderer) is never taken.
      if ((await store.get(movedMark(key))) === true) return {};
      const old = (await legacy.get(key))[key];
      // A concurrent first read may have moved it already: whoever stored first wins, both agree.
      const kept = present(old) ? await store.getOrPut(key, old, present) : undefined;
      await store.set(movedMark(key), true);
      await legacy.remove(key);
      return kept === undefined ? {} : { [key]: kept };
    },
    async set(items) {
      for (const [key, value] of Object.entries(items)) {
        await store.set(key, value);
        await store.set(movedMark(key), true);
        await legacy.remove(key);
      }
    },
  };
}

/** The worker's trusted area: IndexedDB of the extension origin, moving chrome.storage.local leftovers. */
export function workerTrustedArea(): KeyValueStorage {
  return trustedArea(new IdbKv(indexedDB, "tessera-worker"), {
    get: (key) => chrome.storage.local.get(key),
    remove: (key) => chrome.storage.local.remove(key),
  });
}
