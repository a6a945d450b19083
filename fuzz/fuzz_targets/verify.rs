//! Signature verification against a keyring of the A.3 v6 and a v4 Ed25519
//! certificate: detached (data and signature split where the first two bytes
//! say) and inline (one-pass signed or prefixed messages).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tessera_core::openpgp::ops::keyring::Keyring;
use tessera_core::openpgp::ops::verify;
use tessera_fuzz::{check_error, keyring, limits, now, split};

fn ring() -> &'static Keyring {
    static RING: OnceLock<Keyring> = OnceLock::new();
    RING.get_or_init(keyring)
}

fuzz_target!(|data: &[u8]| {
    let (signed, signature) = split(data);
    if let Err(e) = verify::verify_detached(ring(), signed, signature, now()) {
        check_error(&e);
    }
    if let Err(e) = verify::verify_inline(ring(), data, &limits(), now()) {
        check_error(&e);
    }
});
