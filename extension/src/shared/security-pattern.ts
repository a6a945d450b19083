// The per-install security pattern shown in every Tessera frame and prompt. It
// is random, kept in extension storage (which no web page can read), so a page
// that draws a fake Tessera editor or PIN prompt cannot draw the right pattern.
// Pure: the caller hands in the storage (chrome.storage.local, from
// pages/security-pattern.ts and the background).

const KEY = "securityPattern";
const SEED_BYTES = 16;

/** The part of chrome.storage.StorageArea used here. */
export interface SeedStorage {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function newSeed(): string {
  return hex(crypto.getRandomValues(new Uint8Array(SEED_BYTES)));
}

/** The stored seed, created on first use. */
export async function patternSeed(storage: SeedStorage): Promise<string> {
  const got = await storage.get(KEY);
  const seed = got[KEY];
  if (typeof seed === "string" && /^[0-9a-f]{32}$/.test(seed)) return seed;
  const fresh = newSeed();
  await storage.set({ [KEY]: fresh });
  return fresh;
}

export async function replaceSeed(storage: SeedStorage): Promise<string> {
  const fresh = newSeed();
  await storage.set({ [KEY]: fresh });
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
