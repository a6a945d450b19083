#!/usr/bin/env node
// Generates wasm-core/src/credentials/public_suffix.bin, the public suffix
// list the credentials module embeds (credentials/public_suffix.rs reads it).
//
//   node scripts/lib/public-suffix.mjs [LIST]
//
// LIST is a public_suffix_list.dat (comments `//`, one rule a line; the
// ICANN and PRIVATE sections are both kept, as the `psl` crate keeps them).
// Without LIST: the `data/rules.txt` of the `psl` crate in Cargo.lock, so that
// the table is the very list the native equivalence test compares against
// (wasm-core/src/credentials/public_suffix.rs, `same_as_the_psl_crate`).
// Refresh: bump `psl` (a dev-dependency of wasm-core), run this, run that test.
//
// Format (chosen for gzip: the module ships gzip-compressed): every rule with
// its labels reversed (`*.ck` -> `ck.*`, `!www.ck` -> `ck.!www`), sorted, then
// front-coded: per rule one byte of prefix shared with the previous rule, then
// the bytes that differ, then a newline (a length byte instead gzips worse). Rules with non-ASCII labels are
// written twice, as listed (UTF-8) and with those labels in punycode (what a
// URL parser gives as host): the `psl` crate matches both forms.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { domainToASCII } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const out = join(repo, "wasm-core", "src", "credentials", "public_suffix.bin");

function pslCrateList() {
  const meta = JSON.parse(
    execFileSync("cargo", ["metadata", "--format-version", "1", "--manifest-path", join(repo, "Cargo.toml")], {
      encoding: "utf8",
      maxBuffer: 64 << 20,
    }),
  );
  const psl = meta.packages.find((p) => p.name === "psl");
  if (!psl) throw new Error("no `psl` package in cargo metadata: is it still a dev-dependency of wasm-core?");
  return { path: join(dirname(psl.manifest_path), "data", "rules.txt"), version: psl.version };
}

const source = process.argv[2] ? { path: process.argv[2], version: "(file)" } : pslCrateList();
const rules = new Set();
for (const raw of readFileSync(source.path, "utf8").split(/\r?\n/)) {
  // A rule ends at the first whitespace; `//` starts a comment line.
  const rule = raw.trim().split(/\s/)[0];
  if (!rule || rule.startsWith("//")) continue;
  const labels = rule.split(".");
  rules.add(labels.slice().reverse().join("."));
  if (/[^\x00-\x7f]/.test(rule)) {
    const ascii = labels.map((label) => {
      if (!/[^\x00-\x7f]/.test(label)) return label;
      const bang = label.startsWith("!") ? "!" : "";
      const a = domainToASCII(label.slice(bang.length));
      if (!a.startsWith("xn--")) throw new Error(`no punycode form for label ${label} of ${rule}`);
      return bang + a;
    });
    rules.add(ascii.reverse().join("."));
  }
}

const enc = new TextEncoder();
// Byte order, as Rust's `str` compares (public_suffix.rs binary-searches it).
const sorted = [...rules].map((r) => enc.encode(r)).sort(Buffer.compare);
const parts = [];
let prev = new Uint8Array();
for (const r of sorted) {
  let k = 0;
  while (k < r.length && k < prev.length && r[k] === prev[k]) k++;
  const rest = r.subarray(k);
  if (k > 255) throw new Error(`rule too long for the format: ${new TextDecoder().decode(r)}`);
  parts.push(Uint8Array.of(k), rest, Uint8Array.of(10));
  prev = r;
}
writeFileSync(out, Buffer.concat(parts));
console.error(
  `public-suffix.mjs: ${sorted.length} rules from ${source.path} (psl ${source.version}) -> ${out} (${Buffer.concat(parts).length} bytes)`,
);
