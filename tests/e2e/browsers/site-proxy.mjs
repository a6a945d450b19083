// Firefox has no --host-resolver-rules: it reaches the fixture site's *.test names (on the
// default ports 80 and 443, so origins carry no port) through this small HTTP proxy on
// loopback, which forwards plain requests to the site's http port and CONNECT tunnels for
// port 443 to its https port. Anything else is refused.

import { createServer, request } from "node:http";
import { connect } from "node:net";

/** `site`: startFixtureServer's result. Returns {port, prefs (for Firefox), close()}. */
export async function startSiteProxy(site) {
  const sockets = new Set();
  const server = createServer((req, res) => {
    let url;
    try {
      url = new URL(req.url);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (!url.hostname.endsWith(".test") || (url.port !== "" && url.port !== "80")) {
      res.writeHead(502).end();
      return;
    }
    const upstream = request(
      { host: "127.0.0.1", port: site.http, method: req.method, path: url.pathname + url.search, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  server.on("connect", (req, socket, head) => {
    const [host, port] = req.url.split(":");
    if (!host.endsWith(".test") || port !== "443" || site.https === null) {
      socket.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
      return;
    }
    const upstream = connect(site.https, "127.0.0.1", () => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    for (const s of [upstream, socket]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    }
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  const port = await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => ok(server.address().port));
  });
  return {
    port,
    /** Firefox preferences that send every request but loopback through the proxy. */
    prefs: {
      "network.proxy.type": 1,
      "network.proxy.http": "127.0.0.1",
      "network.proxy.http_port": port,
      "network.proxy.ssl": "127.0.0.1",
      "network.proxy.ssl_port": port,
      "network.proxy.no_proxies_on": "",
      "network.proxy.allow_hijacking_localhost": false,
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((done) => server.close(() => done()));
    },
  };
}
