//! The wasm-bindgen exports, run as wasm in a real browser (headless Chromium
//! through chromedriver): `scripts/lib/wasm.sh test`.
//!
//! Each test goes through JS values the way the extension sees them: errors must
//! arrive as JS `Error` objects, replies as plain objects with `result` or `error`.
#![cfg(all(target_arch = "wasm32", feature = "host-protocol"))]

use tessera_core::bindings::{core_version, decode_reply, encode_request};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

// The few JS built-ins the tests need, declared here rather than pulling in js-sys.
#[wasm_bindgen]
extern "C" {
    /// JS `Error`: `dyn_ref::<Error>()` is an `instanceof Error` check.
    type Error;
    #[wasm_bindgen(method, getter)]
    fn message(this: &Error) -> String;

    #[wasm_bindgen(js_namespace = Reflect, js_name = get)]
    fn reflect_get(target: &JsValue, key: &str) -> JsValue;
    #[wasm_bindgen(js_namespace = Reflect, js_name = has)]
    fn reflect_has(target: &JsValue, key: &str) -> bool;
    #[wasm_bindgen(js_namespace = JSON, js_name = stringify)]
    fn json_stringify(value: &JsValue) -> String;

    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    static GLOBAL_THIS: JsValue;
}

/// The `Error` object a failed export throws in JS.
fn thrown_error(err: JsError) -> Error {
    let value = JsValue::from(err);
    value
        .dyn_into::<Error>()
        .unwrap_or_else(|v| panic!("expected a JS Error, got {v:?}"))
}

#[wasm_bindgen_test]
fn runs_in_a_browser_page_not_in_node() {
    GLOBAL_THIS.with(|global| {
        assert!(
            reflect_has(global, "document"),
            "no `document`: not a browser page"
        );
        assert!(reflect_has(global, "navigator"));
    });
}

#[wasm_bindgen_test]
fn core_version_is_the_crate_version() {
    assert_eq!(core_version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn encode_request_produces_the_documented_json() {
    let json = encode_request(7.0, "token.list", "{}").expect("a valid request");
    assert_eq!(json, r#"{"id":7,"method":"token.list","params":{}}"#);
}

#[wasm_bindgen_test]
fn encode_request_throws_an_error_for_an_unknown_method() {
    let err = thrown_error(encode_request(1.0, "token.erase", "{}").expect_err("unknown method"));
    let message = err.message();
    assert!(message.contains("UnknownMethod"), "message: {message}");
}

#[wasm_bindgen_test]
fn encode_request_throws_an_error_for_an_id_that_is_not_a_safe_integer() {
    for id in [1.5, -1.0, f64::NAN, f64::INFINITY, 2f64.powi(60)] {
        let err = thrown_error(encode_request(id, "token.list", "{}").expect_err("bad id"));
        assert_eq!(
            err.message(),
            "request id must be a non-negative safe integer",
            "id {id}"
        );
    }
}

#[wasm_bindgen_test]
fn decode_reply_returns_an_object_with_result() {
    let reply = decode_reply(
        r#"{"id":1,"result":{"host":"tessera-host","host_version":"0.1.0","protocol_version":1,
           "capabilities":["hello"],"max_request_bytes":10,"max_response_bytes":20}}"#,
        Some("hello".into()),
    )
    .unwrap_or_else(|e| panic!("valid reply refused: {}", thrown_error(e).message()));
    assert!(reply.is_object(), "not an object: {reply:?}");
    assert_eq!(reflect_get(&reply, "id").as_f64(), Some(1.0));
    assert!(!reflect_has(&reply, "error"), "{}", json_stringify(&reply));
    let result = reflect_get(&reply, "result");
    assert!(result.is_object(), "{}", json_stringify(&reply));
    assert_eq!(
        reflect_get(&result, "host").as_string().as_deref(),
        Some("tessera-host")
    );
    assert_eq!(reflect_get(&result, "max_response_bytes").as_f64(), Some(20.0));
}

#[wasm_bindgen_test]
fn decode_reply_returns_an_object_with_error() {
    let reply = decode_reply(
        r#"{"id":null,"error":{"code":"invalid_json","message":"m"}}"#,
        None,
    )
    .unwrap_or_else(|e| panic!("valid reply refused: {}", thrown_error(e).message()));
    assert!(reply.is_object(), "not an object: {reply:?}");
    assert!(reflect_get(&reply, "id").is_null(), "{}", json_stringify(&reply));
    assert!(!reflect_has(&reply, "result"), "{}", json_stringify(&reply));
    let error = reflect_get(&reply, "error");
    assert_eq!(
        reflect_get(&error, "code").as_string().as_deref(),
        Some("invalid_json")
    );
    assert_eq!(reflect_get(&error, "message").as_string().as_deref(), Some("m"));
}

#[wasm_bindgen_test]
fn decode_reply_throws_an_error_for_what_is_not_a_reply() {
    for bad in ["not json", r#"{"id":1,"result":{"unexpected":true}}"#] {
        let err = thrown_error(decode_reply(bad, Some("hello".into())).expect_err("not a reply"));
        assert!(
            err.message().contains("does not follow the protocol"),
            "{bad}: {}",
            err.message()
        );
    }
}
