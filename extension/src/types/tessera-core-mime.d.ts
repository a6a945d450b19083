// The MIME exports of the wasm core (wasm-core/src/bindings_mime.rs) that the
// webmail integration uses. Keep in step with that file.
declare module "tessera-core" {
  export class MimeCleartext {
    constructor(text: string);
    setHtml(html: string): void;
    setAllow8bit(allow: boolean): void;
    /** contentType undefined: guessed from the filename's extension. */
    addAttachment(filename: string, contentType: string | null | undefined, data: Uint8Array): void;
    build(): Uint8Array;
    free(): void;
  }
  /** { text, html, attachments: [{ filename, contentType, data }] } from a decrypted entity. */
  export function mimeParseContent(entity: Uint8Array): unknown;
}
