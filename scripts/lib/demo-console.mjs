// The demo's "internal console": a login page as admin consoles have them
// (user name and password, then a TOTP code), served over HTTPS on 127.0.0.1
// with a certificate made for it. The browser reaches it as
// https://console.demo.test through --host-resolver-rules and trusts only this
// certificate (--ignore-certificate-errors-spki-list with its SPKI hash), so
// the demo needs no change to the system's trust store.
//
//   startDemoConsole({ stateDir, login, password, totpSecret }) → { port, spki, close() }

import { execFileSync } from "node:child_process";
import { randomUUID, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:https";
import { join } from "node:path";

export const CONSOLE_HOST = "console.demo.test";

/** A certificate for console.demo.test, made once and kept with the demo's state. */
function certificate(stateDir) {
  const dir = join(stateDir, "console-tls");
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  if (!existsSync(cert) || !existsSync(key)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "825",
        "-subj", `/CN=${CONSOLE_HOST}`, "-addext", `subjectAltName=DNS:${CONSOLE_HOST}`, "-keyout", key, "-out", cert],
      { stdio: "pipe" },
    );
  }
  // Chromium's --ignore-certificate-errors-spki-list takes base64(sha256(SubjectPublicKeyInfo)).
  const spkiDer = execFileSync("openssl", ["x509", "-in", cert, "-noout", "-pubkey"], { encoding: "utf8" });
  const der = execFileSync("openssl", ["pkey", "-pubin", "-outform", "der"], { input: spkiDer });
  const spki = execFileSync("openssl", ["dgst", "-sha256", "-binary"], { input: der }).toString("base64");
  return { key: readFileSync(key), cert: readFileSync(cert), spki };
}

/**
 * The console's check of a code, by oathtool (RFC 6238,
 * SHA-1, 30 s, 6 digits; scripts/lib/system-deps.sh installs it), for this
 * step and the one before, as consoles allow for a slow typist.
 */
function totpAccepts(secret, code) {
  const now = Math.floor(Date.now() / 1000);
  return [now, now - 30].some((t) =>
    same(code, execFileSync("oathtool", ["--totp", "-b", `--now=@${t}`, secret], { encoding: "utf8" }).trim()),
  );
}

function same(a, b) {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && timingSafeEqual(x, y);
}

const page = (title, body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; background: #1f2933; color: #e4e7eb; display: grid; place-items: center; min-height: 100vh; margin: 0; }
  main { background: #323f4b; padding: 2em 2.4em; border-radius: 8px; min-width: 18em; }
  h1 { font-size: 1.2em; margin: 0 0 1em; }
  label { display: block; margin: .6em 0 .2em; }
  input { width: 100%; box-sizing: border-box; padding: .4em; font-size: 1em; }
  button { margin-top: 1em; padding: .4em 1.2em; font-size: 1em; }
  .error { color: #ffb3b3; }
</style></head><body><main>${body}</main></body></html>`;

const LOGIN = (error) =>
  page(
    "Demo console: sign in",
    `<h1>Demo console</h1>${error ? `<p class="error" id="error">${error}</p>` : ""}
<form method="post" action="/login">
  <label for="username">User name</label><input id="username" name="username" autocomplete="username">
  <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
  <button type="submit">Sign in</button>
</form>`,
  );

const OTP = (sid, error) =>
  page(
    "Demo console: code",
    `<h1>Demo console: second factor</h1>${error ? `<p class="error" id="error">${error}</p>` : ""}
<form method="post" action="/otp">
  <input type="hidden" name="sid" value="${sid}">
  <label for="otp">Code from your authenticator</label><input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code">
  <button type="submit">Verify</button>
</form>`,
  );

const DONE = (user) => page("Demo console", `<h1 id="signed-in">Signed in as ${user}</h1><p>Console ready. No password or code went through the clipboard.</p>`);

async function form(req) {
  let body = "";
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 16_384) throw new Error("form too large");
  }
  return new URLSearchParams(body);
}

export async function startDemoConsole({ stateDir, login, password, totpSecret }) {
  const { key, cert, spki } = certificate(stateDir);
  const pending = new Map(); // sid → user, between the password and the code
  const server = createServer({ key, cert }, async (req, res) => {
    const send = (status, html) => {
      res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(html);
    };
    try {
      const path = new URL(req.url ?? "/", "https://x").pathname;
      if (req.method === "GET" && path === "/") return send(200, LOGIN(null));
      if (req.method === "POST" && path === "/login") {
        const f = await form(req);
        if (!same(f.get("username") ?? "", login) || !same(f.get("password") ?? "", password)) {
          return send(401, LOGIN("Wrong user name or password."));
        }
        const sid = randomUUID();
        pending.set(sid, login);
        return send(200, OTP(sid, null));
      }
      if (req.method === "POST" && path === "/otp") {
        const f = await form(req);
        const sid = f.get("sid") ?? "";
        const user = pending.get(sid);
        if (user === undefined) return send(401, LOGIN("Session expired: sign in again."));
        if (!totpAccepts(totpSecret, f.get("otp") ?? "")) return send(401, OTP(sid, "Wrong code."));
        pending.delete(sid);
        return send(200, DONE(user));
      }
      return send(404, page("Not found", "<h1>Not found</h1>"));
    } catch (err) {
      return send(400, page("Bad request", `<h1>Bad request</h1><p>${String(err).replace(/[<&]/g, "")}</p>`));
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { port: server.address().port, spki, close: () => new Promise((ok) => server.close(ok)) };
}
