//! Text-mode signatures, several signers, and password encryption (SKESK)
//! through the core's API, with a v4 (Ed25519/Curve25519, GnuPG-made) and the
//! RFC 9580 v6 key as the two "tokens".
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::keys::{V4_CERT, V4_FPR, V4_SECRET, V6_CERT, V6_FPR, V6_SECRET};
use common::{now, SoftToken};
use pgp::packet::{Packet, PacketParser};
use tessera_core::openpgp::ops::encrypt::{self, Payload};
use tessera_core::openpgp::ops::keyring::Keyring;
use tessera_core::openpgp::ops::passwords;
use tessera_core::openpgp::ops::sign::{self, SignMode, Signed};
use tessera_core::openpgp::ops::verify::{self, Verification};
use tessera_core::openpgp::types::Container;
use tessera_core::openpgp::types::Limits;
use tessera_core::openpgp::types::SignedAs;

const A10_OCB: &str = include_str!("vectors/a10-aead-ocb.asc");

const TEXT_LF: &[u8] = b"first line\nsecond line  \n\nlast line without newline";
const TEXT_CRLF: &[u8] = b"first line\r\nsecond line  \r\n\r\nlast line without newline";

fn ring() -> Keyring {
    let mut ring = Keyring::new();
    ring.import(V4_CERT.as_bytes()).unwrap();
    ring.import(V6_CERT.as_bytes()).unwrap();
    ring
}

fn signer(
    token: &SoftToken,
    signer_fpr: &str,
    data: &[u8],
    mode: SignMode,
    as_: SignedAs,
) -> (Vec<u8>, Vec<Vec<u8>>) {
    let req = sign::prepare_as(&ring(), signer_fpr, data, mode, as_, now()).unwrap();
    let sig = token.sign(&req.key_fingerprint, req.hash_algorithm, &req.digest);
    (req.state, sig)
}

/// Both keys sign `data` in `mode`, phase 2 for both at once.
fn sign_both(data: &[u8], mode: SignMode, as_: SignedAs) -> Signed {
    let v4 = SoftToken::from_armor(V4_SECRET);
    let v6 = SoftToken::from_armor(V6_SECRET);
    let a = signer(&v4, V4_FPR, data, mode, as_);
    let b = signer(&v6, V6_FPR, data, mode, as_);
    sign::finish_many(&[(&a.0, &a.1), (&b.0, &b.1)]).unwrap()
}

fn valid_as(v: &Verification) -> (String, SignedAs) {
    match v {
        Verification::Valid {
            signer_fingerprint,
            signed_as,
            ..
        } => (signer_fingerprint.clone(), *signed_as),
        other => panic!("expected a valid signature, got {other:?}"),
    }
}

#[test]
fn a_text_signature_made_over_lf_verifies_over_crlf_and_says_text() {
    for (fpr, token) in [
        (V4_FPR, SoftToken::from_armor(V4_SECRET)),
        (V6_FPR, SoftToken::from_armor(V6_SECRET)),
    ] {
        let (state, sig) = signer(&token, fpr, TEXT_LF, SignMode::Detached, SignedAs::Text);
        let signed = sign::finish(&state, &sig).unwrap();
        let sig_packet = match PacketParser::new(&signed.binary[..]).next().unwrap().unwrap() {
            Packet::Signature(s) => s,
            other => panic!("{other:?}"),
        };
        assert_eq!(sig_packet.typ(), Some(pgp::packet::SignatureType::Text));
        for data in [TEXT_LF, TEXT_CRLF] {
            let v = verify::verify_detached(&ring(), data, signed.armored.as_bytes(), now()).unwrap();
            assert_eq!(valid_as(&v[0]), (fpr.to_string(), SignedAs::Text));
        }
        // The words still count: other text does not verify.
        let v = verify::verify_detached(&ring(), b"first line\n", signed.armored.as_bytes(), now()).unwrap();
        assert!(matches!(v[0], Verification::Bad { .. }), "{v:?}");
    }
}

#[test]
fn a_binary_signature_is_reported_binary_and_breaks_on_crlf() {
    let token = SoftToken::from_armor(V4_SECRET);
    let (state, sig) = signer(&token, V4_FPR, TEXT_LF, SignMode::Detached, SignedAs::Binary);
    let signed = sign::finish(&state, &sig).unwrap();
    let v = verify::verify_detached(&ring(), TEXT_LF, signed.armored.as_bytes(), now()).unwrap();
    assert_eq!(valid_as(&v[0]).1, SignedAs::Binary);
    let v = verify::verify_detached(&ring(), TEXT_CRLF, signed.armored.as_bytes(), now()).unwrap();
    assert!(matches!(v[0], Verification::Bad { .. }), "{v:?}");
}

#[test]
fn text_mode_needs_utf8() {
    let err = sign::prepare_as(
        &ring(),
        V4_FPR,
        b"\xff\xfe not text",
        SignMode::Detached,
        SignedAs::Text,
        now(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "invalid_argument", "{err}");
}

#[test]
fn inline_text_is_stored_with_crlf_and_verifies() {
    let signed = sign_both(TEXT_LF, SignMode::Inline, SignedAs::Text);
    let v = verify::verify_inline(&ring(), signed.armored.as_bytes(), &Limits::default(), now()).unwrap();
    assert_eq!(&v.data[..], TEXT_CRLF, "text is stored with CRLF line endings");
    let signers: Vec<_> = v.verifications.iter().map(valid_as).collect();
    assert_eq!(signers.len(), 2);
    for fpr in [V4_FPR, V6_FPR] {
        assert!(
            signers.contains(&(fpr.to_string(), SignedAs::Text)),
            "{signers:?}"
        );
    }
}

#[test]
fn two_signers_in_every_mode_both_verify() {
    let detached = sign_both(TEXT_LF, SignMode::Detached, SignedAs::Binary);
    let v = verify::verify_detached(&ring(), TEXT_LF, detached.armored.as_bytes(), now()).unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(valid_as(&v[0]).0, V4_FPR);
    assert_eq!(valid_as(&v[1]).0, V6_FPR);

    let inline = sign_both(TEXT_LF, SignMode::Inline, SignedAs::Binary);
    // OPS v4 (nested: another follows), OPS v6 (last), literal, signature v6, signature v4.
    let packets: Vec<Packet> = PacketParser::new(&inline.binary[..])
        .map(|p| p.unwrap())
        .collect();
    assert_eq!(packets.len(), 5);
    match (&packets[0], &packets[1]) {
        (Packet::OnePassSignature(a), Packet::OnePassSignature(b)) => {
            assert!(a.is_nested() && !b.is_nested());
        }
        other => panic!("{other:?}"),
    }
    let v = verify::verify_inline(&ring(), inline.armored.as_bytes(), &Limits::default(), now()).unwrap();
    assert_eq!(&v.data[..], TEXT_LF);
    assert_eq!(v.verifications.len(), 2);
    v.verifications.iter().for_each(|x| drop(valid_as(x)));

    let clear = sign_both(TEXT_LF, SignMode::Cleartext, SignedAs::Text);
    let v = verify::verify_inline(&ring(), clear.armored.as_bytes(), &Limits::default(), now()).unwrap();
    assert_eq!(v.verifications.len(), 2);
    v.verifications.iter().for_each(|x| drop(valid_as(x)));

    // Sign-then-encrypt with both: the signatures inside verify after decryption.
    let out = encrypt::encrypt(
        &ring(),
        &[V4_FPR.to_string()],
        None,
        Payload::Packets(&inline.binary),
        now(),
    )
    .unwrap();
    let back = common::decrypt_two_phase(out.armored.as_bytes(), &ring(), &SoftToken::from_armor(V4_SECRET))
        .unwrap();
    assert_eq!(&back.data[..], TEXT_LF);
    assert_eq!(back.verifications.len(), 2);
    back.verifications.iter().for_each(|x| drop(valid_as(x)));
}

#[test]
fn cleartext_signatures_ignore_trailing_whitespace_as_verifiers_do() {
    let text = b"Regards,\n-- \nAlice\t \n";
    let signed = sign_both(text, SignMode::Cleartext, SignedAs::Binary);
    // The text itself keeps its whitespace (dash-escaped: it starts with "-").
    assert!(
        signed
            .armored
            .lines()
            .any(|l| l.trim_end_matches('\r') == "- -- "),
        "{}",
        signed.armored
    );
    let v = verify::verify_inline(&ring(), signed.armored.as_bytes(), &Limits::default(), now()).unwrap();
    assert_eq!(v.verifications.len(), 2);
    v.verifications
        .iter()
        .for_each(|x| assert_eq!(valid_as(x).1, SignedAs::Text));
}

#[test]
fn signers_prepared_differently_are_refused() {
    let v4 = SoftToken::from_armor(V4_SECRET);
    let a = signer(&v4, V4_FPR, b"one", SignMode::Inline, SignedAs::Binary);
    let b = signer(&v4, V4_FPR, b"two", SignMode::Inline, SignedAs::Binary);
    let err = sign::finish_many(&[(&a.0, &a.1), (&b.0, &b.1)]).unwrap_err();
    assert_eq!(err.code(), "bad_signing_state", "{err}");
    let c = signer(&v4, V4_FPR, b"one", SignMode::Detached, SignedAs::Binary);
    let err = sign::finish_many(&[(&a.0, &a.1), (&c.0, &c.1)]).unwrap_err();
    assert_eq!(err.code(), "bad_signing_state", "{err}");
    assert_eq!(sign::finish_many(&[]).unwrap_err().code(), "invalid_argument");
}

fn skesk_versions(armored: &str) -> Vec<u8> {
    let bytes = common::dearmor(armored);
    PacketParser::new(&bytes[..])
        .filter_map(|p| match p.unwrap() {
            Packet::SymKeyEncryptedSessionKey(s) => Some(match s.version() {
                pgp::types::SkeskVersion::V4 => 4,
                pgp::types::SkeskVersion::V6 => 6,
                _ => 0,
            }),
            _ => None,
        })
        .collect()
}

#[test]
fn password_only_encryption_is_seipd_v1_with_v4_skesks_and_round_trips() {
    let sealing = encrypt::prepare_for(
        &[],
        &[b"correct horse", b"second"],
        Payload::Data(b"for a password"),
        now(),
    )
    .unwrap();
    assert_eq!(sealing.container(), Container::SeipdV1);
    let session_key = sealing.session_key().to_vec();
    assert_eq!(sealing.symmetric_algorithm(), 9, "AES-256");
    let out = sealing.seal().unwrap();
    assert_eq!(skesk_versions(&out.armored), vec![4, 4]);
    assert!(out.recipient_keys.is_empty());

    for pw in [&b"correct horse"[..], b"second"] {
        let (d, key) = passwords::decrypt_with_passwords(
            out.armored.as_bytes(),
            &[b"nope", pw],
            &Keyring::new(),
            &Limits::default(),
            now(),
        )
        .unwrap();
        assert_eq!(&d.data[..], b"for a password");
        assert_eq!(&key.key[..], &session_key[..], "the session key that opened it");
        assert_eq!(key.symmetric_algorithm, Some(9));
    }
    let err = passwords::decrypt_with_passwords(
        out.armored.as_bytes(),
        &[b"wrong", b"correct horse "],
        &Keyring::new(),
        &Limits::default(),
        now(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "wrong_password", "{err}");
}

#[test]
fn passwords_and_certificates_together_each_open_the_message() {
    let ring = ring();
    let v4_cert = ring.require(V4_FPR).unwrap().clone();
    let v6_cert = ring.require(V6_FPR).unwrap().clone();
    // A v4 recipient: SEIPDv1, v4 SKESK. Only v6 recipients: SEIPDv2, v6 SKESK.
    for (cert, token, container, version) in [
        (&v4_cert, SoftToken::from_armor(V4_SECRET), Container::SeipdV1, 4),
        (&v6_cert, SoftToken::from_armor(V6_SECRET), Container::SeipdV2, 6),
    ] {
        let sealing = encrypt::prepare_for(&[cert], &[b"pw"], Payload::Data(b"both ways"), now()).unwrap();
        assert_eq!(sealing.container(), container);
        let out = sealing.seal().unwrap();
        assert_eq!(skesk_versions(&out.armored), vec![version]);
        let (d, _) = passwords::decrypt_with_passwords(
            out.armored.as_bytes(),
            &[b"pw"],
            &ring,
            &Limits::default(),
            now(),
        )
        .unwrap();
        assert_eq!(&d.data[..], b"both ways", "by password ({container:?})");
        let d = common::decrypt_two_phase(out.armored.as_bytes(), &ring, &token).unwrap();
        assert_eq!(&d.data[..], b"both ways", "by key ({container:?})");
    }
}

#[test]
fn a_tampered_password_message_releases_nothing() {
    let out = encrypt::prepare_for(&[], &[b"pw"], Payload::Data(&[7u8; 4000]), now())
        .unwrap()
        .seal()
        .unwrap();
    let mut bytes = common::dearmor(&out.armored);
    let at = bytes.len() - 30;
    bytes[at] ^= 0x40;
    let err = passwords::decrypt_with_passwords(&bytes, &[b"pw"], &Keyring::new(), &Limits::default(), now())
        .unwrap_err();
    assert_eq!(err.code(), "integrity_failure", "{err}");
}

#[test]
fn no_recipients_at_all_and_no_password_recipient_are_errors() {
    let err = encrypt::prepare_for(&[], &[], Payload::Data(b"x"), now())
        .err()
        .unwrap();
    assert_eq!(err.code(), "no_recipients");
    let out = encrypt::encrypt(&ring(), &[V4_FPR.to_string()], None, Payload::Data(b"x"), now()).unwrap();
    let err = passwords::decrypt_with_passwords(
        out.armored.as_bytes(),
        &[b"pw"],
        &ring(),
        &Limits::default(),
        now(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "no_password_recipient", "{err}");
}

/// RFC 9580 A.10: a v6 SKESK (Argon2 S2K, password `password`) over OCB.
#[test]
fn rfc9580_a10_opens_with_its_password() {
    let (d, key) = passwords::decrypt_with_passwords(
        A10_OCB.as_bytes(),
        &[b"password"],
        &Keyring::new(),
        &Limits::default(),
        now(),
    )
    .unwrap();
    assert_eq!(&d.data[..], b"Hello, world!");
    assert_eq!(
        key.symmetric_algorithm, None,
        "a v6 session key names no algorithm"
    );
}
