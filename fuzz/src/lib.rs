//! What the fuzz targets share: fixed keys, a fixed clock, and the limits
//! that keep one input's work small (the defaults allow a message 512 MiB of
//! password derivation; a fuzzer must not spend seconds on one input).

use pgp::types::Timestamp;
use tessera_core::openpgp::ops::keyring::Keyring;
use tessera_core::openpgp::types::{Limits, PasswordLimits};

/// RFC 9580 A.3 (v6, Ed25519/X25519) and a GnuPG-made v4 Ed25519/Curve25519
/// certificate: the recipients and signers the seed corpora were made for.
pub const V6_CERT: &str = include_str!("../../wasm-core/tests/vectors/a3-v6-certificate.asc");
pub const V4_CERT: &str = include_str!("../../wasm-core/tests/vectors/v4-cv25519-certificate.asc");

/// A keyring holding both certificates.
pub fn keyring() -> Keyring {
    let mut ring = Keyring::new();
    // Fixed test vectors: importing them cannot fail unless the core broke,
    // and then every input would be meaningless.
    ring.import(V6_CERT.as_bytes())
        .expect("the A.3 certificate imports");
    ring.import(V4_CERT.as_bytes())
        .expect("the v4 certificate imports");
    ring
}

/// Every fingerprint (primary and subkeys) of the keyring: the "token" holds them all.
pub fn token_fingerprints(ring: &Keyring) -> Vec<String> {
    let mut out = Vec::new();
    for eval in ring.evaluate(now()) {
        out.push(eval.fingerprint());
        for sub in &eval.subkeys {
            out.push(sub.key.fingerprint_hex());
        }
    }
    out
}

/// 2026-01-01: inputs must not change meaning with the wall clock.
pub fn now() -> Timestamp {
    Timestamp::from_secs(1_767_225_600)
}

/// 1 MiB of input, 4 SKESKs and 256 KiB of password work per input. rpgp's
/// SHA-1 is the collision-detecting one, which runs at about 2 MB/s under
/// the fuzzer's instrumentation: 4 MiB of work took 2-3.6 s an input and
/// hit libFuzzer's 10 s timeout on a loaded machine. The caps themselves are
/// what is fuzzed, not the hash.
pub fn limits() -> Limits {
    Limits {
        max_message_bytes: 1 << 20,
        passwords: PasswordLimits {
            max_skesks: 4,
            max_argon2_memory_kib: 1 << 10,
            max_argon2_passes: 2,
            max_argon2_parallelism: 4,
            max_work_bytes: 256 << 10,
            ..PasswordLimits::default()
        },
    }
}

/// Splits `data` in two at a point its first two bytes name (so a
/// fuzzer can move the split), or in the middle when it is shorter.
pub fn split(data: &[u8]) -> (&[u8], &[u8]) {
    match data {
        [a, b, rest @ ..] => {
            let at = usize::from(u16::from_le_bytes([*a, *b])) % (rest.len() + 1);
            rest.split_at(at)
        }
        _ => (data, &[]),
    }
}

/// Checks the invariant every core error keeps: a short message with a code.
pub fn check_error(err: &tessera_core::openpgp::Error) {
    let text = err.to_string();
    assert!(
        text.len() < 2048,
        "error message of {} bytes: {}",
        text.len(),
        &text[..200]
    );
    assert!(!err.code().is_empty());
}
