// Helpers for the autofill tests: the fixture site, Chromium with the built
// extension reaching the site's *.test names, and a view of the autofill
// messages from the service worker's side (what the browser says each frame is).

import { launchChromium, waitFor } from "./lib.mjs";
import { startFixtureServer } from "./fixtures/autofill/server.mjs";

/** The fixture site (http + https) and Chromium reaching it as 127.0.0.1 and *.test. */
export async function startAutofillSite({ host = false } = {}) {
  const site = await startFixtureServer({ https: true });
  const launch = async (userDataDir) => {
    const b = await launchChromium({
      host,
      userDataDir,
      args: [`--host-resolver-rules=${site.hostRules()}`, "--ignore-certificate-errors"],
    });
    await recordAutofillMessages(b.worker);
    return b;
  };
  const env = {
    site,
    browser: await launch(undefined),
    /** Quits the browser and starts it again on the same profile (a new host process too). */
    async restart() {
      const { userDataDir } = env.browser;
      await env.browser.close({ keep: true });
      env.browser = await launch(userDataDir);
      return env.browser;
    },
    async close() {
      await env.browser.close();
      await site.close();
    },
  };
  return env;
}

/**
 * Records every autofill.* message content scripts send, with the tab, frame
 * and URL the browser gives for the sender. Listens beside the background's
 * own handler and never answers, so it changes nothing.
 */
export async function recordAutofillMessages(worker) {
  await worker.evaluate(() => {
    globalThis.__autofillSeen = [];
    chrome.runtime.onMessage.addListener((message, sender) => {
      if (typeof message?.type === "string" && message.type.startsWith("autofill.")) {
        globalThis.__autofillSeen.push({ ...message, tabId: sender.tab?.id, frameId: sender.frameId, url: sender.url });
      }
      return false;
    });
  });
}

export async function seenMessages(worker) {
  return worker.evaluate(() => globalThis.__autofillSeen);
}

/** The latest message of `type` from a frame whose URL passes `urlTest`, waiting for it. */
export async function waitForMessage(worker, type, urlTest, { timeoutMs = 10_000, after = 0 } = {}) {
  return waitFor(
    async () => {
      const seen = await seenMessages(worker);
      return seen.slice(after).filter((m) => m.type === type && urlTest(m.url)).at(-1);
    },
    { timeoutMs, what: `${type} from a frame matching ${urlTest}` },
  );
}

/** chrome.tabs.sendMessage to one frame, from the service worker. */
export async function sendToFrame(worker, { tabId, frameId }, message) {
  return worker.evaluate(
    ({ tabId, frameId, message }) => chrome.tabs.sendMessage(tabId, message, { frameId }),
    { tabId, frameId, message },
  );
}

/** Opens `url` in a new tab and returns the page with the frame that reported login fields. */
export async function openLogin(context, worker, url, { frameUrl = url } = {}) {
  const before = (await seenMessages(worker)).length;
  const page = await context.newPage();
  await page.goto(url);
  const found = await waitForMessage(worker, "autofill.fieldsFound", (u) => u === frameUrl, { after: before });
  return { page, target: { tabId: found.tabId, frameId: found.frameId }, found };
}
