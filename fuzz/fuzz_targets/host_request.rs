//! One request's JSON as the host decodes it (`decode_request`: JSON, id,
//! method, params, secret parameters, duplicate keys), and the core's decoder
//! of the host's replies (`host_protocol::decode_reply`), on the same text.
#![no_main]

use libfuzzer_sys::fuzz_target;

const METHODS: [Option<&str>; 4] = [None, Some("hello"), Some("token.list"), Some("store.read")];

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    match tessera_protocol::decode_request(json) {
        Ok(frame) => {
            // A decoded request serializes again (the extension's side builds these).
            let again = serde_json::to_string(&frame).expect("a request serializes");
            let reparsed = tessera_protocol::decode_request(&again).expect("a re-encoded request decodes");
            assert_eq!(reparsed, frame, "decode ∘ encode is the identity");
        }
        Err(rejected) => assert!(rejected.error.message.len() < 4096),
    }
    let _ = tessera_protocol::duplicate_keys::find_duplicate_key(json);
    let method = METHODS[data.len() % METHODS.len()];
    let _ = tessera_core::host_protocol::decode_reply(json, method);
});
