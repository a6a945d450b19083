// The autofill content script (extension/src/content/autofill/) as built into
// dist/chromium, in real Chromium pages served by the fixture site. Commands go
// to it the way the background sends them (chrome.tabs.sendMessage to one
// frame, from the service worker); what the content script reports is read
// beside the background's handler; what each login endpoint received is read
// from the fixture server. Clipboard: every page is instrumented and the
// system clipboard holds a sentinel that must survive the whole file.

import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { EXT_CHROMIUM, requireBuilt, waitFor } from "./lib.mjs";
import { openLogin, seenMessages, sendToFrame, startAutofillSite, waitForMessage } from "./autofill-lib.mjs";

const USER = "alice@example.test";
// Non-ASCII and characters that need escaping in forms and JSON.
const PASSWORD = "S3cret pw&=é🔑\"'<";
const SENTINEL = `tessera-clipboard-sentinel-${process.pid}`;

// A hung step fails its own test instead of the whole file.
const T = { timeout: 60_000 };

const ALL = { username: true, password: true, otp: false, otpDigits: null, submittable: true };

describe("autofill content script", () => {
  let env;
  let context;
  let worker;
  let site;

  before(async () => {
    requireBuilt({ host: false });
    env = await startAutofillSite();
    ({ site } = env);
    ({ context, worker } = env.browser);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: site.url });
    const page = await context.newPage();
    await page.goto(`${site.url}/_plain`); // no spy: the harness's own clipboard calls are not the extension's
    await page.evaluate((s) => navigator.clipboard.writeText(s), SENTINEL);
    await page.close();
  });

  after(async () => {
    await env?.close();
  });

  // Every test that submits waits for the result page before closing its tab:
  // closing a tab while its form POST is navigating hung page.close() for minutes here.
  const at = (endpoint, host) => site.received.filter((r) => r.endpoint === endpoint && r.host === host);

  /** The one submission `endpoint` received on `host`, once it arrives. */
  async function receivedAt(endpoint, host = `127.0.0.1:${site.http}`) {
    await waitFor(() => at(endpoint, host).length > 0, { what: `a POST to ${endpoint} on ${host}` });
    const all = at(endpoint, host);
    assert.equal(all.length, 1, `exactly one submission to ${endpoint} on ${host}`);
    return all[0];
  }

  const fill = (values, origin, submit = true) => ({ type: "autofill.fill", expectedOrigin: origin, submit, ...values });

  test("the fixture pages' clipboard spy records a page's copy and clipboard write (so its silence later means something)", T, async () => {
    const page = await context.newPage();
    await page.goto(`${site.url}/classic`);
    await page.evaluate(() => {
      document.execCommand("copy");
      return navigator.clipboard.writeText("x").catch(() => {});
    });
    await waitFor(() => site.clipboard.length >= 3, { what: "the spy's beacons" });
    assert.deepEqual(site.clipboard.map((c) => c.what).sort(), ["copy event", "execCommand(copy)", "navigator.clipboard.writeText"]);
    site.clipboard.length = 0;
    await page.evaluate((s) => navigator.clipboard.writeText(s), SENTINEL); // put the sentinel back
    await page.close();
    site.clipboard.length = 0;
  });

  test("classic form: detects username and password past the decoys, fills, clicks Sign in; the server gets exactly them", T, async () => {
    const { page, target, found } = await openLogin(context, worker, `${site.url}/classic`);
    assert.deepEqual(found.fields, ALL);
    assert.deepEqual(await sendToFrame(worker, target, { type: "autofill.probe" }), { ok: true, fields: ALL });
    const reply = await sendToFrame(worker, target, fill({ username: USER, password: PASSWORD }, site.url));
    assert.deepEqual(reply, { ok: true, filled: ["username", "password"], submitted: true });
    const got = await receivedAt("classic");
    // The hidden honeypot and the hidden second password stay empty; the disabled field is not sent.
    assert.deepEqual(got.fields, { csrf: "csrf-123", login: USER, website: "", password: PASSWORD, old: "" });
    await page.waitForSelector("#result");
    const own = (await seenMessages(worker)).filter((m) => m.type === "autofill.loginSubmitted");
    assert.deepEqual(own, [], "a submit Tessera made is not offered for saving");
    await page.close();
  });

  test("a fill decided for another origin is refused with origin_changed and touches nothing", T, async () => {
    const { page, target } = await openLogin(context, worker, `${site.url}/classic`);
    const html = await page.evaluate(() => document.documentElement.outerHTML);
    const reply = await sendToFrame(worker, target, fill({ username: USER, password: PASSWORD }, "http://console.example.test"));
    assert.equal(reply.ok, false);
    assert.equal(reply.code, "origin_changed");
    assert.deepEqual(await page.$$eval("input", (xs) => xs.map((x) => x.value).filter((v) => v !== "" && v !== "csrf-123")), []);
    assert.equal(await page.evaluate(() => document.documentElement.outerHTML), html);
    assert.equal(at("classic", `127.0.0.1:${site.http}`).length, 1, "only the earlier test's submission");
    await page.close();
  });

  test("filling without submit leaves the values in the inputs only: no attribute, no data-*, nothing else in the DOM", T, async () => {
    const { page, target } = await openLogin(context, worker, `${site.url}/shadow`);
    const serialize = () =>
      page.evaluate(() => {
        const host = document.querySelector("login-box");
        return document.documentElement.outerHTML + host.shadowRoot.innerHTML;
      });
    const beforeHtml = await serialize();
    const reply = await sendToFrame(worker, target, fill({ username: USER, password: PASSWORD }, site.url, false));
    assert.deepEqual(reply, { ok: true, filled: ["username", "password"], submitted: false });
    const values = await page.evaluate(() =>
      [...document.querySelector("login-box").shadowRoot.querySelectorAll("input:not([type=submit])")].map((i) => i.value),
    );
    assert.deepEqual(values, [USER, PASSWORD]);
    const afterHtml = await serialize();
    assert.equal(afterHtml, beforeHtml);
    assert.ok(!afterHtml.includes(PASSWORD) && !afterHtml.includes("S3cret"));
    await page.close();
  });

  test("form inside an open shadow root: detected, filled and submitted", T, async () => {
    const { page, target, found } = await openLogin(context, worker, `${site.url}/shadow`);
    assert.deepEqual(found.fields, ALL);
    const reply = await sendToFrame(worker, target, fill({ username: USER, password: PASSWORD }, site.url));
    assert.deepEqual(reply, { ok: true, filled: ["username", "password"], submitted: true });
    assert.deepEqual((await receivedAt("shadow")).fields, { email: USER, pw: PASSWORD });
    await page.waitForSelector("#result");
    await page.close();
  });

  test("login in a same-origin iframe: that frame's own content script reports and fills it", T, async () => {
    const { page, target } = await openLogin(context, worker, `${site.url}/iframe`, { frameUrl: `${site.url}/frame/login` });
    assert.notEqual(target.frameId, 0);
    const top = await sendToFrame(worker, { tabId: target.tabId, frameId: 0 }, { type: "autofill.probe" });
    assert.deepEqual(top.fields, { username: false, password: false, otp: false, otpDigits: null, submittable: false });
    const reply = await sendToFrame(worker, target, fill({ username: USER, password: PASSWORD }, site.url));
    assert.deepEqual(reply, { ok: true, filled: ["username", "password"], submitted: true });
    assert.deepEqual((await receivedAt("iframe")).fields, { user: USER, pass: PASSWORD });
    await page.frameLocator("iframe").locator("#result").waitFor();
    await page.close();
  });

  test("the React fixture sends React state: values set without the events React listens to arrive empty", T, async () => {
    const page = await context.newPage();
    await page.goto(`${site.url}/react`);
    await page.waitForSelector("input[name=email]");
    await page.evaluate(() => {
      document.querySelector("input[name=email]").value = "no-events@example.test";
      document.querySelector("input[name=pass]").value = "set-without-events";
    });
    await page.click("button[type=submit]");
    assert.deepEqual((await receivedAt("react")).fields, { username: "", password: "" });
    site.received.splice(0, site.received.length, ...site.received.filter((r) => r.endpoint !== "react"));
    await page.close();
  });

  test("React-controlled form: the component's submit handler receives the values from React state", T, async () => {
    const { page, target, found } = await openLogin(context, worker, `${site.url}/react`);
    assert.deepEqual(found.fields, ALL);
    const reply = await sendToFrame(worker, target, fill({ username: USER, password: PASSWORD }, site.url));
    assert.deepEqual(reply, { ok: true, filled: ["username", "password"], submitted: true });
    assert.deepEqual((await receivedAt("react")).fields, { username: USER, password: PASSWORD });
    await page.waitForSelector("#result");
    await page.close();
  });

  test("Vue v-model form: the component's submit handler sends what was filled; without the events it sends empty strings", T, async () => {
    const bare = await context.newPage();
    await bare.goto(`${site.url}/vue`);
    await bare.waitForSelector("input[name=login]");
    await bare.evaluate(() => {
      document.querySelector("input[name=login]").value = "set-without-events";
      document.querySelector("input[name=password]").value = "set-without-events";
    });
    await bare.click("button[type=submit]");
    assert.deepEqual((await receivedAt("vue")).fields, { username: "", password: "" });
    await bare.waitForSelector("#result");
    await bare.close();
    site.received.splice(0, site.received.length, ...site.received.filter((r) => r.endpoint !== "vue"));

    const { page, target, found } = await openLogin(context, worker, `${site.url}/vue`);
    assert.deepEqual(found.fields, ALL);
    const reply = await sendToFrame(worker, target, fill({ username: USER, password: PASSWORD }, site.url));
    assert.deepEqual(reply, { ok: true, filled: ["username", "password"], submitted: true });
    assert.deepEqual((await receivedAt("vue")).fields, { username: USER, password: PASSWORD });
    await page.waitForSelector("#result");
    await page.close();
  });

  test("form-less login: fields found without a form, the Sign in button (not Help) is clicked", T, async () => {
    const { page, target, found } = await openLogin(context, worker, `${site.url}/formless`);
    assert.deepEqual(found.fields, ALL);
    const reply = await sendToFrame(worker, target, fill({ username: USER, password: PASSWORD }, site.url));
    assert.deepEqual(reply, { ok: true, filled: ["username", "password"], submitted: true });
    assert.deepEqual((await receivedAt("formless")).fields, { username: USER, password: PASSWORD });
    await page.waitForSelector("#result");
    await page.close();
  });

  test("three-step login: each page reports its one field as it loads; user, then password, then TOTP reach the server", T, async () => {
    const { page, target, found } = await openLogin(context, worker, `${site.url}/steps/user`);
    assert.deepEqual(found.fields, { username: true, password: false, otp: false, otpDigits: null, submittable: true });
    let mark = (await seenMessages(worker)).length;
    assert.deepEqual(await sendToFrame(worker, target, fill({ username: USER, password: PASSWORD, otp: "123456" }, site.url)), {
      ok: true,
      filled: ["username"],
      submitted: true,
    });
    const step2 = await waitForMessage(worker, "autofill.fieldsFound", (u) => u === `${site.url}/steps/password`, { after: mark });
    assert.deepEqual(step2.fields, { username: false, password: true, otp: false, otpDigits: null, submittable: true });
    mark = (await seenMessages(worker)).length;
    assert.deepEqual(await sendToFrame(worker, step2, fill({ password: PASSWORD }, site.url)), {
      ok: true,
      filled: ["password"],
      submitted: true,
    });
    const step3 = await waitForMessage(worker, "autofill.fieldsFound", (u) => u === `${site.url}/steps/otp`, { after: mark });
    assert.deepEqual(step3.fields, { username: false, password: false, otp: true, otpDigits: null, submittable: true });
    assert.deepEqual(await sendToFrame(worker, step3, fill({ otp: "12345678" }, site.url)), {
      ok: true,
      filled: ["otp"],
      submitted: true,
    });
    assert.deepEqual((await receivedAt("steps")).fields, { username: USER, password: PASSWORD, otp: "12345678" });
    await page.waitForSelector("#result");
    await page.close();
  });

  test("split OTP boxes: six boxes reported, one digit each, a code of the wrong length is not filled", T, async () => {
    const { page, target, found } = await openLogin(context, worker, `${site.url}/split-otp`);
    assert.deepEqual(found.fields, { username: false, password: false, otp: true, otpDigits: 6, submittable: true });
    const wrong = await sendToFrame(worker, target, fill({ otp: "12345" }, site.url));
    assert.equal(wrong.code, "no_fields");
    assert.deepEqual(await page.$$eval("input", (xs) => xs.map((x) => x.value)), ["", "", "", "", "", ""]);
    const reply = await sendToFrame(worker, target, fill({ otp: "908172" }, site.url));
    assert.deepEqual(reply, { ok: true, filled: ["otp"], submitted: true });
    assert.deepEqual((await receivedAt("split-otp")).fields, { otp: "908172" });
    await page.waitForSelector("#result");
    await page.close();
  });

  test("a login form added after load is reported (MutationObserver), then fills", T, async () => {
    const { page, target, found } = await openLogin(context, worker, `${site.url}/late`);
    assert.deepEqual(found.fields, ALL);
    await sendToFrame(worker, target, fill({ username: USER, password: PASSWORD }, site.url));
    assert.deepEqual((await receivedAt("late")).fields, { username: USER, password: PASSWORD });
    await page.waitForSelector("#result");
    await page.close();
  });

  test("real names: fills on https://console.example.test; refuses that decision on http:, on console.example.test.evil.test, and in a cross-origin iframe", T, async () => {
    const good = "https://console.example.test";
    const a = await openLogin(context, worker, `${good}/classic`);
    assert.deepEqual(a.found.fields, ALL);
    assert.equal(await a.page.evaluate(() => location.origin), good);
    assert.equal(await a.page.evaluate(() => document.querySelector("input[name=login]").value), "");
    for (const url of ["http://console.example.test/classic", "https://console.example.test.evil.test/classic"]) {
      const b = await openLogin(context, worker, url);
      const reply = await sendToFrame(worker, b.target, fill({ username: USER, password: PASSWORD }, good));
      assert.equal(reply.code, "origin_changed", url);
      assert.equal(await b.page.evaluate(() => document.querySelector("input[name=password]").value), "", url);
      await b.page.close();
    }
    const frameUrl = "https://login.evil.test/frame/login";
    const c = await openLogin(context, worker, `${good}/cross-origin?frame=${encodeURIComponent(frameUrl)}`, { frameUrl });
    assert.notEqual(c.target.frameId, 0);
    const reply = await sendToFrame(worker, c.target, fill({ username: USER, password: PASSWORD }, good));
    assert.equal(reply.code, "origin_changed");
    await c.page.close();
    const filled = await sendToFrame(worker, a.target, fill({ username: USER, password: PASSWORD }, good));
    assert.deepEqual(filled, { ok: true, filled: ["username", "password"], submitted: true });
    assert.deepEqual((await receivedAt("classic", "console.example.test")).fields.password, PASSWORD);
    await a.page.waitForSelector("#result");
    assert.deepEqual(at("iframe", "login.evil.test"), [], "nothing from the cross-origin frame");
    await a.page.close();
  });

  test("a login typed and submitted by the person is reported once for saving, with what was typed", T, async () => {
    const mark = (await seenMessages(worker)).length;
    const { page } = await openLogin(context, worker, `${site.url}/classic`);
    await page.fill("#login", "bob");
    await page.fill("#password", "typed-by-hand");
    await page.click("button[type=submit]");
    const saved = await waitForMessage(worker, "autofill.loginSubmitted", (u) => u === `${site.url}/classic`, { after: mark });
    assert.equal(saved.username, "bob");
    assert.equal(saved.password, "typed-by-hand");
    await page.waitForSelector("#result");
    const all = (await seenMessages(worker)).slice(mark).filter((m) => m.type === "autofill.loginSubmitted");
    assert.equal(all.length, 1);
    await page.close();
  });

  test("a login typed into a form inside a shadow root is reported for saving too (submit events stay in the shadow tree)", T, async () => {
    const mark = (await seenMessages(worker)).length;
    const { page } = await openLogin(context, worker, `${site.url}/shadow`);
    await page.fill("login-box input[name=email]", "carol@example.test");
    await page.fill("login-box input[name=pw]", "shadow-typed");
    await page.press("login-box input[name=pw]", "Enter");
    const saved = await waitForMessage(worker, "autofill.loginSubmitted", (u) => u === `${site.url}/shadow`, { after: mark });
    assert.equal(saved.username, "carol@example.test");
    assert.equal(saved.password, "shadow-typed");
    await page.waitForSelector("#result");
    const all = (await seenMessages(worker)).slice(mark).filter((m) => m.type === "autofill.loginSubmitted");
    assert.equal(all.length, 1);
    await page.close();
  });

  test("the clipboard was never touched: no call recorded by any page, the sentinel is still there, and the bundle has no clipboard access", T, async () => {
    assert.deepEqual(site.clipboard, []);
    const page = await context.newPage();
    await page.goto(`${site.url}/_plain`);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), SENTINEL);
    await page.close();
    // Nowhere in the extension: every script of the built extension, not only this one.
    const scripts = readdirSync(EXT_CHROMIUM, { recursive: true }).filter((f) => f.endsWith(".js"));
    assert.ok(scripts.includes(join("content", "autofill.js")), scripts.join(" "));
    // No clipboard access anywhere: no Clipboard API, no copy/cut/paste command, no ClipboardItem.
    // The one clipboard word allowed: the webmail writer's synthetic paste event, which carries
    // ciphertext in a DataTransfer it made itself into a page's editor and never reaches the
    // system clipboard; and the browser's insertText/insertHTML commands, which edit the focused field only.
    for (const file of scripts) {
      const code = readFileSync(join(EXT_CHROMIUM, file), "utf8");
      assert.doesNotMatch(code, /navigator\.clipboard|\.(?:readText|writeText)\(|ClipboardItem|execCommand\(\s*["'`](?:copy|cut|paste)/i, file);
      const rest = code
        .replace(/new \w+\.ClipboardEvent\("paste", \{ clipboardData: data,/g, "")
        .replace(/execCommand\("insert(?:Text|HTML)",/g, "");
      assert.doesNotMatch(rest, /clipboard|execCommand/i, `${file}: only the webmail writer's synthetic paste and insertText/insertHTML`);
      if (rest !== code) assert.equal(file, join("content", "webmail.js"), "only the webmail content script writes into editors");
    }
  });
});
