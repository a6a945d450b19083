// The detection and fill modules (extension/src/content/autofill/detect.ts,
// fill.ts) on small login markups in a real Chromium page: which input is
// taken for what, and what a fill does. Bundled by esbuild for the test and
// loaded into each page; no extension, no host.

import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CHROMIUM_BIN, EXT_DIR, chromium } from "./lib.mjs";

const esbuild = createRequire(join(EXT_DIR, "package.json"))("esbuild");

// Which element (by id) detection picks for each role; null for none.
const ENTRY = `
import { detectLoginFields, summarize } from "./detect";
import { fillFields, submitFields } from "./fill";
const id = (el) => (el === null ? null : el.id || "(no id)");
globalThis.__detect = () => {
  const f = detectLoginFields();
  return { username: id(f.username), password: id(f.password), otp: id(f.otp),
    otpBoxes: f.otpBoxes?.map(id) ?? null, submit: id(f.submit), summary: summarize(f) };
};
globalThis.__fill = (values, submit) => {
  const f = detectLoginFields();
  const filled = fillFields(f, values);
  if (submit) submitFields(f);
  return filled;
};`;

const CASES = [
  {
    name: "autocomplete wins over order: current-password, not new-password, on a change form",
    html: `<form><input id=u autocomplete=username><input id=new type=password autocomplete=new-password>
      <input id=cur type=password autocomplete=current-password><button id=s>Save</button></form>`,
    want: { username: "u", password: "cur", otp: null, otpBoxes: null, submit: "s" },
  },
  {
    name: "hidden, invisible, zero-size, off-page, disabled and read-only fields are skipped",
    html: `<form><input id=h1 style="display:none"><input id=h2 style="visibility:hidden" name=username>
      <input id=h3 style="width:0;height:0;border:0;padding:0" name=login><input id=d disabled name=user>
      <input id=ro readonly name=email><input id=off name=login style="position:absolute;left:-9999px"><input id=u name=username>
      <input id=hp type=password style="display:none"><input id=p type=password><input type=submit id=s value="Log in"></form>`,
    want: { username: "u", password: "p", otp: null, otpBoxes: null, submit: "s" },
  },
  {
    name: "a search box and a newsletter e-mail are not the username of a form-less username-only page",
    html: `<input id=q type=search name=q><div><input id=news type=email name=newsletter placeholder="Newsletter">
      <button>Subscribe</button></div><div><label for=u>Email or phone</label><input id=u name=identifier>
      <button id=n>Next</button></div>`,
    want: { username: "u", password: null, otp: null, otpBoxes: null, submit: "n" },
  },
  {
    name: "a password page without a username: the unlabelled text field before it is not taken from another form",
    html: `<form><input id=other name=coupon></form><form><input id=p type=password><button id=s>Continue</button></form>`,
    want: { username: null, password: "p", otp: null, otpBoxes: null, submit: "s" },
  },
  {
    name: "username taken as the text field just before the password when nothing names it",
    html: `<form><input id=a name=f1><input id=b name=f2><input id=p type=password><button id=s type=submit>Go</button></form>`,
    want: { username: "b", password: "p", otp: null, otpBoxes: null, submit: "s" },
  },
  {
    name: "OTP by its label: a one-time password on a type=password input is the OTP, not the password",
    html: `<form><label>One-time password <input id=o type=password inputmode=numeric></label><button id=s>Verify</button></form>`,
    want: { username: null, password: null, otp: "o", otpBoxes: null, submit: "s" },
  },
  {
    name: "OTP by name alone (totp)",
    html: `<form><input id=o name=totp><button id=s>Verify</button></form>`,
    want: { username: null, password: null, otp: "o", otpBoxes: null, submit: "s" },
  },
  {
    name: "split boxes: six one-character inputs, in order; a lone maxlength=1 field is not a box",
    html: `<input id=x maxlength=1 name=initial><form><div><span><input id=d1 maxlength=1></span><span><input id=d2 maxlength=1></span>
      <span><input id=d3 maxlength=1></span><span><input id=d4 maxlength=1></span><span><input id=d5 maxlength=1></span>
      <span><input id=d6 maxlength=1></span></div><button id=s>Verify</button></form>`,
    want: { username: null, password: null, otp: null, otpBoxes: ["d1", "d2", "d3", "d4", "d5", "d6"], submit: "s" },
  },
  {
    name: "the submit control is the one that reads like signing in, not a type=button helper",
    html: `<form><input id=u name=login><input id=p type=password><button type=button id=show>Show</button>
      <button id=help type=submit formaction=/help>Help</button><button id=s type=submit>Sign in</button></form>`,
    want: { username: "u", password: "p", otp: null, otpBoxes: null, submit: "s" },
  },
  {
    name: "nested open shadow roots",
    html: `<div id=host></div><script>
      const a = document.getElementById("host").attachShadow({ mode: "open" });
      a.innerHTML = "<div id=inner></div>";
      const b = a.getElementById("inner").attachShadow({ mode: "open" });
      b.innerHTML = "<form><input id=u autocomplete=username><input id=p type=password><button id=s>Log in</button></form>";
    </script>`,
    want: { username: "u", password: "p", otp: null, otpBoxes: null, submit: "s" },
  },
  {
    name: "a closed shadow root is not entered",
    html: `<div id=host></div><script>
      const c = document.getElementById("host").attachShadow({ mode: "closed" });
      c.innerHTML = "<input type=password>";
    </script>`,
    want: { username: null, password: null, otp: null, otpBoxes: null, submit: null },
  },
];

describe("autofill detection and filling in a page", () => {
  let browser;
  let page;
  let bundle;

  before(async () => {
    bundle = (
      await esbuild.build({
        stdin: { contents: ENTRY, resolveDir: join(EXT_DIR, "src", "content", "autofill"), loader: "ts" },
        bundle: true,
        write: false,
        format: "iife",
        target: "chrome120",
        logLevel: "warning",
      })
    ).outputFiles[0].text;
    browser = await chromium.launch({ executablePath: CHROMIUM_BIN, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
    page = await browser.newPage();
  });

  after(async () => {
    await browser?.close();
  });

  async function load(html) {
    await page.setContent(`<!doctype html><body>${html}</body>`);
    await page.addScriptTag({ content: bundle });
  }

  for (const c of CASES) {
    test(c.name, async () => {
      await load(c.html);
      const { summary, ...picked } = await page.evaluate(() => globalThis.__detect());
      assert.deepEqual(picked, c.want);
      assert.equal(summary.username, c.want.username !== null);
      assert.equal(summary.password, c.want.password !== null);
      assert.equal(summary.otp, c.want.otp !== null || c.want.otpBoxes !== null);
      assert.equal(summary.otpDigits, c.want.otpBoxes?.length ?? null);
    });
  }

  test("fill: values through the native setter with input/change events, focus and key events; no attribute written", async () => {
    await load(`<form><input id=u name=login><input id=p type=password></form>`);
    await page.evaluate(() => {
      globalThis.__events = [];
      for (const type of ["focus", "keydown", "input", "keyup", "change", "blur"]) {
        document.addEventListener(type, (e) => globalThis.__events.push(`${e.target.id}:${type}`), true);
      }
      // What a framework does: an own `value` property that remembers the last value it set.
      const p = document.getElementById("p");
      const proto = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value");
      Object.defineProperty(p, "value", { get() { return proto.get.call(this); }, set(v) { globalThis.__frameworkSaw = v; proto.set.call(this, v); } });
    });
    const filled = await page.evaluate(() => globalThis.__fill({ username: "ann", password: "pw-1" }, false));
    assert.deepEqual(filled, ["username", "password"]);
    const r = await page.evaluate(() => ({
      values: [...document.querySelectorAll("input")].map((i) => i.value),
      events: globalThis.__events,
      frameworkSaw: globalThis.__frameworkSaw ?? null,
      attrs: [...document.querySelectorAll("input")].map((i) => i.getAttributeNames().sort().join(",")),
    }));
    assert.deepEqual(r.values, ["ann", "pw-1"]);
    assert.deepEqual(r.events, [
      "u:focus", "u:keydown", "u:input", "u:keyup", "u:change", "u:blur",
      "p:focus", "p:keydown", "p:input", "p:keyup", "p:change", "p:blur",
    ]);
    assert.equal(r.frameworkSaw, null, "the prototype setter bypasses the framework's own setter, so its input handler sees a change");
    assert.deepEqual(r.attrs, ["id,name", "id,type"]);
  });

  test("fill: split boxes get one digit each; a code of another length fills nothing", async () => {
    await load(`<div>${[1, 2, 3, 4, 5, 6].map((i) => `<input id=b${i} maxlength=1>`).join("")}</div>`);
    assert.deepEqual(await page.evaluate(() => globalThis.__fill({ otp: "1234567" }, false)), []);
    assert.deepEqual(await page.$$eval("input", (xs) => xs.map((x) => x.value).join("")), "");
    assert.deepEqual(await page.evaluate(() => globalThis.__fill({ otp: "402918" }, false)), ["otp"]);
    assert.deepEqual(await page.$$eval("input", (xs) => xs.map((x) => x.value)), ["4", "0", "2", "9", "1", "8"]);
  });

  test("submit without a submit control: requestSubmit runs the form's validation and submit handler", async () => {
    await load(`<form id=f><input id=u name=login required><input id=p type=password></form>`);
    await page.evaluate(() => {
      globalThis.__submits = 0;
      document.getElementById("f").addEventListener("submit", (e) => { e.preventDefault(); globalThis.__submits++; });
    });
    await page.evaluate(() => globalThis.__fill({ password: "only-pw" }, true));
    assert.equal(await page.evaluate(() => globalThis.__submits), 0, "the required empty username blocks it, as for a person");
    await page.evaluate(() => globalThis.__fill({ username: "ann", password: "pw" }, true));
    assert.equal(await page.evaluate(() => globalThis.__submits), 1);
  });
});
