// The per-install security pattern shown in every Tessera frame and prompt. It
// is random, kept in extension storage (which no web page can read), so a page
// that draws a fake Tessera editor or PIN prompt cannot draw the right pattern.

const KEY = "securityPattern";
const SEED_BYTES = 16;

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function newSeed(): string {
  return hex(crypto.getRandomValues(new Uint8Array(SEED_BYTES)));
}

/** The stored seed, created on first use. */
export async function patternSeed(): Promise<string> {
  const got = (await chrome.storage.local.get(KEY)) as Record<string, unknown>;
  const seed = got[KEY];
  if (typeof seed === "string" && /^[0-9a-f]{32}$/.test(seed)) return seed;
  const fresh = newSeed();
  await chrome.storage.local.set({ [KEY]: fresh });
  return fresh;
}

export async function replaceSeed(): Promise<string> {
  const fresh = newSeed();
  await chrome.storage.local.set({ [KEY]: fresh });
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

export async function paintPattern(target: HTMLElement): Promise<void> {
  target.style.background = patternCss(await patternSeed());
}
