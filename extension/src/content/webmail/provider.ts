// What Tessera needs to know about one webmail, and nothing else. One module
// per provider implements it (providers/roundcube.ts, providers/generic.ts);
// Gmail or Outlook would be one more module each.

/** Where ciphertext goes when the user encrypts. */
export interface ComposeTarget {
  /** The element the editor frame replaces on screen while the user writes. */
  readonly anchor: HTMLElement;
  /** Where the "Encrypt with Tessera" button goes (inserted before this element). */
  readonly buttonBefore: HTMLElement;
  /** Writes the armored message into the provider's body, firing the events it listens to. */
  write(armored: string): void;
  /** Sends the armor as the whole message, multipart/encrypted (RFC 3156); absent where the provider cannot. */
  writePgpMime?(armored: string): void;
}

export interface WebmailProvider {
  readonly name: string;
  /** Whether this document is this provider's (cheap: called on every mutation batch). */
  detect(doc: Document): boolean;
  /** The compose body, when the page is a compose page in a mode the provider supports. */
  composeTarget(doc: Document): ComposeTarget | null;
  /** Recipient addresses from To/Cc/Bcc, read only. */
  recipients(doc: Document): string[];
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
