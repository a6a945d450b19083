// Content script of the webmail integration. It runs next to the page's own
// scripts and never sees plaintext: on a compose page it offers "Encrypt with
// Tessera" (or "Continue in Tessera" over an encrypted draft), opens the
// editor frame in place of the body and writes back the ciphertext the frame
// produced; on an opened message it puts a reader frame over each armored
// block and hands the frame that ciphertext. Where the user types into the
// page's own editor, or into one Tessera cannot take over, it says so.

import { armoredBlocks, holdsArmor } from "../../shared/armor-text";
import { t } from "../../shared/i18n";
import { ARMORED_MESSAGE, OPEN_READER_WINDOW, type Recipients } from "../../shared/contracts/webmail";
import { isWriting } from "./armor-writer";
import { isOurs, isRendered, MIN_HEIGHT, MIN_WIDTH, sameOriginFrameDocument, writableTarget } from "./editables";
import { openFrame, type FrameHost } from "./frame-host";
import { removeNotice, showNotice } from "./notices";
import { isRecipientField } from "./recipients";
import type { ComposeTarget, WebmailProvider } from "./provider";
import { SITES_KEY, genericProvider } from "./providers/generic";
import { roundcube } from "./providers/roundcube";

// Site-specific modules first; the generic one only on sites the user enabled.
let providers: readonly WebmailProvider[] = [roundcube];
const BLOCK = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/g;
const RECIPIENTS_POLL_MS = 500;
/** Rescans also without DOM changes: a hidden message part shown by a class change, a resized editor. */
const RESCAN_MS = 1500;

type OfferMode = "encrypt" | "continue";

const handled = new WeakSet<HTMLElement>();
/** The compose bodies offered, by anchor: the button shown, what it offers, and where the user types. */
const offers = new Map<HTMLElement, { button: HTMLElement; mode: OfferMode; editable: HTMLElement }>();
/** What Tessera wrote into a body, and for whom: the armor goes stale when the page's recipients change. */
const written = new WeakMap<HTMLElement, { armored: string; recipients: string }>();
let editor: { host: FrameHost; anchor: HTMLElement } | null = null;

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

const recipientsKey = (r: Recipients): string => JSON.stringify([[...r.to].sort(), [...r.cc].sort(), [...r.bcc].sort()]);

function setupCompose(p: WebmailProvider): void {
  const targets = p.composeTargets(document);
  const live = new Set(targets.map((target) => target.anchor));
  for (const [anchor, offer] of offers) {
    if (!live.has(anchor) || !anchor.isConnected) {
      offer.button.remove();
      offers.delete(anchor);
    }
  }
  for (const target of targets) {
    if (editor?.anchor === target.anchor) continue;
    const text = target.text();
    // Over ciphertext the offer is to continue the encrypted draft, never to encrypt the ciphertext again.
    const mode: OfferMode = holdsArmor(text) ? "continue" : "encrypt";
    const offer = offers.get(target.anchor);
    if (offer?.mode !== mode || !offer.button.isConnected) {
      offer?.button.remove();
      const button = makeButton(t(mode === "encrypt" ? "webmailEncryptButton" : "webmailContinueButton"), () => startEditor(p, target));
      button.dataset["tesseraAction"] = mode;
      target.buttonBefore.insertAdjacentElement("beforebegin", button);
      offers.set(target.anchor, { button, mode, editable: target.editable });
    }
    checkStale(p, target, text);
  }
}

function checkStale(p: WebmailProvider, target: ComposeTarget, text: string): void {
  const was = written.get(target.anchor);
  const blocks = was === undefined ? [] : armoredBlocks(text);
  const stillOurs = was !== undefined && blocks.includes(armoredBlocks(was.armored)[0] ?? "");
  if (!stillOurs) return removeNotice("stale", target.anchor);
  if (recipientsKey(p.recipients(document, target)) === was.recipients) return removeNotice("stale", target.anchor);
  showNotice("stale", target.anchor, t("webmailNoticeStale"), {
    label: t("webmailContinueButton"),
    run: () => startEditor(p, target),
  });
}

function startEditor(p: WebmailProvider, target: ComposeTarget): void {
  if (editor !== null || !target.anchor.isConnected) return;
  offers.get(target.anchor)?.button.remove();
  offers.delete(target.anchor);
  removeNotice("stale", target.anchor);
  removeNotice("unprotected", target.anchor);
  removeNotice("write_failed", target.anchor);
  let lastSent = "";
  let current: Recipients = { to: [], cc: [], bcc: [] };
  const sendRecipients = (): void => {
    current = p.recipients(document, target);
    const sender = p.sender(document);
    const key = JSON.stringify([current, sender]);
    if (key === lastSent) return;
    lastSent = key;
    host.send({ type: "recipients", recipients: current, sender });
  };
  const poll = setInterval(sendRecipients, RECIPIENTS_POLL_MS);
  const draft = armoredBlocks(target.text())[0];
  const host = openFrame({
    kind: "editor",
    replace: target.anchor,
    minHeight: Math.max(420, target.anchor.getBoundingClientRect().height),
    onWrite: async (armored, pgpMime) => {
      const write = pgpMime && target.writePgpMime ? target.writePgpMime.bind(target) : target.write.bind(target);
      // A provider that cannot send multipart/encrypted still gets the armor in its body.
      const ok = await write(armored);
      if (ok) written.set(target.anchor, { armored, recipients: recipientsKey(current) });
      else showNotice("write_failed", target.anchor, t("webmailWriteFailed"));
      return ok;
    },
    onClose: () => {
      clearInterval(poll);
      editor = null;
      scan();
    },
  });
  editor = { host, anchor: target.anchor };
  sendRecipients();
  if (draft !== undefined) host.send({ type: "draft", armored: draft });
}

/** Whether an element belongs to a compose body (offered, or under Tessera's editor). */
function inCompose(el: HTMLElement): boolean {
  if (editor !== null && (editor.anchor.contains(el) || el.contains(editor.anchor))) return true;
  for (const anchor of offers.keys()) if (anchor.contains(el) || el.contains(anchor)) return true;
  return false;
}

function setupReaders(p: WebmailProvider): void {
  for (const part of p.messageParts(document)) {
    if (handled.has(part)) continue;
    // No reader on hidden copies of text, nor over the user's own compose field.
    if (!isRendered(part) || isOurs(part) || part.isContentEditable || inCompose(part)) continue;
    const blocks = armoredBlocks((part.innerText.match(BLOCK) ?? []).join("\n")).filter((b) => ARMORED_MESSAGE.test(b));
    if (blocks.length === 0) continue;
    handled.add(part);
    if (opaque) {
      // A sandboxed frame: no extension page may be framed here (frame-ancestors), so the
      // offer is a reader in a Tessera window of its own.
      offerReaderWindow(part, blocks[0] ?? "");
      continue;
    }
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

function offerReaderWindow(part: HTMLElement, armored: string): void {
  const button = makeButton(t("webmailOpenReaderWindow"), () => {
    void chrome.runtime.sendMessage({ type: OPEN_READER_WINDOW, armored });
  });
  button.dataset["tesseraAction"] = "open-reader";
  part.insertAdjacentElement("beforebegin", button);
}

// --- typing in the page's own editor: never silent ---------------------------

/** Documents whose typing is watched: this one and the scripted same-origin frames in it. */
const watched = new WeakSet<Document>();

function onTyping(event: Event): void {
  const p = provider();
  if (p === null || !event.isTrusted || isWriting()) return;
  const field = writableTarget(event.target);
  if (field === null || isOurs(field)) return;
  const site = location.host || (location.ancestorOrigins?.[0] ?? "").replace(/^https?:\/\//, "");
  const inBody = (anchor: HTMLElement, editable: HTMLElement): boolean => editable === field || editable.contains(field) || anchor.contains(field);
  // The bodies the last scan offered; a fresh search of the page only for a field not among them
  // (an input event comes with every keystroke).
  let body = [...offers].find(([anchor, offer]) => inBody(anchor, offer.editable))?.[0];
  if (body === undefined && !opaque) body = p.composeTargets(document).find((target) => inBody(target.anchor, target.editable))?.anchor;
  if (body !== undefined) {
    showNotice("unprotected", body, t("webmailNoticeUnprotected", [site]));
    return;
  }
  // A writable multi-line field that is not a body Tessera can take over: a
  // hidden input behind a canvas editor, an editor too small or off screen.
  // The page's To/Cc/Bcc textareas (Horde's) hold addresses, not the message.
  if (isRecipientField(field)) return;
  const r = field.getBoundingClientRect();
  const visibleBody = isRendered(field) && r.width >= MIN_WIDTH && r.height >= MIN_HEIGHT;
  const near = field.ownerDocument === document ? field : null;
  if (!visibleBody) showNotice("unsupported", near !== null && isRendered(near) ? near : null, t("webmailNoticeUnsupported", [site]));
}

function watch(doc: Document): void {
  if (watched.has(doc)) return;
  watched.add(doc);
  // Text that reached the field (typed, pasted, dictated), not navigation keys.
  doc.addEventListener("input", onTyping, true);
}

function watchFrames(doc: Document, depth = 0): void {
  if (depth > 3) return;
  for (const frame of doc.querySelectorAll<HTMLIFrameElement>("iframe")) {
    if (isOurs(frame)) continue;
    const inner = sameOriginFrameDocument(frame);
    if (inner === null) continue;
    watch(inner);
    watchFrames(inner, depth + 1);
  }
}

/**
 * In a frame of the same origin as its parent, the parent's copy of this
 * script takes over the editors and watches the typing (editables.ts says
 * why); this copy only places readers (HTML mail shown in such a frame). A
 * cross-origin or sandboxed frame cannot be reached from its parent and
 * handles everything itself.
 */
function parentHandlesThisFrame(): boolean {
  try {
    return window.frameElement !== null;
  } catch {
    return false;
  }
}
const readersOnly = parentHandlesThisFrame();
/**
 * A sandboxed frame (opaque origin): no extension page may be framed here, so
 * no editor and no reader in place; typing here is announced as unsupported,
 * and an encrypted message gets a reader window.
 */
const opaque = location.origin === "null";

function scan(): void {
  const p = provider();
  if (p === null) return;
  if (readersOnly) {
    // An editor's own document (CKEditor 4, TinyMCE): the parent offers Tessera's editor over it.
    if (document.designMode === "on" || document.body?.isContentEditable === true) return;
    setupReaders(p);
    return;
  }
  watch(document);
  watchFrames(document);
  if (!opaque) setupCompose(p);
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
setInterval(scan, RESCAN_MS);

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
