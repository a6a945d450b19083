// What a refused click tells the user, and the code tests and logs see. Every
// layout reason keeps the code gesture_hidden (one code for "the page hid or
// covered Tessera"); the precise reason goes to data-reason.

import { t } from "../../shared/i18n";

const MESSAGES: Record<string, string> = {
  untrusted: "frameNotVisible",
  moved: "frameMoved",
  no_answer: "frameNoAnswer",
};

export function gestureFailure(reason: string): { text: string; code: string } {
  const code = reason === "untrusted" ? "gesture_untrusted" : reason === "moved" ? "gesture_moved" : "gesture_hidden";
  return { text: t(MESSAGES[reason] ?? "frameNotVisible"), code };
}
