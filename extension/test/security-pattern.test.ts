import assert from "node:assert/strict";
import { test } from "node:test";
import { isSeed, patternSeed, replaceSeed, type LegacySeed, type SeedVault } from "../src/shared/security-pattern";

// Stand-ins for IndexedDB and chrome.storage.local; the real ones are driven in tests/e2e/security-pattern.test.mjs.
function vault(initial: string | null = null): SeedVault & { value: string | null } {
  const v = {
    value: initial,
    async getOrPut(candidate: string) {
      if (v.value === null) v.value = candidate;
      return v.value;
    },
    async put(seed: string) {
      v.value = seed;
    },
  };
  return v;
}
function legacy(initial: string | null): LegacySeed & { value: string | null } {
  const l = {
    value: initial,
    async read() {
      return l.value;
    },
    async remove() {
      l.value = null;
    },
  };
  return l;
}

const OLD = "0123456789abcdef0123456789abcdef";

test("pattern seed: created once, then the same on every draw", async () => {
  const v = vault();
  const first = await patternSeed(v, legacy(null));
  assert.ok(isSeed(first));
  assert.equal(await patternSeed(v, legacy(null)), first);
});

test("pattern seed: an older version's seed is kept and removed from chrome.storage.local", async () => {
  const v = vault();
  const l = legacy(OLD);
  assert.equal(await patternSeed(v, l), OLD);
  assert.equal(v.value, OLD);
  assert.equal(l.value, null);
});

test("pattern seed: a seed already in the vault wins over a leftover, which is still removed", async () => {
  const v = vault("fedcba9876543210fedcba9876543210");
  const l = legacy(OLD);
  assert.equal(await patternSeed(v, l), "fedcba9876543210fedcba9876543210");
  assert.equal(l.value, null);
});

test("pattern seed: replace makes a new one and leaves none in chrome.storage.local", async () => {
  const v = vault(OLD);
  const l = legacy(OLD);
  const fresh = await replaceSeed(v, l);
  assert.ok(isSeed(fresh));
  assert.notEqual(fresh, OLD);
  assert.equal(v.value, fresh);
  assert.equal(l.value, null);
  assert.equal(isSeed("not a seed"), false);
});
