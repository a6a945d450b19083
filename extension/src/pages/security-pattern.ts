// The security pattern (shared/security-pattern.ts) as the extension pages and
// frames draw it, from chrome.storage.local.

import { patternCss, patternSeed, replaceSeed as replaceStoredSeed } from "../shared/security-pattern";

export function replaceSeed(): Promise<string> {
  return replaceStoredSeed(chrome.storage.local);
}

export async function paintPattern(target: HTMLElement): Promise<void> {
  target.style.background = patternCss(await patternSeed(chrome.storage.local));
}
