#!/usr/bin/env node
// Checks THREAT-MODEL.md against the repository: every test it names exists,
// every threat names at least one test, and no TODO(test) marker is left.
//
//   node scripts/lib/threat-model-check.mjs            check the repository's THREAT-MODEL.md
//   node scripts/lib/threat-model-check.mjs --list     also print each threat and its references
//   node scripts/lib/threat-model-check.mjs FILE.md    check another file (paths stay relative to the repository)
//
// A test reference is two code spans joined by "›" (U+203A) on one line:
//
//   `tests/e2e/crypto.test.mjs` › `(e) one result per armored block with the core's code; remove asks first`
//   `native-host/tests/wire.rs` › `oversized_frame_is_refused_skipped_and_the_next_answered`
//
// JavaScript/TypeScript (.mjs .js .cjs .ts .mts): the name must be, exactly, the
// first argument of a test(…), it(…) or describe(…) call in that file: a '…' or
// "…" string (compared after unescaping) or a `…` template literal (compared as
// written, ${…} included). Rust (.rs): a `fn name` with a test attribute
// (#[test], #[tokio::test], #[wasm_bindgen_test]) among the attributes and
// comments right above it. A name holding a backtick goes in a longer code span
// (``like ` this``), as CommonMark has it.
//
// A threat is a level-3 heading "### T<number>. …"; its section (up to the next
// heading of level 1 to 3) must hold at least one reference (a threat with
// none fails; one with only a TODO(test) marker fails through its marker).
// "TODO(test)" anywhere outside fenced code blocks is a test still to be
// written, reported as missing. Fenced code blocks are examples: nothing in them is checked. A "›"
// outside fenced code that is not part of a reference is reported as malformed.
//
// Exits 0 when everything is found, 1 otherwise, 2 on a usage error. No dependencies.

import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const JS_EXT = /\.(?:mjs|cjs|js|ts|mts)$/;
const RUST_EXT = /\.rs$/;
const SEP = "\u203a";
const TODO = "TODO(test)";

function usage(message) {
  process.stderr.write(`threat-model-check: ${message}\nusage: node scripts/lib/threat-model-check.mjs [--list] [FILE.md]\n`);
  process.exit(2);
}

let list = false;
let docPath = join(REPO, "THREAT-MODEL.md");
for (const arg of process.argv.slice(2)) {
  if (arg === "--list") list = true;
  else if (arg === "-h" || arg === "--help") {
    process.stdout.write(readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n").slice(1, 29).map((l) => l.replace(/^\/\/ ?/, "")).join("\n") + "\n");
    process.exit(0);
  } else if (arg.startsWith("-")) usage(`unknown option ${arg}`);
  else docPath = resolve(arg);
}
if (!existsSync(docPath)) usage(`${relative(process.cwd(), docPath) || docPath} does not exist`);

// ---------------------------------------------------------------- the document

/** Code spans of one line, CommonMark style: a run of N backticks up to the next run of exactly N. */
function codeSpans(line) {
  const spans = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] !== "`") {
      i++;
      continue;
    }
    let n = 0;
    while (line[i + n] === "`") n++;
    const open = i;
    let j = i + n;
    let close = -1;
    while (j < line.length) {
      if (line[j] !== "`") {
        j++;
        continue;
      }
      let m = 0;
      while (line[j + m] === "`") m++;
      if (m === n) {
        close = j;
        break;
      }
      j += m;
    }
    if (close < 0) {
      i = open + n;
      continue;
    }
    let text = line.slice(open + n, close);
    if (text.length > 1 && text.startsWith(" ") && text.endsWith(" ") && text.trim() !== "") text = text.slice(1, -1);
    spans.push({ start: open, end: close + n, text });
    i = close + n;
  }
  return spans;
}

/** The references on one line, and how many "›" outside code spans are not part of one. */
function lineReferences(line) {
  const spans = codeSpans(line);
  const refs = [];
  const used = new Set();
  for (let k = 0; k + 1 < spans.length; k++) {
    const between = line.slice(spans[k].end, spans[k + 1].start);
    if (between.trim() !== SEP) continue;
    refs.push({ file: spans[k].text, name: spans[k + 1].text });
    used.add(spans[k].end + between.indexOf(SEP));
    k++;
  }
  let stray = 0;
  const inSpan = (pos) => spans.some((s) => pos >= s.start && pos < s.end);
  for (let pos = line.indexOf(SEP); pos >= 0; pos = line.indexOf(SEP, pos + 1)) {
    if (!used.has(pos) && !inSpan(pos)) stray++;
  }
  return { refs, stray };
}

function parseDocument(text) {
  const lines = text.split(/\r?\n/);
  const threats = [];
  const refs = [];
  const todos = [];
  const malformed = [];
  let fence = null;
  let current = null;
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    const fenceMatch = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence !== null) {
      if (fenceMatch && fenceMatch[1][0] === fence[0] && fenceMatch[1].length >= fence.length && line.trim() === fenceMatch[1]) fence = null;
      return;
    }
    if (fenceMatch) {
      fence = fenceMatch[1];
      return;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading && heading[1].length <= 3) {
      const threat = heading[1].length === 3 ? /^(T\d+)\.\s+(.*)$/.exec(heading[2].trim()) : null;
      current = threat ? { id: threat[1], title: threat[2], line: lineNo, refs: [], todos: [] } : null;
      if (current) threats.push(current);
      return;
    }
    const { refs: found, stray } = lineReferences(line);
    for (const r of found) {
      const ref = { ...r, line: lineNo, threat: current?.id ?? null };
      refs.push(ref);
      current?.refs.push(ref);
    }
    if (stray > 0) malformed.push({ line: lineNo, text: line.trim() });
    for (let pos = line.indexOf(TODO); pos >= 0; pos = line.indexOf(TODO, pos + 1)) {
      const todo = { line: lineNo, threat: current?.id ?? null, text: line.slice(pos).trim() };
      todos.push(todo);
      current?.todos.push(todo);
    }
  });
  return { threats, refs, todos, malformed };
}

// ---------------------------------------------------------------- test files

/** The string literal starting at text[i] (a quote), as [value, raw, end]; null if unterminated. */
function readLiteral(text, i) {
  const quote = text[i];
  let value = "";
  let raw = "";
  let j = i + 1;
  let depth = 0; // inside ${…} of a template literal
  while (j < text.length) {
    const c = text[j];
    if (c === "\\") {
      const next = text[j + 1];
      raw += c + next;
      const simple = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", v: "\v", 0: "\0" };
      if (next === "u" && text[j + 2] === "{") {
        const close = text.indexOf("}", j + 3);
        value += String.fromCodePoint(parseInt(text.slice(j + 3, close), 16));
        raw += text.slice(j + 2, close + 1);
        j = close + 1;
        continue;
      }
      if (next === "u") {
        value += String.fromCharCode(parseInt(text.slice(j + 2, j + 6), 16));
        raw += text.slice(j + 2, j + 6);
        j += 6;
        continue;
      }
      if (next === "x") {
        value += String.fromCharCode(parseInt(text.slice(j + 2, j + 4), 16));
        raw += text.slice(j + 2, j + 4);
        j += 4;
        continue;
      }
      if (next === "\n") {
        j += 2;
        continue;
      }
      value += simple[next] ?? next;
      j += 2;
      continue;
    }
    if (quote === "`") {
      if (c === "$" && text[j + 1] === "{") {
        depth++;
        raw += "${";
        value += "${";
        j += 2;
        continue;
      }
      if (depth > 0 && c === "}") depth--;
      if (depth === 0 && c === "`") return [value, raw, j + 1];
    } else {
      if (c === quote) return [value, raw, j + 1];
      if (c === "\n") return null;
    }
    value += c;
    raw += c;
    j++;
  }
  return null;
}

/** Every name given to test(…), it(…) or describe(…) in a JS/TS file (not in // comments). */
function jsTestNames(text) {
  const names = new Set();
  const call = /\b(?:test|it|describe)\s*\(\s*/g;
  for (let m = call.exec(text); m !== null; m = call.exec(text)) {
    const lineStart = text.lastIndexOf("\n", m.index) + 1;
    const before = text.slice(lineStart, m.index).trimStart();
    if (before.startsWith("//") || before.startsWith("*") || before.startsWith("/*")) continue;
    if (m.index > 0 && /[.\w$]/.test(text[m.index - 1])) continue; // foo.test(, mytest(
    const at = m.index + m[0].length;
    const q = text[at];
    if (q !== '"' && q !== "'" && q !== "`") continue;
    const lit = readLiteral(text, at);
    if (lit === null) continue;
    const [value, raw] = lit;
    names.add(q === "`" ? raw.replace(/\\`/g, "`").replace(/\\\\/g, "\\") : value);
  }
  return names;
}

const TEST_ATTR = /^#\[\s*(?:tokio::test|test|wasm_bindgen_test|wasm_bindgen_test::wasm_bindgen_test)\b/;

/** Whether a Rust file defines `fn name` with a test attribute right above it. */
function rustHasTest(text, name) {
  const lines = text.split(/\r?\n/);
  const fnLine = new RegExp(`^\\s*(?:pub(?:\\([^)]*\\))?\\s+)?(?:async\\s+)?(?:unsafe\\s+)?fn\\s+${name.replace(/[^\w]/g, "\\$&")}\\s*[<(]`);
  for (let i = 0; i < lines.length; i++) {
    if (!fnLine.test(lines[i])) continue;
    for (let k = i - 1; k >= 0 && k >= i - 10; k--) {
      const l = lines[k].trim();
      if (TEST_ATTR.test(l)) return true;
      if (l === "" || l.startsWith("//") || l.startsWith("#[") || l.startsWith("#![")) continue;
      if (/[;{}]$/.test(l) && !l.startsWith('"')) break; // the end of the item before
    }
  }
  return false;
}

const cache = new Map();
function fileInfo(file) {
  if (cache.has(file)) return cache.get(file);
  let info;
  const abs = join(REPO, file);
  if (isAbsolute(file) || normalize(file).startsWith("..")) info = { error: "not a path inside the repository" };
  else if (!JS_EXT.test(file) && !RUST_EXT.test(file)) info = { error: "not a test file (.rs, .mjs, .cjs, .js, .ts, .mts)" };
  else if (!existsSync(abs) || !statSync(abs).isFile()) info = { error: "file does not exist" };
  else {
    const text = readFileSync(abs, "utf8");
    info = RUST_EXT.test(file) ? { rust: true, text } : { rust: false, names: jsTestNames(text) };
  }
  cache.set(file, info);
  return info;
}

function checkReference(ref) {
  const info = fileInfo(ref.file);
  if (info.error) return info.error;
  if (info.rust) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(ref.name)) return "not a Rust function name";
    return rustHasTest(info.text, ref.name) ? null : "no `fn` of that name under a test attribute";
  }
  return info.names.has(ref.name) ? null : "no test(…), it(…) or describe(…) with exactly that name";
}

// ---------------------------------------------------------------- report

const shownDoc = relative(REPO, docPath).startsWith("..") ? docPath : relative(REPO, docPath);
const doc = parseDocument(readFileSync(docPath, "utf8"));
const problems = [];
const missing = [];
for (const ref of doc.refs) {
  const why = checkReference(ref);
  ref.ok = why === null;
  if (!ref.ok) missing.push({ ...ref, why });
}
// A threat with only a TODO(test) marker is already reported through its marker.
const untested = doc.threats.filter((t) => t.refs.length === 0 && t.todos.length === 0);

if (list) {
  for (const t of doc.threats) {
    const ok = t.refs.filter((r) => r.ok).length;
    const todo = t.todos.length > 0 ? `, ${t.todos.length} ${TODO}` : "";
    console.log(`${t.id}. ${t.title}: ${ok}/${t.refs.length} tests found${todo}`);
    for (const r of t.refs) console.log(`    ${r.ok ? "ok     " : "MISSING"} ${r.file} ${SEP} ${r.name}`);
    for (const todo of t.todos) console.log(`    TODO    ${todo.text}`);
  }
  console.log("");
}

if (doc.threats.length === 0) problems.push(`${shownDoc}: no threat found (headings "### T<number>. title")`);
for (const m of missing) problems.push(`${shownDoc}:${m.line}: missing test (${m.threat ?? "outside any threat"}): ${m.file} ${SEP} ${m.name}\n    ${m.why}`);
for (const t of doc.todos) problems.push(`${shownDoc}:${t.line}: test still to be written (${t.threat ?? "outside any threat"}): ${t.text}`);
for (const t of untested) problems.push(`${shownDoc}:${t.line}: threat ${t.id} (${t.title}) names no test`);
for (const m of doc.malformed) problems.push(`${shownDoc}:${m.line}: "${SEP}" outside a reference (expected \`file\` ${SEP} \`name\`): ${m.text}`);

const files = new Set(doc.refs.map((r) => r.file)).size;
const summary =
  `threat model: ${doc.threats.length} threats, ${doc.refs.length} test references in ${files} files: ` +
  `${doc.refs.length - missing.length} found, ${missing.length} missing; ${doc.todos.length} ${TODO}; ` +
  `${untested.length} threats without a test`;
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  console.error(`${summary}: FAILED`);
  process.exit(1);
}
console.log(`${summary}: ok`);
