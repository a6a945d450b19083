//! The host's input path: length-prefixed frames from the browser
//! (`read_frame`, `skip_payload` past an oversized one), each decoded as a
//! request (`decode_request`), exactly as `native-host/src/server.rs` chains them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Cursor;
use tessera_protocol::framing::{encode_frame, read_frame, skip_payload, ReadError};

/// Small, so that the fuzzer meets the oversized-frame path often.
const MAX: usize = 4096;

fuzz_target!(|data: &[u8]| {
    let mut reader = Cursor::new(data);
    // Every iteration consumes at least one byte or stops: bounded by the input.
    for _ in 0..=data.len() {
        match read_frame(&mut reader, MAX) {
            Ok(None) => break,
            Ok(Some(payload)) => {
                assert!(payload.len() <= MAX);
                let decoded = tessera_protocol::decode_request(&payload);
                if let Err(rejected) = &decoded {
                    assert!(rejected.error.message.len() < 4096, "reply message too long");
                }
                // What the host writes back is framed again within its limit.
                let _ = encode_frame(payload.as_bytes(), MAX).expect("a read frame fits");
            }
            Err(ReadError::TooLarge { len, .. }) => {
                if skip_payload(&mut reader, len).is_err() {
                    break;
                }
            }
            Err(ReadError::NotUtf8(_)) => {}
            Err(_) => break,
        }
    }
});
