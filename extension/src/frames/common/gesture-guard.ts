// "Never on the page's say-so": a frame acts only on a real click (isTrusted)
// that the content script, which sees the page's layout, confirms for the
// clicked point: the frame visible there, not faded, not covered, and still
// for a moment before the click (content/webmail/click-evidence.ts).
//
// Two steps. `refusal` answers at once from what the frame knows (the last
// visibility report, and IntersectionObserver v2 where the content script says
// the layout is flat enough for it to mean something: v2 calls anything under
// a transform or filter invisible). `confirm` then asks the content script
// about this very click, which catches a frame moved under the pointer in the
// instant before the click.

import type { GestureQuestion, GestureVerdict } from "../../shared/contracts/webmail";

const IO_DELAY_MS = 100;
/** A content script that does not answer (page frozen, port gone) means no. */
const VERDICT_TIMEOUT_MS = 2000;

export class GestureGuard {
  private ioVisible: boolean | null = null;
  private pageVisible = false;
  private pageReason = "hidden";
  private flat = false;
  private nextId = 1;
  private readonly waiting = new Map<number, (verdict: GestureVerdict | null) => void>();

  /**
   * standalone: the frame is a top-level window of its own (a reader window),
   * which no page can cover or fade: a real click is enough, with
   * IntersectionObserver v2 (the window is flat) where the browser has it.
   */
  constructor(
    target: Element,
    private readonly ask: (question: GestureQuestion) => void,
    private readonly standalone = false,
  ) {
    if (standalone) {
      this.pageVisible = true;
      this.pageReason = "";
      this.flat = true;
    }
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

  /** The content script's continuous report: visible, still, not faded or covered. */
  setPageVisible(visible: boolean, flat: boolean, reason: string): void {
    this.pageVisible = visible;
    this.pageReason = reason || "hidden";
    this.flat = flat;
    this.publish();
  }

  /** The content script's answer to one `confirm`. */
  onVerdict(verdict: GestureVerdict): void {
    this.flat = verdict.flat;
    this.waiting.get(verdict.id)?.(verdict);
    this.waiting.delete(verdict.id);
  }

  private ioSaysHidden(): boolean {
    return this.flat && this.ioVisible === false;
  }

  /** body[data-visible]: what the checks conclude now (tests wait for it before a real click). */
  private publish(): void {
    document.body.dataset["visible"] = String(this.pageVisible && !this.ioSaysHidden());
  }

  /** Why an event must not start anything, from what is known now; null when it may go on to `confirm`. */
  refusal(event: Event): string | null {
    if (!event.isTrusted) return "untrusted";
    if (!this.pageVisible) return this.pageReason;
    if (this.ioSaysHidden()) return "hidden";
    return null;
  }

  /**
   * The content script's verdict for this click: null when it may act, else the
   * reason. The point is the pointer's, or the control's centre for a keyboard
   * activation (which has no pointer).
   */
  async confirm(event: Event, control: Element): Promise<string | null> {
    const quick = this.refusal(event);
    if (quick !== null || this.standalone) return quick;
    const pointer = event instanceof MouseEvent && event.detail > 0 ? { x: event.clientX, y: event.clientY } : null;
    const box = control.getBoundingClientRect();
    const { x, y } = pointer ?? { x: box.left + box.width / 2, y: box.top + box.height / 2 };
    const id = this.nextId++;
    const verdict = await new Promise<GestureVerdict | null>((resolve) => {
      this.waiting.set(id, resolve);
      setTimeout(() => {
        if (this.waiting.delete(id)) resolve(null);
      }, VERDICT_TIMEOUT_MS);
      this.ask({ type: "gesture", id, x, y, width: innerWidth, height: innerHeight });
    });
    if (verdict === null) return "no_answer";
    return verdict.ok ? null : verdict.reason || "hidden";
  }
}
