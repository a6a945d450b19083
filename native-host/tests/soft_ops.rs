//! Private-key operations on the embedded soft token through the real host:
//! the passphrase plays the PIN's role. No card needed; GnuPG encrypts.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{
    b64, decrypt_with_session_key, gpg_encrypt, packet_bytes, pkesks, random_bytes, signature_mpis, LiveHost,
    HOST,
};
use pgp::composed::{Deserializable, SignedSecretKey};
use pgp::crypto::hash::HashAlgorithm;
use pgp::ser::Serialize;
use pgp::types::{KeyDetails, SignatureBytes, VerifyingKey};
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
    let sig = signature_mpis(&reply);
    assert!(
        matches!(&sig, SignatureBytes::Mpis(m) if m.len() == 2),
        "legacy EdDSA is [r, s]"
    );
    let signer = key
        .secret_subkeys
        .iter()
        .find(|s| s.signatures.last().is_some_and(|sig| sig.key_flags().sign()))
        .expect("signing subkey")
        .key
        .public_key();
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

#[test]
fn soft_token_exports_its_public_certificate_without_a_passphrase() {
    use pgp::composed::SignedPublicKey;
    let data = tempfile::tempdir().expect("tempdir");
    let key = init_soft_token(data.path());
    let fpr = common::hex_upper(key.fingerprint().as_bytes());
    let token = format!("soft:{fpr}");
    let mut host = start(data.path());
    let reply =
        host.call(&json!({"id": 3, "method": "token.export_certificate", "params": {"token": token}}));
    let result = &reply["result"];
    assert_eq!(result["fingerprint"], fpr, "{reply}");
    let armored = result["armored"].as_str().expect("armored");
    assert!(
        armored.starts_with("-----BEGIN PGP PUBLIC KEY BLOCK-----"),
        "{armored}"
    );
    let (cert, _) = SignedPublicKey::from_string(armored).expect("parse certificate");
    cert.verify_bindings().expect("self-signatures verify");
    assert_eq!(cert, key.to_public_key());
    // No passphrase was asked: the public half is not encrypted.
    assert_eq!(host.token(&token).expect("listed")["pin_cached"], false);

    // The CLI prints the same armor on stdout and the fingerprint on stderr.
    let out = Command::new(HOST)
        .args(["export-cert", "--token", &token])
        .env("TESSERA_DATA_DIR", data.path())
        .env("PCSCLITE_CSOCK_NAME", "/nonexistent/tessera-test/pcscd.comm")
        .output()
        .expect("run export-cert");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), armored);
    assert!(String::from_utf8_lossy(&out.stderr).contains(&fpr));
    // And the gpg that imports it sees the same key.
    let home = tempfile::tempdir().expect("gnupg home");
    let path = home.path().join("cert.asc");
    std::fs::write(&path, armored).expect("write cert");
    common::gpg(home.path(), &["--import", path.to_str().expect("path")]);
    let listed =
        String::from_utf8(common::gpg(home.path(), &["--with-colons", "--list-keys", &fpr])).expect("utf-8");
    assert!(listed.contains(&format!("fpr:::::::::{fpr}:")), "{listed}");
    let _ = Command::new("gpgconf")
        .arg("--homedir")
        .arg(home.path())
        .args(["--kill", "all"])
        .status();
}

/// A passphrase-protected key made by GnuPG, exported as `gpg
/// --export-secret-keys --armor` writes it: (armored secret key, public key
/// bytes, primary fingerprint). A certify-only primary; `subkeys`: `quick-add-key` usages.
fn gpg_made_key(
    home: &std::path::Path,
    passphrase: &str,
    subkeys: &[(&str, &str)],
) -> (String, Vec<u8>, String) {
    gpg_made_key_with(home, passphrase, "cert", subkeys)
}

/// As [`gpg_made_key`], with the primary key's usage (`sign,cert` is GnuPG's default).
fn gpg_made_key_with(
    home: &std::path::Path,
    passphrase: &str,
    primary_usage: &str,
    subkeys: &[(&str, &str)],
) -> (String, Vec<u8>, String) {
    let pw = ["--pinentry-mode", "loopback", "--passphrase", passphrase];
    let run = |args: &[&str]| common::gpg(home, &[&pw[..], args].concat());
    run(&[
        "--quick-gen-key",
        "Imported User <imported@example.org>",
        "ed25519",
        primary_usage,
        "0",
    ]);
    let listing = String::from_utf8(common::gpg(home, &["--with-colons", "--list-keys"])).expect("utf-8");
    let fpr = listing
        .lines()
        .find_map(|l| l.strip_prefix("fpr:::::::::"))
        .and_then(|rest| rest.split(':').next())
        .expect("fingerprint")
        .to_owned();
    for (algo, usage) in subkeys {
        run(&["--quick-add-key", &fpr, algo, usage, "0"]);
    }
    let secret = String::from_utf8(run(&["--export-secret-keys", "--armor", &fpr])).expect("armor");
    let public = common::gpg(home, &["--export", &fpr]);
    (secret, public, fpr)
}

fn soft_token_import(
    data: &std::path::Path,
    file: &std::path::Path,
    passphrase: &str,
) -> std::process::Output {
    let mut child = Command::new(HOST)
        .args(["soft-token", "import"])
        .arg(file)
        .env("TESSERA_DATA_DIR", data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start soft-token import");
    // The host may refuse before it reads the passphrase (a soft token already
    // exists) and be gone: a broken pipe then is its answer, not the test's failure.
    if let Err(e) = writeln!(child.stdin.take().expect("stdin"), "{passphrase}") {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "passphrase: {e}");
    }
    child.wait_with_output().expect("wait")
}

#[test]
fn a_gpg_made_protected_key_imports_and_decrypts_what_gpg_encrypted() {
    let home = tempfile::tempdir().expect("gnupg home");
    let (secret, public, fpr) = gpg_made_key(
        home.path(),
        PASSPHRASE,
        &[("ed25519", "sign"), ("cv25519", "encr")],
    );
    let file = home.path().join("secret.asc");
    std::fs::write(&file, &secret).expect("write key");
    let data = tempfile::tempdir().expect("tempdir");

    // A wrong passphrase is refused, and nothing is written.
    let out = soft_token_import(data.path(), &file, "not the passphrase");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrong passphrase"));
    assert!(!data.path().join("soft-token.asc").exists());

    let out = soft_token_import(data.path(), &file, PASSPHRASE);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The passphrase is never echoed back.
    let printed = [out.stdout.clone(), out.stderr.clone()].concat();
    assert!(!String::from_utf8_lossy(&printed).contains(PASSPHRASE));
    // Stored with its protection: the secret parts still need the passphrase.
    let stored = std::fs::read_to_string(data.path().join("soft-token.asc")).expect("key file");
    let (key, _) = SignedSecretKey::from_string(&stored).expect("parse");
    for sub in &key.secret_subkeys {
        assert!(sub.key.unlock(&"wrong".into(), |_, _| Ok(())).is_err());
    }
    // A second import does not replace it.
    assert!(!soft_token_import(data.path(), &file, PASSPHRASE).status.success());

    let token = format!("soft:{fpr}");
    let mut host = start(data.path());
    assert!(host.token(&token).is_some(), "the imported key is the soft token");
    let plaintext = random_bytes(500);
    let message = gpg_encrypt(&[public], &plaintext);
    let esks = pkesks(&message);
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
    let request = json!({"id": 7, "method": "token.decrypt_session_key",
        "params": {"token": token, "pkesk": b64(&esks[0].1), "recipient_key": b64(&packet_bytes(enc))}});
    assert_eq!(host.call(&request)["error"]["code"], "pin_required");
    assert_eq!(verify(&mut host, &token, PASSPHRASE)["result"]["verified"], true);
    let reply = host.call(&request);
    assert_eq!(
        decrypt_with_session_key(&message, &reply["result"]),
        plaintext,
        "{reply}"
    );
    drop(host);
    let _ = Command::new("gpgconf")
        .arg("--homedir")
        .arg(home.path())
        .args(["--kill", "all"])
        .status();
}

#[test]
fn keys_without_a_signing_subkey_or_protection_are_refused() {
    let home = tempfile::tempdir().expect("gnupg home");
    // Nothing may sign: a certify-only primary and an encryption subkey.
    let (secret, _, _) = gpg_made_key(home.path(), PASSPHRASE, &[("cv25519", "encr")]);
    let file = home.path().join("secret.asc");
    std::fs::write(&file, &secret).expect("write key");
    let data = tempfile::tempdir().expect("tempdir");
    let out = soft_token_import(data.path(), &file, PASSPHRASE);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no signing subkey"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = Command::new("gpgconf")
        .arg("--homedir")
        .arg(home.path())
        .args(["--kill", "all"])
        .status();

    // An unprotected key (no passphrase at all).
    let home = tempfile::tempdir().expect("gnupg home");
    let (secret, _, _) = gpg_made_key(home.path(), "", &[("ed25519", "sign"), ("cv25519", "encr")]);
    std::fs::write(&file, &secret).expect("write key");
    let out = soft_token_import(data.path(), &file, "anything at all");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not passphrase-protected"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!data.path().join("soft-token.asc").exists());
    let _ = Command::new("gpgconf")
        .arg("--homedir")
        .arg(home.path())
        .args(["--kill", "all"])
        .status();
}

/// GnuPG's default layout (an ed25519 primary that signs and certifies, a
/// cv25519 encryption subkey, no signing subkey) imports as it is: the primary
/// is the soft token's signature slot and signs.
#[test]
fn a_gpg_default_key_imports_and_its_primary_signs() {
    let home = tempfile::tempdir().expect("gnupg home");
    let (secret, _, fpr) = gpg_made_key_with(home.path(), PASSPHRASE, "sign,cert", &[("cv25519", "encr")]);
    let file = home.path().join("secret.asc");
    std::fs::write(&file, &secret).expect("write key");
    let data = tempfile::tempdir().expect("tempdir");
    let out = soft_token_import(data.path(), &file, PASSPHRASE);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let token = format!("soft:{fpr}");
    let mut host = start(data.path());
    let listed = host.token(&token).expect("the imported key is the soft token");
    let slot = listed["slots"]
        .as_array()
        .expect("slots")
        .iter()
        .find(|s| s["slot"] == "signature")
        .cloned()
        .unwrap_or_else(|| panic!("a signature slot: {listed}"));
    assert_eq!(slot["fingerprint"], fpr.as_str(), "the primary key signs");

    let digest = sha2::Sha256::digest(random_bytes(40)).to_vec();
    let sign_request = json!({"id": 2, "method": "token.sign",
        "params": {"token": token, "hash_algorithm": "SHA256", "digest": b64(&digest)}});
    assert_eq!(host.call(&sign_request)["error"]["code"], "pin_required");
    assert_eq!(
        verify(&mut host, &token, "not the passphrase")["error"]["code"],
        "pin_incorrect"
    );
    assert_eq!(verify(&mut host, &token, PASSPHRASE)["result"]["verified"], true);
    let reply = host.call(&sign_request);
    let sig = signature_mpis(&reply);
    let stored = std::fs::read_to_string(data.path().join("soft-token.asc")).expect("key file");
    let (key, _) = SignedSecretKey::from_string(&stored).expect("parse");
    key.primary_key
        .public_key()
        .verify(HashAlgorithm::Sha256, &digest, &sig)
        .expect("the primary key's signature verifies");
    drop(host);
    let _ = Command::new("gpgconf")
        .arg("--homedir")
        .arg(home.path())
        .args(["--kill", "all"])
        .status();
}

#[test]
fn a_v6_soft_token_signs_with_ed25519_and_opens_a_seipdv2_message_to_x25519() {
    use base64::Engine;
    use pgp::composed::MessageBuilder;
    use pgp::crypto::aead::{AeadAlgorithm, ChunkSize};
    use pgp::crypto::sym::SymmetricKeyAlgorithm;
    use pgp::types::KeyVersion;

    let data = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(HOST)
        .args([
            "soft-token",
            "init",
            "--user-id",
            "Vera <vera@example.org>",
            "--profile",
            "rfc9580",
        ])
        .env("TESSERA_DATA_DIR", data.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start soft-token init");
    writeln!(child.stdin.take().expect("stdin"), "{PASSPHRASE}").expect("passphrase");
    assert!(child.wait().expect("wait").success());
    let text = std::fs::read_to_string(data.path().join("soft-token.asc")).expect("key file");
    let key = SignedSecretKey::from_string(&text).expect("parse key").0;
    assert_eq!(key.primary_key.version(), KeyVersion::V6);
    assert!(key
        .secret_subkeys
        .iter()
        .all(|s| s.key.version() == KeyVersion::V6));
    let token = format!("soft:{}", common::hex_upper(key.fingerprint().as_bytes()));
    assert_eq!(token.len(), "soft:".len() + 64, "a v6 fingerprint: 32 bytes");

    let mut host = start(data.path());
    assert_eq!(verify(&mut host, &token, PASSPHRASE)["result"]["verified"], true);

    // Ed25519 (RFC 9580): one native 64-byte signature, verified by the signing subkey.
    let digest = sha2::Sha256::digest(random_bytes(40)).to_vec();
    let reply = host.call(&json!({"id": 2, "method": "token.sign",
        "params": {"token": token, "hash_algorithm": "SHA256", "digest": b64(&digest)}}));
    let parts = reply["result"]["signature"]
        .as_array()
        .unwrap_or_else(|| panic!("{reply}"));
    assert_eq!(parts.len(), 1, "{reply}");
    let native = base64::engine::general_purpose::STANDARD
        .decode(parts[0].as_str().expect("base64"))
        .expect("base64");
    assert_eq!(native.len(), 64);
    let signer = key
        .secret_subkeys
        .iter()
        .find(|s| s.signatures.last().is_some_and(|sig| sig.key_flags().sign()))
        .expect("signing subkey")
        .key
        .public_key();
    signer
        .verify(
            HashAlgorithm::Sha256,
            &digest,
            &SignatureBytes::Native(native.into()),
        )
        .expect("signature verifies");

    // A SEIPDv2 (OCB) message with a v6 PKESK to the X25519 subkey, made by rpgp.
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
    let plaintext = random_bytes(3000);
    let mut rng = rand::thread_rng();
    let mut builder = MessageBuilder::from_bytes("", plaintext.clone()).seipd_v2(
        &mut rng,
        SymmetricKeyAlgorithm::AES256,
        AeadAlgorithm::Ocb,
        ChunkSize::default(),
    );
    builder.encrypt_to_key(&mut rng, &enc).expect("encrypt to X25519");
    let message = builder.to_vec(&mut rng).expect("message");
    let esks = pkesks(&message);
    assert_eq!(esks.len(), 1);
    let reply = host.call(&json!({"id": 3, "method": "token.decrypt_session_key",
        "params": {"token": token, "pkesk": b64(&esks[0].1), "recipient_key": b64(&packet_bytes(&enc))}}));
    assert!(
        reply["result"]["symmetric_algorithm"].is_null(),
        "a v6 session key carries no algorithm: {reply}"
    );
    assert_eq!(
        decrypt_with_session_key(&message, &reply["result"]),
        plaintext,
        "{reply}"
    );
}
