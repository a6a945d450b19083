// Any webmail, on sites the user enabled in the options page
// (chrome.storage.local "webmailSites", a list of origins): every writable
// mail body (textarea, contenteditable editors, editors in same-origin
// iframes: editables.ts), recipients from the page's To/Cc/Bcc areas
// (recipients.ts), and armored blocks in any rendered text.

import { holdsArmor } from "../../../shared/armor-text";
import type { Recipients } from "../../../shared/contracts/webmail";
import { writeArmor } from "../armor-writer";
import { bodyText, findBodies, isOurs, isRendered, type EditableBody } from "../editables";
import type { ComposeTarget, WebmailProvider } from "../provider";
import { composeScope, isRecipientField, readRecipients } from "../recipients";

export const SITES_KEY = "webmailSites";

/** Elements that may hold a received message's text, closest first. */
const BLOCKS = "pre, p, div, td, blockquote, article, section";

function targetOf(body: EditableBody): ComposeTarget {
  return {
    anchor: body.box,
    buttonBefore: body.box,
    editable: body.editable,
    text: () => bodyText(body),
    write: (armored) => writeArmor(body, armored),
  };
}

/** Whether an element is, or is inside, something the user writes in. */
function inEditable(el: HTMLElement): boolean {
  return el.isContentEditable || el.closest("textarea, input") !== null;
}

/**
 * The site a document belongs to: its origin, or for a frame with no origin of
 * its own (about:blank, srcdoc, sandboxed) the origin of the page that holds it.
 */
function siteOrigin(doc: Document): string | null {
  const own = doc.location.origin;
  if (/^https?:\/\//.test(own)) return own;
  const ancestors = doc.location.ancestorOrigins as DOMStringList | undefined; // Chromium only
  if (ancestors !== undefined && ancestors.length > 0) return ancestors.item(0);
  try {
    return doc.defaultView?.parent.location.origin ?? null;
  } catch {
    return null;
  }
}

/**
 * The armored message that starts in `first`, a child of <body>, and ends in
 * a later sibling: the run of siblings is wrapped in one <div> (the reader
 * takes its place), or null when no sibling ends it.
 */
function wrapRun(first: HTMLElement): HTMLElement | null {
  const parent = first.parentElement;
  if (parent === null || parent !== first.ownerDocument.body) return null;
  const run: Node[] = [];
  for (let node: Node | null = first; node !== null; node = node.nextSibling) {
    run.push(node);
    if ((node.textContent ?? "").includes("-----END PGP MESSAGE-----")) {
      const wrapper = first.ownerDocument.createElement("div");
      first.before(wrapper);
      wrapper.append(...run);
      return wrapper;
    }
  }
  return null;
}

export function genericProvider(enabledOrigins: ReadonlySet<string>): WebmailProvider {
  return {
    name: "generic",
    detect: (doc) => {
      const origin = siteOrigin(doc);
      return origin !== null && enabledOrigins.has(origin);
    },
    composeTargets: (doc) => findBodies(doc).filter((b) => !isRecipientField(b.editable)).map(targetOf),
    recipients(_doc, target): Recipients {
      return readRecipients(composeScope(target.anchor));
    },
    sender: () => null,
    messageParts(doc) {
      // The closest block around each text node that starts an armored block,
      // widened to the block that also holds its end (editors and mail views
      // split armor into one paragraph per line).
      const parts = new Set<HTMLElement>();
      const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
        if (!holdsArmor(node.nodeValue ?? "")) continue;
        const first = node.parentElement?.closest<HTMLElement>(BLOCKS) ?? null;
        let block = first;
        while (block !== null && !block.innerText.includes("-----END PGP MESSAGE-----")) {
          block = block.parentElement?.closest<HTMLElement>(BLOCKS) ?? null;
        }
        // Paragraphs straight under <body> (an HTML mail's own document): no block holds them all.
        if (block === null && first !== null) block = wrapRun(first);
        if (block === null || inEditable(block) || isOurs(block) || !isRendered(block)) continue;
        parts.add(block);
      }
      // The innermost blocks only: a part inside another part is read with it.
      return [...parts].filter((p) => ![...parts].some((q) => q !== p && p.contains(q)));
    },
  };
}
