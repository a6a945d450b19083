// The security pattern's seed in the extension origin's IndexedDB: extension
// pages and frames reach it, content scripts do not (they run with the web
// page's origin), unlike chrome.storage.local (see shared/security-pattern.ts).

import { IdbKv } from "../shared/idb-kv";
import { isSeed, type LegacySeed, type SeedVault } from "../shared/security-pattern";

const KEY = "seed";
/** Where versions before this one kept the seed. */
const LEGACY_KEY = "securityPattern";

const db = new IdbKv(indexedDB, "tessera-pattern");

export const idbVault: SeedVault = {
  getOrPut: (candidate) => db.getOrPut(KEY, candidate, isSeed),
  put: (seed) => db.set(KEY, seed),
};

export const legacySeed: LegacySeed = {
  async read() {
    const v = (await chrome.storage.local.get(LEGACY_KEY))[LEGACY_KEY];
    return isSeed(v) ? v : null;
  },
  remove: () => chrome.storage.local.remove(LEGACY_KEY),
};
