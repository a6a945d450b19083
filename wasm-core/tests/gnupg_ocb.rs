//! GnuPG's AEAD container (LibrePGP OCB, tag 20), as GnuPG 2.4 writes it for
//! keys that advertise it: decrypted through both phases, refused when
//! tampered (tests/vectors/README.md gives the source of the messages).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{decrypt_two_phase, SoftToken};
use tessera_core::openpgp::ops::keyring::Keyring;
use tessera_core::openpgp::ops::verify::Verification;

const BOB_SECRET: &str = include_str!("vectors/bob-secret-key.asc");
const TO_BOB: &str = include_str!("vectors/gnupg-ocb-to-bob.asc");
const TO_BOB_CHUNKS: &str = include_str!("vectors/gnupg-ocb-to-bob-multi-chunk.asc");

fn bob() -> (Keyring, SoftToken) {
    let token = SoftToken::from_armor(BOB_SECRET);
    let mut ring = Keyring::new();
    ring.import(&token.certificate()).expect("Bob's certificate");
    (ring, token)
}

#[test]
fn gnupg_ocb_messages_decrypt() {
    let (ring, token) = bob();
    let out = decrypt_two_phase(TO_BOB.as_bytes(), &ring, &token).expect("one chunk");
    assert_eq!(out.container, "gnupg_aead");
    assert_eq!(&out.data[..], b"foo\n");
    assert_eq!(out.verifications, vec![Verification::Unsigned]);

    let out = decrypt_two_phase(TO_BOB_CHUNKS.as_bytes(), &ring, &token).expect("several chunks");
    assert_eq!(out.container, "gnupg_aead");
    assert_eq!(out.data.len(), 300);
}

#[test]
fn tampered_gnupg_ocb_chunks_are_refused() {
    let (ring, token) = bob();
    let binary = common::dearmor(TO_BOB_CHUNKS);
    // Every tenth byte of the last 200 (chunks, then the final tag).
    for back in (1..200).step_by(10) {
        let mut bad = binary.clone();
        let at = bad.len() - back;
        bad[at] ^= 0x01;
        let err = decrypt_two_phase(&bad, &ring, &token).expect_err("a flipped byte must not decrypt");
        assert!(
            matches!(err.code(), "integrity_failure" | "malformed"),
            "byte {at}: {} {err}",
            err.code()
        );
    }
}
