// One small page interface over Playwright (Chromium) and puppeteer-core (Firefox), so a
// test is written once. Only what the tests need: every method takes a CSS selector.

import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { REPO, waitFor } from "../lib.mjs";

const DEFAULT_TIMEOUT = 20_000;

/**
 * `evaluate` with a time limit, for polling: a driver's evaluate has none of its own, and a
 * call into a page that never answers would otherwise hang a test instead of failing it.
 */
export function evaluateWithin(raw, ms, fn, arg) {
  let timer;
  const late = new Promise((_, fail) => {
    timer = setTimeout(() => fail(new Error(`evaluate did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([raw.evaluate(fn, arg), late]).finally(() => clearTimeout(timer));
}

/**
 * `raw`: the driver's page (Playwright Page or puppeteer Page); `href()`: its current
 * URL as the page itself reads it (puppeteer keeps `about:blank` for moz-extension pages).
 */
export function wrapPage(raw, { kind, href }) {
  const page = {
    kind,
    raw,
    href,
    /** Runs `fn(arg)` in the page and returns its (JSON-able) result. */
    evaluate: (fn, arg) => raw.evaluate(fn, arg),
    /** Waits until `selector` matches an element (`visible`: and it is displayed). */
    async waitFor(selector, { timeoutMs = DEFAULT_TIMEOUT, visible = false } = {}) {
      await waitFor(
        () =>
          evaluateWithin(
            raw,
            5_000,
            ({ selector, visible }) => {
              const el = document.querySelector(selector);
              if (!el) return false;
              if (!visible) return true;
              const box = el.getBoundingClientRect();
              return !el.closest("[hidden]") && getComputedStyle(el).visibility !== "hidden" && box.width > 0 && box.height > 0;
            },
            { selector, visible },
          ).catch(() => false),
        { timeoutMs, what: `${selector}${visible ? " (visible)" : ""} in ${kind}` },
      );
    },
    async click(selector) {
      await page.waitFor(selector, { visible: true });
      await raw.click(selector);
    },
    /** Sets an input's or textarea's value as typing would end (input and change events), like Playwright's fill. */
    async fill(selector, value) {
      await page.waitFor(selector, { visible: true });
      if (kind === "chromium") return raw.fill(selector, value);
      await raw.evaluate(
        ({ selector, value }) => {
          const el = document.querySelector(selector);
          el.focus();
          const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
          Object.getOwnPropertyDescriptor(proto, "value").set.call(el, value);
          el.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertText", data: value }));
          el.dispatchEvent(new Event("change", { bubbles: true }));
        },
        { selector, value },
      );
    },
    /** Checks a checkbox by clicking it (a person's way), unless it is checked already. */
    async check(selector) {
      await page.waitFor(selector, { visible: true });
      if (!(await raw.evaluate((s) => document.querySelector(s).checked, selector))) await raw.click(selector);
    },
    text: (selector) => raw.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector),
    texts: (selector) => raw.evaluate((s) => [...document.querySelectorAll(s)].map((e) => e.textContent), selector),
    attr: (selector, name) => raw.evaluate(({ s, name }) => document.querySelector(s)?.getAttribute(name) ?? null, { s: selector, name }),
    value: (selector) => raw.evaluate((s) => document.querySelector(s)?.value ?? null, selector),
    count: (selector) => raw.evaluate((s) => document.querySelectorAll(s).length, selector),
    visible: (selector) =>
      raw.evaluate((s) => {
        const el = document.querySelector(s);
        return Boolean(el && !el.closest("[hidden]") && el.getBoundingClientRect().height > 0);
      }, selector),
    /** Runs `fn(arg)` in the page's frame whose URL is exactly `url` (waiting for it), e.g. a cross-origin iframe. */
    async frameEvaluate(url, fn, arg) {
      const frame = await waitFor(() => raw.frames().find((f) => f.url() === url), { what: `a frame on ${url} in ${kind}` });
      return frame.evaluate(fn, arg);
    },
    /**
     * Whether the page is gone. Firefox does not tell puppeteer when a window the extension
     * opened (the PIN window) closes itself: its browsing context then answers "no such frame".
     */
    async isClosed() {
      if (raw.isClosed()) return true;
      if (kind === "chromium") return false;
      return evaluateWithin(raw, 5_000, () => 1).then(
        () => false,
        (err) => /no such frame|closed/i.test(String(err?.message)),
      );
    },
    /** Resolves when the page (e.g. the PIN window) is closed. */
    async waitForClose({ timeoutMs = DEFAULT_TIMEOUT } = {}) {
      await waitFor(() => page.isClosed(), { timeoutMs, what: `the ${kind} page to close` });
    },
    /** Saves tests/e2e/artifacts/<name>.png (gitignored) for a person to look at. */
    async screenshot(name) {
      const dir = join(REPO, "tests", "e2e", "artifacts");
      execFileSync("mkdir", ["-p", dir]);
      await raw.screenshot({ path: join(dir, `${name}.png`), fullPage: true }).catch(() => {});
    },
    close: () => raw.close().catch(() => {}),
  };
  return page;
}
