// Loads the wasm core (wasm-core/pkg, built by scripts/lib/wasm.sh) from the
// extension's own files. Everything about using it is in codec.ts.

import init, { coreVersion, decodeReply, encodeRequest } from "tessera-core";
import { makeCodec, type Codec } from "./codec";

/** Fetches the .wasm from the extension's own URL and instantiates it. */
export async function loadCore(wasmUrl: string): Promise<Codec> {
  await init({ module_or_path: wasmUrl });
  return makeCodec({ coreVersion, encodeRequest, decodeReply });
}
