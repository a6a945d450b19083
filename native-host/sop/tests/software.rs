//! tessera-sop with software keys: every verb end to end, and its refusals.

mod common;

use common::*;

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    /// A directory holding `alice.key` and `alice.cert` from generate-key and extract-cert.
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = sop(dir.path(), &["generate-key", "Alice <alice@example.org>"], b"").ok();
        assert!(key.starts_with(b"-----BEGIN PGP PRIVATE KEY BLOCK-----"));
        write(dir.path(), "alice.key", &key);
        let cert = sop(dir.path(), &["extract-cert"], &key).ok();
        assert!(cert.starts_with(b"-----BEGIN PGP PUBLIC KEY BLOCK-----"));
        assert!(!String::from_utf8_lossy(&cert).contains("PRIVATE"));
        write(dir.path(), "alice.cert", &cert);
        Fixture { dir }
    }

    fn run(&self, args: &[&str], stdin: &[u8]) -> Output {
        sop(self.dir.path(), args, stdin)
    }
}

const MESSAGE: &[u8] = b"Tessera SOP round trip\nline two\x00\xff binary tail\n";

#[test]
fn version_names_tessera() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = String::from_utf8(sop(dir.path(), &["version"], b"").ok()).expect("utf-8");
    assert!(out.starts_with("tessera-sop "), "{out}");
    let ext = String::from_utf8(sop(dir.path(), &["version", "--extended"], b"").ok()).expect("utf-8");
    assert!(ext.contains("tessera-host"), "{ext}");
}

#[test]
fn encrypt_decrypt_round_trip_armored_and_binary() {
    let f = Fixture::new();
    let armored = f.run(&["encrypt", "alice.cert"], MESSAGE).ok();
    assert!(armored.starts_with(b"-----BEGIN PGP MESSAGE-----"));
    assert_eq!(f.run(&["decrypt", "alice.key"], &armored).ok(), MESSAGE);

    let binary = f.run(&["encrypt", "--no-armor", "alice.cert"], MESSAGE).ok();
    assert_ne!(binary[0] & 0x80, 0, "binary OpenPGP packets");
    assert_eq!(f.run(&["decrypt", "alice.key"], &binary).ok(), MESSAGE);

    // Another key cannot decrypt it.
    let other = f.run(&["generate-key", "Mallory <m@example.org>"], b"").ok();
    write(f.dir.path(), "mallory.key", &other);
    let out = f.run(&["decrypt", "mallory.key"], &armored);
    assert_eq!(out.code, CANNOT_DECRYPT, "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn sign_then_encrypt_is_verified_on_decryption() {
    let f = Fixture::new();
    let msg = f
        .run(&["encrypt", "--sign-with", "alice.key", "alice.cert"], MESSAGE)
        .ok();
    let out = f.run(
        &[
            "decrypt",
            "--verifications-out",
            "verif.txt",
            "--verify-with",
            "alice.cert",
            "alice.key",
        ],
        &msg,
    );
    assert_eq!(out.ok(), MESSAGE);
    let verif = std::fs::read_to_string(f.dir.path().join("verif.txt")).expect("verifications");
    assert_eq!(verif.lines().count(), 1, "{verif}");
    assert!(verif.contains("mode:binary"), "{verif}");
}

#[test]
fn tampered_ciphertext_is_refused_without_output() {
    let f = Fixture::new();
    let mut binary = f.run(&["encrypt", "--no-armor", "alice.cert"], MESSAGE).ok();
    let at = binary.len() - 10;
    binary[at] ^= 0x01;
    let out = f.run(&["decrypt", "alice.key"], &binary);
    assert!(
        out.code == CANNOT_DECRYPT || out.code == BAD_DATA,
        "exit {} ({})",
        out.code,
        out.stderr
    );
    assert!(out.stdout.is_empty(), "no plaintext on failure");

    // Truncated, too.
    let out = f.run(&["decrypt", "alice.key"], &binary[..binary.len() / 2]);
    assert!(
        out.code == CANNOT_DECRYPT || out.code == BAD_DATA,
        "exit {}",
        out.code
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn detached_sign_verify_and_bad_signatures() {
    let f = Fixture::new();
    let sig = f.run(&["sign", "alice.key"], MESSAGE).ok();
    assert!(sig.starts_with(b"-----BEGIN PGP SIGNATURE-----"));
    write(f.dir.path(), "msg.sig", &sig);
    let out = String::from_utf8(f.run(&["verify", "msg.sig", "alice.cert"], MESSAGE).ok()).expect("utf-8");
    let fpr = out
        .split_whitespace()
        .nth(2)
        .expect("cert fingerprint")
        .to_string();
    assert_eq!(fpr.len(), 40, "{out}");
    assert!(out.contains("mode:binary"));

    // Other data: NO_SIGNATURE, and nothing on stdout.
    let out = f.run(&["verify", "msg.sig", "alice.cert"], b"other data");
    assert_eq!(out.code, NO_SIGNATURE, "{}", out.stderr);
    assert!(out.stdout.is_empty());

    // A valid signature by a certificate not given: NO_SIGNATURE.
    let other = f.run(&["generate-key", "Bob <bob@example.org>"], b"").ok();
    let other_cert = f.run(&["extract-cert"], &other).ok();
    write(f.dir.path(), "bob.cert", &other_cert);
    let out = f.run(&["verify", "msg.sig", "bob.cert"], MESSAGE);
    assert_eq!(out.code, NO_SIGNATURE);

    // Binary signatures verify the same way.
    let bin = f.run(&["sign", "--no-armor", "alice.key"], MESSAGE).ok();
    write(f.dir.path(), "msg.bin.sig", &bin);
    f.run(&["verify", "msg.bin.sig", "alice.cert"], MESSAGE).ok();

    // Garbage as a signature is BAD_DATA.
    write(f.dir.path(), "junk.sig", b"not a signature");
    let out = f.run(&["verify", "junk.sig", "alice.cert"], MESSAGE);
    assert!(
        out.code == BAD_DATA || out.code == NO_SIGNATURE,
        "exit {}",
        out.code
    );
}

#[test]
fn inline_sign_and_verify_all_modes() {
    let f = Fixture::new();
    for mode in ["binary", "text"] {
        let signed = f.run(&["inline-sign", "--as", mode, "alice.key"], MESSAGE).ok();
        assert!(signed.starts_with(b"-----BEGIN PGP MESSAGE-----"));
        let verif = format!("v-{mode}.txt");
        let out = f.run(
            &["inline-verify", "--verifications-out", &verif, "alice.cert"],
            &signed,
        );
        assert_eq!(out.ok(), MESSAGE, "mode {mode}");
        let v = std::fs::read_to_string(f.dir.path().join(&verif)).expect("verifications");
        assert_eq!(v.lines().count(), 1);
    }
    let text = b"A cleartext-signed note.\nSecond line.\n";
    let signed = f
        .run(&["inline-sign", "--as", "clearsigned", "alice.key"], text)
        .ok();
    assert!(signed.starts_with(b"-----BEGIN PGP SIGNED MESSAGE-----"));
    assert_eq!(f.run(&["inline-verify", "alice.cert"], &signed).ok(), text);

    // A modified inline-signed message: NO_SIGNATURE, no output.
    let tampered = String::from_utf8(signed)
        .expect("utf-8")
        .replace("Second line.", "Second lime.");
    let out = f.run(&["inline-verify", "alice.cert"], tampered.as_bytes());
    assert_eq!(out.code, NO_SIGNATURE, "{}", out.stderr);
    assert!(out.stdout.is_empty());

    // --no-armor makes binary packets; clearsigned cannot be binary.
    let bin = f.run(&["inline-sign", "--no-armor", "alice.key"], MESSAGE).ok();
    assert_ne!(bin[0] & 0x80, 0);
    assert_eq!(f.run(&["inline-verify", "alice.cert"], &bin).ok(), MESSAGE);
    let out = f.run(
        &["inline-sign", "--no-armor", "--as", "clearsigned", "alice.key"],
        text,
    );
    assert_eq!(out.code, 83, "INCOMPATIBLE_OPTIONS");
}

#[test]
fn armor_dearmor_round_trip() {
    let f = Fixture::new();
    let cert = std::fs::read(f.dir.path().join("alice.cert")).expect("cert");
    let key = std::fs::read(f.dir.path().join("alice.key")).expect("key");
    let sig = f.run(&["sign", "alice.key"], MESSAGE).ok();
    let msg = f.run(&["encrypt", "alice.cert"], MESSAGE).ok();
    for (armored, label) in [
        (&cert, "PUBLIC KEY BLOCK"),
        (&key, "PRIVATE KEY BLOCK"),
        (&sig, "SIGNATURE"),
        (&msg, "MESSAGE"),
    ] {
        let binary = f.run(&["dearmor"], armored).ok();
        assert_ne!(binary[0] & 0x80, 0, "{label}");
        // dearmor is idempotent on binary input.
        assert_eq!(f.run(&["dearmor"], &binary).ok(), binary, "{label}");
        let again = f.run(&["armor"], &binary).ok();
        let text = String::from_utf8(again.clone()).expect("utf-8");
        assert!(
            text.starts_with(&format!("-----BEGIN PGP {label}-----")),
            "{text}"
        );
        assert_eq!(f.run(&["dearmor"], &again).ok(), binary, "{label}");
        // armor is idempotent on armored input.
        assert_eq!(f.run(&["armor"], &again).ok(), again);
    }
    let out = f.run(
        &["dearmor"],
        b"-----BEGIN PGP MESSAGE-----\n\n!!!!\n-----END PGP MESSAGE-----\n",
    );
    assert_eq!(out.code, BAD_DATA, "{}", out.stderr);
}

#[test]
fn password_protected_keys_need_with_key_password() {
    let f = Fixture::new();
    write(f.dir.path(), "pw.txt", b"correct horse battery\n");
    write(f.dir.path(), "wrong.txt", b"wrong\n");
    let key = f
        .run(
            &[
                "generate-key",
                "--with-key-password",
                "pw.txt",
                "Carol <carol@example.org>",
            ],
            b"",
        )
        .ok();
    write(f.dir.path(), "carol.key", &key);
    let cert = f.run(&["extract-cert"], &key).ok();
    write(f.dir.path(), "carol.cert", &cert);
    let msg = f.run(&["encrypt", "carol.cert"], MESSAGE).ok();

    let out = f.run(&["decrypt", "carol.key"], &msg);
    assert_eq!(out.code, KEY_IS_PROTECTED, "{}", out.stderr);
    let out = f.run(
        &["decrypt", "--with-key-password", "wrong.txt", "carol.key"],
        &msg,
    );
    assert_eq!(out.code, KEY_IS_PROTECTED);
    assert!(out.stdout.is_empty());
    assert_eq!(
        f.run(&["decrypt", "--with-key-password", "pw.txt", "carol.key"], &msg)
            .ok(),
        MESSAGE
    );
    let out = f.run(&["sign", "carol.key"], MESSAGE);
    assert_eq!(out.code, KEY_IS_PROTECTED);
    let sig = f
        .run(&["sign", "--with-key-password", "pw.txt", "carol.key"], MESSAGE)
        .ok();
    write(f.dir.path(), "carol.sig", &sig);
    f.run(&["verify", "carol.sig", "carol.cert"], MESSAGE).ok();
}

#[test]
fn signing_only_keys_cannot_be_encrypted_to() {
    let f = Fixture::new();
    let key = f
        .run(
            &["generate-key", "--signing-only", "Dave <dave@example.org>"],
            b"",
        )
        .ok();
    let cert = f.run(&["extract-cert"], &key).ok();
    write(f.dir.path(), "dave.cert", &cert);
    let out = f.run(&["encrypt", "dave.cert"], MESSAGE);
    assert_eq!(out.code, 17, "CERT_CANNOT_ENCRYPT: {}", out.stderr);
}

#[test]
fn unsupported_subcommands_and_missing_tokens() {
    let f = Fixture::new();
    let out = f.run(&["revoke-key"], b"");
    assert_eq!(out.code, UNSUPPORTED_SUBCOMMAND);
    let msg = f.run(&["encrypt", "alice.cert"], MESSAGE).ok();

    // A certificate as KEYS is a key handle: with no host to ask, no hardware key is found.
    let out = sop_env(
        f.dir.path(),
        &["decrypt", "alice.cert"],
        &msg,
        &[("TESSERA_HOST", "/nonexistent/tessera-host")],
    );
    assert_eq!(out.code, NO_HARDWARE_KEY_FOUND, "{}", out.stderr);
    assert!(out.stdout.is_empty());

    // With the real host but no token holding Alice's keys: the same.
    let host = host_binary();
    if host.is_file() {
        let data = tempfile::tempdir().expect("tempdir");
        let data = data.path().to_str().expect("utf-8 path");
        for args in [&["decrypt", "alice.cert"][..], &["sign", "alice.cert"][..]] {
            let out = sop_env(f.dir.path(), args, &msg, &[("TESSERA_DATA_DIR", data)]);
            assert_eq!(out.code, NO_HARDWARE_KEY_FOUND, "{args:?}: {}", out.stderr);
            assert!(out.stdout.is_empty());
        }
    } else {
        eprintln!(
            "note: {} is not built; skipping the real-host part",
            host.display()
        );
    }
}
