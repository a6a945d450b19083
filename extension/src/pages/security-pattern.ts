// The security pattern (shared/security-pattern.ts) as the extension pages and
// frames draw it, from the extension origin's IndexedDB (pattern-vault.ts).

import { patternCss, patternSeed, replaceSeed as replaceStoredSeed } from "../shared/security-pattern";
import { idbVault, legacySeed } from "./pattern-vault";

export function replaceSeed(): Promise<string> {
  return replaceStoredSeed(idbVault, legacySeed);
}

export async function paintPattern(target: HTMLElement): Promise<void> {
  target.style.background = patternCss(await patternSeed(idbVault, legacySeed));
}
