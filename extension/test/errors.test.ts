import assert from "node:assert/strict";
import { test } from "node:test";
import { classifyDisconnect } from "../src/background/errors";

test("Chromium's missing-host message means not installed", () => {
  assert.equal(classifyDisconnect("Specified native messaging host not found."), "not_installed");
});

test("Chromium's forbidden-host message (manifest without our ID) means not installed", () => {
  assert.equal(classifyDisconnect("Access to the specified native messaging host is forbidden."), "not_installed");
});

test("Firefox's missing-host message means not installed", () => {
  assert.equal(classifyDisconnect("No such native application org.tessera.host"), "not_installed");
});

test("a host that exited or broke the framing means disconnected", () => {
  assert.equal(classifyDisconnect("Native host has exited."), "disconnected");
  assert.equal(classifyDisconnect("Error when communicating with the native messaging host."), "disconnected");
  assert.equal(classifyDisconnect(undefined), "disconnected");
  assert.equal(classifyDisconnect(""), "disconnected");
});
