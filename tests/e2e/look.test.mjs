// Look and feel of Tessera's own pages (popup, options, PIN window) and webmail frames
// (editor, reader), opened as tabs of the built extension in Chromium: every form control
// has an accessible name, every button one too, `hidden` hides, the security pattern is
// shown, the keyboard focus is visible, and dark mode (prefers-color-scheme) changes the
// colours. Screenshots of each page, light and dark, go to tests/e2e/artifacts/look-*.png.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CHROMIUM_ID, launchChromium, requireBuilt, screenshot, waitFor } from "./lib.mjs";

const PAGES = [
  { name: "popup", path: "popup/popup.html", pattern: false },
  { name: "options", path: "options/options.html", pattern: true },
  { name: "pin", path: "pin/pin.html?prompt=look-test", pattern: true },
  { name: "editor", path: "frames/editor/editor.html", pattern: true },
  { name: "reader", path: "frames/reader/reader.html", pattern: true },
];

/** Runs in the page: what a screen reader would lack, by the accessible-name rules that apply to these pages. */
function audit() {
  const text = (node) => (node?.textContent ?? "").replace(/\s+/g, " ").trim();
  function accessibleName(el) {
    const aria = (el.getAttribute("aria-label") ?? "").trim();
    // An untranslated key (t() shows the key when a message is missing) is no name.
    if (aria !== "" && aria !== el.getAttribute("data-i18n-aria-label")) return aria;
    const ids = (el.getAttribute("aria-labelledby") ?? "").split(/\s+/).filter(Boolean);
    const labelled = ids.map((id) => text(document.getElementById(id))).join(" ").trim();
    if (labelled !== "") return labelled;
    const fromLabels = [...(el.labels ?? [])].map(text).join(" ").trim();
    if (fromLabels !== "") return fromLabels;
    if (el.matches("button")) return text(el);
    if (el.matches("input[type=submit], input[type=button]")) return (el.value ?? "").trim();
    return (el.getAttribute("title") ?? "").trim();
  }
  const describe = (el) => el.getAttribute("data-testid") ?? el.outerHTML.slice(0, 120);
  const controls = [...document.querySelectorAll("input:not([type=hidden]), select, textarea, progress, meter")];
  const buttons = [...document.querySelectorAll("button, [role=button], input[type=submit], input[type=button]")];
  const shownWhileHidden = [...document.querySelectorAll("[hidden]")].filter((el) => getComputedStyle(el).display !== "none");
  return {
    controls: controls.length,
    buttons: buttons.length,
    unlabelled: controls.filter((el) => accessibleName(el) === "").map(describe),
    unnamedButtons: buttons.filter((el) => accessibleName(el) === "").map(describe),
    shownWhileHidden: shownWhileHidden.map(describe),
    unstyledButtons: buttons.filter((el) => getComputedStyle(el).borderRadius === "0px").map(describe),
  };
}

async function checkFocusRing(page, name) {
  await page.keyboard.press("Tab");
  const focus = await page.evaluate(() => {
    const el = document.activeElement;
    if (el === null || el === document.body) return null;
    const s = getComputedStyle(el);
    return { tag: el.tagName, outline: s.outlineStyle, visible: el.matches(":focus-visible") };
  });
  assert.ok(focus !== null, `${name}: Tab focuses a control`);
  assert.equal(focus.visible, true, `${name}: keyboard focus matches :focus-visible`);
  assert.notEqual(focus.outline, "none", `${name}: the focused ${focus.tag} shows a focus ring`);
  await page.evaluate(() => document.activeElement?.blur());
}

function colours() {
  const body = getComputedStyle(document.body);
  return { background: body.backgroundColor, color: body.color };
}

describe("look and feel: names, focus, hidden, themes", () => {
  let browser;

  before(async () => {
    // With the virtual card (scripts/lib/with-virtual-card.sh) the popup lists it; without, it says "not installed".
    const host = Boolean(process.env.TESSERA_TEST_CARD_JSON);
    requireBuilt({ host });
    browser = await launchChromium({ host });
  });

  after(async () => {
    await browser?.close();
  });

  for (const spec of PAGES) {
    test(`${spec.name}: labelled controls, named buttons, visible focus, dark theme`, async () => {
      const page = await browser.context.newPage();
      try {
        await page.emulateMedia({ colorScheme: "light" });
        await page.goto(`chrome-extension://${CHROMIUM_ID}/${spec.path}`);
        // localizePage sets <html lang> after it filled the texts and accessible names.
        await waitFor(() => page.evaluate(() => document.documentElement.lang !== ""), { what: `${spec.name} localized` });
        await page.waitForTimeout(300);

        const found = await page.evaluate(audit);
        assert.ok(found.controls + found.buttons > 0, `${spec.name} has controls`);
        assert.deepEqual(found.unlabelled, [], `${spec.name}: every form control has an accessible name`);
        assert.deepEqual(found.unnamedButtons, [], `${spec.name}: every button has an accessible name`);
        assert.deepEqual(found.shownWhileHidden, [], `${spec.name}: [hidden] elements are not displayed`);
        assert.deepEqual(found.unstyledButtons, [], `${spec.name}: buttons carry the theme`);

        if (spec.pattern) {
          const box = await page.locator('[data-testid="security-pattern"]').boundingBox();
          assert.ok(box !== null && box.width >= 20 && box.height >= 10, `${spec.name}: the security pattern is shown`);
        }

        // Keyboard: Tab reaches a control and its focus ring is drawn (the reader's one button
        // stays disabled until a message arrives: nothing to focus there).
        const focusable = await page.evaluate(
          () => [...document.querySelectorAll("button, input, select, textarea, summary, a[href]")].filter((el) => !el.disabled && el.getClientRects().length > 0).length,
        );
        if (focusable > 0) await checkFocusRing(page, spec.name);

        const light = await page.evaluate(colours);
        await screenshot(page, `look-${spec.name}-light`);
        await page.emulateMedia({ colorScheme: "dark" });
        const dark = await page.evaluate(colours);
        await screenshot(page, `look-${spec.name}-dark`);
        assert.notEqual(dark.background, light.background, `${spec.name}: dark mode changes the background`);
        assert.notEqual(dark.color, light.color, `${spec.name}: dark mode changes the text colour`);
      } finally {
        await page.close();
      }
    });
  }
});
