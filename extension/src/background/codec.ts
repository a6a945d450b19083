// Wraps the wasm core as the only way to build host requests and
// read host replies: the protocol is defined once, in Rust (tessera-protocol).

import { HostError, errorMessage } from "./errors";
import type { DecodedReply } from "./requests";

export interface Codec {
  readonly version: string;
  /** The request as the object to post on the native port. Throws HostError("bad_request"). */
  encodeRequest(id: number, method: string, params: Record<string, unknown>): unknown;
  /** Checks a message from the host. Throws HostError("bad_reply"). */
  decodeReply(message: unknown): DecodedReply;
}

export interface CoreApi {
  coreVersion(): string;
  encodeRequest(id: number, method: string, paramsJson: string): string;
  decodeReply(json: string): unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Wraps the core's functions; kept apart from loading (core.ts) so tests can pass a fake core. */
export function makeCodec(core: CoreApi): Codec {
  return {
    version: core.coreVersion(),
    encodeRequest(id, method, params) {
      let json: string;
      try {
        json = core.encodeRequest(id, method, JSON.stringify(params));
      } catch (err) {
        throw new HostError("bad_request", errorMessage(err));
      }
      // connectNative ports carry objects; the core checked this exact text.
      return JSON.parse(json) as unknown;
    },
    decodeReply(message) {
      let decoded: unknown;
      try {
        decoded = core.decodeReply(JSON.stringify(message));
      } catch (err) {
        throw new HostError("bad_reply", errorMessage(err));
      }
      if (!isObject(decoded)) throw new HostError("bad_reply", "the core returned no reply object");
      const id = typeof decoded["id"] === "number" ? decoded["id"] : null;
      const error = decoded["error"];
      if (isObject(error)) {
        const retries = error["retries_left"];
        const base = { code: String(error["code"]), message: String(error["message"]) };
        return { id, error: typeof retries === "number" ? { ...base, retriesLeft: retries } : base };
      }
      return { id, result: decoded["result"] };
    },
  };
}
