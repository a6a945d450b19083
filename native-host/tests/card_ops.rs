//! Private-key operations through the real host, a real pcscd and the virtual
//! card provisioned by GnuPG: PIN verification and its counter, signing,
//! session-key recovery for messages GnuPG encrypted. The card's algorithm is
//! whatever with-virtual-card.sh provisioned (TESSERA_TEST_CARD_ALGO).
//!
//! Run (tests share the card: one at a time):
//! scripts/lib/with-virtual-card.sh cargo test -p tessera-host --test card_ops -- --ignored --test-threads=1

mod common;

use std::sync::Mutex;
use std::time::Instant;

use common::{
    alice_public_key, b64, card_facts, card_token_id, decrypt_with_session_key, gpg_encrypt,
    key_packet_by_fingerprint, pkesks, random_bytes, signature_mpis, LiveHost,
};
use pgp::crypto::hash::HashAlgorithm;
use pgp::types::{KeyDetails, SignatureBytes, VerifyingKey};
use serde_json::{json, Value};
use sha2::Digest;

/// The card is shared: even with several test threads, one test at a time.
static CARD: Mutex<()> = Mutex::new(());

fn user_pin() -> String {
    std::env::var("TESSERA_TEST_USER_PIN").expect("TESSERA_TEST_USER_PIN")
}

fn user_retries(host: &mut LiveHost, token: &str) -> u64 {
    let t = host.token(token).expect("card listed");
    t["pin_retries"]["user"].as_u64().expect("user retries")
}

fn verify_pin(host: &mut LiveHost, token: &str, pin: &str, purpose: &str) -> Value {
    host.call(&json!({"id": 10, "method": "token.verify_pin",
        "params": {"token": token, "pin": pin, "purpose": purpose}}))
}

/// The hash the core picks for the card's signing key: SHA-384 for P-384, as
/// `wasm-core/src/openpgp/sign.rs` does (a card may refuse a digest shorter
/// than the curve: the virtual card does), SHA-256 otherwise.
fn card_hash() -> HashAlgorithm {
    let algorithm = card_facts()["signature"]["algorithm"]
        .as_str()
        .map(common::gpg_algo_short_name);
    match algorithm.as_deref() {
        Some("nistp384") => HashAlgorithm::Sha384,
        _ => HashAlgorithm::Sha256,
    }
}

fn card_digest(data: &[u8]) -> Vec<u8> {
    match card_hash() {
        HashAlgorithm::Sha384 => sha2::Sha384::digest(data).to_vec(),
        _ => sha2::Sha256::digest(data).to_vec(),
    }
}

fn sign(host: &mut LiveHost, token: &str, digest: &[u8]) -> Value {
    let hash = match card_hash() {
        HashAlgorithm::Sha384 => "SHA384",
        _ => "SHA256",
    };
    host.call(&json!({"id": 11, "method": "token.sign",
        "params": {"token": token, "hash_algorithm": hash, "digest": b64(digest)}}))
}

#[test]
#[ignore = "needs pcscd and the virtual card: run under scripts/lib/with-virtual-card.sh with --ignored"]
fn a_wrong_pin_costs_exactly_one_try_and_the_right_pin_restores_the_counter() {
    let _card = CARD.lock().unwrap_or_else(|p| p.into_inner());
    let token = card_token_id();
    let data = tempfile::tempdir().expect("tempdir");
    let mut host = LiveHost::start(data.path());
    assert_eq!(user_retries(&mut host, &token), 3);

    let reply = verify_pin(&mut host, &token, "000000", "decrypt");
    let error = &reply["error"];
    assert_eq!(error["code"], "pin_incorrect", "{reply}");
    assert_eq!(error["retries_left"], 2, "{reply}");
    let message = error["message"].as_str().expect("message");
    assert!(message.contains("2 tries left"), "{message}");
    assert!(
        !message.contains("000000"),
        "the PIN leaked into the message: {message}"
    );
    // Exactly one verification reached the card: 3 → 2, not 1 or 0.
    assert_eq!(user_retries(&mut host, &token), 2);
    assert_eq!(host.token(&token).expect("listed")["pin_cached"], false);

    // Nothing cached: an operation asks for the PIN instead of trying anything.
    let reply = sign(&mut host, &token, &card_digest(b""));
    assert_eq!(reply["error"]["code"], "pin_required", "{reply}");
    assert_eq!(user_retries(&mut host, &token), 2);

    let reply = verify_pin(&mut host, &token, &user_pin(), "decrypt");
    assert_eq!(
        reply["result"],
        json!({"verified": true, "cached_for_seconds": 300}),
        "{reply}"
    );
    assert_eq!(user_retries(&mut host, &token), 3);
    assert_eq!(host.token(&token).expect("listed")["pin_cached"], true);
}

#[test]
#[ignore = "needs pcscd and the virtual card: run under scripts/lib/with-virtual-card.sh with --ignored"]
fn pin_required_until_verified_and_again_after_forget_pin() {
    let _card = CARD.lock().unwrap_or_else(|p| p.into_inner());
    let token = card_token_id();
    let data = tempfile::tempdir().expect("tempdir");
    let mut host = LiveHost::start(data.path());
    let digest = card_digest(b"forget me");
    assert_eq!(sign(&mut host, &token, &digest)["error"]["code"], "pin_required");
    let reply = verify_pin(&mut host, &token, &user_pin(), "sign");
    assert_eq!(reply["result"]["verified"], true, "{reply}");
    assert!(sign(&mut host, &token, &digest)["result"]["signature"].is_array());
    let reply = host.call(&json!({"id": 12, "method": "token.forget_pin", "params": {"token": token}}));
    assert_eq!(reply["result"], json!({"forgotten": true}), "{reply}");
    assert_eq!(host.token(&token).expect("listed")["pin_cached"], false);
    assert_eq!(sign(&mut host, &token, &digest)["error"]["code"], "pin_required");
    // With caching off the PIN is verified but not kept.
    let mut uncached = LiveHost::start_with(data.path(), &[("TESSERA_PIN_CACHE_SECONDS", "0")]);
    let reply = verify_pin(&mut uncached, &token, &user_pin(), "sign");
    assert_eq!(reply["result"]["cached_for_seconds"], 0, "{reply}");
    assert_eq!(
        sign(&mut uncached, &token, &digest)["error"]["code"],
        "pin_required"
    );
}

#[test]
#[ignore = "needs pcscd and the virtual card: run under scripts/lib/with-virtual-card.sh with --ignored"]
fn a_card_signature_verifies_with_alices_public_key() {
    let _card = CARD.lock().unwrap_or_else(|p| p.into_inner());
    let facts = card_facts();
    let token = card_token_id();
    let cert = alice_public_key();
    let sig_fpr = facts["signature"]["fingerprint"]
        .as_str()
        .expect("signature slot");
    assert_eq!(
        common::hex_upper(cert.primary_key.fingerprint().as_bytes()),
        sig_fpr,
        "GnuPG moved the primary key to the signature slot"
    );
    let data = tempfile::tempdir().expect("tempdir");
    let mut host = LiveHost::start(data.path());
    let reply = verify_pin(&mut host, &token, &user_pin(), "sign");
    assert_eq!(reply["result"]["verified"], true, "{reply}");

    // Twice: the card forces a PIN per signature; the host re-verifies the cached one.
    for round in 0..2 {
        let digest = card_digest(&random_bytes(64));
        let started = Instant::now();
        let reply = sign(&mut host, &token, &digest);
        eprintln!(
            "card sign round trip ({}): {:?}",
            facts["signature"]["algorithm"],
            started.elapsed()
        );
        let sig = signature_mpis(&reply);
        cert.primary_key
            .verify(card_hash(), &digest, &sig)
            .unwrap_or_else(|e| panic!("round {round}: signature does not verify: {e}"));
        let mut other = digest.clone();
        other[0] ^= 1;
        assert!(
            cert.primary_key.verify(card_hash(), &other, &sig).is_err(),
            "a signature must not verify over another digest"
        );
    }
    assert_eq!(user_retries(&mut host, &token), 3);
}

#[test]
#[ignore = "needs pcscd and the virtual card: run under scripts/lib/with-virtual-card.sh with --ignored"]
fn a_gnupg_message_decrypts_byte_for_byte_with_the_card_session_key() {
    let _card = CARD.lock().unwrap_or_else(|p| p.into_inner());
    let facts = card_facts();
    let token = card_token_id();
    let cert = alice_public_key();
    let enc_fpr = facts["decryption"]["fingerprint"]
        .as_str()
        .expect("decryption slot");
    let recipient = key_packet_by_fingerprint(&cert, enc_fpr);
    let plaintext = random_bytes(3000);
    let message = gpg_encrypt(&[alice_export()], &plaintext);
    let esks = pkesks(&message);
    assert_eq!(esks.len(), 1);

    let data = tempfile::tempdir().expect("tempdir");
    let mut host = LiveHost::start(data.path());
    let request = json!({"id": 13, "method": "token.decrypt_session_key",
        "params": {"token": token, "pkesk": b64(&esks[0].1), "recipient_key": b64(&recipient)}});
    assert_eq!(host.call(&request)["error"]["code"], "pin_required");
    let reply = verify_pin(&mut host, &token, &user_pin(), "decrypt");
    assert_eq!(reply["result"]["verified"], true, "{reply}");
    let started = Instant::now();
    let reply = host.call(&request);
    eprintln!(
        "card decrypt_session_key round trip ({}): {:?}",
        facts["decryption"]["algorithm"],
        started.elapsed()
    );
    let result = &reply["result"];
    assert!(result["session_key"].is_string(), "{reply}");
    assert_eq!(decrypt_with_session_key(&message, result), plaintext);

    // Bad input is refused with a message, before the card is asked.
    let bad = host.call(&json!({"id": 14, "method": "token.decrypt_session_key",
        "params": {"token": token, "pkesk": "not base64!", "recipient_key": b64(&recipient)}}));
    assert_eq!(bad["error"]["code"], "invalid_params", "{bad}");
    assert!(bad["error"]["message"]
        .as_str()
        .expect("message")
        .contains("pkesk"));
    let bad = host.call(&json!({"id": 15, "method": "token.decrypt_session_key",
        "params": {"token": token, "pkesk": b64(&esks[0].1), "recipient_key": b64(&[0xc6, 0x01, 0x00])}}));
    assert_eq!(bad["error"]["code"], "invalid_params", "{bad}");
}

fn alice_export() -> Vec<u8> {
    let home = std::env::var("TESSERA_TEST_GNUPGHOME").expect("TESSERA_TEST_GNUPGHOME");
    let fpr = card_facts()["primary_fingerprint"]
        .as_str()
        .expect("fpr")
        .to_owned();
    common::gpg(std::path::Path::new(&home), &["--export", &fpr])
}

/// A throwaway second recipient, made by GnuPG in its own home.
fn bob_export() -> Vec<u8> {
    let home = tempfile::tempdir().expect("tempdir");
    common::gpg(
        home.path(),
        &[
            "--passphrase",
            "",
            "--pinentry-mode",
            "loopback",
            "--quick-gen-key",
            "Bob <bob@example.org>",
            "future-default",
            "default",
            "0",
        ],
    );
    let out = common::gpg(home.path(), &["--export", "bob@example.org"]);
    let _ = std::process::Command::new("gpgconf")
        .arg("--homedir")
        .arg(home.path())
        .args(["--kill", "all"])
        .status();
    out
}

#[test]
#[ignore = "needs pcscd and the virtual card: run under scripts/lib/with-virtual-card.sh with --ignored"]
fn with_several_recipients_only_the_cards_pkesk_decrypts_and_others_are_wrong_key() {
    use pgp::composed::Deserializable;
    let _card = CARD.lock().unwrap_or_else(|p| p.into_inner());
    let facts = card_facts();
    let token = card_token_id();
    let cert = alice_public_key();
    let enc_fpr = facts["decryption"]["fingerprint"]
        .as_str()
        .expect("decryption slot");
    let alice_recipient = key_packet_by_fingerprint(&cert, enc_fpr);
    let bob = bob_export();
    let bob_cert = pgp::composed::SignedPublicKey::from_bytes(&bob[..]).expect("bob");
    let bob_subkey = &bob_cert.public_subkeys[0].key;
    let bob_recipient = common::packet_bytes(bob_subkey);
    let plaintext = random_bytes(500);
    let message = gpg_encrypt(&[bob.clone(), alice_export()], &plaintext);
    let esks = pkesks(&message);
    assert_eq!(esks.len(), 2);

    let data = tempfile::tempdir().expect("tempdir");
    let mut host = LiveHost::start(data.path());
    let reply = verify_pin(&mut host, &token, &user_pin(), "decrypt");
    assert_eq!(reply["result"]["verified"], true, "{reply}");
    let ask = |host: &mut LiveHost, pkesk: &[u8], recipient: &[u8]| {
        host.call(&json!({"id": 16, "method": "token.decrypt_session_key",
            "params": {"token": token, "pkesk": b64(pkesk), "recipient_key": b64(recipient)}}))
    };
    let mut decrypted = 0;
    for (pkesk, bytes) in &esks {
        if pkesk.match_identity(bob_subkey) {
            // Bob's PKESK claimed for Alice's key, and Bob's key itself: neither is the card's.
            let r = ask(&mut host, bytes, &alice_recipient);
            assert_eq!(r["error"]["code"], "wrong_key", "{r}");
            let r = ask(&mut host, bytes, &bob_recipient);
            assert_eq!(r["error"]["code"], "wrong_key", "{r}");
        } else {
            let r = ask(&mut host, bytes, &alice_recipient);
            assert_eq!(decrypt_with_session_key(&message, &r["result"]), plaintext, "{r}");
            decrypted += 1;
        }
    }
    assert_eq!(decrypted, 1);
    assert_eq!(user_retries(&mut host, &token), 3);
}

/// Signs through the host's `token.sign`: rpgp hashes, the card signs. Lets
/// the test make an OpenPGP signature with the card, as the wasm core does.
struct HostSigner<'h> {
    host: std::cell::RefCell<&'h mut LiveHost>,
    token: String,
    key: pgp::packet::PublicKey,
}

impl std::fmt::Debug for HostSigner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HostSigner({})", self.token)
    }
}

impl KeyDetails for HostSigner<'_> {
    fn version(&self) -> pgp::types::KeyVersion {
        self.key.version()
    }
    fn legacy_key_id(&self) -> pgp::types::KeyId {
        self.key.legacy_key_id()
    }
    fn fingerprint(&self) -> pgp::types::Fingerprint {
        self.key.fingerprint()
    }
    fn algorithm(&self) -> pgp::crypto::public_key::PublicKeyAlgorithm {
        self.key.algorithm()
    }
    fn created_at(&self) -> pgp::types::Timestamp {
        self.key.created_at()
    }
    fn legacy_v3_expiration_days(&self) -> Option<u16> {
        None
    }
    fn public_params(&self) -> &pgp::types::PublicParams {
        self.key.public_params()
    }
}

impl pgp::types::SigningKey for HostSigner<'_> {
    fn sign(
        &self,
        _pw: &pgp::types::Password,
        _hash: HashAlgorithm,
        digest: &[u8],
    ) -> pgp::errors::Result<SignatureBytes> {
        let mut host = self.host.borrow_mut();
        let reply = sign(&mut host, &self.token, digest);
        Ok(signature_mpis(&reply))
    }
    fn hash_alg(&self) -> HashAlgorithm {
        card_hash()
    }
}

#[test]
#[ignore = "needs pcscd and the virtual card: run under scripts/lib/with-virtual-card.sh with --ignored"]
fn the_certificate_built_on_the_card_works_with_gnupg() {
    use pgp::composed::{Deserializable, SignedPublicKey};
    use pgp::packet::{SignatureConfig, SignatureType, Subpacket, SubpacketData};
    use pgp::ser::Serialize as _;
    let _card = CARD.lock().unwrap_or_else(|p| p.into_inner());
    let token = card_token_id();
    let data = tempfile::tempdir().expect("tempdir");
    let mut host = LiveHost::start(data.path());
    let export = json!({"id": 30, "method": "token.export_certificate", "params": {"token": token}});

    // Built on the card: the card signs, so the PIN comes first.
    let reply = host.call(&export);
    assert_eq!(reply["error"]["code"], "pin_required", "{reply}");
    assert_eq!(
        verify_pin(&mut host, &token, &user_pin(), "sign")["result"]["verified"],
        true
    );
    let reply = host.call(&export);
    let primary = card_facts()["primary_fingerprint"]
        .as_str()
        .expect("fpr")
        .to_owned();
    assert_eq!(reply["result"]["fingerprint"], primary, "{reply}");
    let armored = reply["result"]["armored"].as_str().expect("armored").to_owned();
    let (cert, _) = SignedPublicKey::from_string(&armored).expect("parse the certificate");
    assert_eq!(
        cert.details.users[0].id.id(),
        card_facts()["cardholder"]
            .as_str()
            .expect("cardholder")
            .as_bytes()
    );
    // The card's three slots, with the fingerprints the card stores.
    let subkeys: Vec<_> = cert
        .public_subkeys
        .iter()
        .map(|s| common::hex_upper(s.key.fingerprint().as_bytes()))
        .collect();
    assert_eq!(
        subkeys,
        vec![
            card_facts()["decryption"]["fingerprint"]
                .as_str()
                .expect("decryption")
                .to_owned(),
            card_facts()["authentication"]["fingerprint"]
                .as_str()
                .expect("auth")
                .to_owned(),
        ]
    );
    // With a User ID given, that one is bound.
    let reply = host.call(&json!({"id": 31, "method": "token.export_certificate",
        "params": {"token": token, "user_id": "Alice Card <alice.card@example.org>"}}));
    let (named, _) =
        SignedPublicKey::from_string(reply["result"]["armored"].as_str().expect("armored")).expect("parse");
    assert_eq!(
        named.details.users[0].id.id(),
        b"Alice Card <alice.card@example.org>"
    );

    // A GnuPG that never saw the card accepts it...
    let home = tempfile::tempdir().expect("gnupg home");
    let cert_path = home.path().join("cert.asc");
    std::fs::write(&cert_path, &armored).expect("write cert");
    common::gpg(home.path(), &["--import", cert_path.to_str().expect("path")]);
    let listed = String::from_utf8(common::gpg(
        home.path(),
        &["--with-colons", "--list-keys", &primary],
    ))
    .expect("utf-8");
    assert!(listed.contains("uid:-::::"), "{listed}");
    assert!(!listed.contains("uid:r") && !listed.contains("pub:r"), "{listed}");

    // ...verifies what the card signs...
    let text = b"signed on the card, checked by GnuPG\n".to_vec();
    let signer = HostSigner {
        host: std::cell::RefCell::new(&mut host),
        token: token.clone(),
        key: cert.primary_key.clone(),
    };
    let mut config = SignatureConfig::v4(SignatureType::Binary, cert.primary_key.algorithm(), card_hash());
    config.hashed_subpackets = vec![
        Subpacket::regular(SubpacketData::SignatureCreationTime(pgp::types::Timestamp::now())).expect("sp"),
        Subpacket::regular(SubpacketData::IssuerFingerprint(cert.primary_key.fingerprint())).expect("sp"),
    ];
    let signature = config
        .sign(&signer, &pgp::types::Password::empty(), &text[..])
        .expect("sign through the host");
    drop(signer);
    let sig_path = home.path().join("text.sig");
    let text_path = home.path().join("text.txt");
    std::fs::write(&sig_path, common::packet_bytes(&signature)).expect("write sig");
    std::fs::write(&text_path, &text).expect("write text");
    common::gpg(
        home.path(),
        &[
            "--verify",
            sig_path.to_str().expect("path"),
            text_path.to_str().expect("path"),
        ],
    );
    let _ = std::process::Command::new("gpgconf")
        .arg("--homedir")
        .arg(home.path())
        .args(["--kill", "all"])
        .status();

    // ...and encrypts to it, for the card to decrypt.
    let plaintext = random_bytes(300);
    let message = gpg_encrypt(&[cert.to_bytes().expect("cert bytes")], &plaintext);
    let (_, pkesk) = pkesks(&message).into_iter().next().expect("one PKESK");
    let recipient = key_packet_by_fingerprint(&cert, &subkeys[0]);
    let reply = host.call(&json!({"id": 32, "method": "token.decrypt_session_key",
        "params": {"token": token, "pkesk": b64(&pkesk), "recipient_key": b64(&recipient)}}));
    assert!(reply["result"].is_object(), "{reply}");
    assert_eq!(decrypt_with_session_key(&message, &reply["result"]), plaintext);
}

#[test]
#[ignore = "needs pcscd and the virtual card: run under scripts/lib/with-virtual-card.sh with --ignored"]
fn export_cert_on_the_command_line_asks_the_pin_and_prints_the_certificate() {
    use pgp::composed::{Deserializable, SignedPublicKey};
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let _card = CARD.lock().unwrap_or_else(|p| p.into_inner());
    let token = card_token_id();
    let data = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(common::HOST)
        .args([
            "export-cert",
            "--token",
            &token,
            "--user-id",
            "Alice <alice@example.org>",
        ])
        .env("TESSERA_DATA_DIR", data.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start export-cert");
    // Not a terminal: the PIN is the first line of stdin.
    writeln!(child.stdin.take().expect("stdin"), "{}", user_pin()).expect("pin");
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let primary = card_facts()["primary_fingerprint"]
        .as_str()
        .expect("fpr")
        .to_owned();
    assert!(stderr.contains(&primary), "{stderr}");
    assert!(!stderr.contains(&user_pin()), "the PIN is never echoed");
    let armored = String::from_utf8(out.stdout).expect("utf-8");
    let (cert, _) = SignedPublicKey::from_string(&armored).expect("certificate");
    assert_eq!(cert.details.users[0].id.id(), b"Alice <alice@example.org>");
    cert.verify_bindings().expect("bindings verify");
}
