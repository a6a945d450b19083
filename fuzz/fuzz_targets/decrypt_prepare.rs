//! Decryption's first phase (`decrypt::prepare`: which PKESK the token can
//! open, from the packets before the encrypted data) with a keyring and a
//! "token" holding the A.3 v6 key and a v4 Curve25519 key; and decryption by
//! password, within small limits (the S2K caps are what is fuzzed, not SHA-1).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tessera_core::openpgp::ops::decrypt;
use tessera_core::openpgp::ops::keyring::Keyring;
use tessera_core::openpgp::ops::passwords;
use tessera_fuzz::{check_error, keyring, limits, now, token_fingerprints};

fn fixture() -> &'static (Keyring, Vec<String>) {
    static FIXTURE: OnceLock<(Keyring, Vec<String>)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let ring = keyring();
        let fprs = token_fingerprints(&ring);
        (ring, fprs)
    })
}

fuzz_target!(|data: &[u8]| {
    let (ring, fprs) = fixture();
    match decrypt::prepare(data, ring, fprs, &limits()) {
        Ok(request) => drop(request),
        Err(e) => check_error(&e),
    }
    match passwords::decrypt_with_passwords(data, &[b"password"], ring, &limits(), now()) {
        Ok(_) => {}
        Err(e) => check_error(&e),
    }
});
