//! The `mime` exports (`src/bindings_mime.rs`) run as wasm in headless
//! Chromium: `scripts/lib/wasm.sh test`. Values go through JS as the extension
//! sees them: objects, `Uint8Array`s, thrown `Error`s, UTF-16 offsets.
#![cfg(target_arch = "wasm32")]

use tessera_core::bindings_mime::{
    mime_build_encrypted, mime_detect, mime_find_armored_blocks, mime_parse_content, MimeCleartext,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen]
extern "C" {
    type Error;
    #[wasm_bindgen(method, getter)]
    fn message(this: &Error) -> String;

    #[wasm_bindgen(js_namespace = Reflect, js_name = get)]
    fn get(target: &JsValue, key: &str) -> JsValue;
    #[wasm_bindgen(js_namespace = Reflect, js_name = get)]
    fn get_bytes(target: &JsValue, key: &str) -> Vec<u8>;
    #[wasm_bindgen(js_namespace = Reflect, js_name = get)]
    fn get_index(target: &JsValue, index: u32) -> JsValue;
}

fn text(v: &JsValue, key: &str) -> String {
    get(v, key)
        .as_string()
        .unwrap_or_else(|| panic!("{key} is not a string"))
}

#[wasm_bindgen_test]
fn cleartext_with_attachment_round_trips_through_js() {
    let mut msg = MimeCleartext::new("Grüße\n".into());
    msg.add_attachment("été.bin".into(), None, vec![0, 1, 2, 255]);
    let entity = msg.build().expect("built");
    let content = mime_parse_content(&entity).expect("parsed");
    assert_eq!(text(&content, "text"), "Grüße\n");
    let first = get_index(&get(&content, "attachments"), 0);
    assert_eq!(text(&first, "filename"), "été.bin");
    assert_eq!(get_bytes(&first, "data"), vec![0, 1, 2, 255]);
}

#[wasm_bindgen_test]
fn encrypted_entity_is_detected_and_boundaries_are_random() {
    let armored = "-----BEGIN PGP MESSAGE-----\n\nwV4D\n-----END PGP MESSAGE-----\n";
    let a = mime_build_encrypted(armored).expect("built");
    let b = mime_build_encrypted(armored).expect("built");
    assert_ne!(
        text(&a, "boundary"),
        text(&b, "boundary"),
        "crypto.getRandomValues is wired in"
    );
    let detected = mime_detect(&get_bytes(&a, "entity")).expect("detected");
    assert_eq!(text(&detected, "kind"), "encrypted");
    assert!(text(&detected, "armored").starts_with("-----BEGIN PGP MESSAGE-----"));
}

#[wasm_bindgen_test]
fn malformed_input_throws_an_error_naming_the_problem() {
    let err = mime_detect(b"Content-Type: multipart/mixed\r\n\r\n--x\r\n").expect_err("no boundary");
    let err = JsValue::from(err).dyn_into::<Error>().expect("a JS Error");
    assert!(
        err.message().contains("no boundary parameter"),
        "{}",
        err.message()
    );
}

#[wasm_bindgen_test]
fn armor_offsets_are_utf16_code_units() {
    let page = "é😀\n-----BEGIN PGP MESSAGE-----\nx\n-----END PGP MESSAGE-----";
    let blocks = mime_find_armored_blocks(page).expect("found");
    let first = get_index(&blocks, 0);
    // "é" is 1 code unit and "😀" 2, plus the line break: 4 (in UTF-8 it would be 7).
    assert_eq!(get(&first, "start").as_f64(), Some(4.0));
    assert_eq!(
        get(&first, "end").as_f64(),
        Some(page.encode_utf16().count() as f64)
    );
}
