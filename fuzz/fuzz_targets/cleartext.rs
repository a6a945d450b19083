//! The cleartext signature framework: parsing (dash escaping, `Hash:`
//! headers, the signature block), the signed text, writing it back, and
//! verification as the extension does it (`verify_inline` takes both forms).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tessera_core::openpgp::ops::keyring::Keyring;
use tessera_core::openpgp::ops::verify;
use tessera_core::openpgp::packet::cleartext;
use tessera_fuzz::{check_error, keyring, limits, now};

fn ring() -> &'static Keyring {
    static RING: OnceLock<Keyring> = OnceLock::new();
    RING.get_or_init(keyring)
}

fuzz_target!(|data: &[u8]| {
    match cleartext::parse(data) {
        Ok(parsed) => {
            let text = parsed.signed_text();
            // What we write, we read back to the same signed text.
            if let Ok(written) = cleartext::write(&text, &parsed.signatures) {
                let again = cleartext::parse(written.as_bytes()).expect("our cleartext reads back");
                assert_eq!(again.signed_text(), text, "cleartext round trip");
            }
        }
        Err(e) => check_error(&e),
    }
    if let Err(e) = verify::verify_inline(ring(), data, &limits(), now()) {
        check_error(&e);
    }
});
