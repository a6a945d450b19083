//! The OpenPGP exports (src/bindings_openpgp.rs) as wasm in headless Chromium:
//! `scripts/lib/wasm.sh test`. The token's part is done by rpgp with the RFC 9580
//! A.4 secret key (tests/common), as the host does it on a card.
#![cfg(target_arch = "wasm32")]

mod common;

use common::SoftToken;
use js_sys::{Array, Reflect, Uint8Array};
use tessera_core::bindings_openpgp::{
    decrypt_finish, decrypt_prepare, encrypt_message, keyring_import, keyring_list, sign_finish,
    sign_prepare, verify_inline,
};
use tessera_core::openpgp::ops::decrypt::SessionKey;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const A3_CERT: &str = include_str!("vectors/a3-v6-certificate.asc");
const A4_SECRET: &str = include_str!("vectors/a4-v6-secret-key.asc");
const V4_CERT: &str = include_str!("vectors/v4-cv25519-certificate.asc");
const V4_SECRET: &str = include_str!("vectors/v4-cv25519-secret-key.asc");
const V4_FPR: &str = "2F605EC73AAAD03F039CE2D71D7FC97BCE48C2E3";
const GPG_ZLIB: &str = include_str!("vectors/gpg-zlib-to-v4.asc");
const GPG_ZIP: &str = include_str!("vectors/gpg-zip-to-v4.asc");
const A3_FPR: &str = "CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9";

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &key.into()).unwrap()
}

fn string(obj: &JsValue, key: &str) -> String {
    get(obj, key)
        .as_string()
        .unwrap_or_else(|| panic!("`{key}` is not a string"))
}

fn bytes(obj: &JsValue, key: &str) -> Vec<u8> {
    get(obj, key)
        .dyn_into::<Uint8Array>()
        .unwrap_or_else(|_| panic!("`{key}` is not a Uint8Array"))
        .to_vec()
}

fn strings(list: &[&str]) -> Array {
    list.iter().map(|s| JsValue::from_str(s)).collect()
}

/// The keyring's storage string with the RFC 9580 A.3 certificate.
fn stored() -> String {
    let out = keyring_import("", A3_CERT.as_bytes()).unwrap();
    let imported: Array = get(&out, "imported").dyn_into().unwrap();
    assert_eq!(imported.get(0).as_string().as_deref(), Some(A3_FPR));
    string(&out, "stored")
}

/// Phase 2 through the export, with the session key the token recovered.
async fn finish(stored: &str, message: Vec<u8>, sk: &SessionKey) -> Result<JsValue, JsValue> {
    decrypt_finish(
        stored.to_owned(),
        message,
        sk.symmetric_algorithm,
        sk.key.to_vec(),
    )
    .await
}

fn code(err: &JsValue) -> String {
    assert!(err.is_instance_of::<js_sys::Error>(), "not an Error: {err:?}");
    string(err, "code")
}

#[wasm_bindgen_test]
fn keyring_lists_the_certificate_as_plain_objects() {
    let list: Array = keyring_list(&stored(), Array::new()).unwrap().dyn_into().unwrap();
    assert_eq!(list.length(), 1);
    let info = list.get(0);
    assert_eq!(string(&info, "fingerprint"), A3_FPR);
    assert_eq!(string(&info, "validity"), "valid");
    assert_eq!(get(&info, "can_encrypt").as_bool(), Some(true));
}

#[wasm_bindgen_test]
fn a_secret_key_throws_an_error_with_a_code() {
    let err = keyring_import("", A4_SECRET.as_bytes()).expect_err("secret keys are refused");
    assert_eq!(code(&err), "secret_key_refused");
}

#[wasm_bindgen_test]
async fn encrypt_then_decrypt_in_two_phases_round_trips() {
    let stored = stored();
    let token = SoftToken::from_armor(A4_SECRET);
    let fprs: Vec<String> = token.fingerprints();
    let fprs: Vec<&str> = fprs.iter().map(String::as_str).collect();

    let out = encrypt_message(
        stored.clone(),
        strings(&[A3_FPR]),
        None,
        b"hello from the browser".to_vec(),
        false,
        None,
    )
    .await
    .unwrap();
    assert_eq!(string(&out, "container"), "seipd_v2");
    let armored = string(&out, "armored");

    let req = decrypt_prepare(&stored, armored.as_bytes(), strings(&fprs)).unwrap();
    assert_eq!(string(&req, "container"), "seipd_v2");
    let sk = token.decrypt_session_key(&bytes(&req, "pkesk"), &bytes(&req, "recipient_key"));
    let out = finish(&stored, armored.as_bytes().to_vec(), &sk).await.unwrap();
    assert_eq!(bytes(&out, "data"), b"hello from the browser");
    let verifications: Array = get(&out, "verifications").dyn_into().unwrap();
    assert_eq!(string(&verifications.get(0), "status"), "unsigned");

    // One flipped byte: an Error with a code, and no data.
    let mut tampered = common::dearmor(&armored);
    let at = tampered.len() - 20;
    tampered[at] ^= 1;
    let req = decrypt_prepare(&stored, &tampered, strings(&fprs)).unwrap();
    let sk = token.decrypt_session_key(&bytes(&req, "pkesk"), &bytes(&req, "recipient_key"));
    let err = finish(&stored, tampered, &sk)
        .await
        .expect_err("tampered data must not decrypt");
    assert_eq!(code(&err), "integrity_failure");
}

#[wasm_bindgen_test]
fn sign_then_verify_in_two_phases() {
    let stored = stored();
    let token = SoftToken::from_armor(A4_SECRET);
    let data = b"signed in the browser\n";
    for mode in ["inline", "cleartext"] {
        let req = sign_prepare(&stored, A3_FPR, data.to_vec(), mode).unwrap();
        assert_eq!(string(&req, "hash_algorithm"), "SHA256");
        let signature = token.sign(
            &string(&req, "key_fingerprint"),
            pgp::crypto::hash::HashAlgorithm::Sha256,
            &bytes(&req, "digest"),
        );
        let parts: Array = signature
            .iter()
            .map(|p| JsValue::from(Uint8Array::from(&p[..])))
            .collect();
        let signed = sign_finish(bytes(&req, "state"), parts).unwrap();
        let out = verify_inline(&stored, string(&signed, "armored").as_bytes()).unwrap();
        assert_eq!(
            bytes(&out, "data").trim_ascii_end(),
            data.trim_ascii_end(),
            "{mode}"
        );
        let verifications: Array = get(&out, "verifications").dyn_into().unwrap();
        let v = verifications.get(0);
        assert_eq!(string(&v, "status"), "valid", "{mode}");
        assert_eq!(string(&v, "signer_fingerprint"), A3_FPR);
    }
}

/// SEIPDv1, whose AES runs in WebCrypto (src/openpgp/ops/webcrypto.rs), at sizes around
/// the block and packet length boundaries: the core's own decryption reads
/// it back, and a flipped ciphertext byte is refused.
#[wasm_bindgen_test]
async fn seipd_v1_by_webcrypto_round_trips() {
    let out = keyring_import("", V4_CERT.as_bytes()).unwrap();
    let stored = string(&out, "stored");
    let token = SoftToken::from_armor(V4_SECRET);
    let fprs: Vec<String> = token.fingerprints();
    let fprs: Vec<&str> = fprs.iter().map(String::as_str).collect();
    for size in [0usize, 1, 15, 16, 17, 170, 8400, 70_000] {
        let data: Vec<u8> = (0..size).map(|i| (i * 7 % 256) as u8).collect();
        let out = encrypt_message(
            stored.clone(),
            strings(&[V4_FPR]),
            None,
            data.clone(),
            false,
            None,
        )
        .await
        .unwrap();
        assert_eq!(string(&out, "container"), "seipd_v1");
        let armored = string(&out, "armored");
        let req = decrypt_prepare(&stored, armored.as_bytes(), strings(&fprs)).unwrap();
        let sk = token.decrypt_session_key(&bytes(&req, "pkesk"), &bytes(&req, "recipient_key"));
        let back = finish(&stored, armored.as_bytes().to_vec(), &sk).await.unwrap();
        assert_eq!(bytes(&back, "data"), data, "{size} bytes");

        let mut tampered = common::dearmor(&armored);
        let at = tampered.len() - 1 - size / 2;
        tampered[at] ^= 0x40;
        let err = finish(&stored, tampered, &sk)
            .await
            .expect_err("tampered data must not decrypt");
        assert_eq!(code(&err), "integrity_failure", "{size} bytes");
    }
}

/// `hidden` through the export: the hidden recipient's PKESK is anonymous,
/// `decryptPrepare` lists it as an anonymous candidate, and it decrypts; a
/// hidden fingerprint that is no recipient is an Error with a code.
#[wasm_bindgen_test]
async fn hidden_recipients_through_the_exports() {
    let stored = string(&keyring_import("", V4_CERT.as_bytes()).unwrap(), "stored");
    let token = SoftToken::from_armor(V4_SECRET);
    let fprs: Vec<String> = token.fingerprints();
    let fprs: Vec<&str> = fprs.iter().map(String::as_str).collect();
    let out = encrypt_message(
        stored.clone(),
        strings(&[V4_FPR]),
        None,
        b"bcc".to_vec(),
        false,
        Some(strings(&[V4_FPR])),
    )
    .await
    .unwrap();
    let armored = string(&out, "armored");
    let req = decrypt_prepare(&stored, armored.as_bytes(), strings(&fprs)).unwrap();
    let recipients: Array = get(&req, "recipients").dyn_into().unwrap();
    assert_eq!(string(&recipients.get(0), "key_id"), "0000000000000000");
    let candidates: Array = get(&req, "candidates").dyn_into().unwrap();
    assert_eq!(candidates.length(), 1);
    let first = candidates.get(0);
    assert_eq!(get(&first, "anonymous").as_bool(), Some(true));
    let sk = token.decrypt_session_key(&bytes(&first, "pkesk"), &bytes(&first, "recipient_key"));
    let back = finish(&stored, armored.as_bytes().to_vec(), &sk).await.unwrap();
    assert_eq!(bytes(&back, "data"), b"bcc");

    let err = encrypt_message(
        stored,
        strings(&[V4_FPR]),
        None,
        b"x".to_vec(),
        false,
        Some(strings(&[A3_FPR])),
    )
    .await
    .expect_err("a hidden fingerprint that is no recipient");
    assert_eq!(code(&err), "key_not_found");
}

/// The plaintext of `vectors/gpg-{zlib,zip}-to-v4.asc` (106,890 bytes of text).
fn gpg_plaintext() -> Vec<u8> {
    (0..2000)
        .map(|i| format!("line {i}: compressed by gpg, inflated by the browser\n"))
        .collect::<String>()
        .into_bytes()
}

/// The v4 key's keyring, its soft token, and the token's fingerprints.
fn v4() -> (String, SoftToken, Array) {
    let stored = string(&keyring_import("", V4_CERT.as_bytes()).unwrap(), "stored");
    let token = SoftToken::from_armor(V4_SECRET);
    let fprs = token.fingerprints();
    let fprs = strings(&fprs.iter().map(String::as_str).collect::<Vec<_>>());
    (stored, token, fprs)
}

/// Both phases through the exports, as `decrypt-flow.ts` calls them.
async fn decrypt_v4(
    stored: &str,
    token: &SoftToken,
    fprs: &Array,
    message: Vec<u8>,
) -> Result<JsValue, JsValue> {
    let req = decrypt_prepare(stored, &message, fprs.clone())?;
    let sk = token.decrypt_session_key(&bytes(&req, "pkesk"), &bytes(&req, "recipient_key"));
    finish(stored, message, &sk).await
}

/// GnuPG's compressed messages, ZLIB (its default) and ZIP, through the
/// extension's decryption exports, inflated in wasm once the MDC checked
/// out. A flipped byte in the encrypted compressed data is caught by
/// the MDC before anything is inflated, and the failure takes nothing with
/// it: the intact message decrypts right after.
#[wasm_bindgen_test]
async fn gpg_compressed_messages_decrypt_in_the_browser() {
    let (stored, token, fprs) = v4();
    for (name, armored) in [("zlib", GPG_ZLIB), ("zip", GPG_ZIP)] {
        let back = decrypt_v4(&stored, &token, &fprs, armored.as_bytes().to_vec())
            .await
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(bytes(&back, "data"), gpg_plaintext(), "{name}");
        assert_eq!(string(&back, "container"), "seipd_v1", "{name}");

        let mut tampered = common::dearmor(armored);
        let at = tampered.len() / 2;
        tampered[at] ^= 0x01;
        let err = decrypt_v4(&stored, &token, &fprs, tampered)
            .await
            .expect_err("tampered compressed data must not decrypt");
        assert_eq!(code(&err), "integrity_failure", "{name}");

        let again = decrypt_v4(&stored, &token, &fprs, armored.as_bytes().to_vec())
            .await
            .unwrap();
        assert_eq!(
            bytes(&again, "data"),
            gpg_plaintext(),
            "{name}, after the tampered one"
        );
    }
}

/// Compressed data that is authentic (encrypted as it is, so its MDC is
/// right) but is not what it claims: deflate that does not inflate, a ZLIB
/// stream cut short, BZip2 (not read by Tessera), and a compression bomb (a
/// 630 KB ZLIB stream of 96 MiB of zeros), which the inflate stops at the
/// size limit (64 MiB: `Limits`) with the error the core gives for any
/// message over it. `verifyInline` reads the same packets unencrypted (all
/// but the bomb).
#[wasm_bindgen_test]
async fn corrupt_unsupported_and_bomb_compressed_data_are_refused() {
    let (stored, token, fprs) = v4();
    let packet = |body: &[u8]| {
        let mut p = vec![0xC8, 0xFF];
        p.extend_from_slice(&u32::try_from(body.len()).unwrap().to_be_bytes());
        p.extend_from_slice(body);
        p
    };
    // BFINAL=1 with the reserved block type 11; a stored block of 100 bytes
    // with 3 of them.
    let cases = [
        ("corrupt zlib", packet(&[2, 0x78, 0x01, 0x07]), "malformed"),
        ("corrupt zip", packet(&[1, 0x07, 0, 0]), "malformed"),
        (
            "truncated zlib",
            packet(&[2, 0x78, 0x01, 0x01, 100, 0, 155, 255, 1, 2, 3]),
            "malformed",
        ),
        ("bzip2", packet(&[3, b'B', b'Z', b'h', b'9']), "unsupported"),
        ("bomb", common::zlib_bomb(96 * 1024 * 1024), "too_large"),
    ];
    for (name, packets, want) in cases {
        let out = encrypt_message(
            stored.clone(),
            strings(&[V4_FPR]),
            None,
            packets.clone(),
            true,
            None,
        )
        .await
        .unwrap();
        let armored = string(&out, "armored");
        let err = decrypt_v4(&stored, &token, &fprs, armored.into_bytes())
            .await
            .expect_err(name);
        assert_eq!(code(&err), want, "{name}: {err:?}");

        if name != "bomb" {
            // (The bomb once is enough: 64 MiB inflated in a debug build.)
            let err = verify_inline(&stored, &packets).expect_err(name);
            assert_eq!(code(&err), want, "{name}, verifyInline: {err:?}");
        }
    }
    let back = decrypt_v4(&stored, &token, &fprs, GPG_ZLIB.as_bytes().to_vec())
        .await
        .unwrap();
    assert_eq!(bytes(&back, "data"), gpg_plaintext(), "after the refused ones");
}
