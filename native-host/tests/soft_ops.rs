//! Private-key operations on the embedded soft token through the real host:
//! the passphrase plays the PIN's role. No card needed; GnuPG encrypts.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use base64::Engine;
use common::{
    b64, decrypt_with_session_key, gpg_encrypt, packet_bytes, pkesks, random_bytes, LiveHost, HOST,
};
use pgp::composed::{Deserializable, SignedSecretKey};
use pgp::crypto::hash::HashAlgorithm;
use pgp::ser::Serialize;
use pgp::types::{KeyDetails, Mpi, SignatureBytes, VerifyingKey};
use serde_json::{json, Value};
use sha2::Digest;

const PASSPHRASE: &str = "correct horse battery staple";

fn init_soft_token(data: &std::path::Path) -> SignedSecretKey {
    let mut child = Command::new(HOST)
        .args(["soft-token", "init", "--user-id", "Soft User <soft@example.org>"])
        .env("TESSERA_DATA_DIR", data)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start soft-token init");
    writeln!(child.stdin.take().expect("stdin"), "{PASSPHRASE}").expect("passphrase");
    assert!(child.wait().expect("wait").success());
    let text = std::fs::read_to_string(data.join("soft-token.asc")).expect("key file");
    SignedSecretKey::from_string(&text).expect("parse key").0
}

fn start(data: &std::path::Path) -> LiveHost {
    // No pcscd: these tests must not depend on one.
    LiveHost::start_with(
        data,
        &[("PCSCLITE_CSOCK_NAME", "/nonexistent/tessera-test/pcscd.comm")],
    )
}

fn verify(host: &mut LiveHost, token: &str, pin: &str) -> Value {
    host.call(&json!({"id": 1, "method": "token.verify_pin", "params": {"token": token, "pin": pin}}))
}

#[test]
fn soft_token_passphrase_sign_and_decrypt() {
    let data = tempfile::tempdir().expect("tempdir");
    let key = init_soft_token(data.path());
    let token = format!("soft:{}", common::hex_upper(key.fingerprint().as_bytes()));
    let mut host = start(data.path());
    assert_eq!(host.token(&token).expect("listed")["pin_cached"], false);

    let digest = sha2::Sha256::digest(random_bytes(40)).to_vec();
    let sign_request = json!({"id": 2, "method": "token.sign",
        "params": {"token": token, "hash_algorithm": "SHA256", "digest": b64(&digest)}});
    assert_eq!(host.call(&sign_request)["error"]["code"], "pin_required");

    let reply = verify(&mut host, &token, "not the passphrase");
    assert_eq!(reply["error"]["code"], "pin_incorrect", "{reply}");
    assert!(reply["error"].get("retries_left").is_none(), "{reply}");
    assert!(!reply.to_string().contains("not the passphrase"));
    assert_eq!(host.token(&token).expect("listed")["pin_cached"], false);

    let reply = verify(&mut host, &token, PASSPHRASE);
    assert_eq!(
        reply["result"],
        json!({"verified": true, "cached_for_seconds": 300}),
        "{reply}"
    );
    assert_eq!(host.token(&token).expect("listed")["pin_cached"], true);

    // Sign: verifies with the signing subkey's public key, and only over this digest.
    let reply = host.call(&sign_request);
    let mpis: Vec<Mpi> = reply["result"]["signature"]
        .as_array()
        .unwrap_or_else(|| panic!("{reply}"))
        .iter()
        .map(|m| {
            Mpi::from_slice(
                &base64::engine::general_purpose::STANDARD
                    .decode(m.as_str().expect("string"))
                    .expect("base64"),
            )
        })
        .collect();
    assert_eq!(mpis.len(), 2, "legacy EdDSA is [r, s]");
    let signer = key
        .secret_subkeys
        .iter()
        .find(|s| s.signatures.last().is_some_and(|sig| sig.key_flags().sign()))
        .expect("signing subkey")
        .key
        .public_key();
    let sig = SignatureBytes::Mpis(mpis);
    signer
        .verify(HashAlgorithm::Sha256, &digest, &sig)
        .expect("signature verifies");
    let mut other = digest.clone();
    other[5] ^= 0x80;
    assert!(signer.verify(HashAlgorithm::Sha256, &other, &sig).is_err());

    // Decrypt a message GnuPG encrypted to the soft token's public key.
    let public = key.to_public_key().to_bytes().expect("export public key");
    let plaintext = random_bytes(2000);
    let message = gpg_encrypt(&[public], &plaintext);
    let esks = pkesks(&message);
    assert_eq!(esks.len(), 1);
    let enc = key
        .secret_subkeys
        .iter()
        .find(|s| {
            s.signatures
                .last()
                .is_some_and(|sig| sig.key_flags().encrypt_comms())
        })
        .expect("encryption subkey")
        .key
        .public_key();
    let reply = host.call(&json!({"id": 3, "method": "token.decrypt_session_key",
        "params": {"token": token, "pkesk": b64(&esks[0].1), "recipient_key": b64(&packet_bytes(enc))}}));
    assert_eq!(
        decrypt_with_session_key(&message, &reply["result"]),
        plaintext,
        "{reply}"
    );

    // The PKESK claimed for another key of the token: wrong_key.
    let reply = host.call(&json!({"id": 4, "method": "token.decrypt_session_key",
        "params": {"token": token, "pkesk": b64(&esks[0].1), "recipient_key": b64(&packet_bytes(signer))}}));
    assert_eq!(reply["error"]["code"], "wrong_key", "{reply}");

    let reply = host.call(&json!({"id": 5, "method": "token.forget_pin", "params": {"token": token}}));
    assert_eq!(reply["result"], json!({"forgotten": true}));
    assert_eq!(host.call(&sign_request)["error"]["code"], "pin_required");
}

#[test]
fn operations_on_an_unknown_token_and_bad_digests_are_refused() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut host = start(data.path());
    let reply = verify(&mut host, "soft:0000", "whatever");
    assert_eq!(reply["error"]["code"], "token_not_found", "{reply}");
    let reply = verify(&mut host, "usb:1234", "whatever");
    assert_eq!(reply["error"]["code"], "token_not_found", "{reply}");
    let reply = host.call(&json!({"id": 6, "method": "token.sign",
        "params": {"token": "soft:0000", "hash_algorithm": "SHA256", "digest": b64(&[1, 2, 3])}}));
    assert_eq!(reply["error"]["code"], "invalid_params", "{reply}");
    let reply = host.call(&json!({"id": 7, "method": "token.sign",
        "params": {"token": "soft:0000", "hash_algorithm": "MD5", "digest": ""}}));
    assert_eq!(reply["error"]["code"], "invalid_params", "{reply}");
}
