// Every string a user reads comes from _locales: English and French carry the
// same keys and placeholders, each placeholder used is defined, and none reads
// like a program's debug output.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

type Messages = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

const load = (lang: string): Messages =>
  JSON.parse(readFileSync(new URL(`../../static/_locales/${lang}/messages.json`, import.meta.url), "utf8")) as Messages;

const DEBUG = [/\bSome\(/, /\bNone\b/, /\bOk\(/, /\bErr\(/, /\[object Object\]/, /\bundefined\b/, /\bnull\b/, /\{:\??\}/, /\\n/];

test("English and French have the same messages, placeholders defined, nothing that reads like debug output", () => {
  const en = load("en");
  const fr = load("fr");
  assert.deepEqual(Object.keys(fr).sort(), Object.keys(en).sort(), "the same keys in both languages");
  for (const [lang, messages] of [["en", en], ["fr", fr]] as const) {
    for (const [key, { message, placeholders }] of Object.entries(messages)) {
      assert.ok(message.trim() !== "", `${lang}/${key} is empty`);
      for (const re of DEBUG) assert.doesNotMatch(message, re, `${lang}/${key}: "${message}"`);
      const used = [...message.matchAll(/\$([A-Za-z_]+)\$/g)].map((m) => m[1]!.toLowerCase());
      const defined = Object.keys(placeholders ?? {}).map((p) => p.toLowerCase());
      for (const name of used) assert.ok(defined.includes(name), `${lang}/${key} uses $${name}$ but does not define it`);
      const other = (lang === "en" ? fr : en)[key];
      const otherUsed = [...(other?.message ?? "").matchAll(/\$([A-Za-z_]+)\$|\$\d/g)].length;
      const thisUsed = [...message.matchAll(/\$([A-Za-z_]+)\$|\$\d/g)].length;
      assert.equal(thisUsed, otherUsed, `${key}: as many substitutions in en and fr`);
    }
  }
});
