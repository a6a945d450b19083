/**
 * Reconnect delays: `initialMs`, doubling on each failure, capped at `maxMs`.
 * `reset()` after a successful hello starts again from `initialMs`. No jitter:
 * there is one host per browser, so no crowd of clients to spread out.
 */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly initialMs = 250,
    private readonly maxMs = 30_000,
  ) {
    if (!(initialMs > 0) || !(maxMs >= initialMs)) {
      throw new RangeError("backoff needs 0 < initialMs <= maxMs");
    }
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    // 2^failures grows past maxMs long before it overflows; stop counting there.
    const delay = Math.min(this.maxMs, this.initialMs * 2 ** this.failures);
    if (delay < this.maxMs) this.failures += 1;
    return delay;
  }

  reset(): void {
    this.failures = 0;
  }
}
