// Splits pasted or loaded text into its armored blocks so that each key is
// imported (and reported) on its own. Text without any armor header is one
// item: the core then says what is wrong with it.

const BLOCK = /-----BEGIN PGP ([A-Z ,0-9/]+)-----[\s\S]*?-----END PGP \1-----/g;

export interface ArmorItem {
  /** What the block announces, e.g. "PUBLIC KEY BLOCK"; "" when not armored. */
  kind: string;
  text: string;
}

export function splitArmor(text: string): ArmorItem[] {
  const items: ArmorItem[] = [];
  for (const m of text.matchAll(BLOCK)) items.push({ kind: m[1] ?? "", text: m[0] });
  if (items.length === 0 && text.trim() !== "") items.push({ kind: "", text });
  return items;
}
