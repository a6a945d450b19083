import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { CHROMIUM_EXTENSION_ID, FIREFOX_EXTENSION_ID } from "../src/shared/contracts/generated/protocol";

// manifest/extension-id.json is what the build, the e2e helpers, the demo and the benchmarks
// read; the host's manifests allow the IDs in protocol/src/constants.rs (generated into the
// contract above). A change to one side only would lock the extension out of its host.
// Compiled into extension/build/tests/, hence three levels up.
const ids = JSON.parse(readFileSync(new URL("../../../manifest/extension-id.json", import.meta.url), "utf8")) as {
  chromium: { id: string; key: string };
  firefox: { id: string };
};

test("manifest/extension-id.json names the IDs the protocol allows", () => {
  assert.equal(ids.chromium.id, CHROMIUM_EXTENSION_ID);
  assert.equal(ids.firefox.id, FIREFOX_EXTENSION_ID);
});

test("the manifest key gives the Chromium ID (sha256 of the DER key, first 32 hex digits as a-p)", () => {
  const hex = createHash("sha256").update(Buffer.from(ids.chromium.key, "base64")).digest("hex").slice(0, 32);
  const id = [...hex].map((d) => String.fromCharCode(97 + parseInt(d, 16))).join("");
  assert.equal(id, ids.chromium.id);
});
