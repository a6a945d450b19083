// Wraps the wasm core as the only way to build host requests and
// read host replies: the protocol is defined once, in Rust (tessera-protocol).

import { HostError, errorMessage } from "./errors";
import type { DecodedReply } from "./requests";
import type { ErrorBody, Method, Params } from "../shared/contracts/generated/protocol";

export interface Codec {
  readonly version: string;
  /** The request as the object to post on the native port. Throws HostError("bad_request"). */
  encodeRequest<M extends Method>(id: number, method: M, params: Params<M>): unknown;
  /**
   * Checks a message from the host as a reply to `method` (the method its id
   * asked for; null when no request is known for it, then only an error reply
   * is accepted). Throws HostError("bad_reply").
   */
  decodeReply(message: unknown, method: Method | null): DecodedReply;
}

/** The wasm core's exports (wasm-core/src/bindings.rs). */
export interface CoreApi {
  coreVersion(): string;
  encodeRequest(id: number, method: string, paramsJson: string): string;
  decodeReply(json: string, method?: string | null): unknown;
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
    decodeReply(message, method) {
      let decoded: unknown;
      try {
        decoded = core.decodeReply(JSON.stringify(message), method);
      } catch (err) {
        throw new HostError("bad_reply", errorMessage(err));
      }
      // The core returns { id, result } (the result of `method`'s type) or { id, error }.
      if (!isObject(decoded)) throw new HostError("bad_reply", "the core returned no reply object");
      const id = typeof decoded["id"] === "number" ? decoded["id"] : null;
      if ("error" in decoded) return { id, error: decoded["error"] as ErrorBody };
      return { id, result: decoded["result"] };
    },
  };
}
