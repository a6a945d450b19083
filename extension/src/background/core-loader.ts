// Loads the OpenPGP wasm module (wasm-core/pkg, built by scripts/lib/wasm.sh)
// from the extension's own files, when a flow first needs it: a worker started
// for the popup's status or for autofill's ranking does not compile it. The
// OpenPGP exports are wrapped in pgp.ts; the host protocol codec is the
// protocol module's (protocol-loader.ts).

import init, {
  decryptFinish,
  decryptPrepare,
  encryptMessage,
  keyringImport,
  keyringList,
  keyringRemove,
  signFinish,
  signPrepare,
} from "tessera-core";
import { loadOnce } from "./load-once";
import { wrapPgpCore, type PgpCore } from "./pgp";

// The MIME builder and parser for webmail-api.ts, from the same (loaded) module:
// this file, protocol-loader.ts and credentials/core.ts are the only ones that import wasm.
export { MimeCleartext, mimeParseContent } from "tessera-core";

/** Fetches the .wasm from the extension's own URL and instantiates it, once (load-once.ts). */
export const loadCore: (wasmUrl: string) => Promise<PgpCore> = loadOnce("the OpenPGP module", async (wasmUrl: string) => {
  await init({ module_or_path: wasmUrl });
  return wrapPgpCore({
    keyringImport,
    keyringRemove,
    keyringList,
    encryptMessage,
    signPrepare,
    signFinish,
    decryptPrepare,
    decryptFinish,
  });
});
