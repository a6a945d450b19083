// The security pattern's seed, kept by the worker in the extension origin's
// IndexedDB and handed to Tessera's pages and frames by message (pattern.get).
// Not in chrome.storage.local: content scripts can read that. Not read by the
// frames themselves: a Tessera frame inside a web page has the storage of
// that page's partition, so it would draw another pattern than the options
// page.

import { IdbKv } from "../shared/idb-kv";
import { isSeed, patternSeed, replaceSeed, type LegacySeed, type SeedVault } from "../shared/security-pattern";

const KEY = "seed";
/** Where versions before this one kept the seed. */
const LEGACY_KEY = "securityPattern";

export function workerPatternStore(): { get(): Promise<string>; replace(): Promise<string> } {
  const db = new IdbKv(indexedDB, "tessera-pattern");
  const vault: SeedVault = {
    getOrPut: (candidate) => db.getOrPut(KEY, candidate, isSeed),
    put: (seed) => db.set(KEY, seed),
  };
  const legacy: LegacySeed = {
    async read() {
      const v = (await chrome.storage.local.get(LEGACY_KEY))[LEGACY_KEY];
      return isSeed(v) ? v : null;
    },
    remove: () => chrome.storage.local.remove(LEGACY_KEY),
  };
  return { get: () => patternSeed(vault, legacy), replace: () => replaceSeed(vault, legacy) };
}
