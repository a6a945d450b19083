import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { TYPE_MENU_PARENT, createTypeMenu, typeWhatOfMenuItem } from "../src/background/credentials/type-menu";
import { TYPE_WHATS } from "../src/shared/contracts/console";

// The menu's titles through chrome.i18n as the browser resolves them, from the shipped English messages.
const messages = JSON.parse(readFileSync(new URL("../../static/_locales/en/messages.json", import.meta.url), "utf8")) as Record<string, { message: string }>;
(globalThis as unknown as { chrome: unknown }).chrome = { i18n: { getMessage: (k: string) => messages[k]?.message ?? "" } };

test("the console menu: one parent, an item for each thing the popup types, on the page and on the toolbar button", () => {
  const made: chrome.contextMenus.CreateProperties[] = [];
  let cleared = false;
  createTypeMenu({
    removeAll: ((done?: () => void) => {
      cleared = true;
      done?.();
    }) as typeof chrome.contextMenus.removeAll,
    create: ((p: chrome.contextMenus.CreateProperties) => {
      assert.ok(cleared, "old items are removed before new ones are made (an update re-creates them)");
      made.push(p);
      return p.id ?? "";
    }) as typeof chrome.contextMenus.create,
  });
  assert.equal(made[0]?.id, TYPE_MENU_PARENT);
  assert.equal(made[0]?.title, "Tessera: type into this console");
  const items = made.slice(1);
  assert.deepEqual(items.map((i) => typeWhatOfMenuItem(i.id ?? "")), [...TYPE_WHATS]);
  assert.deepEqual(items.map((i) => i.title), ["Type password", "Type username", "Type code", "Type username ⇥ password ⏎"]);
  for (const item of made) {
    assert.ok(item.contexts?.includes("action"), `${item.id}: on the toolbar button (noVNC cancels the page's menu)`);
    assert.ok(item.contexts?.includes("page") && item.contexts.includes("frame"), `${item.id}: in the page and its frames`);
  }
  assert.ok(items.every((i) => i.parentId === TYPE_MENU_PARENT));
});

test("menu ids that are not ours, or not a known thing to type, type nothing", () => {
  assert.equal(typeWhatOfMenuItem(TYPE_MENU_PARENT), null);
  assert.equal(typeWhatOfMenuItem("tessera-type:clipboard"), null);
  assert.equal(typeWhatOfMenuItem("other-extension:password"), null);
  assert.equal(typeWhatOfMenuItem(7), null);
  assert.equal(typeWhatOfMenuItem("tessera-type:otp"), "otp");
});
