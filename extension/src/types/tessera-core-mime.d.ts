// The MIME exports of the wasm core (wasm-core/src/bindings_mime.rs). Their
// results are the types generated from the Rust views (wasm-core/src/views/mime.rs,
// see generated/core.ts); keep the signatures in step with bindings_mime.rs.
declare module "tessera-core" {
  type BuiltEntity = import("../shared/contracts/generated/core").BuiltEntity;
  type ArmorBlock = import("../shared/contracts/generated/core").ArmorBlock;
  type Detected = import("../shared/contracts/generated/core").Detected;
  type ParsedContent = import("../shared/contracts/generated/core").ParsedContent;

  export class MimeCleartext {
    constructor(text: string);
    setHtml(html: string): void;
    setAllow8bit(allow: boolean): void;
    /** contentType undefined: guessed from the filename's extension. */
    addAttachment(filename: string, contentType: string | null | undefined, data: Uint8Array): void;
    build(): Uint8Array;
    free(): void;
  }
  /** RFC 3156 multipart/encrypted around an armored PGP MESSAGE. */
  export function mimeBuildEncrypted(armoredMessage: string): BuiltEntity;
  /** The exact bytes to sign for `entity` (RFC 3156 canonical form). */
  export function mimeBytesToSign(entity: Uint8Array): Uint8Array;
  export function mimeBuildSigned(entity: Uint8Array, armoredSignature: string, micalg: string): BuiltEntity;
  /** Offsets in UTF-16 code units. */
  export function mimeFindArmoredBlocks(text: string): ArmorBlock[];
  export function mimeDetect(message: Uint8Array): Detected;
  /** A decrypted entity's text, HTML and attachments. */
  export function mimeParseContent(entity: Uint8Array): ParsedContent;
}
