// "Never on the page's say-so": a frame acts only on a real click (isTrusted)
// while it is visible. Visible means: IntersectionObserver v2 says so where the
// browser tracks visibility (Chromium: no opacity, filter, transform or other
// content over the frame), and the content script's DOM check agrees.

const IO_DELAY_MS = 100;

export class GestureGuard {
  private ioVisible: boolean | null = null;
  private pageVisible = false;

  constructor(target: Element) {
    const options = { threshold: [0, 1], trackVisibility: true, delay: IO_DELAY_MS } as IntersectionObserverInit;
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const v2 = (entry as IntersectionObserverEntry & { isVisible?: boolean }).isVisible;
        // Browsers without v2 leave isVisible undefined: then only the content script's check counts.
        this.ioVisible = v2 === undefined ? null : v2;
      }
      this.publish();
    }, options);
    observer.observe(target);
  }

  /** The content script's report (through the background) of opacity and covering. */
  setPageVisible(visible: boolean): void {
    this.pageVisible = visible;
    this.publish();
  }

  /** body[data-visible]: what the checks conclude now (tests wait for it before a real click). */
  private publish(): void {
    document.body.dataset["visible"] = String(this.pageVisible && this.ioVisible !== false);
  }

  /** Why an event must not start anything, or null when it may. */
  refusal(event: Event): string | null {
    if (!event.isTrusted) return "untrusted";
    if (!this.pageVisible) return "hidden";
    if (this.ioVisible === false) return "hidden";
    return null;
  }
}
