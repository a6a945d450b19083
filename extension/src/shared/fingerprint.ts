/**
 * Formats a hex fingerprint for reading aloud and comparing by eye: upper case,
 * groups of four separated by spaces ("0F1D 3A8E …"). Anything that is not hex
 * is returned unchanged rather than shown as if it were a fingerprint.
 */
export function formatFingerprint(hex: string): string {
  const clean = hex.trim();
  if (clean.length === 0 || !/^[0-9a-fA-F]+$/.test(clean)) return clean;
  const upper = clean.toUpperCase();
  const groups: string[] = [];
  for (let i = 0; i < upper.length; i += 4) groups.push(upper.slice(i, i + 4));
  return groups.join(" ");
}
