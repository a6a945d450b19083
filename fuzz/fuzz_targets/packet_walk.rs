//! Packet headers: the hand-written walk to the encrypted data (decryption's
//! first phase reads only that far) and the in-memory reader of a message's
//! packets (literal, compressed, one-pass signatures, markers, padding).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::openpgp::packet::framing::{encrypted_data_start, Walk};
use tessera_core::openpgp::packet::message;
use tessera_fuzz::{check_error, limits};

fuzz_target!(|data: &[u8]| {
    if let Walk::Found(start) = encrypted_data_start(data) {
        assert!(
            start.offset < data.len(),
            "the encrypted packet starts inside the input"
        );
        assert!(matches!(start.tag, 9 | 18 | 20), "tag {}", start.tag);
    }
    match message::read(data, &limits(), "fuzz message") {
        Ok(contents) => drop(contents),
        Err(e) => check_error(&e),
    }
});
