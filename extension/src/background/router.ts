// The background's one entry for messages and ports: message type (or port
// name) → the sender zone allowed to use it → handler. service-worker.ts holds
// the table; this module decides the sender's zones from what the browser says
// about the sender (never from the message) and dispatches.
//
// Zones (a sender may be in several: a webmail frame is also an extension page):
//   page             an extension page: sender.id is ours and its URL is under runtime.getURL("")
//   credentials-page the popup or the options page (popup-api.ts isCredentialsPage)
//   frame            an extension page under frames/ (the webmail editor and reader)
//   reader-frame     an extension page under frames/reader/
//   content          a content script of ours in a web document (http(s), about:blank, about:srcdoc)
//
// Messages that find no handler get no answer, except from an extension page:
// a type that is not routed to one of the page zones (unknown, or a content
// script's) gets the page API's "unknown request" reply, as it always did.

import { isWebDocument } from "./webmail-relay";

export type Zone = "page" | "credentials-page" | "frame" | "reader-frame" | "content";

const PAGE_ZONES: ReadonlySet<Zone> = new Set<Zone>(["page", "credentials-page", "frame", "reader-frame"]);

export interface RouterContext {
  /** chrome.runtime.id */
  extensionId: string;
  /** chrome.runtime.getURL(""), e.g. chrome-extension://<id>/ */
  extensionBase: string;
  /** The popup and options page (popup-api.ts isCredentialsPage). */
  isCredentialsPage(url: string | undefined): boolean;
}

/** The zones a sender belongs to, from the browser's sender fields only. */
export function zonesOf(sender: chrome.runtime.MessageSender | undefined, ctx: RouterContext): Set<Zone> {
  const zones = new Set<Zone>();
  if (sender === undefined || sender.id !== ctx.extensionId) return zones;
  const url = sender.url ?? "";
  if (url.startsWith(ctx.extensionBase)) {
    zones.add("page");
    if (ctx.isCredentialsPage(sender.url)) zones.add("credentials-page");
    if (url.startsWith(`${ctx.extensionBase}frames/`)) zones.add("frame");
    if (url.startsWith(`${ctx.extensionBase}frames/reader/`)) zones.add("reader-frame");
  } else if (isWebDocument(url)) {
    zones.add("content");
  }
  return zones;
}

/**
 * What a handler returns: a reply (sent at once), a promise of one (sent when
 * it settles), or undefined: no reply at all.
 */
export type MessageHandler = (message: Record<string, unknown>, sender: chrome.runtime.MessageSender) => unknown;

export interface MessageRoute {
  /** A message type, or a prefix ending in ".*" ("credentials.*"). */
  type: string;
  zone: Zone;
  handler: MessageHandler;
}

export interface PortRoute {
  name: string;
  zone: Zone;
  /** Called with a port whose sender is in the zone; it owns the port from then on. */
  accept(port: chrome.runtime.Port): void;
}

export interface Routes {
  messages: MessageRoute[];
  /** The answer to any other message from an extension page. */
  pageFallback: MessageHandler;
  ports: PortRoute[];
}

function matches(routeType: string, type: unknown): boolean {
  if (typeof type !== "string") return false;
  return routeType.endsWith(".*") ? type.startsWith(routeType.slice(0, -1)) : type === routeType;
}

/** The handler for a message, or null: no answer. Throws if two routes claim one type. */
export function routeMessage(routes: Routes, ctx: RouterContext, message: unknown, sender: chrome.runtime.MessageSender): MessageHandler | null {
  if (typeof message !== "object" || message === null) return null;
  const zones = zonesOf(sender, ctx);
  const route = routes.messages.find((r) => matches(r.type, (message as { type?: unknown }).type));
  if (route !== undefined && zones.has(route.zone)) return route.handler;
  // Meant for another page (e.g. credentials.* from a webmail frame): not answered.
  if (route !== undefined && PAGE_ZONES.has(route.zone)) return null;
  return zones.has("page") ? routes.pageFallback : null;
}

/** runtime.onMessage's listener body: true while an answer is still coming. */
export function dispatchMessage(
  routes: Routes,
  ctx: RouterContext,
  message: unknown,
  sender: chrome.runtime.MessageSender,
  sendResponse: (reply: unknown) => void,
): boolean {
  const handler = routeMessage(routes, ctx, message, sender);
  if (handler === null) return false;
  const reply = handler(message as Record<string, unknown>, sender);
  if (reply === undefined) return false;
  if (reply instanceof Promise) {
    void reply.then(sendResponse);
    return true;
  }
  sendResponse(reply);
  return false;
}

/** runtime.onConnect's listener body: a port of a known name from its zone, or disconnected. */
export function dispatchPort(routes: Routes, ctx: RouterContext, port: chrome.runtime.Port, log?: (message: string) => void): void {
  const route = routes.ports.find((r) => r.name === port.name);
  if (route === undefined || !zonesOf(port.sender, ctx).has(route.zone)) {
    if (route !== undefined) log?.(`router: refused a ${port.name} port from outside its zone (${route.zone})`);
    port.disconnect();
    return;
  }
  route.accept(port);
}

/** The one runtime.onMessage and the one runtime.onConnect listener of the background. */
export function listen(routes: Routes, ctx: RouterContext, log?: (message: string) => void): void {
  const types = routes.messages.map((r) => r.type);
  const dup = types.find((t, i) => types.indexOf(t) !== i);
  if (dup !== undefined) throw new Error(`router: two routes for ${dup}`);
  chrome.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => dispatchMessage(routes, ctx, message, sender, sendResponse));
  chrome.runtime.onConnect.addListener((port) => dispatchPort(routes, ctx, port, log));
}
