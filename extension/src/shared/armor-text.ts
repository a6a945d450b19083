// ASCII armor (RFC 9580 §6.2) as it comes back from a web page: rich-text
// editors and mail views split it across <p>, <div> and <br>, add blank lines
// between paragraphs, turn spaces into &nbsp; and indent quoted text. The
// base64 itself survives (no editor rewrites [A-Za-z0-9+/=]), so each block is
// rebuilt from its meaningful lines into the canonical form every OpenPGP
// implementation reads. Pure functions: used by the content script (reading
// pages) and by tests.

const BEGIN = "-----BEGIN PGP MESSAGE-----";
const END = "-----END PGP MESSAGE-----";
const HEADER = /^([A-Za-z][A-Za-z0-9-]*): ?(.*)$/;
const CHECKSUM = /^=[A-Za-z0-9+/]{4}$/;
const BASE64_LINE = /^[A-Za-z0-9+/=]+$/;
/** Largest block rebuilt (a 25 MiB attachment's armor, with room for markup). */
const MAX_BLOCK_CHARS = 40 * 1024 * 1024;

/** Spaces a page may have put in: no-break, thin, zero-width, tabs. */
function clean(line: string): string {
  return line.replace(/[\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff\t]/g, " ").trim();
}

/**
 * The canonical armor of the lines between BEGIN and END (exclusive), or null
 * when they are not an armored message (a line that is neither a header, base64
 * nor the checksum: prose, a quote marker, a signature block).
 */
export function canonicalArmor(inner: readonly string[]): string | null {
  const lines = inner.map(clean).map((l) => l.replace(/^(?:>\s?)+/, "")).filter((l) => l !== "");
  const headers: string[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const header = HEADER.exec(line);
    // A header has a name, a colon and a space; base64 never holds ": ".
    if (header === null || !line.includes(": ") && !line.endsWith(":")) break;
    headers.push(`${header[1]}: ${header[2] ?? ""}`.trimEnd());
  }
  const body: string[] = [];
  let checksum: string | null = null;
  for (; i < lines.length; i++) {
    const line = (lines[i] ?? "").replace(/\s+/g, "");
    if (line.startsWith("=")) {
      // Base64 never starts with padding: this is the checksum, and it ends the body.
      if (!CHECKSUM.test(line) || i !== lines.length - 1) return null;
      checksum = line;
    } else if (BASE64_LINE.test(line)) body.push(line);
    else return null;
  }
  if (body.length === 0) return null;
  return [BEGIN, ...headers, "", ...body, ...(checksum === null ? [] : [checksum]), END, ""].join("\n");
}

/** Every armored message in a text, canonical, in order. Text between blocks is ignored. */
export function armoredBlocks(text: string): string[] {
  const found: string[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf(BEGIN, from);
    if (start < 0) break;
    const end = text.indexOf(END, start + BEGIN.length);
    if (end < 0) break;
    from = end + END.length;
    if (end - start > MAX_BLOCK_CHARS) continue;
    const block = canonicalArmor(text.slice(start + BEGIN.length, end).split(/\r\n|\r|\n/));
    if (block !== null) found.push(block);
  }
  return found;
}

/** Whether a text holds the start of an armored message (cheap: no parsing). */
export function holdsArmor(text: string): boolean {
  return text.includes(BEGIN);
}
