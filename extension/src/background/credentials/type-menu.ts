// The context menu of consoles (issue 16): "Tessera: type into this console"
// with the four things the popup's Type buttons type, for the best-ranked
// entry bound to the page. A menu click is a gesture in the browser's own UI
// (a page cannot make one), and it reaches the same typeEntry as the popup,
// so the origin rules and refusals are the same.
//
// The menu is offered on the page and on the toolbar button: noVNC and Shell
// In A Box keep the page's context menu for the remote side (they cancel the
// contextmenu event), so there the toolbar button's menu is the way in.

import type { TypeWhat } from "../../shared/contracts/console";
import { t } from "../../shared/i18n";

export const TYPE_MENU_PARENT = "tessera-type";
const ITEM_PREFIX = "tessera-type:";

const ITEMS: ReadonlyArray<{ what: TypeWhat; key: string }> = [
  { what: "password", key: "credTypePassword" },
  { what: "username", key: "credTypeUsername" },
  { what: "otp", key: "credTypeOtp" },
  { what: "username_tab_password_enter", key: "credTypeLogin" },
];

/** What a menu item id stands for; null for an id that is not one of ours. */
export function typeWhatOfMenuItem(id: string | number): TypeWhat | null {
  if (typeof id !== "string" || !id.startsWith(ITEM_PREFIX)) return null;
  const what = id.slice(ITEM_PREFIX.length);
  return ITEMS.find((i) => i.what === what)?.what ?? null;
}

type Menus = Pick<typeof chrome.contextMenus, "create" | "removeAll">;

/**
 * Creates the menu afresh. Menus outlive a service worker's restarts but not
 * an update of the extension, so this runs at install and update.
 */
export function createTypeMenu(menus: Menus): void {
  menus.removeAll(() => {
    // page and frame: a right-click in the console; action: the toolbar button.
    const contexts: chrome.contextMenus.CreateProperties["contexts"] = ["page", "frame", "editable", "action"];
    menus.create({ id: TYPE_MENU_PARENT, title: t("menuTypeGroup"), contexts });
    for (const { what, key } of ITEMS) {
      menus.create({ id: `${ITEM_PREFIX}${what}`, parentId: TYPE_MENU_PARENT, title: t(key), contexts });
    }
  });
}
