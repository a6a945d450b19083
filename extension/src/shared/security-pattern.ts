// The per-install security pattern shown in every Tessera frame and prompt. It
// is random, so a page that draws a fake Tessera editor or PIN prompt cannot
// draw the right one.
//
// Where the seed lives matters: chrome.storage.local is readable by the
// extension's content scripts, so a compromised renderer (which runs those
// scripts in the web page's process) could read it and draw a perfect fake.
// It is kept in the extension origin's IndexedDB instead, by the worker (background/pattern-store.ts),
// which only extension pages and frames reach; a seed left in
// chrome.storage.local by an older version moves there once and is deleted.
// Pure: the callers hand in both stores.

const SEED_BYTES = 16;

/** Where the seed is kept: get-or-create in one step, so two first draws agree. */
export interface SeedVault {
  /** The stored seed; when there is none, `candidate`, stored. */
  getOrPut(candidate: string): Promise<string>;
  put(seed: string): Promise<void>;
}

/** A seed an older version kept in chrome.storage.local. */
export interface LegacySeed {
  read(): Promise<string | null>;
  remove(): Promise<void>;
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function newSeed(): string {
  return hex(crypto.getRandomValues(new Uint8Array(SEED_BYTES)));
}

export function isSeed(v: unknown): v is string {
  return typeof v === "string" && /^[0-9a-f]{32}$/.test(v);
}

/** The seed, created on first use; a legacy seed is kept (the person knows its pattern) and removed from where it was. */
export async function patternSeed(vault: SeedVault, legacy: LegacySeed): Promise<string> {
  const old = await legacy.read();
  const seed = await vault.getOrPut(old ?? newSeed());
  if (old !== null) await legacy.remove();
  return seed;
}

export async function replaceSeed(vault: SeedVault, legacy: LegacySeed): Promise<string> {
  const fresh = newSeed();
  await vault.put(fresh);
  await legacy.remove();
  return fresh;
}

/** CSS background for a seed: four colours and an angle, all drawn from the seed's bytes. */
export function patternCss(seed: string): string {
  const b = (i: number): number => parseInt(seed.slice(i * 2, i * 2 + 2), 16) || 0;
  const colors = [0, 1, 2, 3].map((i) => `hsl(${Math.round((b(i) / 255) * 360)} ${55 + (b(i + 4) % 30)}% ${40 + (b(i + 8) % 25)}%)`);
  const angle = Math.round((b(12) / 255) * 180);
  const w = 6 + (b(13) % 10);
  const stops = colors.map((c, i) => `${c} ${i * w}px ${(i + 1) * w}px`).join(", ");
  return `repeating-linear-gradient(${angle}deg, ${stops})`;
}
