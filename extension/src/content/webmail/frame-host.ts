// One Tessera frame (editor or reader) placed in a web page, and its port to
// the background. The iframe sits in a closed shadow root, so page scripts see
// neither its URL (which carries the session id) nor its element; they can
// only style or remove the host, which the visibility check below reports.

import {
  WEBMAIL_CONTENT_PORT,
  type ContentToBackground,
  type FrameKind,
  type ToContent,
} from "../../shared/contracts/webmail";
import { ClickEvidence } from "./click-evidence";

export interface FrameHostOptions {
  kind: FrameKind;
  /** The frame takes this element's place on screen; the element is hidden meanwhile. */
  replace: HTMLElement;
  minHeight: number;
  /** Puts the armor into the page; false when it could not (the editor then stays open, its text kept). */
  onWrite?: (armored: string, pgpMime: boolean) => Promise<boolean>;
  onClose: () => void;
}

export interface FrameHost {
  send(message: ContentToBackground): void;
  remove(): void;
  /** The frame's host element (for notices placed next to it). */
  readonly element: HTMLElement;
}

function newSessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** How often the frame's place and visibility are sampled (the dwell before a click counts from these samples). */
const VISIBILITY_INTERVAL_MS = 100;

export function openFrame(options: FrameHostOptions): FrameHost {
  const session = newSessionId();
  const host = document.createElement("tessera-frame");
  host.dataset["tesseraKind"] = options.kind;
  const root = host.attachShadow({ mode: "closed" });
  const iframe = document.createElement("iframe");
  iframe.src = chrome.runtime.getURL(`frames/${options.kind}/${options.kind}.html#${session}`);
  iframe.setAttribute("allow", "");
  iframe.style.cssText = `display:block;width:100%;height:${options.minHeight}px;border:0;margin:0;padding:0;`;
  const style = document.createElement("style");
  style.textContent = ":host{display:block!important;width:100%;margin:.4em 0;border:2px solid #1d4e89;border-radius:6px;overflow:hidden;}";
  root.append(style, iframe);

  const previousDisplay = options.replace.style.display;
  options.replace.style.display = "none";
  options.replace.insertAdjacentElement("afterend", host);

  const port = chrome.runtime.connect({ name: WEBMAIL_CONTENT_PORT });
  let open = true;
  const send = (message: ContentToBackground): void => {
    if (open) port.postMessage(message);
  };
  send({ type: "open", session, kind: options.kind });

  const evidence = new ClickEvidence(host, iframe);
  let last = "";
  const timer = setInterval(() => {
    const { ok, flat, reason } = evidence.sample();
    if (`${ok}${flat}${reason}` !== last) {
      last = `${ok}${flat}${reason}`;
      send({ type: "visibility", visible: ok, flat, reason });
    }
  }, VISIBILITY_INTERVAL_MS);

  const remove = (): void => {
    if (!open) return;
    open = false;
    clearInterval(timer);
    port.disconnect();
    host.remove();
    options.replace.style.display = previousDisplay;
  };
  port.onDisconnect.addListener(() => {
    if (!open) return;
    remove();
    options.onClose();
  });
  port.onMessage.addListener((message: ToContent) => {
    switch (message.type) {
      case "write":
        // The page's editor is shown again for the write: a hidden editable takes no
        // selection, so the browser's editing commands would do nothing there.
        options.replace.style.display = previousDisplay;
        void (options.onWrite?.(message.armored, message.pgpMime) ?? Promise.resolve(false)).then((ok) => {
          send({ type: "writeResult", ok });
          if (!ok) {
            options.replace.style.display = "none";
            return;
          }
          remove();
          options.onClose();
        });
        break;
      case "height":
        iframe.style.height = `${Math.max(options.minHeight, message.px)}px`;
        break;
      case "gesture": {
        const { ok, reason, flat } = evidence.judgeClick(message.x, message.y, message.width, message.height);
        send({ type: "gestureVerdict", id: message.id, ok, reason, flat });
        break;
      }
      case "close":
        remove();
        options.onClose();
        break;
    }
  });
  return { send, remove, element: host };
}
