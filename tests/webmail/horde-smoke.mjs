// tests/webmail/horde-smoke.mjs — Horde in headless Chromium, through the helpers of
// tests/e2e/webmail/horde.mjs (and so a check of them). Run under the stack:
//
//   tests/webmail/with-webmail.sh node tests/webmail/horde-smoke.mjs [SCREENSHOT_DIR]
//
// (check.sh runs it with TESSERA_WEBMAIL_CHECK_BROWSER=1). Needs `npm ci` in extension/
// (playwright-core) and /usr/bin/chromium. Prints "horde-smoke: ok: ..." lines, exits 1 on
// the first failure.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  hordeFillHeaders,
  hordeLogin,
  hordeOpenCompose,
  hordeOpenMessage,
  hordeSaveDraft,
  hordeSend,
} from "../e2e/webmail/horde.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");
const { chromium } = createRequire(join(repo, "tests", "package.json"))("playwright-core");
const base = process.env.TESSERA_HORDE_URL;
const domain = process.env.TESSERA_WEBMAIL_DOMAIN ?? "example.test";
const shots = process.argv[2];
if (!base) {
  console.error("horde-smoke: TESSERA_HORDE_URL is not set (run under tests/webmail/with-webmail.sh)");
  process.exit(64);
}
if (shots) mkdirSync(shots, { recursive: true });

const t0 = Date.now();
const ok = (what) => console.log(`horde-smoke: ok: ${what} (${Date.now() - t0} ms)`);
const shot = async (page, name) => {
  if (shots) await page.screenshot({ path: join(shots, `${name}.png`) });
};
// Raw messages over IMAP (imap_raw.py): [folder, args...] → stdout.
const imap = (user, folder, ...args) =>
  execFileSync("/usr/bin/python3", [join(here, "imap_raw.py"), user, folder, ...args], { encoding: "utf8" });
const check = (cond, what) => {
  if (!cond) throw new Error(what);
};

const marker = `hsmoke-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
const browser = await chromium.launch({
  executablePath: process.env.TESSERA_CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
let page;
try {
  let context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();

  // A wrong password is refused.
  let refused = false;
  await hordeLogin(page, base, "alice", "wrong-pw").catch((e) => {
    refused = /refused the login/.test(e.message);
  });
  check(refused, "a wrong password was not refused");
  ok("hordeLogin refuses a wrong password");

  await hordeLogin(page, base, "alice", "alice-pw");
  await shot(page, "mailbox");
  ok("hordeLogin alice → dynamic mailbox view");

  // Plain text: headers, body, a draft, then send.
  let { body } = await hordeOpenCompose(page, base, { html: false });
  await hordeFillHeaders(page, {
    to: `bob@${domain}`,
    cc: [`alice@${domain}`],
    bcc: `carol@${domain}`, // no such user: Dovecot refuses it at LMTP, the relay still delivers the rest
    subject: `Plain ${marker}`,
  });
  await body.click();
  await page.keyboard.type(`Hello Bob,\n\nplain-${marker}\n`);
  await shot(page, "compose-plain");
  const draft = await hordeSaveDraft(page);
  check(/saved to the "Drafts" mailbox/.test(draft.messages.map((m) => m.message).join(" ")), `draft: ${JSON.stringify(draft)}`);
  check(imap("alice", "Drafts", "--grep", `plain-${marker}`).trim() !== "", "the draft is not in alice's Drafts");
  ok("hordeSaveDraft: the draft is in alice's Drafts (IMAP)");
  const sent = await hordeSend(page);
  check(/sent successfully/.test(sent.messages.map((m) => m.message).join(" ")), `send: ${JSON.stringify(sent)}`);
  let raw = imap("bob", "INBOX", "--subject", `Plain ${marker}`, "--wait", "10");
  check(raw.includes(`plain-${marker}`), "bob's copy lacks the plain body marker");
  check(/^Cc: alice@/m.test(raw) && /^To: bob@/m.test(raw), "To/Cc headers are not as typed");
  check(!/^Bcc:/m.test(raw), "a Bcc header reached the recipient");
  check(/^Content-Type: text\/plain/m.test(raw), "the plain message is not text/plain");
  check(imap("alice", "Drafts", "--count").trim() === "0", "the draft was not removed on send");
  ok("hordeSend (plain): bob got it (To, Cc, no Bcc header, text/plain), the draft is gone");

  // HTML: CKEditor's iframe body.
  ({ body } = await hordeOpenCompose(page, base, { html: true }));
  await hordeFillHeaders(page, { to: `bob@${domain}`, subject: `HTML ${marker}` });
  await body.click();
  await page.keyboard.type(`Hello in HTML html-${marker}`);
  await shot(page, "compose-html");
  await hordeSend(page);
  raw = imap("bob", "INBOX", "--subject", `HTML ${marker}`, "--wait", "10");
  check(/multipart\/alternative/.test(raw) && /text\/html/.test(raw), "the HTML message is not multipart/alternative with text/html");
  check(raw.includes(`html-${marker}`), "bob's copy lacks the HTML body marker");
  ok("hordeOpenCompose {html: true} + hordeSend: bob got multipart/alternative");

  // bob reads both. His IMP pref compose_html = 1 is put in Horde's prefs store (SQLite)
  // before he logs in: compose then opens in HTML, and the helper's switch to plain text
  // answers IMP's confirm().
  execFileSync("sqlite3", [
    join(process.env.TESSERA_WEBMAIL_STATE, "horde", "horde.db"),
    "insert into horde_prefs (pref_uid, pref_scope, pref_name, pref_value) values ('bob', 'imp', 'compose_html', cast('1' as blob))",
  ]);
  await context.close();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  await hordeLogin(page, base, "bob", "bob-pw");
  let view = await hordeOpenMessage(page, base, `Plain ${marker}`);
  check((await view.body.innerText()).includes(`plain-${marker}`), "the plain message view lacks the marker");
  await shot(page, "message-plain");
  ok("hordeOpenMessage (plain): #messageBody holds the text");
  view = await hordeOpenMessage(page, base, `HTML ${marker}`);
  check(
    (await view.htmlFrame.locator("body").innerText()).includes(`html-${marker}`),
    "the HTML message's iframe lacks the marker",
  );
  await shot(page, "message-html");
  ok("hordeOpenMessage (HTML): iframe.htmlMsgData holds the HTML part");

  await hordeOpenCompose(page, base, { html: true });
  check(await page.isVisible("#cke_composeMessage"), "compose_html = 1 in the prefs store did not open compose in HTML");
  ({ body } = await hordeOpenCompose(page, base, { html: false }));
  check((await page.$eval("#html", (e) => e.value)) === "0" && (await body.isVisible()), "the switch to plain text failed");
  ok("prefs store compose_html = 1 opens compose in HTML; hordeOpenCompose {html: false} switches back");
  console.log(`horde-smoke: PASS in ${Date.now() - t0} ms`);
} catch (e) {
  console.error(`horde-smoke: FAIL: ${e.message}`);
  if (page && !page.isClosed()) await shot(page, "failure").catch(() => {});
  process.exitCode = 1;
} finally {
  await browser.close();
}
