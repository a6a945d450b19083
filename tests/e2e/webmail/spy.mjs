// Test-only spy, added to every Roundcube page before its own scripts run
// (Playwright addInitScript, main world: what any page script can do). It
// records every value, text node, attribute and input/keyboard/clipboard/
// message event it can reach, in this document and in same-origin frames
// (TinyMCE's), so a test can prove the plaintext never passed the page.

export function installSpy() {
  const log = [];
  const keep = (kind, value) => {
    if (typeof value === "string" && value !== "") log.push(`${kind}:${value}`);
  };
  const events = ["input", "beforeinput", "change", "keydown", "keyup", "keypress", "paste", "copy", "cut", "drop",
    "compositionend", "textInput", "message", "focusin", "click", "mousedown"];
  const watchEvents = (win) => {
    for (const type of events) {
      win.addEventListener(type, (e) => {
        keep(`event.${type}.key`, e.key);
        keep(`event.${type}.data`, e.data);
        keep(`event.${type}.message`, typeof e.data === "object" ? JSON.stringify(e.data) : undefined);
        keep(`event.${type}.clipboard`, e.clipboardData?.getData("text/plain"));
        keep(`event.${type}.dataTransfer`, e.dataTransfer?.getData("text/plain"));
        const t = e.target;
        if (t && "value" in t) keep(`event.${type}.value`, String(t.value));
      }, true);
    }
  };
  const snapshot = (doc) => {
    if (!doc?.documentElement) return;
    keep("html", doc.documentElement.outerHTML);
    keep("text", doc.body?.innerText);
    for (const control of doc.querySelectorAll("input, textarea, select")) keep("value", control.value);
    for (const frame of doc.querySelectorAll("iframe")) {
      try {
        snapshot(frame.contentDocument);
      } catch {
        keep("blocked-frame", frame.src);
      }
    }
  };
  watchEvents(window);
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "characterData") keep("mutation.text", r.target.data);
      if (r.type === "attributes") keep(`mutation.attr.${r.attributeName}`, r.target.getAttribute?.(r.attributeName));
      for (const n of r.addedNodes ?? []) keep("mutation.added", n.textContent);
    }
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  setInterval(() => snapshot(document), 200);
  navigator.clipboard?.readText?.().then((t) => keep("clipboard", t), () => {});
  window.__tesseraSpy = { log, snapshot: () => (snapshot(document), log.length) };
}
