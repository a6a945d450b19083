// Content script of the webmail integration. It runs next to the page's own
// scripts and never sees plaintext: on a compose page it offers "Encrypt with
// Tessera", opens the editor frame in place of the body and writes back the
// ciphertext the frame produced; on an opened message it puts a reader frame
// over each armored block and hands the frame that ciphertext.

import { t } from "../../shared/i18n";
import { ARMORED_MESSAGE } from "../../shared/webmail-messages";
import { openFrame, type FrameHost } from "./frame-host";
import type { WebmailProvider } from "./provider";
import { SITES_KEY, genericProvider } from "./providers/generic";
import { roundcube } from "./providers/roundcube";

// Site-specific modules first; the generic one only on sites the user enabled.
let providers: readonly WebmailProvider[] = [roundcube];
const BLOCK = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/g;
const RECIPIENTS_POLL_MS = 500;

const handled = new WeakSet<HTMLElement>();
let editor: FrameHost | null = null;
let composeButton: HTMLElement | null = null;

function provider(): WebmailProvider | null {
  return providers.find((p) => p.detect(document)) ?? null;
}

function makeButton(label: string, onClick: () => void): HTMLElement {
  const host = document.createElement("tessera-action");
  host.style.cssText = "display:block;width:max-content";
  const root = host.attachShadow({ mode: "closed" });
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.style.cssText =
    "font:600 13px system-ui,sans-serif;padding:.35em .9em;margin:.3em 0;border:1px solid #1d4e89;border-radius:4px;background:#1d4e89;color:#fff;cursor:pointer";
  button.addEventListener("click", (event) => {
    if (event.isTrusted) onClick();
  });
  root.append(button);
  return host;
}

function setupCompose(p: WebmailProvider): void {
  const target = p.composeTarget(document);
  if (target === null || composeButton?.isConnected || editor !== null) return;
  composeButton = makeButton(t("webmailEncryptButton"), () => startEditor(p));
  composeButton.dataset["tesseraAction"] = "encrypt";
  target.buttonBefore.insertAdjacentElement("beforebegin", composeButton);
}

function startEditor(p: WebmailProvider): void {
  const target = p.composeTarget(document);
  if (target === null || editor !== null) return;
  composeButton?.remove();
  composeButton = null;
  let lastSent = "";
  const sendRecipients = (): void => {
    const addresses = p.recipients(document);
    const sender = p.sender(document);
    const key = JSON.stringify([addresses, sender]);
    if (key === lastSent) return;
    lastSent = key;
    host.send({ type: "recipients", addresses, sender });
  };
  const poll = setInterval(sendRecipients, RECIPIENTS_POLL_MS);
  const host = openFrame({
    kind: "editor",
    replace: target.anchor,
    minHeight: Math.max(420, target.anchor.getBoundingClientRect().height),
    onWrite: (armored, pgpMime) => {
      if (!pgpMime) return target.write(armored);
      if (target.writePgpMime) return target.writePgpMime(armored);
      // A provider that cannot send multipart/encrypted still gets the armor in its body.
      target.write(armored);
    },
    onClose: () => {
      clearInterval(poll);
      editor = null;
      scan();
    },
  });
  editor = host;
  sendRecipients();
}

function setupReaders(p: WebmailProvider): void {
  for (const part of p.messageParts(document)) {
    if (handled.has(part)) continue;
    const blocks = (part.innerText.match(BLOCK) ?? []).map(normalizeArmor).filter((b) => ARMORED_MESSAGE.test(b));
    if (blocks.length === 0) continue;
    handled.add(part);
    // One reader per message part, for its first block; the rest of the part is hidden with it.
    const frame = openFrame({ kind: "reader", replace: part, minHeight: 160, onClose: () => {} });
    frame.send({ type: "armored", armored: blocks[0] ?? "", pgpMime: false });
  }
  for (const part of p.encryptedMessages?.(document) ?? []) {
    if (handled.has(part.anchor)) continue;
    handled.add(part.anchor);
    void part.fetchArmored().then((armored) => {
      if (!ARMORED_MESSAGE.test(armored)) return;
      const frame = openFrame({ kind: "reader", replace: part.anchor, minHeight: 160, onClose: () => {} });
      frame.send({ type: "armored", armored, pgpMime: true });
    });
  }
}

/** Armor as a mail view renders it: non-breaking spaces, stray indentation, CRLF. */
function normalizeArmor(text: string): string {
  return text
    .replace(/\u00a0/g, " ")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .join("\n");
}

function scan(): void {
  const p = provider();
  if (p === null) return;
  setupCompose(p);
  setupReaders(p);
}

let pending = false;
new MutationObserver(() => {
  if (pending) return;
  pending = true;
  setTimeout(() => {
    pending = false;
    scan();
  }, 100);
}).observe(document.documentElement, { childList: true, subtree: true });

async function loadSites(): Promise<void> {
  const got = (await chrome.storage.local.get(SITES_KEY)) as Record<string, unknown>;
  const list = Array.isArray(got[SITES_KEY]) ? (got[SITES_KEY] as unknown[]).filter((o): o is string => typeof o === "string") : [];
  providers = [roundcube, genericProvider(new Set(list))];
  scan();
}
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && SITES_KEY in changes) void loadSites();
});
scan();
void loadSites();
