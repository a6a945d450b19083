// What Tessera needs to know about one webmail, and nothing else. One module
// per provider implements it (providers/roundcube.ts, providers/generic.ts);
// Gmail or Outlook would be one more module each.

import type { Recipients } from "../../shared/contracts/webmail";

/** Where ciphertext goes when the user encrypts. */
export interface ComposeTarget {
  /** The element the editor frame replaces on screen while the user writes. */
  readonly anchor: HTMLElement;
  /** Where the "Encrypt with Tessera" button goes (inserted before this element). */
  readonly buttonBefore: HTMLElement;
  /** Where the user would type in the page's own editor (for the "not protected" notice). */
  readonly editable: HTMLElement;
  /** The body's text as its user sees it (to find an encrypted draft in it). */
  text(): string;
  /** Writes the armored message into the provider's body, firing the events it listens to; false when it did not take. */
  write(armored: string): boolean | Promise<boolean>;
  /** Sends the armor as the whole message, multipart/encrypted (RFC 3156); absent where the provider cannot. */
  writePgpMime?(armored: string): boolean | Promise<boolean>;
}

export interface WebmailProvider {
  readonly name: string;
  /** Whether this document is this provider's (cheap: called on every mutation batch). */
  detect(doc: Document): boolean;
  /** The compose bodies, when the page is a compose page in a mode the provider supports. */
  composeTargets(doc: Document): ComposeTarget[];
  /** To, Cc and Bcc of the compose form `target` belongs to, read only. */
  recipients(doc: Document, target: ComposeTarget): Recipients;
  /** The sender's address, when the page shows it. */
  sender(doc: Document): string | null;
  /** Elements of an opened message whose text may hold armored blocks. */
  messageParts(doc: Document): HTMLElement[];
  /** PGP/MIME messages (multipart/encrypted) the provider shows as an attachment: where, and how to fetch the armor. */
  encryptedMessages?(doc: Document): EncryptedMessage[];
}

export interface EncryptedMessage {
  /** Replaced by the reader frame. */
  readonly anchor: HTMLElement;
  /** The armored encrypted part, fetched from the provider (ciphertext only). */
  fetchArmored(): Promise<string>;
}

/** Sets a form control's value as typing would, so frameworks that watch events notice. */
export function setControlValue(control: HTMLTextAreaElement | HTMLInputElement, value: string): void {
  control.focus();
  control.value = value;
  for (const type of ["input", "change", "keyup"]) control.dispatchEvent(new Event(type, { bubbles: true }));
  control.blur();
}
