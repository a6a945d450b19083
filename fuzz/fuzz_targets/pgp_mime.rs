//! MIME from the webmail: PGP/MIME detection (encrypted, signed, inline
//! armored blocks) on a whole message, and the decrypted entity's content
//! (text, HTML, attachments, transfer encodings, charsets) within small limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::mime::{self, Limits};

fn limits() -> Limits {
    // Small, so that the fuzzer reaches them.
    Limits {
        max_size: 1 << 20,
        max_depth: 8,
        max_parts: 64,
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = mime::detect_with(data, limits());
    let _ = mime::parse_content_with(data, limits());
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(blocks) = mime::find_armored_blocks(text) {
            for block in blocks {
                assert!(
                    block.start <= block.end && block.end <= text.len(),
                    "block inside the text"
                );
            }
        }
    }
});
