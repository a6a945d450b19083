//! The parts of a web URL that origin binding reads, from a WHATWG URL
//! parser: in the extension the browser's own `new URL()` (the parser that
//! decides a frame's origin, with its IDNA/punycode rules), natively the `url`
//! crate. The module thus carries no URL parser and no IDNA/Unicode data
//! (docs/benchmarks.md, "Size of the credentials module"); the origin tests
//! run on both parsers (natively and in Chromium, `scripts/lib/wasm.sh
//! test`) and must decide alike.

/// A parsed URL: what `new URL(s)` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebUrl {
    /// Without the `:` (`https`).
    pub scheme: String,
    /// The host as serialised: ASCII (punycode) for a domain, dotted decimal
    /// for IPv4, in brackets for IPv6; empty when the URL has none.
    pub host: String,
    /// `None` for the scheme's default port or none written.
    pub port: Option<u16>,
    pub username: String,
    pub password: String,
    pub path: String,
}

/// What kind of host a [`WebUrl`] has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostKind {
    Domain,
    Ipv4,
    Ipv6,
}

impl WebUrl {
    pub fn host_kind(&self) -> Option<HostKind> {
        host_kind(&self.host)
    }

    /// The port, or the scheme's default for http and https.
    pub fn port_or_default(&self) -> Option<u16> {
        self.port.or(match self.scheme.as_str() {
            "http" => Some(80),
            "https" => Some(443),
            _ => None,
        })
    }

    /// `scheme://host[:port]`, as `URL.origin` writes a web page's origin.
    pub fn origin(&self) -> String {
        match self.port {
            Some(p) => format!("{}://{}:{p}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }
}

/// The kind of a host as a parser serialised it (empty: none). For special
/// schemes (http, https) a WHATWG parser turns a host whose last label is a
/// number into an IPv4 address (or fails), so a parsed host of four decimal
/// labels is one, and a domain never looks like that.
pub fn host_kind(host: &str) -> Option<HostKind> {
    if host.is_empty() {
        None
    } else if host.starts_with('[') {
        Some(HostKind::Ipv6)
    } else if host.split('.').count() == 4
        && host
            .split('.')
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
    {
        Some(HostKind::Ipv4)
    } else {
        Some(HostKind::Domain)
    }
}

/// Parses an absolute URL; `None` when the parser refuses it.
#[cfg(not(target_arch = "wasm32"))]
pub fn parse(s: &str) -> Option<WebUrl> {
    let u = url::Url::parse(s).ok()?;
    Some(WebUrl {
        scheme: u.scheme().to_owned(),
        // host_str writes IPv6 in brackets, as the browser's `hostname` does.
        host: u.host_str().unwrap_or("").to_owned(),
        port: u.port(),
        username: u.username().to_owned(),
        password: u.password().unwrap_or("").to_owned(),
        path: u.path().to_owned(),
    })
}

#[cfg(target_arch = "wasm32")]
mod js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// The global `URL` of the page or service worker.
        #[wasm_bindgen(js_name = URL)]
        pub type Url;
        #[wasm_bindgen(constructor, js_class = "URL", catch)]
        pub fn new(s: &str) -> Result<Url, JsValue>;
        #[wasm_bindgen(method, getter)]
        pub fn protocol(this: &Url) -> String;
        #[wasm_bindgen(method, getter)]
        pub fn hostname(this: &Url) -> String;
        #[wasm_bindgen(method, getter)]
        pub fn port(this: &Url) -> String;
        #[wasm_bindgen(method, getter)]
        pub fn username(this: &Url) -> String;
        #[wasm_bindgen(method, getter)]
        pub fn password(this: &Url) -> String;
        #[wasm_bindgen(method, getter)]
        pub fn pathname(this: &Url) -> String;
    }
}

/// Parses an absolute URL; `None` when the parser refuses it.
#[cfg(target_arch = "wasm32")]
pub fn parse(s: &str) -> Option<WebUrl> {
    let u = js::Url::new(s).ok()?;
    let mut scheme = u.protocol();
    scheme.pop(); // the `:`
    let port = u.port();
    Some(WebUrl {
        scheme,
        host: u.hostname(),
        // `port` is "" for none or the default port, else the decimal number.
        port: if port.is_empty() {
            None
        } else {
            Some(port.parse().ok()?)
        },
        username: u.username(),
        password: u.password(),
        path: u.pathname(),
    })
}
