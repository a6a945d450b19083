// The options page's view of the security pattern: shown as the frames and the
// PIN prompt show it, and replaced by a new random one on request.

import { byTestId } from "../pages/dom";
import { paintPattern, replaceSeed } from "../pages/security-pattern";

export function setupPatternSection(): void {
  const swatch = byTestId("security-pattern");
  void paintPattern(swatch);
  byTestId("security-pattern-change").addEventListener("click", () => {
    void replaceSeed().then(() => paintPattern(swatch));
  });
}
