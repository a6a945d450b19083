//! Decryption's second phase (`decrypt::finish`) with a fixed session key
//! chosen by the first input byte: the keys of RFC 9580 A.9–A.11 (SEIPDv2
//! EAX, OCB, GCM) and SHA-256("tessera") as AES-256 and AES-128 (GnuPG's
//! `--s2k-mode 0` messages in the seed corpus), so that mutations of those
//! messages reach the ciphers, the MDC, the AEAD chunks and the packets inside.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tessera_core::openpgp::ops::decrypt::{self, SessionKey};
use tessera_core::openpgp::ops::keyring::Keyring;
use tessera_fuzz::{check_error, keyring, limits, now};
use zeroize::Zeroizing;

/// SHA-256 of "tessera".
const GPG_KEY: [u8; 32] = [
    0x2f, 0x1e, 0x83, 0xd3, 0x0f, 0xff, 0x12, 0xf1, 0x0f, 0x4a, 0x95, 0x6d, 0x08, 0xbd, 0x6b, 0x20, 0x0a,
    0xe8, 0x9e, 0x24, 0x62, 0x1c, 0x20, 0x66, 0xc1, 0xa9, 0x02, 0xaa, 0xb2, 0xda, 0x7a, 0xcb,
];
const A9_EAX: [u8; 16] = [
    0x38, 0x81, 0xba, 0xfe, 0x98, 0x54, 0x12, 0x45, 0x9b, 0x86, 0xc3, 0x6f, 0x98, 0xcb, 0x9a, 0x5e,
];
const A10_OCB: [u8; 16] = [
    0x28, 0xe7, 0x9a, 0xb8, 0x23, 0x97, 0xd3, 0xc6, 0x3d, 0xe2, 0x4a, 0xc2, 0x17, 0xd7, 0xb7, 0x91,
];
const A11_GCM: [u8; 16] = [
    0x19, 0x36, 0xfc, 0x85, 0x68, 0x98, 0x02, 0x74, 0xbb, 0x90, 0x0d, 0x83, 0x19, 0x36, 0x0c, 0x77,
];

fn session_key(selector: u8) -> SessionKey {
    let (symmetric_algorithm, key): (Option<u8>, &[u8]) = match selector % 5 {
        0 => (Some(9), &GPG_KEY),
        1 => (Some(7), &GPG_KEY[..16]),
        2 => (None, &A9_EAX),
        3 => (None, &A10_OCB),
        _ => (None, &A11_GCM),
    };
    SessionKey {
        symmetric_algorithm,
        key: Zeroizing::new(key.to_vec()),
    }
}

fn ring() -> &'static Keyring {
    static RING: OnceLock<Keyring> = OnceLock::new();
    RING.get_or_init(keyring)
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, message)) = data.split_first() else {
        return;
    };
    match decrypt::finish(message, session_key(selector), ring(), &limits(), now()) {
        Ok(decrypted) => assert!(decrypted.data.len() <= limits().max_message_bytes),
        Err(e) => check_error(&e),
    }
});
