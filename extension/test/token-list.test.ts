import assert from "node:assert/strict";
import { test } from "node:test";
import { readHostVersion, readTokenList } from "../src/shared/token-list";

test("reads PROTOCOL.md's token.list example", () => {
  const { tokens, problems } = readTokenList({
    tokens: [
      {
        id: "card:D276000124010304FFFE000000010000",
        backend: "card",
        reader: "Virtual PCD 00 00",
        aid: "D276000124010304FFFE000000010000",
        manufacturer: "FFFE test card",
        serial: "00000001",
        cardholder: "Alice Example",
        slots: [
          { slot: "signature", algorithm: "ed25519", fingerprint: "0F1D3A8E9A3C4E7B5B1C2D3E4F5061728394A5B6" },
          { slot: "authentication", algorithm: "rsa2048", fingerprint: null },
        ],
        pin_retries: { user: 3, reset: 0, admin: 3 },
      },
    ],
    problems: [{ backend: "card", code: "pcsc_unavailable", message: "no pcscd" }],
  });
  assert.equal(tokens.length, 1);
  const [card] = tokens;
  assert.equal(card?.serial, "00000001");
  assert.equal(card?.cardholder, "Alice Example");
  assert.deepEqual(card?.pinRetries, { user: 3, reset: 0, admin: 3 });
  assert.equal(card?.slots[1]?.fingerprint, null);
  assert.deepEqual(problems, [{ backend: "card", code: "pcsc_unavailable", message: "no pcscd" }]);
});

test("drops entries of the wrong shape instead of showing garbage", () => {
  const { tokens } = readTokenList({ tokens: [42, { backend: "card" }, { id: "x", backend: "soft", slots: [{}, "s"] }] });
  assert.equal(tokens.length, 1);
  assert.deepEqual(tokens[0]?.slots, []);
  assert.deepEqual(readTokenList("nope"), { tokens: [], problems: [] });
});

test("reads the host version from hello", () => {
  assert.equal(readHostVersion({ host: "tessera-host", host_version: "0.1.0" }), "0.1.0");
  assert.equal(readHostVersion({ host_version: 1 }), null);
});
