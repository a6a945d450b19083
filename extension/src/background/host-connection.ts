// One persistent native-messaging port to tessera-host: hello first on every
// new port, requests matched to replies by id, and reconnection with backoff
// when the host dies or is not installed. Browser APIs are passed in, so the
// whole state machine runs under node's test runner with a fake port.

import { Backoff } from "./backoff";
import type { Codec } from "./codec";
import { HostError, classifyDisconnect, errorMessage } from "./errors";
import { RequestTracker, type Timers } from "./requests";
import { initialStatus, type HostStatus, type TokenInfo } from "../shared/status";
import { PROTOCOL_VERSION } from "../shared/contracts/host";
import type { Method, Params, Result } from "../shared/contracts/generated/protocol";

/** The part of chrome.runtime.Port (and Firefox's browser.runtime.Port) used here. */
export interface NativePort {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(cb: (message: unknown) => void): void };
  onDisconnect: { addListener(cb: (port: NativePort) => void): void };
  /** Firefox puts the reason here instead of runtime.lastError. */
  error?: { message?: string } | null;
}

export interface HostConnectionOptions {
  connect(): NativePort;
  /** Reads (and so clears) chrome.runtime.lastError inside onDisconnect. */
  lastErrorMessage(): string | undefined;
  timers: Timers;
  clientVersion: string;
  onStatus(status: HostStatus): void;
  log?(message: string): void;
  backoff?: Backoff;
  helloTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Milliseconds since the epoch (a fake clock in unit tests). */
  now?(): number;
}

/**
 * How long the token list this connection holds serves an operation without a
 * new `token.list` (a PC/SC listing): long enough for a thread of messages,
 * short enough that a card swapped since is seen at the next one. Any error
 * reply drops it at once.
 */
export const TOKENS_FRESH_MS = 15_000;

export class HostConnection {
  private codec: Codec | null = null;
  private port: NativePort | null = null;
  /** Bumped for every new or closed port: callbacks of an older port are ignored. */
  private generation = 0;
  private reconnectTimer: unknown = null;
  private status: HostStatus = initialStatus();
  /** When token.list last answered on the current port, or null: the held list is then not trusted. */
  private listedAt: number | null = null;
  private readonly tracker: RequestTracker;
  private readonly backoff: Backoff;
  private readonly helloTimeoutMs: number;
  private readonly requestTimeoutMs: number;

  constructor(private readonly opts: HostConnectionOptions) {
    this.tracker = new RequestTracker(opts.timers);
    this.backoff = opts.backoff ?? new Backoff();
    this.helloTimeoutMs = opts.helloTimeoutMs ?? 5_000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 20_000;
  }

  currentStatus(): HostStatus {
    return structuredClone(this.status);
  }

  start(codec: Codec): void {
    this.codec = codec;
    this.update({ coreVersion: codec.version });
    this.connect();
  }

  /** The host protocol module could not be loaded: no request can be built, so none is sent. */
  coreFailed(err: unknown): void {
    this.log(`the host protocol module failed to load: ${errorMessage(err)}`);
    this.update({ state: "disconnected", lastErrorCode: "core_unavailable", lastError: errorMessage(err) });
  }

  /** The user asked for fresh data: list tokens again, or reconnect now. */
  refresh(): void {
    if (this.codec === null) return;
    if (this.port !== null && this.status.state === "connected") {
      void this.listTokens();
    } else if (this.port === null) {
      this.connect();
    }
  }

  /**
   * Sends one request; the promise settles with its result, decoded by the core
   * as `method`'s result type, or a HostError.
   */
  request<M extends Method>(method: M, params: Params<M>, timeoutMs = this.requestTimeoutMs): Promise<Result<M>> {
    if (this.codec === null) {
      return Promise.reject(new HostError("core_unavailable", "the wasm core is not loaded"));
    }
    const port = this.port;
    if (port === null) {
      const code = this.status.state === "not_installed" ? "not_installed" : "disconnected";
      return Promise.reject(new HostError(code, "no connection to the helper"));
    }
    const id = this.tracker.nextId();
    let frame: unknown;
    try {
      frame = this.codec.encodeRequest(id, method, params);
    } catch (err) {
      return Promise.reject(err);
    }
    const reply = this.tracker.track(id, method, timeoutMs);
    try {
      port.postMessage(frame);
    } catch (err) {
      this.tracker.fail(id, new HostError("disconnected", `could not send \`${method}\`: ${errorMessage(err)}`));
    }
    // An error may mean a token went away (pulled card, removed soft token): the held list is no longer trusted.
    reply.catch(() => {
      this.listedAt = null;
    });
    return reply;
  }

  private connect(): void {
    this.cancelReconnect();
    const gen = ++this.generation;
    this.listedAt = null;
    // A retry while the helper is not installed keeps saying so: flickering to
    // "connecting" every backoff step would hide the install instructions.
    if (this.status.state !== "not_installed") this.update({ state: "connecting" });
    let port: NativePort;
    try {
      port = this.opts.connect();
    } catch (err) {
      this.portClosed(gen, errorMessage(err));
      return;
    }
    this.port = port;
    port.onMessage.addListener((message) => {
      if (gen === this.generation) this.onMessage(message);
    });
    port.onDisconnect.addListener((p) => {
      // Always read lastError, even for a stale port, or Chromium logs it as unchecked.
      const message = p.error?.message ?? this.opts.lastErrorMessage();
      if (gen === this.generation) this.portClosed(gen, message);
    });
    void this.handshake(gen);
  }

  private async handshake(gen: number): Promise<void> {
    let hello: Result<"hello">;
    try {
      hello = await this.request(
        "hello",
        { client: "tessera-extension", client_version: this.opts.clientVersion, protocol_version: PROTOCOL_VERSION },
        this.helloTimeoutMs,
      );
    } catch (err) {
      if (gen !== this.generation) return; // the port closed; portClosed said why
      // A host that cannot answer hello is of no use: drop it and try again later.
      this.dropPort(gen, err);
      return;
    }
    if (gen !== this.generation) return;
    this.backoff.reset();
    const hostVersion = hello.host_version;
    this.log(`connected to tessera-host ${hostVersion ?? "(unknown version)"}, core ${this.status.coreVersion ?? "?"}`);
    this.update({ state: "connected", hostVersion, lastErrorCode: null, lastError: null });
    await this.listTokens();
  }

  /** The tokens for an operation: the held list while it is fresh (TOKENS_FRESH_MS), else a new token.list. */
  async tokens(): Promise<TokenInfo[]> {
    const at = this.listedAt;
    if (at !== null && this.status.state === "connected" && this.now() - at <= TOKENS_FRESH_MS) return structuredClone(this.status.tokens);
    const gen = this.generation;
    const { tokens, problems } = await this.request("token.list", {});
    if (gen === this.generation) {
      this.listedAt = this.now();
      this.update({ tokens, problems });
    }
    return tokens;
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private async listTokens(): Promise<void> {
    const gen = this.generation;
    try {
      const { tokens, problems } = await this.request("token.list", {});
      if (gen !== this.generation) return;
      this.listedAt = this.now();
      this.log(`token.list: ${tokens.length} token(s), ${problems.length} problem(s)`);
      this.update({ tokens, problems, lastErrorCode: null, lastError: null });
    } catch (err) {
      if (gen !== this.generation) return;
      this.update({
        lastErrorCode: err instanceof HostError ? err.code : "internal",
        lastError: errorMessage(err),
      });
    }
  }

  private onMessage(message: unknown): void {
    if (this.codec === null) return;
    // Which method this id asked for: its result is read as that method's type.
    const rawId = typeof message === "object" && message !== null ? (message as { id?: unknown }).id : null;
    const method = this.tracker.methodOf(typeof rawId === "number" ? rawId : null);
    if (method === null && typeof message === "object" && message !== null && "result" in message) {
      // A result for no request in flight (a late reply after a timeout): nothing to check it against.
      this.log(`dropped a result for no request in flight (id ${String(rawId)})`);
      return;
    }
    let reply;
    try {
      reply = this.codec.decodeReply(message, method);
    } catch (err) {
      this.log(`dropped a reply: ${errorMessage(err)}`);
      this.update({ lastErrorCode: "bad_reply", lastError: errorMessage(err) });
      return;
    }
    if (!this.tracker.settle(reply) && "error" in reply) {
      // An error about a frame the host could not read (id null) or a late reply.
      this.update({ lastErrorCode: reply.error.code, lastError: reply.error.message });
    }
  }

  /** We give up on a port ourselves (hello failed): port.disconnect() fires no onDisconnect. */
  private dropPort(gen: number, err: unknown): void {
    const port = this.port;
    this.port = null;
    try {
      port?.disconnect();
    } catch {
      // already closed
    }
    const code = err instanceof HostError ? err.code : "internal";
    this.closed(gen, "disconnected", code, errorMessage(err));
  }

  private portClosed(gen: number, message: string | undefined): void {
    this.port = null;
    const kind = classifyDisconnect(message);
    const detail = message ?? "the helper closed the connection";
    this.closed(gen, kind, kind, detail);
  }

  private closed(gen: number, state: "disconnected" | "not_installed", code: string, detail: string): void {
    if (gen !== this.generation) return;
    this.generation += 1;
    this.listedAt = null;
    this.tracker.failAll(new HostError(state, detail));
    const delay = this.backoff.next();
    this.log(`${state}: ${detail}; retrying in ${delay} ms`);
    this.update({ state, tokens: [], problems: [], lastErrorCode: code, lastError: detail });
    this.reconnectTimer = this.opts.timers.setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private cancelReconnect(): void {
    if (this.reconnectTimer !== null) {
      this.opts.timers.clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
  }

  private update(patch: Partial<HostStatus>): void {
    this.status = { ...this.status, ...patch };
    this.opts.onStatus(this.currentStatus());
  }

  private log(message: string): void {
    this.opts.log?.(message);
  }
}
