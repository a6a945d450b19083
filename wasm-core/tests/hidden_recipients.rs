//! Hidden recipients (Bcc): PKESKs that name no key, as `gpg --throw-keyids`
//! / `--hidden-recipient` writes them, checked against real GnuPG (Debian's
//! `gnupg`, in throwaway GNUPGHOMEs) and read back by the core.
//!
//! The token's part is `common::SoftToken` (rpgp with the secret key exported
//! from gpg), driven over the candidates by `decrypt::decrypt_with` as the
//! extension's `decrypt-flow.ts` drives the host. Without gpg these tests
//! fail, never skip.
#![cfg(not(target_arch = "wasm32"))]

mod common;
mod gnupg;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use common::{decrypt_counting, keys, now, SoftToken};
use gnupg::{gpg, gpg_raw};
use pgp::composed::{EncryptionCaps, KeyType, SecretKeyParamsBuilder, SubkeyParamsBuilder};
use pgp::packet::{Packet, PacketParser, PublicKeyEncryptedSessionKey};
use pgp::types::{KeyDetails, KeyVersion};
use tessera_core::openpgp::ops::decrypt;
use tessera_core::openpgp::ops::encrypt::{self, Payload, Recipient};
use tessera_core::openpgp::ops::keyring::Keyring;
use tessera_core::openpgp::types::Container;
use tessera_core::openpgp::types::Limits;

struct Key {
    /// Primary key fingerprint.
    fpr: String,
    /// Fingerprint of the encryption subkey.
    enc_fpr: String,
    secret_armored: Vec<u8>,
    token: SoftToken,
}

impl Key {
    /// Both key IDs (primary and encryption subkey) as gpg prints them.
    fn key_ids(&self) -> [&str; 2] {
        [&self.fpr[24..], &self.enc_fpr[24..]]
    }
}

struct Fixture {
    home: PathBuf,
    _dir: tempfile::TempDir,
    /// The visible recipient (cv25519) and sender.
    alice: Key,
    /// Hidden recipients: two cv25519 keys, so that one of them must skip the other's PKESK.
    bob: Key,
    dave: Key,
    /// RSA 3072 and RSA 2048.
    carol: Key,
    gus: Key,
    /// ECDH on P-256: the same algorithm id as cv25519, another curve.
    erin: Key,
    keyring: Keyring,
}

static FIXTURE: OnceLock<Fixture> = OnceLock::new();
static HOMES: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

extern "C" fn stop_gpg_agents() {
    let homes = HOMES.lock().map(|h| h.clone()).unwrap_or_default();
    for home in homes {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", &home)
            .args(["--kill", "all"])
            .status();
        let _ = std::fs::remove_dir_all(&home);
    }
}

/// A throwaway GNUPGHOME whose agent is stopped at exit.
fn new_home(prefix: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::Builder::new().prefix(prefix).tempdir().unwrap();
    let home = dir.path().to_path_buf();
    let mut homes = HOMES.lock().unwrap();
    if homes.is_empty() {
        // SAFETY: registers a plain extern "C" function; it only spawns gpgconf.
        unsafe { libc::atexit(stop_gpg_agents) };
    }
    homes.push(home.clone());
    (dir, home)
}

fn make_key(home: &Path, name: &str, primary: &str, sub: &str) -> Key {
    let made = gnupg::make_key(home, name, primary, sub);
    Key {
        token: SoftToken::from_armor(std::str::from_utf8(&made.secret_armored).unwrap()),
        fpr: made.fpr,
        enc_fpr: made.enc_fpr,
        secret_armored: made.secret_armored,
    }
}

fn fixture() -> &'static Fixture {
    FIXTURE.get_or_init(|| {
        let (dir, home) = new_home("tessera-hidden");
        let alice = make_key(&home, "alice", "ed25519", "cv25519");
        let bob = make_key(&home, "bob", "ed25519", "cv25519");
        let dave = make_key(&home, "dave", "ed25519", "cv25519");
        let carol = make_key(&home, "carol", "rsa3072", "rsa3072");
        let gus = make_key(&home, "gus", "rsa2048", "rsa2048");
        let erin = make_key(&home, "erin", "nistp256", "nistp256");
        let public = gpg(&home, &["--armor", "--export"], b"");
        let mut keyring = Keyring::new();
        assert_eq!(keyring.import(&public).unwrap().len(), 6);
        Fixture {
            home,
            _dir: dir,
            alice,
            bob,
            dave,
            carol,
            gus,
            erin,
            keyring,
        }
    })
}

/// `gpg --list-packets` in an empty GNUPGHOME (no key to try, so gpg prints
/// only what the message says), stdout and stderr together.
fn list_packets(message: &[u8]) -> String {
    let (_dir, home) = new_home("tessera-hidden-empty");
    let out = gpg_raw(&home, &["--list-packets"], message);
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `gpg --decrypt` in a GNUPGHOME holding only `key`'s secret key.
fn gpg_decrypt_holding_only(key: &Key, message: &[u8]) -> Output {
    let (_dir, home) = new_home("tessera-hidden-one");
    gpg(&home, &["--import"], &key.secret_armored);
    gpg_raw(&home, &["--status-fd", "2", "--decrypt"], message)
}

fn status_has(out: &Output, what: &str) -> bool {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .any(|l| l.starts_with("[GNUPG:] ") && l.contains(what))
}

fn pkesks(armored: &str) -> Vec<PublicKeyEncryptedSessionKey> {
    PacketParser::new(&common::dearmor(armored)[..])
        .filter_map(|p| match p.unwrap() {
            Packet::PublicKeyEncryptedSessionKey(p) => Some(p),
            _ => None,
        })
        .collect()
}

/// A v3 PKESK's key ID, 16 hex digits.
fn key_id(p: &PublicKeyEncryptedSessionKey) -> String {
    p.id()
        .unwrap()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

const TEXT: &[u8] = b"To Alice, and quietly to Bob, Dave, Carol and Erin.\n";

/// Alice visible (and the sender), Bob, Dave, Carol and Erin hidden.
fn bcc_message(f: &Fixture) -> String {
    let out = encrypt::encrypt_hiding(
        &f.keyring,
        &[
            f.alice.fpr.clone(),
            f.bob.fpr.clone(),
            f.dave.fpr.clone(),
            f.carol.fpr.clone(),
            f.erin.fpr.clone(),
        ],
        // Any key fingerprint names the certificate: Dave by his subkey.
        &[
            f.bob.fpr.clone(),
            f.dave.enc_fpr.clone(),
            f.carol.fpr.clone(),
            f.erin.fpr.clone(),
        ],
        Some(&f.alice.fpr),
        Payload::Data(TEXT),
        now(),
    )
    .unwrap();
    assert_eq!(out.container, Container::SeipdV1);
    assert_eq!(out.recipient_keys.len(), 5);
    out.armored
}

#[test]
fn gpg_lists_the_visible_key_id_and_wildcards_for_the_hidden() {
    let f = fixture();
    let msg = bcc_message(f);
    let listing = list_packets(msg.as_bytes());
    let pkesk_lines: Vec<&str> = listing
        .lines()
        .filter(|l| l.starts_with(":pubkey enc packet:"))
        .collect();
    assert_eq!(pkesk_lines.len(), 5, "{listing}");
    assert_eq!(
        pkesk_lines
            .iter()
            .filter(|l| l.contains(&format!("keyid {}", &f.alice.enc_fpr[24..])))
            .count(),
        1,
        "Alice's subkey ID, once:\n{listing}"
    );
    assert_eq!(
        pkesk_lines
            .iter()
            .filter(|l| l.ends_with("keyid 0000000000000000"))
            .count(),
        4,
        "one wildcard per hidden recipient:\n{listing}"
    );
    for key in [&f.bob, &f.dave, &f.carol, &f.erin] {
        for id in key.key_ids() {
            assert!(!listing.contains(id), "hidden key ID {id} appears:\n{listing}");
        }
        assert!(!msg.contains(&key.enc_fpr));
    }
    // The wildcards keep their algorithms (ECDH 18, RSA 1): readers pick keys by them.
    assert_eq!(
        listing.matches("algo 18, keyid 0000000000000000").count(),
        3,
        "{listing}"
    );
    assert_eq!(
        listing.matches("algo 1, keyid 0000000000000000").count(),
        1,
        "{listing}"
    );
}

#[test]
fn gpg_holding_only_a_hidden_key_decrypts_exactly() {
    let f = fixture();
    let msg = bcc_message(f);
    for (name, key) in [
        ("bob", &f.bob),
        ("dave", &f.dave),
        ("carol", &f.carol),
        ("erin", &f.erin),
    ] {
        let out = gpg_decrypt_holding_only(key, msg.as_bytes());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.stdout, TEXT, "{name}: {stderr}");
        assert!(status_has(&out, "DECRYPTION_OKAY"), "{name}: {stderr}");
        assert!(
            stderr.contains("okay, we are the anonymous recipient"),
            "{name}: {stderr}"
        );
        // gpg 2.2 exits 2 when a key it tried on an earlier anonymous PKESK
        // failed ("ecdh failed … Checksum error"), as for Dave, whose PKESK
        // comes after Bob's; the message itself decrypted and was authenticated.
        if !out.status.success() {
            assert!(stderr.contains("Checksum error"), "{name}: {stderr}");
        }
    }
    // And Alice's, named, as gpg always did.
    let out = gpg_decrypt_holding_only(&f.alice, msg.as_bytes());
    assert_eq!(out.stdout, TEXT, "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn the_core_decrypts_with_a_hidden_key_trying_only_what_could_fit() {
    let f = fixture();
    let msg = bcc_message(f);
    let limits = Limits::default();
    // Bob (cv25519): the two anonymous ECDH PKESKs with a Curve25519 point
    // (Bob's, Dave's), not Erin's P-256 one nor Carol's RSA one.
    let req = decrypt::prepare(msg.as_bytes(), &f.keyring, &f.bob.token.fingerprints(), &limits).unwrap();
    // (All of Bob's key fingerprints: his Ed25519 primary key is no candidate.)
    assert_eq!(req.candidates.len(), 2, "{:?}", req.candidates);
    assert!(req
        .candidates
        .iter()
        .all(|c| c.anonymous && c.token_fingerprint == f.bob.enc_fpr));
    assert_eq!(
        req.pkesk, req.candidates[0].pkesk,
        "the first candidate is the top-level request"
    );

    // Bob's PKESK comes before Dave's: one token operation for Bob, two for Dave.
    for (name, key, ops) in [
        ("bob", &f.bob, 1),
        ("dave", &f.dave, 2),
        ("carol (RSA 3072)", &f.carol, 1),
        ("erin (P-256)", &f.erin, 1),
    ] {
        let (out, tries) = decrypt_counting(
            msg.as_bytes(),
            &f.keyring,
            &key.token,
            std::slice::from_ref(&key.enc_fpr),
        );
        let out = out.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(&out.data[..], TEXT, "{name}");
        assert_eq!(tries, ops, "{name}: token operations");
    }
    // Alice is named: her PKESK only, no guessing.
    let req = decrypt::prepare(
        msg.as_bytes(),
        &f.keyring,
        std::slice::from_ref(&f.alice.enc_fpr),
        &limits,
    )
    .unwrap();
    assert_eq!(req.candidates.len(), 1);
    assert!(!req.candidates[0].anonymous);
    let (out, tries) = decrypt_counting(
        msg.as_bytes(),
        &f.keyring,
        &f.alice.token,
        std::slice::from_ref(&f.alice.enc_fpr),
    );
    assert_eq!(&out.unwrap().data[..], TEXT);
    assert_eq!(tries, 1);
}

#[test]
fn gpg_throw_keyids_messages_decrypt_in_the_core() {
    let f = fixture();
    let msg = gpg(
        &f.home,
        &[
            "--trust-model",
            "always",
            "--armor",
            "--throw-keyids",
            "--encrypt",
            "-r",
            &f.gus.fpr,
            "-r",
            &f.dave.fpr,
        ],
        b"thrown by gpg\n",
    );
    for key in [&f.gus, &f.dave] {
        let (out, _) = decrypt_counting(&msg, &f.keyring, &key.token, std::slice::from_ref(&key.enc_fpr));
        assert_eq!(&out.unwrap().data[..], b"thrown by gpg\n");
    }
}

#[test]
fn an_anonymous_pkesk_for_someone_else_fails_clearly() {
    let f = fixture();
    // Only Bob, hidden; Dave has a key of the same algorithm and curve.
    let out = encrypt::encrypt_hiding(
        &f.keyring,
        std::slice::from_ref(&f.bob.fpr),
        std::slice::from_ref(&f.bob.fpr),
        None,
        Payload::Data(b"for Bob only"),
        now(),
    )
    .unwrap();
    let (res, tries) = decrypt_counting(
        out.armored.as_bytes(),
        &f.keyring,
        &f.dave.token,
        std::slice::from_ref(&f.dave.enc_fpr),
    );
    let err = res.unwrap_err();
    assert_eq!(err.code(), "not_for_us", "{err}");
    assert_eq!(tries, 1);
    let text = err.to_string();
    assert!(
        text.contains("anonymous recipients only: 1 tried with your key(s)")
            && text.contains(&f.dave.enc_fpr),
        "{text}"
    );
    // Gus's RSA 2048 key: one try, the card-side padding check fails.
    let out = encrypt::encrypt_hiding(
        &f.keyring,
        std::slice::from_ref(&f.gus.fpr),
        std::slice::from_ref(&f.gus.fpr),
        None,
        Payload::Data(b"for Gus only"),
        now(),
    )
    .unwrap();
    let (res, tries) = decrypt_counting(
        out.armored.as_bytes(),
        &f.keyring,
        &f.carol.token,
        std::slice::from_ref(&f.carol.enc_fpr),
    );
    assert_eq!(res.unwrap_err().code(), "not_for_us");
    assert_eq!(tries, 1);
    // The other way, Carol's 3072-bit ciphertext cannot be for Gus's 2048-bit
    // key, nor a P-256 point for a Curve25519 key: no token operation at all.
    let out = encrypt::encrypt_hiding(
        &f.keyring,
        &[f.carol.fpr.clone(), f.erin.fpr.clone()],
        &[f.carol.fpr.clone(), f.erin.fpr.clone()],
        None,
        Payload::Data(b"for Carol and Erin"),
        now(),
    )
    .unwrap();
    for key in [&f.gus, &f.dave] {
        let err = decrypt::prepare(
            out.armored.as_bytes(),
            &f.keyring,
            std::slice::from_ref(&key.enc_fpr),
            &Limits::default(),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .ends_with("it is for an anonymous recipient, an anonymous recipient"),
            "{err}"
        );
        let (res, tries) = decrypt_counting(
            out.armored.as_bytes(),
            &f.keyring,
            &key.token,
            std::slice::from_ref(&key.enc_fpr),
        );
        assert_eq!(res.unwrap_err().code(), "not_for_us");
        assert_eq!(tries, 0);
    }
}

#[test]
fn hidden_must_name_a_recipient_and_never_hides_the_sender() {
    let f = fixture();
    let err = encrypt::encrypt_hiding(
        &f.keyring,
        std::slice::from_ref(&f.alice.fpr),
        std::slice::from_ref(&f.bob.fpr),
        None,
        Payload::Data(b"x"),
        now(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "invalid_argument", "{err}");
    assert!(err.to_string().contains(&f.bob.fpr), "{err}");
    let err = encrypt::encrypt_hiding(
        &f.keyring,
        std::slice::from_ref(&f.alice.fpr),
        &["0000000000000000000000000000000000000001".to_string()],
        None,
        Payload::Data(b"x"),
        now(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "key_not_found", "{err}");

    // Alice sends, and Bccs herself and Bob: her PKESK keeps its key ID.
    let out = encrypt::encrypt_hiding(
        &f.keyring,
        &[f.alice.fpr.clone(), f.bob.fpr.clone()],
        &[f.alice.fpr.clone(), f.bob.fpr.clone()],
        Some(&f.alice.fpr),
        Payload::Data(b"x"),
        now(),
    )
    .unwrap();
    let ids: Vec<String> = pkesks(&out.armored).iter().map(key_id).collect();
    assert_eq!(
        ids,
        vec![f.alice.enc_fpr[24..].to_string(), "0000000000000000".to_string()]
    );
}

fn v6_key(name: &str) -> SoftToken {
    let params = SecretKeyParamsBuilder::default()
        .version(KeyVersion::V6)
        .key_type(KeyType::Ed25519)
        .can_certify(true)
        .can_sign(true)
        .feature_seipd_v2(true)
        .primary_user_id(format!("{name} <{name}@example.test>"))
        .subkey(
            SubkeyParamsBuilder::default()
                .version(KeyVersion::V6)
                .key_type(KeyType::X25519)
                .can_encrypt(EncryptionCaps::All)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    SoftToken {
        key: params.generate(rand::rngs::OsRng).unwrap(),
    }
}

/// v6 recipients: SEIPDv2 with v6 PKESKs; the hidden one is RFC 9580's
/// anonymous form (length octet 0, no key version, no fingerprint). GnuPG 2.2
/// reads neither, so the core is the reader here.
#[test]
fn v6_hidden_recipients_get_anonymous_v6_pkesks() {
    let visible = SoftToken::from_armor(keys::V6_SECRET);
    let hidden = v6_key("hidden");
    let stranger = v6_key("stranger");
    let mut ring = Keyring::new();
    for token in [&visible, &hidden, &stranger] {
        ring.import(&token.certificate()).unwrap();
    }
    let hidden_fpr = format!("{:X}", hidden.key.primary_key.fingerprint());
    let hidden_sub = format!("{:X}", hidden.key.secret_subkeys[0].key.fingerprint());
    let out = encrypt::encrypt_hiding(
        &ring,
        &[keys::V6_FPR.to_string(), hidden_fpr.clone()],
        std::slice::from_ref(&hidden_fpr),
        None,
        Payload::Data(TEXT),
        now(),
    )
    .unwrap();
    assert_eq!(out.container, Container::SeipdV2);
    let found = pkesks(&out.armored);
    assert_eq!(found.len(), 2);
    match &found[0] {
        PublicKeyEncryptedSessionKey::V6 {
            fingerprint: Some(f), ..
        } => assert_eq!(
            format!("{f:X}"),
            format!("{:X}", visible.key.secret_subkeys[0].key.fingerprint())
        ),
        other => panic!("the visible PKESK names its key: {other:?}"),
    }
    assert!(
        matches!(
            &found[1],
            PublicKeyEncryptedSessionKey::V6 {
                fingerprint: None,
                ..
            }
        ),
        "{:?}",
        found[1]
    );
    // On the wire: version 6, then a zero length octet, then the algorithm (X25519, 25).
    let bytes = common::dearmor(&out.armored);
    let second = PacketParser::new(&bytes[..]).nth(1).unwrap().unwrap();
    let mut body = Vec::new();
    pgp::ser::Serialize::to_writer(&second, &mut body).unwrap();
    // (After the two octets of the packet header.)
    assert_eq!(&body[2..5], &[6, 0, 25]);
    assert!(!out.armored.contains(&hidden_sub));

    let (res, tries) = decrypt_counting(
        out.armored.as_bytes(),
        &ring,
        &hidden,
        std::slice::from_ref(&hidden_sub),
    );
    assert_eq!(&res.unwrap().data[..], TEXT);
    assert_eq!(tries, 1);
    let (res, tries) = decrypt_counting(out.armored.as_bytes(), &ring, &visible, &visible.fingerprints());
    assert_eq!(&res.unwrap().data[..], TEXT);
    assert_eq!(tries, 1);
    let (res, tries) = decrypt_counting(out.armored.as_bytes(), &ring, &stranger, &stranger.fingerprints());
    let err = res.unwrap_err();
    assert_eq!(err.code(), "not_for_us", "{err}");
    assert_eq!(tries, 1, "{err}");
}

/// Hidden-only and visible recipients through `prepare_for_recipients` (the
/// certificate-level API `tessera-sop` uses), with a v4 key hidden.
#[test]
fn prepare_for_recipients_hides_what_it_is_told() {
    let v4 = SoftToken::from_armor(keys::V4_SECRET);
    let mut ring = Keyring::new();
    ring.import(keys::V4_CERT.as_bytes()).unwrap();
    let cert = pgp::composed::SignedPublicKey::from(v4.key.clone());
    let sealing = encrypt::prepare_for_recipients(
        &[Recipient::hidden(&cert)],
        &[],
        Payload::Data(b"v4 hidden"),
        now(),
    )
    .unwrap();
    let out = sealing.seal().unwrap();
    let found = pkesks(&out.armored);
    assert_eq!(found.len(), 1);
    assert!(found[0].id().unwrap().is_wildcard());
    let (res, tries) = decrypt_counting(out.armored.as_bytes(), &ring, &v4, &v4.fingerprints());
    assert_eq!(&res.unwrap().data[..], b"v4 hidden");
    assert_eq!(tries, 1);
    let sealing =
        encrypt::prepare_for_recipients(&[Recipient::visible(&cert)], &[], Payload::Data(b"v4"), now())
            .unwrap();
    let found = pkesks(&sealing.seal().unwrap().armored);
    assert_eq!(
        key_id(&found[0]),
        format!("{:X}", v4.key.secret_subkeys[0].key.fingerprint())[24..]
    );
}

/// A message can carry any number of anonymous PKESKs; the token is asked at
/// most `MAX_ANONYMOUS_TRIES` times (each try is a card operation).
#[test]
fn anonymous_tries_are_bounded() {
    let v4 = SoftToken::from_armor(keys::V4_SECRET);
    let mut ring = Keyring::new();
    ring.import(keys::V4_CERT.as_bytes()).unwrap();
    let cert = pgp::composed::SignedPublicKey::from(v4.key.clone());
    // 20 anonymous PKESKs that all fit the key.
    let hidden = vec![Recipient::hidden(&cert); 20];
    let sealing = encrypt::prepare_for_recipients(&hidden, &[], Payload::Data(b"many"), now()).unwrap();
    let out = sealing.seal().unwrap();
    assert_eq!(pkesks(&out.armored).len(), 20);
    let req = decrypt::prepare(
        out.armored.as_bytes(),
        &ring,
        &v4.fingerprints(),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(req.candidates.len(), decrypt::MAX_ANONYMOUS_TRIES);
    assert!(req
        .candidates
        .iter()
        .enumerate()
        .all(|(i, c)| c.matched == i && c.anonymous));
}
