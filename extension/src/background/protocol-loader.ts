// Loads the host protocol module (wasm-core/pkg-protocol, built by
// scripts/lib/wasm.sh): the Rust definition of every request and reply
// (tessera-protocol), and nothing else, so the connection to the host starts
// without waiting for the OpenPGP module. Using it is in codec.ts.

import init, { coreVersion, decodeReply, encodeRequest } from "tessera-protocol";
import { makeCodec, type Codec } from "./codec";

/** Fetches the .wasm from the extension's own URL and instantiates it. */
export async function loadProtocol(wasmUrl: string): Promise<Codec> {
  await init({ module_or_path: wasmUrl });
  return makeCodec({ coreVersion, encodeRequest, decodeReply });
}
