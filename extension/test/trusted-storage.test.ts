import assert from "node:assert/strict";
import { test } from "node:test";
import { trustedArea, type LegacyArea, type ValueStore } from "../src/background/trusted-storage";

// Stand-ins for IndexedDB and chrome.storage.local; the real ones are driven in tests/e2e/extension-storage.test.mjs.
function store(initial: Record<string, unknown> = {}): ValueStore & { data: Record<string, unknown> } {
  const data: Record<string, unknown> = { ...initial };
  return {
    data,
    get: async (k) => data[k],
    set: async (k, v) => {
      data[k] = v;
    },
    getOrPut: async <T>(k: string, candidate: T, accept: (v: unknown) => v is T) => {
      const v = data[k];
      if (accept(v)) return v;
      data[k] = candidate;
      return candidate;
    },
  };
}
function legacy(initial: Record<string, unknown> = {}): LegacyArea & { data: Record<string, unknown> } {
  const data: Record<string, unknown> = { ...initial };
  return {
    data,
    get: async (k) => (k in data ? { [k]: data[k] } : {}),
    remove: async (k) => {
      delete data[k];
    },
  };
}

test("trusted storage: an older version's value moves on first read and leaves chrome.storage.local", async () => {
  const s = store();
  const l = legacy({ keyring: "ARMORED", webmailSites: ["https://mail.example"] });
  const area = trustedArea(s, l);
  assert.deepEqual(await area.get("keyring"), { keyring: "ARMORED" });
  assert.equal(s.data["keyring"], "ARMORED");
  assert.deepEqual(l.data, { webmailSites: ["https://mail.example"] }, "only the key read moved");
  assert.deepEqual(await area.get("keyring"), { keyring: "ARMORED" }, "read again from the trusted store");
  // Emptied later, then planted again in chrome.storage.local: not taken.
  delete s.data["keyring"];
  Object.assign(l.data, { keyring: "PLANTED" });
  assert.deepEqual(await area.get("keyring"), {});
});

test("trusted storage: the trusted value wins over a leftover, which is removed; nothing stored reads as nothing", async () => {
  const s = store({ keyring: "NEW" });
  const l = legacy({ keyring: "PLANTED" });
  const area = trustedArea(s, l);
  assert.deepEqual(await area.get("keyring"), { keyring: "NEW" });
  // A value planted in chrome.storage.local after the move (a compromised renderer) is never read.
  assert.equal(l.data["keyring"], "PLANTED");
  const fresh = store();
  const empty = legacy();
  assert.deepEqual(await trustedArea(fresh, empty).get("entryIndex"), {});
  empty.data["entryIndex"] = { planted: true };
  assert.deepEqual(await trustedArea(fresh, empty).get("entryIndex"), {}, "looked for once, at the first read");
});

test("trusted storage: writes go to the trusted store and clear the same key in chrome.storage.local", async () => {
  const s = store();
  const l = legacy({ entryIndex: { old: true } });
  await trustedArea(s, l).set({ entryIndex: { fresh: true }, keyring: "K" });
  assert.deepEqual(s.data, { entryIndex: { fresh: true }, keyring: "K", "moved:entryIndex": true, "moved:keyring": true });
  assert.deepEqual(l.data, {});
});
