// A frame's link to the background: claims the session named in its URL
// fragment and then receives only what the background checked. Frames never
// listen to window "message" events: anything posted at them is ignored.

import { WEBMAIL_FRAME_PORT, type FrameKind, type FrameToBackground, type ToFrame } from "../../shared/contracts/webmail";

export interface FrameSession {
  send(message: FrameToBackground): void;
}

export function connectSession(kind: FrameKind, onMessage: (message: ToFrame) => void): FrameSession {
  const session = location.hash.slice(1);
  const port = chrome.runtime.connect({ name: WEBMAIL_FRAME_PORT });
  port.onMessage.addListener(onMessage);
  port.postMessage({ type: "hello", session, kind } satisfies FrameToBackground);
  return { send: (message) => port.postMessage(message) };
}

/** Tells the content script how tall the frame's content is, so no inner scrollbar hides buttons. */
export function reportHeight(session: FrameSession): void {
  let last = 0;
  new ResizeObserver(() => {
    const px = Math.ceil(document.documentElement.scrollHeight);
    if (Math.abs(px - last) > 4) {
      last = px;
      session.send({ type: "height", px });
    }
  }).observe(document.body);
}
