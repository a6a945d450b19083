//! RFC 9580 Appendix A test vectors (tests/vectors/README.md) through the core's API.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{decrypt_two_phase, now, sign_two_phase, SoftToken};
use pgp::composed::{decrypt_session_key_with_password, Message};
use pgp::packet::{Packet, PacketParser};
use pgp::types::Password;
use tessera_core::openpgp::ops::decrypt::{self, SessionKey};
use tessera_core::openpgp::ops::encrypt::{self, Payload};
use tessera_core::openpgp::ops::keyring::Keyring;
use tessera_core::openpgp::ops::sign::SignMode;
use tessera_core::openpgp::ops::verify::{self, Verification};
use tessera_core::openpgp::types::Container;
use tessera_core::openpgp::types::Limits;
use zeroize::Zeroizing;

const A3_CERT: &str = include_str!("vectors/a3-v6-certificate.asc");
const A4_SECRET: &str = include_str!("vectors/a4-v6-secret-key.asc");
const A6_CLEARTEXT: &str = include_str!("vectors/a6-cleartext-signed.asc");
const A7_INLINE: &str = include_str!("vectors/a7-inline-signed.asc");
const A8_OCB_X25519: &str = include_str!("vectors/a8-x25519-aead-ocb.asc");
const A9_EAX: &str = include_str!("vectors/a9-aead-eax.asc");
const A10_OCB: &str = include_str!("vectors/a10-aead-ocb.asc");
const A11_GCM: &str = include_str!("vectors/a11-aead-gcm.asc");

/// The v6 primary key's fingerprint (RFC 9580, A.3).
const A3_FPR: &str = "CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9";
const GROCERIES: &str = "What we need from the grocery store:\n\n- tofu\n- vegetables\n- noodles\n";

fn keyring() -> Keyring {
    let mut ring = Keyring::new();
    assert_eq!(ring.import(A3_CERT.as_bytes()).unwrap(), vec![A3_FPR]);
    ring
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn assert_valid(v: &Verification) {
    match v {
        Verification::Valid {
            signer_fingerprint, ..
        } => assert_eq!(signer_fingerprint, A3_FPR),
        other => panic!("expected a valid signature by {A3_FPR}, got {other:?}"),
    }
}

#[test]
fn a3_certificate_is_valid_with_an_x25519_encryption_subkey_and_seipdv2() {
    let ring = keyring();
    let list = ring.list(&[], now());
    assert_eq!(list.len(), 1);
    let info = &list[0];
    assert_eq!(info.fingerprint, A3_FPR);
    assert_eq!(info.algorithm, "ed25519");
    assert_eq!(info.validity, "valid", "{info:?}");
    assert!(info.can_encrypt && info.can_sign, "{info:?}");
    assert_eq!(info.subkeys.len(), 1);
    assert_eq!(info.subkeys[0].algorithm, "x25519");
    assert_eq!(info.subkeys[0].usage, "E");
    assert!(!info.own);
    let own = ring.list(&[info.subkeys[0].fingerprint.to_lowercase()], now());
    assert!(
        own[0].own,
        "a token slot fingerprint marks the key as the user's own"
    );
    // Storage round trip.
    let stored = ring.to_storage().unwrap();
    assert!(stored.starts_with("-----BEGIN PGP PUBLIC KEY BLOCK-----"));
    let back = Keyring::from_storage(&stored).unwrap();
    assert_eq!(back.list(&[], now()), ring.list(&[], now()));
}

#[test]
fn a4_secret_key_is_refused_by_the_keyring() {
    let mut ring = Keyring::new();
    let err = ring.import(A4_SECRET.as_bytes()).unwrap_err();
    assert_eq!(err.code(), "secret_key_refused", "{err}");
    assert!(ring.is_empty());
}

#[test]
fn a6_cleartext_signed_message_verifies() {
    let out = verify::verify_inline(&keyring(), A6_CLEARTEXT.as_bytes(), &Limits::default(), now()).unwrap();
    assert_eq!(out.verifications.len(), 1);
    assert_valid(&out.verifications[0]);
    assert_eq!(
        std::str::from_utf8(&out.data).unwrap().trim_end(),
        GROCERIES.trim_end()
    );
}

#[test]
fn a7_inline_signed_message_verifies() {
    let out = verify::verify_inline(&keyring(), A7_INLINE.as_bytes(), &Limits::default(), now()).unwrap();
    assert_eq!(out.verifications.len(), 1);
    assert_valid(&out.verifications[0]);
    assert_eq!(&out.data[..], GROCERIES.as_bytes());
}

#[test]
fn a7_with_an_unknown_signer_is_reported_as_such() {
    let out =
        verify::verify_inline(&Keyring::new(), A7_INLINE.as_bytes(), &Limits::default(), now()).unwrap();
    assert_eq!(
        out.verifications,
        vec![Verification::UnknownSigner {
            issuer: A3_FPR.into()
        }]
    );
}

#[test]
fn a8_x25519_aead_ocb_decrypts_through_both_phases() {
    let token = SoftToken::from_armor(A4_SECRET);
    let ring = keyring();
    let request = decrypt::prepare(
        A8_OCB_X25519.as_bytes(),
        &ring,
        &token.fingerprints(),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(request.container, "seipd_v2");
    assert_eq!(request.recipients.len(), 1);
    assert_eq!(request.recipients[0].version, 6);
    assert_eq!(request.recipients[0].algorithm, "X25519");
    assert_eq!(
        request.token_fingerprint,
        "12C83F1E706F6308FE151A417743A1F033790E93E9978488D1DB378DA9930885"
    );
    let out = decrypt_two_phase(A8_OCB_X25519.as_bytes(), &ring, &token).unwrap();
    assert_eq!(&out.data[..], b"Hello, world!");
    assert_eq!(out.verifications, vec![Verification::Unsigned]);
}

/// A.9–A.11: SEIPDv2 with EAX, OCB and GCM, decrypted with the session keys the RFC prints.
#[test]
fn a9_to_a11_aead_samples_decrypt_with_the_rfc_session_keys() {
    for (name, msg, session_key) in [
        ("A.9 EAX", A9_EAX, "3881bafe985412459b86c36f98cb9a5e"),
        ("A.10 OCB", A10_OCB, "28e79ab82397d3c63de24ac217d7b791"),
        ("A.11 GCM", A11_GCM, "1936fc8568980274bb900d8319360c77"),
    ] {
        // The key the RFC prints is the one its SKESK yields for the password "password".
        let bytes = common::dearmor(msg);
        let skesk = match PacketParser::new(&bytes[..]).next().unwrap().unwrap() {
            Packet::SymKeyEncryptedSessionKey(p) => p,
            other => panic!("{name}: expected an SKESK, got {other:?}"),
        };
        let derived = decrypt_session_key_with_password(&skesk, &Password::from("password")).unwrap();
        let pgp::composed::PlainSessionKey::V6 { ref key } = derived else {
            panic!("{name}: expected a v6 session key");
        };
        assert_eq!(key.as_ref(), &unhex(session_key)[..], "{name}: session key");

        let out = decrypt::finish(
            msg.as_bytes(),
            SessionKey {
                symmetric_algorithm: None,
                key: Zeroizing::new(unhex(session_key)),
            },
            &Keyring::new(),
            &Limits::default(),
            now(),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(&out.data[..], b"Hello, world!", "{name}");
        assert_eq!(out.container, "seipd_v2");
    }
}

#[test]
fn a8_with_one_flipped_ciphertext_byte_fails_authentication_and_releases_nothing() {
    let token = SoftToken::from_armor(A4_SECRET);
    let mut bytes = common::dearmor(A8_OCB_X25519);
    let last = bytes.len() - 20; // inside the AEAD-encrypted chunk
    bytes[last] ^= 0x01;
    let err = decrypt_two_phase(&bytes, &keyring(), &token).unwrap_err();
    assert_eq!(err.code(), "integrity_failure", "{err}");
}

#[test]
fn a8_truncated_is_an_error() {
    let token = SoftToken::from_armor(A4_SECRET);
    let bytes = common::dearmor(A8_OCB_X25519);
    for cut in [bytes.len() - 1, bytes.len() - 17, bytes.len() / 2] {
        let err = decrypt_two_phase(&bytes[..cut], &keyring(), &token).unwrap_err();
        assert!(
            matches!(err.code(), "truncated" | "malformed" | "integrity_failure"),
            "cut at {cut}: {err} ({})",
            err.code()
        );
    }
}

#[test]
fn encrypting_to_the_a3_certificate_uses_seipdv2_and_round_trips() {
    let ring = keyring();
    let token = SoftToken::from_armor(A4_SECRET);
    let out = encrypt::encrypt(
        &ring,
        &[A3_FPR.to_string()],
        None,
        Payload::Data(b"to a v6 key"),
        now(),
    )
    .unwrap();
    assert_eq!(out.container, Container::SeipdV2);
    let (msg, _) = Message::from_string(&out.armored).unwrap();
    assert!(msg.is_encrypted());
    let back = decrypt_two_phase(out.armored.as_bytes(), &ring, &token).unwrap();
    assert_eq!(&back.data[..], b"to a v6 key");
}

#[test]
fn two_phase_signatures_with_the_v6_ed25519_key_verify() {
    let ring = keyring();
    let token = SoftToken::from_armor(A4_SECRET);
    let data = b"signed by a v6 key\n";
    let detached = sign_two_phase(&ring, &token, A3_FPR, data, SignMode::Detached).unwrap();
    assert!(detached.armored.starts_with("-----BEGIN PGP SIGNATURE-----"));
    let v = verify::verify_detached(&ring, data, detached.armored.as_bytes(), now()).unwrap();
    assert_valid(&v[0]);
    // The signature covers the data: other data does not verify.
    let v = verify::verify_detached(&ring, b"other", detached.armored.as_bytes(), now()).unwrap();
    assert!(matches!(v[0], Verification::Bad { .. }), "{v:?}");

    let inline = sign_two_phase(&ring, &token, A3_FPR, data, SignMode::Inline).unwrap();
    let v = verify::verify_inline(&ring, inline.armored.as_bytes(), &Limits::default(), now()).unwrap();
    assert_valid(&v.verifications[0]);
    assert_eq!(&v.data[..], data);

    let clear = sign_two_phase(&ring, &token, A3_FPR, data, SignMode::Cleartext).unwrap();
    assert!(clear.armored.starts_with("-----BEGIN PGP SIGNED MESSAGE-----"));
    let v = verify::verify_inline(&ring, clear.armored.as_bytes(), &Limits::default(), now()).unwrap();
    assert_valid(&v.verifications[0]);
}

#[test]
fn a_wrong_token_signature_is_rejected_in_phase_two() {
    let ring = keyring();
    let token = SoftToken::from_armor(A4_SECRET);
    let request =
        tessera_core::openpgp::ops::sign::prepare(&ring, A3_FPR, b"data", SignMode::Detached, now()).unwrap();
    let mut signature = token.sign(&request.key_fingerprint, request.hash_algorithm, &request.digest);
    signature[0][5] ^= 0x40;
    let err = tessera_core::openpgp::ops::sign::finish(&request.state, &signature).unwrap_err();
    assert_eq!(err.code(), "bad_token_signature", "{err}");
}
