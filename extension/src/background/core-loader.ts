// Loads the wasm core (wasm-core/pkg, built by scripts/lib/wasm.sh) from the
// extension's own files. Using it for the host protocol is in codec.ts; the
// OpenPGP exports are wrapped in pgp.ts.

import init, {
  coreVersion,
  decodeReply,
  decryptFinish,
  decryptPrepare,
  encodeRequest,
  encryptMessage,
  keyringImport,
  keyringList,
  keyringRemove,
  signFinish,
  signPrepare,
} from "tessera-core";
import { makeCodec, type Codec } from "./codec";

// The MIME builder and parser for webmail-api.ts, from the same (loaded) module:
// this file and credentials/core.ts are the only ones that import wasm.
export { MimeCleartext, mimeParseContent } from "tessera-core";
import { wrapPgpCore, type PgpCore } from "./pgp";

export interface Core {
  codec: Codec;
  pgp: PgpCore;
}

/** Fetches the .wasm from the extension's own URL and instantiates it. */
export async function loadCore(wasmUrl: string): Promise<Core> {
  await init({ module_or_path: wasmUrl });
  return {
    codec: makeCodec({ coreVersion, encodeRequest, decodeReply }),
    pgp: wrapPgpCore({
      keyringImport,
      keyringRemove,
      keyringList,
      encryptMessage,
      signPrepare,
      signFinish,
      decryptPrepare,
      decryptFinish,
    }),
  };
}
