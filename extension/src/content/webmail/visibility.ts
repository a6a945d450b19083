// Whether a Tessera frame is faded or covered, as far as the page's DOM tells.
// The frame runs its own check (IntersectionObserver v2 where Chromium offers
// it); this one also catches what that cannot see in other browsers: opacity,
// visibility or filters on the host or its ancestors, and an element on top.

const MIN_OPACITY = 1;

function fadedChain(el: Element): boolean {
  for (let node: Element | null = el; node !== null; node = node.parentElement ?? (node.getRootNode() as ShadowRoot).host ?? null) {
    const style = getComputedStyle(node);
    if (Number(style.opacity) < MIN_OPACITY || style.visibility !== "visible" && node === el) return true;
    if (style.filter !== "none" || style.mixBlendMode !== "normal") return true;
    if (style.display === "none") return true;
  }
  return false;
}

/** Samples points of the frame: each must hit the frame itself (or our host). */
function covered(host: Element, iframe: HTMLIFrameElement): boolean {
  const r = iframe.getBoundingClientRect();
  if (r.width < 40 || r.height < 40) return true;
  const xs = [r.left + 10, r.left + r.width / 2, r.right - 10];
  const ys = [r.top + 10, r.top + r.height / 2, r.bottom - 10];
  for (const x of xs) {
    for (const y of ys) {
      if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) continue; // off screen is not covered
      const hit = document.elementFromPoint(x, y);
      if (hit !== host) return true;
    }
  }
  return false;
}

export function coveredOrFaded(host: Element, iframe: HTMLIFrameElement): boolean {
  return fadedChain(host) || covered(host, iframe);
}
