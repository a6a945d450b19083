// Answers the extension pages' requests (options page, PIN prompt). The
// service worker calls this only for messages from the extension's own pages.

import { fromBase64 } from "../shared/base64";
import type { PageReply, PageRequest } from "../shared/contracts/page";
import { cardSetup, cardStatus } from "./card-setup-flow";
import { decrypt } from "./decrypt-flow";
import { findKeys, importFound } from "./discovery/discovery-flow";
import { keyserverUrl } from "./discovery/keyserver";
import { ownKeyArmored, wkdLayout } from "./discovery/wkd-export";
import { encrypt, readHidden } from "./encrypt-flow";
import type { FlowDeps } from "./flow-deps";
import { importKeys, listKeys, removeKey } from "./keyring-flow";
import { exportOwnKey } from "./own-key-flow";
import type { PinBroker } from "./pin-broker";
import { failure } from "./replies";
import { webSiteOf } from "./sender-site";

export interface PageApiDeps {
  /** Null until the wasm core is loaded. */
  flows(): Promise<FlowDeps>;
  broker: PinBroker;
  /** The security pattern's seed, in the worker's storage (pattern-store.ts). */
  pattern: { get(): Promise<string>; replace(): Promise<string> };
  /** The card's keys or PINs changed (card set-up): read the token list again. */
  tokensChanged(): void;
  /** Key discovery: the network, and the keyserver setting ("" = off, the default). */
  discovery: {
    fetch: typeof fetch;
    keyserver(): Promise<string>;
    setKeyserver(url: string): Promise<void>;
  };
}

const isStr = (v: unknown): v is string => typeof v === "string";


export async function handlePageRequest(deps: PageApiDeps, msg: PageRequest, sender?: chrome.runtime.MessageSender): Promise<PageReply> {
  try {
    switch (msg.type) {
      case "pin.info": {
        const prompt = deps.broker.info(String(msg.promptId));
        if (prompt === null) return { ok: false, code: "pin_prompt_gone", message: "this PIN prompt is no longer active" };
        return { ok: true, prompt };
      }
      case "pin.submit":
        if (!isStr(msg.pin)) return { ok: false, code: "pin_empty", message: "no PIN" };
        return await deps.broker.submit(String(msg.promptId), msg.pin);
      case "pin.submitCard": {
        const s = (msg.secrets ?? {}) as { current?: unknown; next?: unknown; confirm?: unknown };
        if (!isStr(s.current)) return { ok: false, code: "pin_empty", message: "no PIN" };
        return await deps.broker.submitCard(String(msg.promptId), {
          current: s.current,
          ...(isStr(s.next) ? { next: s.next } : {}),
          ...(isStr(s.confirm) ? { confirm: s.confirm } : {}),
        });
      }
      case "keys.find": {
        const flows = await deps.flows();
        const found = await findKeys(
          { pgp: flows.pgp, keyring: flows.keyring, fetch: deps.discovery.fetch, keyserver: deps.discovery.keyserver, newId: () => crypto.randomUUID() },
          String(msg.address),
        );
        return { ok: true, found };
      }
      case "keys.importFound":
        return { ok: true, imported: await importFound(await deps.flows(), String(msg.id)) };
      case "wkd.layout": {
        const flows = await deps.flows();
        const armored = "armored" in msg ? String(msg.armored) : await ownKeyArmored(flows, String(msg.fingerprint));
        return { ok: true, layout: await wkdLayout(flows, armored) };
      }
      case "keyserver.get":
        return { ok: true, keyserver: await deps.discovery.keyserver() };
      case "keyserver.set": {
        const url = String(msg.url ?? "").trim();
        if (url !== "") keyserverUrl(url, "check@example.org"); // throws a clear error for a bad one
        await deps.discovery.setKeyserver(url);
        return { ok: true, keyserver: url };
      }
      case "card.status":
        return { ok: true, card: await cardStatus(await deps.flows(), String(msg.token)) };
      case "card.setup": {
        const flows = await deps.flows();
        const outcome = await cardSetup({ ...flows, broker: deps.broker, tokensChanged: deps.tokensChanged }, String(msg.token), msg.op);
        return { ok: true, ...outcome };
      }
      case "pin.cancel":
        deps.broker.cancel(String(msg.promptId));
        return { ok: true, removed: true };
      case "pattern.get":
        return { ok: true, seed: await deps.pattern.get() };
      case "pattern.replace":
        return { ok: true, seed: await deps.pattern.replace() };
      case "keyring.list":
        return { ok: true, keys: await listKeys(await deps.flows()) };
      case "keyring.import": {
        const flows = await deps.flows();
        if (isStr(msg.base64)) {
          return { ok: true, results: await importKeys(flows, { binary: fromBase64(msg.base64), label: "#1" }) };
        }
        return { ok: true, results: await importKeys(flows, { text: String(msg.text ?? "") }) };
      }
      case "keyring.remove":
        return { ok: true, removed: await removeKey(await deps.flows(), String(msg.fingerprint)) };
      case "ownKey.export":
        return { ok: true, certificate: await exportOwnKey(await deps.flows(), String(msg.token)) };
      case "decrypt": {
        const r = await decrypt(await deps.flows(), String(msg.armored), { kind: "read_message", site: webSiteOf(sender) });
        return { ok: true, plaintext: r.plaintext, signatures: r.signatures };
      }
      case "encrypt": {
        const recipients = Array.isArray(msg.recipients) ? msg.recipients.filter(isStr) : [];
        const hidden = readHidden(msg.hidden, recipients);
        const r = await encrypt(await deps.flows(), String(msg.text), recipients, msg.sign === true, hidden);
        return { ok: true, armored: r.armored, recipientKeys: r.recipientKeys };
      }
      default:
        return { ok: false, code: "bad_request", message: "unknown request" };
    }
  } catch (err) {
    return failure(err);
  }
}
