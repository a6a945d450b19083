import assert from "node:assert/strict";
import { test } from "node:test";
import { makeCodec } from "../src/background/codec";
import { HostConnection, TOKENS_FRESH_MS, type NativePort } from "../src/background/host-connection";
import type { HostStatus } from "../src/shared/status";
import { FakeTimers, flush } from "./fake-timers";

// A stand-in for the wasm core: the real one is exercised by the browser tests.
// Like the core, it reads a result only as the reply to a known method.
const decodedAs: Array<string | null> = [];
const fakeCore = {
  coreVersion: () => "9.9.9",
  encodeRequest(id: number, method: string, paramsJson: string): string {
    if (!["hello", "token.list"].includes(method)) throw new Error(`unknown method \`${method}\``);
    return JSON.stringify({ id, method, params: JSON.parse(paramsJson) });
  },
  decodeReply(json: string, method?: string | null): unknown {
    const v = JSON.parse(json) as Record<string, unknown>;
    if (!("id" in v) || ("result" in v) === ("error" in v)) throw new Error("not a reply");
    if ("result" in v && (method ?? null) === null) throw new Error("a result for no request in flight");
    decodedAs.push(method ?? null);
    return v;
  },
};

class FakePort implements NativePort {
  sent: Array<{ id: number; method: string }> = [];
  error: { message?: string } | null = null;
  closedByUs = false;
  private msgListeners: Array<(m: unknown) => void> = [];
  private discListeners: Array<(p: NativePort) => void> = [];
  onMessage = { addListener: (cb: (m: unknown) => void) => void this.msgListeners.push(cb) };
  onDisconnect = { addListener: (cb: (p: NativePort) => void) => void this.discListeners.push(cb) };
  postMessage(m: unknown): void {
    this.sent.push(m as { id: number; method: string });
  }
  disconnect(): void {
    this.closedByUs = true;
  }
  reply(m: unknown): void {
    for (const l of this.msgListeners) l(m);
  }
  die(message?: string): void {
    if (message !== undefined) this.error = { message };
    for (const l of this.discListeners) l(this);
  }
  last(method: string): { id: number; method: string } {
    const m = [...this.sent].reverse().find((s) => s.method === method);
    assert.ok(m, `no ${method} sent`);
    return m;
  }
}

function setup(clock: { now: number } = { now: 0 }) {
  const timers = new FakeTimers();
  const ports: FakePort[] = [];
  const statuses: HostStatus[] = [];
  const conn = new HostConnection({
    connect: () => {
      const p = new FakePort();
      ports.push(p);
      return p;
    },
    lastErrorMessage: () => undefined,
    timers,
    clientVersion: "0.1.0",
    onStatus: (s) => statuses.push(s),
    now: () => clock.now,
  });
  const latest = () => statuses[statuses.length - 1] as HostStatus;
  return { timers, ports, conn, latest, statuses, port: () => ports[ports.length - 1] as FakePort };
}

const TOKENS = {
  tokens: [
    {
      id: "card:X", backend: "card", reader: "Virtual PCD 00 00", aid: "D2760001240103040000000000010000",
      manufacturer: null, serial: "00000001", cardholder: "Alice",
      slots: [{ slot: "signature", algorithm: "ed25519", fingerprint: "AB".repeat(20) }],
      pin_retries: { user: 3, reset: 0, admin: 3 }, pin_cached: false,
    },
  ],
  problems: [],
};

async function connectFully(s: ReturnType<typeof setup>) {
  const port = s.port();
  port.reply({ id: port.last("hello").id, result: { host: "tessera-host", host_version: "0.1.0", protocol_version: 1 } });
  await flush();
  port.reply({ id: port.last("token.list").id, result: TOKENS });
  await flush();
}

test("sends hello first on a new port, then lists tokens", async () => {
  const s = setup();
  s.conn.start(makeCodec(fakeCore));
  assert.equal(s.latest().state, "connecting");
  assert.equal(s.latest().coreVersion, "9.9.9");
  assert.deepEqual(s.port().sent.map((m) => m.method), ["hello"]);
  await connectFully(s);
  assert.equal(s.latest().state, "connected");
  assert.equal(s.latest().hostVersion, "0.1.0");
  assert.equal(s.latest().tokens[0]?.serial, "00000001");
  assert.deepEqual(s.port().sent.map((m) => m.method), ["hello", "token.list"]);
});

test("a missing host is 'not_installed', and it is retried with backoff", async () => {
  const s = setup();
  s.conn.start(makeCodec(fakeCore));
  s.port().die("Specified native messaging host not found.");
  await flush();
  assert.equal(s.latest().state, "not_installed");
  assert.equal(s.latest().lastErrorCode, "not_installed");
  assert.deepEqual(s.timers.pending, [250]);
  const shown = s.statuses.length;
  s.timers.advance(250);
  assert.equal(s.ports.length, 2);
  assert.deepEqual(
    s.statuses.slice(shown).map((st) => st.state),
    [],
    "a retry does not flicker to 'connecting' and hide the install instructions",
  );
  s.port().die("No such native application org.tessera.host");
  await flush();
  assert.equal(s.latest().state, "not_installed");
  assert.deepEqual(s.timers.pending, [500], "the second retry waits twice as long");
});

test("once installed, a retry after 'not_installed' connects", async () => {
  const s = setup();
  s.conn.start(makeCodec(fakeCore));
  s.port().die("Specified native messaging host not found.");
  await flush();
  s.timers.advance(250);
  await connectFully(s);
  assert.equal(s.latest().state, "connected");
});

test("when the host dies: pending requests fail, state is disconnected, it reconnects and recovers", async () => {
  const s = setup();
  s.conn.start(makeCodec(fakeCore));
  await connectFully(s);
  s.conn.refresh();
  const inFlight = s.conn.request("token.list", {});
  s.port().die("Native host has exited.");
  await assert.rejects(inFlight, /Native host has exited/);
  assert.equal(s.latest().state, "disconnected");
  assert.deepEqual(s.latest().tokens, []);
  s.timers.advance(250);
  assert.equal(s.ports.length, 2);
  assert.deepEqual(s.port().sent.map((m) => m.method), ["hello"]);
  await connectFully(s);
  assert.equal(s.latest().state, "connected");
  assert.equal(s.latest().tokens.length, 1);
  // A successful hello resets the backoff: the next failure waits 250 ms again.
  s.port().die("Native host has exited.");
  assert.deepEqual(s.timers.pending, [250]);
});

test("a host that never answers hello is dropped and retried", async () => {
  const s = setup();
  s.conn.start(makeCodec(fakeCore));
  s.timers.advance(5000);
  await flush();
  assert.equal(s.ports[0]?.closedByUs, true);
  assert.equal(s.latest().state, "disconnected");
  assert.equal(s.latest().lastErrorCode, "timeout");
  s.timers.advance(250);
  assert.equal(s.ports.length, 2);
});

test("events from an old port are ignored after reconnecting", async () => {
  const s = setup();
  s.conn.start(makeCodec(fakeCore));
  const old = s.port();
  old.die("Native host has exited.");
  s.timers.advance(250);
  await connectFully(s);
  old.die("Native host has exited.");
  old.reply({ id: 1, result: {} });
  await flush();
  assert.equal(s.latest().state, "connected");
});

test("a request the core refuses is never sent", async () => {
  const s = setup();
  s.conn.start(makeCodec(fakeCore));
  await connectFully(s);
  const before = s.port().sent.length;
  // @ts-expect-error -- not a method of the generated contract: refused by the type check too.
  await assert.rejects(s.conn.request("token.erase", {}), (e: unknown) => (e as { code?: string }).code === "bad_request");
  assert.equal(s.port().sent.length, before);
});

test("a malformed reply is reported and does not settle anything", async () => {
  const s = setup();
  s.conn.start(makeCodec(fakeCore));
  s.port().reply({ nonsense: true });
  await flush();
  assert.equal(s.latest().lastErrorCode, "bad_reply");
  assert.equal(s.latest().state, "connecting");
});

test("refresh while disconnected reconnects at once", async () => {
  const s = setup();
  s.conn.start(makeCodec(fakeCore));
  s.port().die("Specified native messaging host not found.");
  s.conn.refresh();
  assert.equal(s.ports.length, 2);
  assert.deepEqual(s.timers.pending.length, 1, "only the hello timeout is pending, not the old retry");
});

test("a core that failed to load is reported and nothing is sent", () => {
  const s = setup();
  s.conn.coreFailed(new Error("CompileError"));
  assert.equal(s.ports.length, 0);
  assert.equal(s.latest().lastErrorCode, "core_unavailable");
});

test("each reply is decoded as the result of the method its id asked for", async () => {
  const s = setup();
  decodedAs.length = 0;
  s.conn.start(makeCodec(fakeCore));
  await connectFully(s);
  assert.deepEqual(decodedAs, ["hello", "token.list"]);
  // The token.list result is the generated TokenInfo as is: the AID included.
  assert.equal(s.latest().tokens[0]?.aid, "D2760001240103040000000000010000");
  assert.equal(s.latest().tokens[0]?.pin_retries?.user, 3);
});

test("a late result (no request in flight for its id) is dropped unchecked; an error about nothing is shown", async () => {
  const s = setup();
  s.conn.start(makeCodec(fakeCore));
  await connectFully(s);
  decodedAs.length = 0;
  s.port().reply({ id: 9999, result: { anything: true } });
  await flush();
  assert.deepEqual(decodedAs, [], "a result with no method to check it against is not decoded");
  assert.equal(s.latest().lastErrorCode, null);
  s.port().reply({ id: null, error: { code: "invalid_json", message: "m" } });
  await flush();
  assert.deepEqual(decodedAs, [null]);
  assert.equal(s.latest().lastErrorCode, "invalid_json");
});

test("an operation uses the token list the connection holds while it is fresh, and lists again after it or after an error", async () => {
  const clock = { now: 1_000_000 };
  const s = setup(clock);
  s.conn.start(makeCodec(fakeCore));
  await connectFully(s);
  const listed = () => s.port().sent.filter((m) => m.method === "token.list").length;
  assert.equal(listed(), 1);
  assert.equal((await s.conn.tokens())[0]?.serial, "00000001");
  assert.equal(listed(), 1, "no PC/SC listing for an operation right after the list");
  clock.now += TOKENS_FRESH_MS + 1;
  const fresh = s.conn.tokens();
  await flush();
  assert.equal(listed(), 2, "an old list is listed again");
  s.port().reply({ id: s.port().last("token.list").id, result: TOKENS });
  assert.equal((await fresh)[0]?.serial, "00000001");
  assert.equal(listed(), 2);
  // An error reply (a card pulled mid-operation, say) drops the held list.
  const failing = s.conn.request("token.list", {});
  await flush();
  s.port().reply({ id: s.port().last("token.list").id, error: { code: "card_error", message: "card removed" } });
  await assert.rejects(failing);
  await flush();
  const after = s.conn.tokens();
  await flush();
  assert.equal(listed(), 4, "listed again after the error");
  s.port().reply({ id: s.port().last("token.list").id, result: TOKENS });
  await after;
});
