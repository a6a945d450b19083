//! The credentials module's exports (`bindings_credentials.rs`), run as wasm
//! in headless Chromium (`scripts/lib/wasm.sh test`, which builds this crate
//! with only `credentials` for it, as the extension's second module is
//! built). URLs are parsed there by the browser's `new URL()`: these are the
//! fill decisions the extension gets, through JS values. The unit tests of
//! credentials/origin.rs and otp.rs run in the same browser too.
#![cfg(all(target_arch = "wasm32", feature = "credentials"))]

use tessera_core::bindings_credentials::{
    credentials_entry_url, credentials_may_fill, credentials_otp_code, credentials_rank,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = JSON, js_name = stringify)]
    fn json_stringify(value: &JsValue) -> String;
    #[wasm_bindgen(js_namespace = JSON, js_name = parse)]
    fn json_parse(text: &str) -> JsValue;
    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    static GLOBAL_THIS: JsValue;
    #[wasm_bindgen(js_namespace = Reflect, js_name = has)]
    fn reflect_has(target: &JsValue, key: &str) -> bool;
}

fn decision(entry: &str, subdomains: bool, frame: &str, top: &str) -> String {
    let v = credentials_may_fill(entry, subdomains, frame, top).unwrap_or_else(|_| panic!("mayFill threw"));
    let json = json_stringify(&v);
    // `{"decision":"fill","reason":null}` → `fill`
    json.split('"')
        .nth(3)
        .unwrap_or_else(|| panic!("no decision in {json}"))
        .to_owned()
}

#[wasm_bindgen_test]
fn runs_in_a_browser_page() {
    assert!(
        GLOBAL_THIS.with(|g| reflect_has(g, "document")),
        "not a browser page"
    );
}

#[wasm_bindgen_test]
fn fill_decisions_of_the_issue_in_the_browser() {
    const E: &str = "https://console.example.test";
    let page = "https://console.example.test/login";
    assert_eq!(decision(E, false, page, page), "fill");
    for (entry, subdomains, page, want, why) in [
        (
            E,
            false,
            "http://console.example.test/login",
            "refuse",
            "no downgrade to http",
        ),
        (
            E,
            true,
            "https://console.example.test.evil.test/login",
            "refuse",
            "suffix lookalike",
        ),
        (
            E,
            false,
            "https://console.example.test@evil.test/",
            "refuse",
            "userinfo",
        ),
        (
            E,
            false,
            "https://evil.test@console.example.test/",
            "refuse",
            "any userinfo",
        ),
        (
            E,
            false,
            "https://console.example.test%2F@evil.test/",
            "refuse",
            "encoded slash in userinfo",
        ),
        (
            E,
            false,
            "https://console.example.test:8443/",
            "refuse",
            "other port",
        ),
        (
            "https://console.example.test:443/",
            false,
            "https://console.example.test/",
            "fill",
            "default port",
        ),
        (E, false, "https://CONSOLE.Example.TEST/", "fill", "case"),
        (
            E,
            false,
            "https://console.example.test./",
            "refuse",
            "trailing dot",
        ),
        (
            E,
            false,
            "https://c\u{043e}nsole.example.test/",
            "refuse",
            "Cyrillic o homograph",
        ),
        (
            E,
            false,
            "https://xn--cnsole-wqf.example.test/",
            "refuse",
            "its punycode",
        ),
        (
            "https://b\u{fc}cher.example.test",
            false,
            "https://xn--bcher-kva.example.test/",
            "fill",
            "IDN entry",
        ),
        (
            "https://xn--bcher-kva.example.test",
            false,
            "https://B\u{dc}CHER.example.test/",
            "fill",
            "IDN page",
        ),
        (
            E,
            true,
            "https://login.example.test/",
            "fill",
            "same registrable domain",
        ),
        (
            "https://alice.github.io",
            true,
            "https://mallory.github.io/",
            "refuse",
            "private suffix",
        ),
        (
            "https://www.example.co.uk",
            true,
            "https://login.example.co.uk/",
            "fill",
            "co.uk",
        ),
        (
            "https://www.example.co.uk",
            true,
            "https://evil.co.uk/",
            "refuse",
            "co.uk is a suffix",
        ),
        (
            "https://a.b.ck",
            true,
            "https://c.b.ck/",
            "refuse",
            "*.ck: b.ck is a suffix",
        ),
        ("https://a.www.ck", true, "https://b.www.ck/", "fill", "!www.ck"),
        (
            "https://www.ck",
            true,
            "https://other.ck/",
            "refuse",
            "!www.ck: www.ck is registrable",
        ),
        ("https://192.0.2.10", true, "https://192.0.2.10/", "fill", "IPv4"),
        (
            "https://192.0.2.10",
            true,
            "https://192.0.2.11/",
            "refuse",
            "other IPv4",
        ),
        (
            "https://[2001:db8::1]:8006",
            false,
            "https://[2001:DB8:0::1]:8006/",
            "fill",
            "IPv6 as the browser writes it",
        ),
        (E, false, "file:///etc/passwd", "refuse", "file:"),
        (E, false, "javascript:alert(1)", "refuse", "javascript:"),
        (E, false, "not a url", "refuse", "not a URL"),
    ] {
        assert_eq!(
            decision(entry, subdomains, page, page),
            want,
            "{why}: {entry} on {page}"
        );
    }
    assert_eq!(
        decision(E, false, page, "https://evil.test/"),
        "needs_confirmation",
        "cross-origin frame"
    );
    assert_eq!(
        decision(E, false, page, "https://console.example.test:443/x"),
        "fill",
        "same origin with the default port written"
    );
}

#[wasm_bindgen_test]
fn ranking_and_entry_urls_in_the_browser() {
    let candidates = json_parse(
        r#"[{"path":"misc/notes","urlKnown":true},
            {"path":"work/console.example.test","urlKnown":true},
            {"path":"zzz/admin","url":"https://console.example.test","urlKnown":true},
            {"path":"console.example.test.evil.test","urlKnown":true},
            {"path":"console.example.test:8443","urlKnown":true}]"#,
    );
    let ranked = credentials_rank(candidates, "https://console.example.test/login")
        .unwrap_or_else(|_| panic!("rank threw"));
    assert_eq!(
        json_stringify(&ranked),
        r#"[{"index":2,"match":"url_exact","refusal":null,"site":"https://console.example.test"},{"index":1,"match":"path_host","refusal":null,"site":"https://console.example.test"},{"index":4,"match":null,"refusal":"port","site":"https://console.example.test:8443"}]"#
    );
    assert_eq!(
        credentials_entry_url("work/Console.Example.test", None).as_deref(),
        Some("https://console.example.test")
    );
    assert_eq!(
        credentials_entry_url("[2001:db8::1]:8006/root", None).as_deref(),
        Some("https://[2001:db8::1]:8006")
    );
    assert_eq!(credentials_entry_url("alice@mail.example", None), None);
    assert_eq!(credentials_entry_url("localhost", None), None);
}

#[wasm_bindgen_test]
fn otp_codes_in_the_browser() {
    // RFC 6238 appendix B, SHA-1 at T = 59, through a label with a space and a colon.
    let v = credentials_otp_code(
        "otpauth://totp/ACME%20Co:alice@example.test?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8",
        59.0,
    )
    .unwrap_or_else(|_| panic!("otpCode threw"));
    let json = json_stringify(&v);
    assert!(json.contains(r#""code":"94287082""#), "{json}");
    assert!(credentials_otp_code("https://example.test/?secret=AAAA", 0.0).is_err());
}
