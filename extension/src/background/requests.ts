// Request correlation: ids for requests in flight, replies matched by id, one
// timeout per request, and failing everything at once when the port closes.

import { HostError } from "./errors";
import type { ErrorBody, Method, Result } from "../shared/contracts/generated/protocol";

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * A reply already checked by the wasm core's decodeReply, against the result
 * type of the method its id asked for (`Result<M>`); an error is the host's
 * `ErrorBody`.
 */
export type DecodedReply = { id: number | null; result: unknown } | { id: number | null; error: ErrorBody };

interface Pending {
  method: Method;
  resolve(result: unknown): void;
  reject(err: HostError): void;
  timer: unknown;
}

export class RequestTracker {
  private readonly pending = new Map<number, Pending>();
  private lastId = 0;

  constructor(private readonly timers: Timers) {}

  /** A fresh id, unique among requests in flight (1 … 2^53−1, then wraps). */
  nextId(): number {
    do {
      this.lastId = this.lastId >= Number.MAX_SAFE_INTEGER ? 1 : this.lastId + 1;
    } while (this.pending.has(this.lastId));
    return this.lastId;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** The method request `id` asked for, while it is in flight: its reply is decoded as that method's result. */
  methodOf(id: number | null): Method | null {
    return id === null ? null : (this.pending.get(id)?.method ?? null);
  }

  /** Waits for the reply to request `id`, or rejects after `timeoutMs`. */
  track<M extends Method>(id: number, method: M, timeoutMs: number): Promise<Result<M>> {
    if (this.pending.has(id)) {
      return Promise.reject(new HostError("bad_request", `request id ${id} is already in flight`));
    }
    return new Promise<Result<M>>((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        if (this.pending.delete(id)) {
          reject(new HostError("timeout", `the helper did not answer \`${method}\` within ${timeoutMs} ms`));
        }
      }, timeoutMs);
      // The one place a result is narrowed: settle() receives replies decoded for
      // methodOf(id), i.e. for this `method`.
      this.pending.set(id, { method, resolve: (r) => resolve(r as Result<M>), reject, timer });
    });
  }

  /**
   * Delivers a reply to its request. Returns false when no request in flight
   * has that id (late reply after a timeout, or an error about an unreadable frame).
   */
  settle(reply: DecodedReply): boolean {
    if (reply.id === null) return false;
    const p = this.pending.get(reply.id);
    if (p === undefined) return false;
    this.pending.delete(reply.id);
    this.timers.clearTimeout(p.timer);
    if ("error" in reply) p.reject(new HostError(reply.error.code, reply.error.message, reply.error.retries_left ?? null));
    else p.resolve(reply.result);
    return true;
  }

  /** Rejects one request without a reply (e.g. it could not be sent). */
  fail(id: number, err: HostError): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.pending.delete(id);
    this.timers.clearTimeout(p.timer);
    p.reject(err);
  }

  /** Rejects every request in flight, e.g. when the port closes. */
  failAll(err: HostError): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) {
      this.timers.clearTimeout(p.timer);
      p.reject(err);
    }
  }
}
