// Whether a click on a Tessera frame may act: the defence against
// clickjacking (CVE-2019-9147 class) as seen from the page's side. The frame
// itself knows only that a click was real (isTrusted); this module knows the
// page's layout and answers, for the point the user clicked, from evidence
// that holds on real layouts:
//   - hit-testing: the clicked point, and points spread over the frame, land
//     on the frame's host in this document and, through same-origin parents,
//     on the iframe that holds this document (a cover with pointer-events:none
//     is found by the paint scan below, which hit-testing skips);
//   - opacity and readability along the ancestor chain (opacity, filters that
//     fade or blur, visibility, blend modes), multiplied as the browser does;
//   - a dwell: the frame must have stood still and visible for DWELL_MS, so a
//     frame moved under the pointer just before a click does not act.
// CSS 3D transforms, perspective, filters that keep the content readable and
// will-change are no reason to refuse: IntersectionObserver v2 (which refuses
// all of them) is only trusted where the chain is flat (see `flat`).

import { styleOf } from "./editables";

/** Below this opacity (product along the chain) the frame counts as faded. */
const MIN_OPACITY = 0.9;
/** The frame must have been visible and still this long before a click acts. */
export const DWELL_MS = 400;
const MIN_SIZE = 40;

export interface Evidence {
  ok: boolean;
  /** Stable reason codes: "", hidden (also: visible again for less than the dwell), faded, covered, moved, small, offscreen. */
  reason: string;
  /** No transform, filter, perspective or will-change above the frame: IO v2 means what it says. */
  flat: boolean;
}

interface Chain {
  opacity: number;
  unreadable: boolean;
  hidden: boolean;
  flat: boolean;
}

const FILTER_FN = /([a-z-]+)\(([^()]*(?:\([^()]*\)[^()]*)*)\)/g;

function amount(arg: string): number {
  const v = parseFloat(arg);
  if (Number.isNaN(v)) return 1;
  return arg.trim().endsWith("%") ? v / 100 : v;
}

/** What a computed `filter` does to legibility: the opacity it applies, and whether it hides the content otherwise. */
function filterEffect(filter: string): { opacity: number; unreadable: boolean } {
  let opacity = 1;
  let unreadable = false;
  if (filter === "none" || filter === "") return { opacity, unreadable };
  for (const m of filter.matchAll(FILTER_FN)) {
    const [, fn = "", arg = ""] = m;
    switch (fn) {
      case "opacity":
        opacity *= amount(arg);
        break;
      case "blur":
        if (parseFloat(arg) > 1.5) unreadable = true;
        break;
      case "brightness":
        if (amount(arg) < 0.5 || amount(arg) > 3) unreadable = true;
        break;
      case "contrast":
        if (amount(arg) < 0.5) unreadable = true;
        break;
      case "url":
        unreadable = true; // an SVG filter can do anything
        break;
      default:
        break; // grayscale, sepia, saturate, hue-rotate, invert(<1), drop-shadow keep text legible
    }
    if (fn === "invert" && Math.abs(amount(arg) - 0.5) < 0.2) unreadable = true; // invert(0.5) is uniform grey
  }
  return { opacity, unreadable };
}

function isTranslationOnly(transform: string): boolean {
  if (transform === "none") return true;
  const m = /^matrix\(([^)]*)\)$/.exec(transform);
  if (m === null) return false;
  const [a, b, c, d] = (m[1] ?? "").split(",").map(Number);
  return a === 1 && b === 0 && c === 0 && d === 1;
}

function parentAcrossShadow(el: Element): Element | null {
  if (el.parentElement !== null) return el.parentElement;
  const root = el.getRootNode();
  return root instanceof ShadowRoot ? root.host : null;
}

/** Walks from the host to the root of this document. */
function chainOf(host: Element): Chain {
  const chain: Chain = { opacity: 1, unreadable: false, hidden: false, flat: true };
  for (let node: Element | null = host; node !== null; node = parentAcrossShadow(node)) {
    const s = styleOf(node);
    if (s.display === "none") chain.hidden = true;
    if (node === host && s.visibility !== "visible") chain.hidden = true;
    chain.opacity *= Number(s.opacity);
    const f = filterEffect(s.filter);
    chain.opacity *= f.opacity;
    if (f.unreadable) chain.unreadable = true;
    if (s.mixBlendMode !== "normal") chain.unreadable = true;
    if (s.getPropertyValue("mask-image") !== "none" && s.getPropertyValue("mask-image") !== "") chain.unreadable = true;
    if (
      !isTranslationOnly(s.transform) ||
      s.filter !== "none" ||
      s.perspective !== "none" ||
      s.transformStyle === "preserve-3d" ||
      s.willChange !== "auto" ||
      s.getPropertyValue("backdrop-filter") !== "none" && s.getPropertyValue("backdrop-filter") !== ""
    ) {
      chain.flat = false;
    }
  }
  return chain;
}

/** Whether something painted covers the point without taking the pointer (pointer-events: none). */
function paintedCoverAt(doc: Document, host: Element, x: number, y: number): boolean {
  const hostBox = host;
  const all = doc.body?.getElementsByTagName("*") ?? [];
  for (const el of all) {
    if (el === hostBox || el.contains(hostBox) || hostBox.contains(el)) continue;
    const r = el.getBoundingClientRect();
    if (x < r.left || x > r.right || y < r.top || y > r.bottom || r.width === 0 || r.height === 0) continue;
    const s = styleOf(el);
    if (s.pointerEvents !== "none" || s.visibility !== "visible" || Number(s.opacity) === 0) continue;
    const paints =
      !/rgba\(.*,\s*0\)$|transparent/.test(s.backgroundColor) || s.backgroundImage !== "none" || (el.textContent ?? "").trim() !== "" || el.localName === "img" || el.localName === "canvas" || el.localName === "svg";
    if (!paints) continue;
    // Painted after the host, or in a positioned layer: it may sit on top.
    const after = (hostBox.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
    if (after || s.position === "fixed" || s.position === "absolute" || s.position === "sticky") return true;
  }
  return false;
}

/** This document's frame element in its parent, when the parent is same-origin. */
function ownerFrame(doc: Document): HTMLIFrameElement | null {
  try {
    return (doc.defaultView?.frameElement as HTMLIFrameElement | null) ?? null;
  } catch {
    return null;
  }
}

/** Whether the frames holding this document, as far as they can be reached, add no transform or filter. */
function parentsFlat(doc: Document): boolean {
  for (let frame = ownerFrame(doc); frame !== null; frame = ownerFrame(frame.ownerDocument)) {
    if (!chainOf(frame).flat) return false;
  }
  return true;
}

/** Hit-tests a point of this document in the parent documents the content script can reach. */
function reachableUpwards(doc: Document, x: number, y: number): boolean {
  let frame = ownerFrame(doc);
  let px = x;
  let py = y;
  while (frame !== null) {
    const parentDoc = frame.ownerDocument;
    const r = frame.getBoundingClientRect();
    const s = styleOf(frame);
    px += r.left + parseFloat(s.borderLeftWidth) + parseFloat(s.paddingLeft);
    py += r.top + parseFloat(s.borderTopWidth) + parseFloat(s.paddingTop);
    const chain = chainOf(frame);
    if (chain.hidden || chain.unreadable || chain.opacity < MIN_OPACITY) return false;
    const inView = px >= 0 && py >= 0 && px <= (parentDoc.defaultView?.innerWidth ?? 0) && py <= (parentDoc.defaultView?.innerHeight ?? 0);
    if (inView && parentDoc.elementFromPoint(px, py) !== frame) return false;
    frame = ownerFrame(parentDoc);
  }
  return true;
}

/** Watches one frame host: where it is, and since when it has been visible and still. */
export class ClickEvidence {
  private lastRect = "";
  private stableSince = 0;
  /** Why the dwell last started over: the frame moved, or it (re)appeared after being hidden. */
  private restart: "moved" | "hidden" = "hidden";

  constructor(
    private readonly host: HTMLElement,
    private readonly iframe: HTMLIFrameElement,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Where the frame's content lies on screen: its top-left corner and width.
   * Not its height, which follows the frame's own content (the height it
   * reports): growing below the buttons moves nothing under the pointer.
   */
  private rectKey(): string {
    const r = this.iframe.getBoundingClientRect();
    return `${Math.round(r.left)},${Math.round(r.top)},${Math.round(r.width)}`;
  }

  /** Called often (a timer): restarts the dwell when the frame moved or stopped being visible. */
  sample(): Evidence {
    const key = this.rectKey();
    const base = this.staticEvidence(null);
    if (!base.ok) {
      this.stableSince = 0;
    } else if (key !== this.lastRect || this.stableSince === 0) {
      // Visible again, or moved: the dwell starts over from here.
      this.restart = this.stableSince === 0 ? "hidden" : "moved";
      this.stableSince = this.now();
    }
    this.lastRect = key;
    if (base.ok && this.now() - this.stableSince < DWELL_MS) return { ...base, ok: false, reason: this.restart };
    return base;
  }

  /** The verdict for a click at (x, y) of the frame's viewport of width × height (its CSS pixels). */
  judgeClick(x: number, y: number, width: number, height: number): Evidence {
    // A frame that moved since the last sample moved under the pointer: no dwell.
    if (this.rectKey() !== this.lastRect) {
      this.sample();
      return { ok: false, reason: "moved", flat: false };
    }
    const r = this.iframe.getBoundingClientRect();
    const point = { x: r.left + (x / Math.max(1, width)) * r.width, y: r.top + (y / Math.max(1, height)) * r.height };
    const base = this.staticEvidence(point);
    if (!base.ok) return base;
    if (this.stableSince === 0) return { ...base, ok: false, reason: "hidden" };
    if (this.now() - this.stableSince < DWELL_MS) return { ...base, ok: false, reason: this.restart };
    return base;
  }

  private staticEvidence(click: { x: number; y: number } | null): Evidence {
    const doc = this.host.ownerDocument;
    const chain = chainOf(this.host);
    const flat = chain.flat && parentsFlat(doc);
    if (!this.host.isConnected || chain.hidden) return { ok: false, reason: "hidden", flat };
    if (chain.unreadable || chain.opacity < MIN_OPACITY) return { ok: false, reason: "faded", flat };
    const r = this.iframe.getBoundingClientRect();
    if (r.width < MIN_SIZE || r.height < MIN_SIZE) return { ok: false, reason: "small", flat };
    const view = doc.defaultView;
    const vw = view?.innerWidth ?? 0;
    const vh = view?.innerHeight ?? 0;
    const inset = Math.min(10, r.width / 4, r.height / 4);
    const points = [r.left + inset, r.left + r.width / 2, r.right - inset].flatMap((x) =>
      [r.top + inset, r.top + r.height / 2, r.bottom - inset].map((y) => ({ x, y })),
    );
    if (click !== null) points.push(click);
    let seen = 0;
    for (const p of points) {
      if (p.x < 0 || p.y < 0 || p.x > vw || p.y > vh) continue; // scrolled out of view is not covered
      seen++;
      if (doc.elementFromPoint(p.x, p.y) !== this.host) return { ok: false, reason: "covered", flat };
      if (!reachableUpwards(doc, p.x, p.y)) return { ok: false, reason: "covered", flat };
    }
    if (seen === 0) return { ok: false, reason: "offscreen", flat };
    if (click !== null && paintedCoverAt(doc, this.host, click.x, click.y)) return { ok: false, reason: "covered", flat };
    return { ok: true, reason: "", flat };
  }
}
