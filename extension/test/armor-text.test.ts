import assert from "node:assert/strict";
import { test } from "node:test";
import { armoredBlocks, canonicalArmor, holdsArmor } from "../src/shared/armor-text";

const CANONICAL = [
  "-----BEGIN PGP MESSAGE-----",
  "Comment: https://example.test/a:b",
  "",
  "hF4DAAAAAAAAAAASAQdAn7d+Xy/9hAbcdefghijklmnopqrstuvwxyz0123456789+/",
  "wcBMA0xyz==",
  "=abcd",
  "-----END PGP MESSAGE-----",
  "",
].join("\n");

test("canonical armor comes back unchanged", () => {
  assert.deepEqual(armoredBlocks(CANONICAL), [CANONICAL]);
});

test("paragraphs, blank lines, no-break spaces, indentation and CRLF are undone", () => {
  const lines = CANONICAL.trimEnd().split("\n");
  const asParagraphs = lines.map((l) => `\u00a0 ${l}\u00a0\r\n\r\n`).join("");
  assert.deepEqual(armoredBlocks(`Hello,\n\n${asParagraphs}\nBye`), [CANONICAL]);
  const quoted = lines.map((l) => `> > ${l}`).join("\n");
  assert.deepEqual(armoredBlocks(quoted), [CANONICAL]);
});

test("an editor that dropped the blank line after the headers, or split a base64 line, still gives the same block", () => {
  const lines = CANONICAL.trimEnd().split("\n").filter((l) => l !== "");
  assert.deepEqual(armoredBlocks(lines.join("\n")), [CANONICAL]);
  const withoutHeader = CANONICAL.replace("Comment: https://example.test/a:b\n", "");
  const spaced = withoutHeader.replace("wcBMA0xyz==", "wcBMA 0xyz ==");
  assert.deepEqual(armoredBlocks(spaced), [withoutHeader]);
});

test("prose inside the markers, or text after the checksum, is not a message", () => {
  assert.deepEqual(armoredBlocks("-----BEGIN PGP MESSAGE-----\n\nDear Bob, hello.\n-----END PGP MESSAGE-----"), []);
  assert.equal(canonicalArmor(["", "wcBMA0xyz", "=abcd", "wcBMA0xyz"]), null);
  assert.equal(canonicalArmor(["", ""]), null);
});

test("several blocks are found in order; an unterminated one is ignored", () => {
  const second = CANONICAL.replace("wcBMA0xyz==", "AAAA");
  assert.deepEqual(armoredBlocks(`${CANONICAL}text between\n${second}\n-----BEGIN PGP MESSAGE-----\n\nAAAA`), [CANONICAL, second]);
  assert.equal(holdsArmor("x -----BEGIN PGP MESSAGE----- y"), true);
  assert.equal(holdsArmor("-----BEGIN PGP SIGNATURE-----"), false);
});
