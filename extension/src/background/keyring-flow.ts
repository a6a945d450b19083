// Keyring management for the options page: list (with the user's own keys
// marked from token.list), import one or many certificates with a result per
// armored block, remove.

import { splitArmor } from "./armor-split";
import type { ImportItemResult, KeyInfo } from "../shared/contracts/page";
import { HostError, errorMessage } from "./errors";
import { slotFingerprints, type FlowDeps } from "./flow-deps";

export async function listKeys(deps: Pick<FlowDeps, "pgp" | "keyring" | "listTokens">): Promise<KeyInfo[]> {
  const stored = await deps.keyring.read();
  let own: string[] = [];
  try {
    own = slotFingerprints(await deps.listTokens());
  } catch {
    // No host: list the keys anyway, none marked as own.
  }
  return deps.pgp.keyringList(stored, own);
}

const encoder = new TextEncoder();

/**
 * Imports pasted text (split into armored blocks, each imported on its own) or
 * one binary file. Blocks that fail are reported with the core's code and
 * message; the others are stored.
 */
export async function importKeys(
  deps: Pick<FlowDeps, "pgp" | "keyring">,
  input: { text: string } | { binary: Uint8Array; label: string },
): Promise<ImportItemResult[]> {
  const items =
    "text" in input
      ? splitArmor(input.text).map((b, i) => ({ label: `#${i + 1}`, bytes: encoder.encode(b.text) }))
      : [{ label: input.label, bytes: input.binary }];
  if (items.length === 0) throw new HostError("no_certificate", "nothing to import");
  return deps.keyring.update((stored) => {
    const results: ImportItemResult[] = [];
    let current = stored;
    for (const item of items) {
      try {
        const r = deps.pgp.keyringImport(current, item.bytes);
        current = r.stored;
        results.push({ ok: true, label: item.label, fingerprints: r.imported });
      } catch (err) {
        const code = err instanceof HostError ? err.code : "internal";
        results.push({ ok: false, label: item.label, code, message: errorMessage(err) });
      }
    }
    return { stored: current, value: results };
  });
}

export async function removeKey(deps: Pick<FlowDeps, "pgp" | "keyring">, fingerprint: string): Promise<boolean> {
  return deps.keyring.update((stored) => {
    const r = deps.pgp.keyringRemove(stored, fingerprint);
    return { stored: r.stored, value: r.removed };
  });
}
