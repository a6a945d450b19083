// The security pattern (shared/security-pattern.ts) as the extension pages and
// frames draw it, from the seed the worker keeps (background/pattern-store.ts).

import { patternCss } from "../shared/security-pattern";

async function ask(type: "pattern.get" | "pattern.replace"): Promise<string> {
  const reply = (await chrome.runtime.sendMessage({ type })) as { ok?: boolean; seed?: unknown } | undefined;
  if (reply?.ok !== true || typeof reply.seed !== "string") throw new Error("the security pattern is not available");
  return reply.seed;
}

export function replaceSeed(): Promise<string> {
  return ask("pattern.replace");
}

export async function paintPattern(target: HTMLElement): Promise<void> {
  target.style.background = patternCss(await ask("pattern.get"));
}
