//! Interoperability with real GnuPG (Debian's `gnupg`), in a temporary GNUPGHOME.
//!
//! The token's part (session key unwrap, digest signature) is done by rpgp with
//! the secret key exported from gpg (`common::SoftToken`); the real token path
//! is tested by `tessera-host`. Without gpg these tests fail, never skip.
#![cfg(not(target_arch = "wasm32"))]

mod common;
mod gnupg;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use common::{decrypt_two_phase, now, sign_two_phase, SoftToken};
use gnupg::{fingerprints, gpg, gpg_raw};
use tessera_core::openpgp::ops::decrypt::{self, SessionKey};
use tessera_core::openpgp::ops::encrypt::{self, Payload};
use tessera_core::openpgp::ops::keyring::Keyring;
use tessera_core::openpgp::ops::sign::SignMode;
use tessera_core::openpgp::ops::verify::{self, Verification};
use tessera_core::openpgp::types::Container;
use tessera_core::openpgp::types::Limits;

struct Key {
    fpr: String,
    /// Fingerprint of the encryption subkey.
    enc_fpr: String,
    token: SoftToken,
}

struct Fixture {
    home: PathBuf,
    _dir: tempfile::TempDir,
    rsa2048: Key,
    rsa3072: Key,
    cv25519: Key,
    p256: Key,
    /// Created on 2024-01-01 (faked time), expired on 2025-03-01.
    expired_fpr: String,
    /// Revoked with reason "key compromised", text "Key stolen".
    revoked_fpr: String,
    keyring: Keyring,
}

static FIXTURE: OnceLock<Fixture> = OnceLock::new();
static HOME: OnceLock<PathBuf> = OnceLock::new();

extern "C" fn stop_gpg_agent() {
    if let Some(home) = HOME.get() {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", home)
            .args(["--kill", "all"])
            .status();
        // The fixture lives in a static, so its TempDir is never dropped.
        let _ = std::fs::remove_dir_all(home);
    }
}

fn make_key(home: &Path, name: &str, primary: &str, sub: &str) -> Key {
    let made = gnupg::make_key(home, name, primary, sub);
    Key {
        token: SoftToken::from_armor(std::str::from_utf8(&made.secret_armored).unwrap()),
        fpr: made.fpr,
        enc_fpr: made.enc_fpr,
    }
}

fn fixture() -> &'static Fixture {
    FIXTURE.get_or_init(|| {
        let version = Command::new("gpg").arg("--version").output().unwrap_or_else(|e| {
            panic!("gpg not found ({e}): install GnuPG (Debian package `gnupg`) to run these tests")
        });
        assert!(version.status.success(), "gpg --version failed");

        let dir = tempfile::Builder::new().prefix("tessera-gpg").tempdir().unwrap();
        let home = dir.path().to_path_buf();
        HOME.set(home.clone()).unwrap();
        // SAFETY: registers a plain extern "C" function; it only spawns gpgconf.
        unsafe { libc::atexit(stop_gpg_agent) };

        let rsa2048 = make_key(&home, "rsa2048", "rsa2048", "rsa2048");
        let rsa3072 = make_key(&home, "rsa3072", "rsa3072", "rsa3072");
        let cv25519 = make_key(&home, "cv25519", "ed25519", "cv25519");
        let p256 = make_key(&home, "p256", "nistp256", "nistp256");

        gpg(
            &home,
            &[
                "--faked-system-time",
                "20240101T000000",
                "--quick-gen-key",
                "Expired <expired@example.test>",
                "future-default",
                "default",
                "2025-03-01",
            ],
            b"",
        );
        let expired_fpr = fingerprints(&home, "expired@example.test")[0].clone();

        gpg(
            &home,
            &[
                "--quick-gen-key",
                "Revoked <revoked@example.test>",
                "future-default",
                "default",
                "never",
            ],
            b"",
        );
        let revoked_fpr = fingerprints(&home, "revoked@example.test")[0].clone();
        // gen-revoke refuses --batch: answer its prompts through --command-fd.
        let rev_path = home.join("revoke.asc");
        let mut child = Command::new("gpg")
            .env("GNUPGHOME", &home)
            .args([
                "--yes",
                "--no-tty",
                "--pinentry-mode",
                "loopback",
                "--passphrase",
                "",
            ])
            .args(["--command-fd", "0", "--output"])
            .arg(&rev_path)
            .args(["--gen-revoke", &revoked_fpr])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // y: create it; 1: key has been compromised; a description; empty line; y: okay.
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"y\n1\nKey stolen\n\ny\n")
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "gen-revoke: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        gpg(&home, &["--import", rev_path.to_str().unwrap()], b"");

        let public = gpg(&home, &["--armor", "--export"], b"");
        let mut keyring = Keyring::new();
        let imported = keyring.import(&public).unwrap();
        assert_eq!(imported.len(), 6, "all six gpg certificates import");

        Fixture {
            home,
            _dir: dir,
            rsa2048,
            rsa3072,
            cv25519,
            p256,
            expired_fpr,
            revoked_fpr,
            keyring,
        }
    })
}

impl Fixture {
    fn keys(&self) -> [(&'static str, &Key); 4] {
        [
            ("rsa2048", &self.rsa2048),
            ("rsa3072", &self.rsa3072),
            ("cv25519", &self.cv25519),
            ("p256", &self.p256),
        ]
    }

    fn gpg_encrypt(&self, recipients: &[&Key], data: &[u8]) -> Vec<u8> {
        let mut args = vec!["--trust-model", "always", "--armor", "--encrypt"];
        for r in recipients {
            args.push("-r");
            args.push(&r.fpr);
        }
        gpg(&self.home, &args, data)
    }

    fn write(&self, name: &str, data: &[u8]) -> String {
        let path = self.home.join(name);
        std::fs::write(&path, data).unwrap();
        path.to_str().unwrap().to_string()
    }
}

fn status_has(out: &Output, what: &str) -> bool {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .any(|l| l.starts_with("[GNUPG:] ") && l.contains(what))
}

fn assert_valid_by(v: &Verification, fpr: &str) {
    match v {
        Verification::Valid {
            signer_fingerprint, ..
        } => assert_eq!(signer_fingerprint, fpr),
        other => panic!("expected a valid signature by {fpr}, got {other:?}"),
    }
}

#[test]
fn keyring_lists_gpg_keys_with_algorithm_validity_and_own_marking() {
    let f = fixture();
    let list = f.keyring.list(std::slice::from_ref(&f.cv25519.enc_fpr), now());
    let find = |fpr: &str| list.iter().find(|k| k.fingerprint == fpr).unwrap();
    for (algo, key) in f.keys() {
        let info = find(&key.fpr);
        assert_eq!(info.validity, "valid", "{info:?}");
        assert!(info.can_encrypt && info.can_sign, "{info:?}");
        assert_eq!(info.user_ids, vec![format!("{algo} <{algo}@example.test>")]);
        assert_eq!(info.own, algo == "cv25519");
    }
    assert_eq!(find(&f.rsa2048.fpr).algorithm, "rsa2048");
    assert_eq!(find(&f.rsa3072.fpr).algorithm, "rsa3072");
    assert_eq!(find(&f.cv25519.fpr).algorithm, "ed25519");
    assert_eq!(find(&f.cv25519.fpr).subkeys[0].algorithm, "cv25519");
    assert_eq!(find(&f.p256.fpr).algorithm, "nistp256");
    let expired = find(&f.expired_fpr);
    assert_eq!(expired.validity, "expired");
    assert_eq!(expired.validity_detail.as_deref(), Some("expired on 2025-03-01"));
    assert_eq!(find(&f.revoked_fpr).validity, "revoked");
}

#[test]
fn gpg_encrypted_messages_decrypt_through_both_phases() {
    let f = fixture();
    for (algo, key) in f.keys() {
        let data = format!("to {algo} from gpg\n");
        let msg = f.gpg_encrypt(&[key], data.as_bytes());
        let request =
            decrypt::prepare(&msg, &f.keyring, &key.token.fingerprints(), &Limits::default()).unwrap();
        assert_eq!(request.token_fingerprint, key.enc_fpr, "{algo}");
        assert_eq!(request.container, "seipd_v1", "{algo}");
        let out = decrypt_two_phase(&msg, &f.keyring, &key.token).unwrap_or_else(|e| panic!("{algo}: {e}"));
        assert_eq!(&out.data[..], data.as_bytes(), "{algo}");
        assert_eq!(out.verifications, vec![Verification::Unsigned]);
    }
}

#[test]
fn gpg_message_to_several_recipients_decrypts_for_each() {
    let f = fixture();
    let data = b"to three recipients\n";
    let msg = f.gpg_encrypt(&[&f.rsa2048, &f.cv25519, &f.rsa3072], data);
    for key in [&f.rsa2048, &f.cv25519, &f.rsa3072] {
        let request = decrypt::prepare(
            &msg,
            &f.keyring,
            std::slice::from_ref(&key.enc_fpr),
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(request.recipients.len(), 3);
        assert_eq!(request.token_fingerprint, key.enc_fpr);
        let out = decrypt_two_phase(&msg, &f.keyring, &key.token).unwrap();
        assert_eq!(&out.data[..], data);
    }
    // Not for p256: the error names the recipients.
    let err =
        decrypt::prepare(&msg, &f.keyring, &f.p256.token.fingerprints(), &Limits::default()).unwrap_err();
    assert_eq!(err.code(), "not_for_us", "{err}");
}

#[test]
fn gpg_signed_and_encrypted_message_decrypts_and_verifies() {
    let f = fixture();
    let msg = gpg(
        &f.home,
        &[
            "--trust-model",
            "always",
            "--armor",
            "--local-user",
            &f.rsa3072.fpr,
            "--sign",
            "--encrypt",
            "-r",
            &f.cv25519.fpr,
        ],
        b"signed by rsa3072, for cv25519\n",
    );
    let out = decrypt_two_phase(&msg, &f.keyring, &f.cv25519.token).unwrap();
    assert_eq!(&out.data[..], b"signed by rsa3072, for cv25519\n");
    assert_eq!(out.verifications.len(), 1);
    assert_valid_by(&out.verifications[0], &f.rsa3072.fpr);
}

#[test]
fn core_encrypted_messages_decrypt_with_gpg() {
    let f = fixture();
    let data = b"from the core to gpg\n";
    let out = encrypt::encrypt(
        &f.keyring,
        &[f.rsa2048.fpr.clone(), f.cv25519.fpr.clone(), f.p256.fpr.clone()],
        Some(&f.rsa3072.fpr),
        Payload::Data(data),
        now(),
    )
    .unwrap();
    assert_eq!(
        out.container,
        Container::SeipdV1,
        "gpg keys do not advertise SEIPDv2"
    );
    assert_eq!(out.recipient_keys.len(), 4, "three recipients plus the sender");
    assert!(out.armored.starts_with("-----BEGIN PGP MESSAGE-----"));
    let plain = gpg(&f.home, &["--decrypt"], out.armored.as_bytes());
    assert_eq!(&plain[..], data);
    // And the core reads its own message, as the sender.
    let back = decrypt_two_phase(out.armored.as_bytes(), &f.keyring, &f.rsa3072.token).unwrap();
    assert_eq!(&back.data[..], data);
}

/// The SEIPDv1 path the extension takes (symmetric layer outside rpgp, by the
/// browser's WebCrypto there; by software CFB here): gpg and the core read it
/// at each packet length encoding (one, two and five octets).
#[test]
fn messages_sealed_outside_rpgp_decrypt_with_gpg_and_the_core() {
    use cfb_mode::cipher::{AsyncStreamCipher, KeyIvInit};
    let f = fixture();
    for size in [0usize, 150, 8000, 100_000] {
        let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let sealing = encrypt::prepare(
            &f.keyring,
            std::slice::from_ref(&f.cv25519.fpr),
            Some(&f.rsa2048.fpr),
            Payload::Data(&data),
            now(),
        )
        .unwrap();
        assert_eq!(sealing.container(), Container::SeipdV1);
        let mut buf = sealing.v1_plaintext().unwrap().to_vec();
        cfb_mode::Encryptor::<aes::Aes256>::new_from_slices(sealing.session_key(), &[0u8; 16])
            .unwrap()
            .encrypt(&mut buf);
        let out = sealing.finish_v1(&buf).unwrap();
        assert_eq!(out.recipient_keys.len(), 2);
        let plain = gpg(&f.home, &["--decrypt"], out.armored.as_bytes());
        assert_eq!(plain, data, "gpg, {size} bytes");
        let back = decrypt_two_phase(out.armored.as_bytes(), &f.keyring, &f.rsa2048.token).unwrap();
        assert_eq!(&back.data[..], &data[..], "core, {size} bytes");
    }
}

#[test]
fn core_sign_then_encrypt_decrypts_and_verifies_with_gpg() {
    let f = fixture();
    let data = b"signed with the token, then encrypted\n";
    let signed = sign_two_phase(
        &f.keyring,
        &f.cv25519.token,
        &f.cv25519.fpr,
        data,
        SignMode::Inline,
    )
    .unwrap();
    let out = encrypt::encrypt(
        &f.keyring,
        std::slice::from_ref(&f.rsa2048.fpr),
        Some(&f.cv25519.fpr),
        Payload::Packets(&signed.binary),
        now(),
    )
    .unwrap();
    let res = gpg_raw(
        &f.home,
        &["--status-fd", "2", "--decrypt"],
        out.armored.as_bytes(),
    );
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    assert_eq!(&res.stdout[..], data);
    assert!(
        status_has(&res, &format!("VALIDSIG {}", f.cv25519.fpr)),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    // The core verifies it inside the decrypted message too.
    let back = decrypt_two_phase(out.armored.as_bytes(), &f.keyring, &f.rsa2048.token).unwrap();
    assert_valid_by(&back.verifications[0], &f.cv25519.fpr);
}

#[test]
fn core_signatures_verify_with_gpg() {
    let f = fixture();
    // RSA, Ed25519 (legacy EdDSA) and ECDSA P-256 signers.
    for (algo, key) in [
        ("rsa2048", &f.rsa2048),
        ("ed25519", &f.cv25519),
        ("p256", &f.p256),
    ] {
        let data = format!("signed by {algo}\nsecond line\n");
        let data_path = f.write(&format!("{algo}.txt"), data.as_bytes());

        let detached = sign_two_phase(
            &f.keyring,
            &key.token,
            &key.fpr,
            data.as_bytes(),
            SignMode::Detached,
        )
        .unwrap_or_else(|e| panic!("{algo}: {e}"));
        let sig_path = f.write(&format!("{algo}.sig"), detached.armored.as_bytes());
        let res = gpg_raw(
            &f.home,
            &["--status-fd", "2", "--verify", &sig_path, &data_path],
            b"",
        );
        assert!(
            res.status.success() && status_has(&res, &format!("VALIDSIG {}", key.fpr)),
            "{algo} detached: {}",
            String::from_utf8_lossy(&res.stderr)
        );

        for mode in [SignMode::Inline, SignMode::Cleartext] {
            let signed = sign_two_phase(&f.keyring, &key.token, &key.fpr, data.as_bytes(), mode)
                .unwrap_or_else(|e| panic!("{algo} {mode:?}: {e}"));
            let res = gpg_raw(
                &f.home,
                &["--status-fd", "2", "--decrypt"],
                signed.armored.as_bytes(),
            );
            assert!(
                res.status.success() && status_has(&res, &format!("VALIDSIG {}", key.fpr)),
                "{algo} {mode:?}: {}",
                String::from_utf8_lossy(&res.stderr)
            );
            assert_eq!(String::from_utf8_lossy(&res.stdout).trim_end(), data.trim_end());
        }
    }
}

#[test]
fn gpg_signatures_verify_in_the_core() {
    let f = fixture();
    for key in [&f.rsa3072, &f.cv25519, &f.p256] {
        let data = b"signed by gpg\n";
        let detached = gpg(
            &f.home,
            &["--armor", "--local-user", &key.fpr, "--detach-sign"],
            data,
        );
        let v = verify::verify_detached(&f.keyring, data, &detached, now()).unwrap();
        assert_valid_by(&v[0], &key.fpr);
        let v = verify::verify_detached(&f.keyring, b"tampered\n", &detached, now()).unwrap();
        assert!(matches!(v[0], Verification::Bad { .. }), "{v:?}");

        // gpg compresses inline-signed messages by default (zlib).
        let inline = gpg(&f.home, &["--armor", "--local-user", &key.fpr, "--sign"], data);
        let v = verify::verify_inline(&f.keyring, &inline, &Limits::default(), now()).unwrap();
        assert_eq!(&v.data[..], data);
        assert_valid_by(&v.verifications[0], &key.fpr);

        let clear = gpg(&f.home, &["--local-user", &key.fpr, "--clearsign"], data);
        let v = verify::verify_inline(&f.keyring, &clear, &Limits::default(), now()).unwrap();
        assert_valid_by(&v.verifications[0], &key.fpr);
        assert_eq!(String::from_utf8_lossy(&v.data).trim_end(), "signed by gpg");

        let v = verify::verify_inline(&Keyring::new(), &inline, &Limits::default(), now()).unwrap();
        assert_eq!(
            v.verifications,
            vec![Verification::UnknownSigner {
                issuer: key.fpr.clone()
            }]
        );
    }
}

#[test]
fn one_flipped_byte_in_the_encrypted_data_is_an_mdc_error_without_plaintext() {
    let f = fixture();
    let armored = f.gpg_encrypt(&[&f.cv25519], b"integrity protected\n");
    let mut bytes = common::dearmor(std::str::from_utf8(&armored).unwrap());
    let at = bytes.len() - 10; // inside the SEIPD body, before the MDC
    bytes[at] ^= 0x80;
    let err = decrypt_two_phase(&bytes, &f.keyring, &f.cv25519.token).unwrap_err();
    assert_eq!(err.code(), "integrity_failure", "{err}");
}

#[test]
fn truncated_message_is_an_error() {
    let f = fixture();
    let armored = f.gpg_encrypt(&[&f.rsa2048], &[b'x'; 3000]);
    let bytes = common::dearmor(std::str::from_utf8(&armored).unwrap());
    for cut in [bytes.len() - 1, bytes.len() - 30, 300, 100] {
        let result = decrypt::prepare(
            &bytes[..cut],
            &f.keyring,
            &f.rsa2048.token.fingerprints(),
            &Limits::default(),
        )
        .and_then(|req| {
            let sk = f
                .rsa2048
                .token
                .decrypt_session_key(&req.pkesk, &req.recipient_key);
            decrypt::finish(&bytes[..cut], sk, &f.keyring, &Limits::default(), now())
        });
        let err = result.expect_err("a truncated message must not decrypt");
        assert!(
            matches!(err.code(), "truncated" | "malformed" | "integrity_failure"),
            "cut at {cut}: {} {err}",
            err.code()
        );
    }
    // Cut inside the armor too.
    let text = std::str::from_utf8(&armored).unwrap();
    let err =
        decrypt_two_phase(&text.as_bytes()[..text.len() / 2], &f.keyring, &f.rsa2048.token).unwrap_err();
    assert!(matches!(err.code(), "truncated" | "malformed"), "{err}");
}

/// A Symmetrically Encrypted Data packet (tag 9, no MDC) with a correct PKESK:
/// refused in both phases, even with the right session key.
#[test]
fn unauthenticated_sed_message_is_refused_even_with_the_right_session_key() {
    use pgp::crypto::sym::SymmetricKeyAlgorithm;
    use pgp::packet::{LiteralData, PacketTrait, PublicKeyEncryptedSessionKey};

    let f = fixture();
    let cert = f.keyring.cert_with_key(&f.cv25519.enc_fpr).unwrap();
    let subkey = &cert.public_subkeys[0].key;
    let sym = SymmetricKeyAlgorithm::AES256;
    let mut rng = rand::rngs::OsRng;
    let session_key = sym.new_session_key(rng);
    let pkesk = PublicKeyEncryptedSessionKey::from_session_key_v3(rng, &session_key, sym, subkey).unwrap();
    let mut literal = Vec::new();
    LiteralData::from_bytes("", b"efail".to_vec().into())
        .unwrap()
        .to_writer_with_header(&mut literal)
        .unwrap();
    let body = sym.encrypt(&mut rng, session_key.as_ref(), &literal).unwrap();

    let mut msg = Vec::new();
    pkesk.to_writer_with_header(&mut msg).unwrap();
    msg.push(0xC0 | 9); // new-format header, tag 9 (SED)
    msg.push(0xFF);
    msg.extend_from_slice(&(body.len() as u32).to_be_bytes());
    msg.extend_from_slice(&body);

    let err = decrypt::prepare(
        &msg,
        &f.keyring,
        &f.cv25519.token.fingerprints(),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "unauthenticated_encryption", "{err}");
    let err = decrypt::finish(
        &msg,
        SessionKey {
            symmetric_algorithm: Some(u8::from(sym)),
            key: zeroize::Zeroizing::new(session_key.as_ref().to_vec()),
        },
        &f.keyring,
        &Limits::default(),
        now(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "unauthenticated_encryption", "{err}");
    assert!(err.to_string().contains("EFAIL"), "{err}");
}

#[test]
fn messages_over_the_size_limit_are_refused() {
    let f = fixture();
    // Uncompressed, so that the message really is over the limit.
    let msg = gpg(
        &f.home,
        &[
            "--trust-model",
            "always",
            "-z",
            "0",
            "--encrypt",
            "-r",
            &f.cv25519.fpr,
        ],
        &[b'y'; 2000],
    );
    assert!(msg.len() > 2000);
    let limits = Limits {
        max_message_bytes: 1024,
        ..Limits::default()
    };
    let err = decrypt::prepare(&msg, &f.keyring, &f.cv25519.token.fingerprints(), &limits).unwrap_err();
    assert_eq!(err.code(), "too_large", "{err}");
}

#[test]
fn expired_recipient_is_refused_with_the_date() {
    let f = fixture();
    let err = encrypt::encrypt(
        &f.keyring,
        std::slice::from_ref(&f.expired_fpr),
        None,
        Payload::Data(b"x"),
        now(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "key_expired", "{err}");
    assert_eq!(
        err.to_string(),
        format!("key {} expired on 2025-03-01", f.expired_fpr)
    );
}

#[test]
fn revoked_recipient_is_refused_with_the_reason() {
    let f = fixture();
    let err = encrypt::encrypt(
        &f.keyring,
        std::slice::from_ref(&f.revoked_fpr),
        None,
        Payload::Data(b"x"),
        now(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "key_revoked", "{err}");
    assert_eq!(
        err.to_string(),
        format!("key {} is revoked: key compromised (Key stolen)", f.revoked_fpr)
    );
}

#[test]
fn key_without_encryption_subkey_is_refused() {
    let f = fixture();
    // A sign-only certificate: the primary key of rsa2048 without its subkey.
    let mut cert = f.keyring.cert_with_key(&f.rsa2048.fpr).unwrap().clone();
    cert.public_subkeys.clear();
    let err = encrypt::encrypt_to(&[&cert], Payload::Data(b"x"), now()).unwrap_err();
    assert_eq!(err.code(), "no_encryption_subkey", "{err}");
}

#[test]
fn tampered_binding_signature_is_refused() {
    let f = fixture();
    let mut cert = f.keyring.cert_with_key(&f.cv25519.fpr).unwrap().clone();
    // Bind rsa2048's encryption subkey with cv25519's binding signature.
    let other = f.keyring.cert_with_key(&f.rsa2048.fpr).unwrap();
    cert.public_subkeys[0].key = other.public_subkeys[0].key.clone();
    let err = encrypt::encrypt_to(&[&cert], Payload::Data(b"x"), now()).unwrap_err();
    assert_eq!(err.code(), "bad_binding_signature", "{err}");
}

/// Phase 1 reads the session-key packets from the start of the message only,
/// armored or binary, however long the message and however far in the
/// encrypted data starts; phase 2 still reads and authenticates everything.
#[test]
fn phase_one_reads_only_the_session_key_packets() {
    let f = fixture();
    // Incompressible (gpg compresses by default), so the message stays long.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let data: Vec<u8> = (0..1_000_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 32) as u8
        })
        .collect();
    let armored = f.gpg_encrypt(&[&f.rsa3072, &f.cv25519], &data);
    assert!(armored.len() > 1_300_000, "gpg compressed the test data");
    let binary = common::dearmor(std::str::from_utf8(&armored).unwrap());
    let limits = Limits::default();
    let fprs = f.cv25519.token.fingerprints();
    let reference = decrypt::prepare(&binary, &f.keyring, &fprs, &limits).unwrap();
    assert_eq!(reference.recipients.len(), 2);

    // 40 KB of padding before the PKESKs: the first prefix read is too short.
    let mut padded = vec![0xD5, 0xFF, 0, 0, 0x9C, 0x40];
    padded.extend(vec![0u8; 40_000]);
    padded.extend_from_slice(&binary);
    let padded_armored =
        tessera_core::openpgp::packet::armor::armor(&padded, pgp::armor::BlockType::Message).unwrap();

    // The armor's last base64 line damaged: phase 1 never reads it.
    let text = std::str::from_utf8(&armored).unwrap();
    let damaged_at = text.rfind("\n=").unwrap() - 10;
    let mut damaged = text.as_bytes().to_vec();
    damaged[damaged_at] = b'*';

    for (name, input) in [
        ("armored", &armored[..]),
        ("binary", &binary[..]),
        ("padded", &padded[..]),
        ("padded armored", padded_armored.as_bytes()),
        ("damaged", &damaged[..]),
    ] {
        let request =
            decrypt::prepare(input, &f.keyring, &fprs, &limits).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(request.recipients, reference.recipients, "{name}");
        assert_eq!(request.pkesk, reference.pkesk, "{name}");
        assert_eq!(request.matched, reference.matched, "{name}");
        assert_eq!(request.container, "seipd_v1", "{name}");
        let session_key = f
            .cv25519
            .token
            .decrypt_session_key(&request.pkesk, &request.recipient_key);
        let result = decrypt::finish(input, session_key, &f.keyring, &limits, now());
        if name == "damaged" {
            let err = result.expect_err("damaged armor must not decrypt");
            assert_eq!(err.code(), "malformed", "{err}");
        } else {
            let out = result.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(out.data[..] == data[..], "{name}: plaintext differs");
        }
    }
}

/// The core reads the cleartext framework itself (openpgp/packet/cleartext.rs):
/// gpg's output with dash-escaped lines, trailing blanks, CRLF and no final
/// newline gives the same signed text as rpgp's own parser, and verifies.
#[test]
fn cleartext_messages_read_as_rpgp_reads_them() {
    use pgp::composed::CleartextSignedMessage;
    use tessera_core::openpgp::packet::cleartext;

    let f = fixture();
    let texts: [&[u8]; 5] = [
        b"plain line\n",
        b"-----BEGIN PGP SIGNATURE-----\n- dashed\n--\ntrailing  \t\nlast",
        b"crlf line\r\n- x\r\n\r\n",
        b"",
        b"tab\tinside\n\n\n",
    ];
    for text in texts {
        let clear = gpg(&f.home, &["--local-user", &f.cv25519.fpr, "--clearsign"], text);
        let crlf = String::from_utf8(clear.clone())
            .unwrap()
            .replace("\r\n", "\n")
            .replace('\n', "\r\n");
        for input in [clear.clone(), crlf.into_bytes()] {
            let ours = cleartext::parse(&input).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            let (theirs, _) =
                CleartextSignedMessage::from_string(std::str::from_utf8(&input).unwrap()).unwrap();
            assert_eq!(ours.signed_text(), theirs.signed_text(), "{text:?}");
            assert_eq!(ours.signatures.len(), 1);
            let v = verify::verify_inline(&f.keyring, &input, &Limits::default(), now()).unwrap();
            assert_valid_by(&v.verifications[0], &f.cv25519.fpr);
        }
        // Text changed after signing: a bad signature, not an error.
        let tampered = String::from_utf8(clear).unwrap().replacen("\n\n", "\n\nX", 1);
        let v = verify::verify_inline(&f.keyring, tampered.as_bytes(), &Limits::default(), now()).unwrap();
        assert!(
            matches!(v.verifications[0], Verification::Bad { .. }),
            "{text:?}: {v:?}"
        );
    }
    // What the core writes, gpg verifies (covered for every key type in
    // core_signatures_verify_with_gpg); rpgp reads it back identically.
    let signed = sign_two_phase(
        &f.keyring,
        &f.cv25519.token,
        &f.cv25519.fpr,
        b"- dash\nline  \n",
        SignMode::Cleartext,
    )
    .unwrap();
    let (theirs, _) = CleartextSignedMessage::from_string(&signed.armored).unwrap();
    assert_eq!(theirs.signed_text(), "- dash\r\nline\r\n");
    assert_eq!(
        cleartext::parse(signed.armored.as_bytes()).unwrap().signed_text(),
        theirs.signed_text()
    );
}

/// The core reads messages with its own packet walk (openpgp/packet/message.rs), not
/// rpgp's `Message`: on gpg's signed messages (compressed, two signers, text
/// mode, old-style prefix signatures) it gives the same data and as many
/// valid signatures as rpgp's own reader finds.
#[test]
fn signed_messages_read_as_rpgp_reads_them() {
    use pgp::composed::Message;

    let f = fixture();
    let data = b"line one\r\nline two\nend";
    let two = ["-u", f.cv25519.fpr.as_str(), "-u", f.rsa2048.fpr.as_str()];
    let cases: [(&str, Vec<&str>); 4] = [
        ("compressed", vec!["-u", &f.cv25519.fpr, "--sign"]),
        ("uncompressed", vec!["-u", &f.p256.fpr, "-z", "0", "--sign"]),
        ("two signers", [&two[..], &["--sign"]].concat()),
        ("text mode", vec!["-u", &f.rsa3072.fpr, "--textmode", "--sign"]),
    ];
    // Old style (RFC 4880 5.2 "Signature, Literal"): gpg's detached signature
    // put in front of a literal data packet.
    let detached = gpg(&f.home, &["-u", &f.cv25519.fpr, "--detach-sign"], data);
    let mut prefixed = detached.clone();
    prefixed.extend_from_slice(&[0xCB, 6 + data.len() as u8, b'b', 0, 0, 0, 0, 0]);
    prefixed.extend_from_slice(data);
    let signed_cases = cases
        .into_iter()
        .map(|(name, args)| (name, gpg(&f.home, &args, data)))
        .chain([("prefix signature", prefixed)]);
    for (name, signed) in signed_cases {
        let v = verify::verify_inline(&f.keyring, &signed, &Limits::default(), now())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut theirs = Message::from_bytes(&signed[..]).unwrap().decompress().unwrap();
        let their_data = theirs.as_data_vec().unwrap();
        assert_eq!(&v.data[..], &their_data[..], "{name}");
        let expected = if name == "two signers" { 2 } else { 1 };
        assert_eq!(v.verifications.len(), expected, "{name}: {:?}", v.verifications);
        assert!(
            v.verifications
                .iter()
                .all(|v| matches!(v, Verification::Valid { .. })),
            "{name}: {:?}",
            v.verifications
        );
    }
}

/// A message that inflates past the size limit is refused, inline or
/// encrypted, without holding more than the limit.
#[test]
fn compressed_data_over_the_limit_is_refused() {
    let f = fixture();
    let zeros = vec![0u8; 4 * 1024 * 1024];
    let limits = Limits {
        max_message_bytes: 1024 * 1024,
        ..Limits::default()
    };
    let signed = gpg(&f.home, &["-u", &f.cv25519.fpr, "--sign"], &zeros);
    assert!(signed.len() < 64 * 1024, "gpg did not compress");
    let err = verify::verify_inline(&f.keyring, &signed, &limits, now()).unwrap_err();
    assert_eq!(err.code(), "too_large", "{err}");

    let encrypted = f.gpg_encrypt(&[&f.cv25519], &zeros);
    let request = decrypt::prepare(&encrypted, &f.keyring, &f.cv25519.token.fingerprints(), &limits).unwrap();
    let sk = f
        .cv25519
        .token
        .decrypt_session_key(&request.pkesk, &request.recipient_key);
    let err = decrypt::finish(&encrypted, sk, &f.keyring, &limits, now()).unwrap_err();
    assert_eq!(err.code(), "too_large", "{err}");
}

#[test]
fn secret_keys_from_gpg_are_refused_however_they_come_and_nothing_is_imported() {
    let f = fixture();
    let key = &f.cv25519;
    let public = gpg(&f.home, &["--export", &f.rsa2048.fpr], b"");
    let secret = gpg(&f.home, &["--export-secret-keys", &key.fpr], b"");
    let armored = gpg(&f.home, &["--armor", "--export-secret-keys", &key.fpr], b"");
    // Only the subkeys' secrets: the primary is a GnuPG stub, still a secret key packet.
    let subkeys = gpg(&f.home, &["--export-secret-subkeys", &key.fpr], b"");
    let behind_a_public_key = [&public[..], &secret[..]].concat();
    for (what, input) in [
        ("binary", &secret),
        ("armored", &armored),
        ("secret subkeys", &subkeys),
        ("after a public key", &behind_a_public_key),
    ] {
        let mut ring = Keyring::new();
        let err = ring.import(input).unwrap_err();
        assert_eq!(err.code(), "secret_key_refused", "{what}: {err}");
        assert!(err.to_string().contains(&key.fpr), "{what}: {err}");
        assert!(ring.is_empty(), "{what}: nothing imported");
    }
}
