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
    // Text is UTF-8 and comes back with CRLF line endings (see the README).
    for (mode, data, back) in [
        ("binary", MESSAGE.to_vec(), MESSAGE.to_vec()),
        ("text", TEXT_LF.to_vec(), crlf(TEXT_LF)),
    ] {
        let signed = f.run(&["inline-sign", "--as", mode, "alice.key"], &data).ok();
        assert!(signed.starts_with(b"-----BEGIN PGP MESSAGE-----"));
        let verif = format!("v-{mode}.txt");
        let out = f.run(
            &["inline-verify", "--verifications-out", &verif, "alice.cert"],
            &signed,
        );
        assert_eq!(out.ok(), back, "mode {mode}");
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

const TEXT_LF: &[u8] = b"Dear Bob,\nthe text below is signed as text.\n\n-- \nAlice\n";

fn crlf(text: &[u8]) -> Vec<u8> {
    String::from_utf8(text.to_vec())
        .expect("utf-8")
        .replace('\n', "\r\n")
        .into_bytes()
}

#[test]
fn text_signatures_survive_crlf_and_report_mode_text() {
    let f = Fixture::new();
    let sig = f.run(&["sign", "--as", "text", "alice.key"], TEXT_LF).ok();
    write(f.dir.path(), "text.sig", &sig);
    for data in [TEXT_LF.to_vec(), crlf(TEXT_LF)] {
        let out = String::from_utf8(f.run(&["verify", "text.sig", "alice.cert"], &data).ok()).expect("utf-8");
        assert_eq!(out.lines().count(), 1, "{out}");
        assert!(out.contains("mode:text"), "{out}");
    }
    // Text mode normalises line endings, not words.
    let out = f.run(&["verify", "text.sig", "alice.cert"], b"Dear Bob,\n");
    assert_eq!(out.code, NO_SIGNATURE, "{}", out.stderr);

    // A binary signature stays binary: CRLF data no longer verifies.
    let bin = f.run(&["sign", "alice.key"], TEXT_LF).ok();
    write(f.dir.path(), "bin.sig", &bin);
    let out = String::from_utf8(f.run(&["verify", "bin.sig", "alice.cert"], TEXT_LF).ok()).expect("utf-8");
    assert!(out.contains("mode:binary"), "{out}");
    let out = f.run(&["verify", "bin.sig", "alice.cert"], &crlf(TEXT_LF));
    assert_eq!(out.code, NO_SIGNATURE);

    // --as=text on bytes that are not UTF-8: EXPECTED_TEXT, nothing on stdout.
    let out = f.run(&["sign", "--as", "text", "alice.key"], b"\xff\xfe\x00binary");
    assert_eq!(out.code, EXPECTED_TEXT, "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn inline_text_signatures_report_mode_text() {
    let f = Fixture::new();
    let signed = f.run(&["inline-sign", "--as", "text", "alice.key"], TEXT_LF).ok();
    let out = f.run(
        &["inline-verify", "--verifications-out", "v.txt", "alice.cert"],
        &signed,
    );
    assert_eq!(out.ok(), crlf(TEXT_LF), "text is stored with CRLF line endings");
    // Not UTF-8: EXPECTED_TEXT.
    let out = f.run(&["inline-sign", "--as", "text", "alice.key"], b"\xff\xfe");
    assert_eq!(out.code, EXPECTED_TEXT, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let v = std::fs::read_to_string(f.dir.path().join("v.txt")).expect("verifications");
    assert_eq!(v.lines().count(), 1, "{v}");
    assert!(v.contains("mode:text"), "{v}");

    let signed = f
        .run(&["inline-sign", "--as", "binary", "alice.key"], TEXT_LF)
        .ok();
    f.run(
        &["inline-verify", "--verifications-out", "b.txt", "alice.cert"],
        &signed,
    )
    .ok();
    let v = std::fs::read_to_string(f.dir.path().join("b.txt")).expect("verifications");
    assert!(v.contains("mode:binary"), "{v}");

    // Cleartext signatures are text signatures; a line with trailing
    // whitespace (the mail signature separator `-- `) is signed without it.
    let clear = f
        .run(&["inline-sign", "--as", "clearsigned", "alice.key"], TEXT_LF)
        .ok();
    let out = f
        .run(
            &["inline-verify", "--verifications-out", "c.txt", "alice.cert"],
            &clear,
        )
        .ok();
    assert_eq!(out, cleartext_out(TEXT_LF));
    let v = std::fs::read_to_string(f.dir.path().join("c.txt")).expect("verifications");
    assert!(v.contains("mode:text"), "{v}");
}

/// What inline-verify gives back from a cleartext-signed `text`: what was
/// signed, without the trailing whitespace of its lines (RFC 9580 7.2).
fn cleartext_out(text: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(text.to_vec()).expect("utf-8");
    text.split_inclusive('\n')
        .map(|l| {
            let content = l.trim_end_matches('\n');
            format!("{}{}", content.trim_end_matches([' ', '\t']), &l[content.len()..])
        })
        .collect::<String>()
        .into_bytes()
}

/// Alice's fixture plus Bob: two software signers.
fn two_signers() -> Fixture {
    let f = Fixture::new();
    let bob = f.run(&["generate-key", "Bob <bob@example.org>"], b"").ok();
    write(f.dir.path(), "bob.key", &bob);
    let cert = f.run(&["extract-cert"], &bob).ok();
    write(f.dir.path(), "bob.cert", &cert);
    f
}

fn signers_in(verifications: &str) -> Vec<String> {
    let mut fprs: Vec<String> = verifications
        .lines()
        .map(|l| {
            l.split_whitespace()
                .nth(2)
                .expect("signer fingerprint")
                .to_string()
        })
        .collect();
    fprs.sort();
    fprs
}

#[test]
fn two_signing_keys_each_sign_in_every_verb() {
    let f = two_signers();
    let both = |verifications: &str| {
        let fprs = signers_in(verifications);
        assert_eq!(fprs.len(), 2, "{verifications}");
        assert_ne!(fprs[0], fprs[1], "{verifications}");
    };

    // Detached.
    let sig = f.run(&["sign", "alice.key", "bob.key"], MESSAGE).ok();
    write(f.dir.path(), "two.sig", &sig);
    let out = String::from_utf8(
        f.run(&["verify", "two.sig", "alice.cert", "bob.cert"], MESSAGE)
            .ok(),
    )
    .expect("utf-8");
    both(&out);
    // With only one certificate, that one signature still counts.
    let out = String::from_utf8(f.run(&["verify", "two.sig", "bob.cert"], MESSAGE).ok()).expect("utf-8");
    assert_eq!(out.lines().count(), 1, "{out}");

    // Inline, binary and text, armored and not, and cleartext.
    for (i, args) in [
        &["inline-sign", "alice.key", "bob.key"][..],
        &["inline-sign", "--as", "text", "alice.key", "bob.key"][..],
        &["inline-sign", "--no-armor", "alice.key", "bob.key"][..],
        &["inline-sign", "--as", "clearsigned", "alice.key", "bob.key"][..],
    ]
    .into_iter()
    .enumerate()
    {
        let (data, back) = if args.contains(&"clearsigned") {
            (TEXT_LF.to_vec(), cleartext_out(TEXT_LF))
        } else if args.contains(&"text") {
            (TEXT_LF.to_vec(), crlf(TEXT_LF))
        } else {
            (MESSAGE.to_vec(), MESSAGE.to_vec())
        };
        let signed = f.run(args, &data).ok();
        let verif = format!("v{i}.txt");
        let out = f.run(
            &[
                "inline-verify",
                "--verifications-out",
                &verif,
                "alice.cert",
                "bob.cert",
            ],
            &signed,
        );
        assert_eq!(out.ok(), back, "{args:?}");
        both(&std::fs::read_to_string(f.dir.path().join(&verif)).expect("verifications"));
    }

    // Encrypted and signed by both.
    let msg = f
        .run(
            &[
                "encrypt",
                "--sign-with",
                "alice.key",
                "--sign-with",
                "bob.key",
                "alice.cert",
            ],
            MESSAGE,
        )
        .ok();
    let out = f.run(
        &[
            "decrypt",
            "--verifications-out",
            "d.txt",
            "--verify-with",
            "alice.cert",
            "--verify-with",
            "bob.cert",
            "alice.key",
        ],
        &msg,
    );
    assert_eq!(out.ok(), MESSAGE);
    both(&std::fs::read_to_string(f.dir.path().join("d.txt")).expect("verifications"));
}

#[test]
fn encrypt_as_text_makes_text_signatures() {
    let f = Fixture::new();
    let msg = f
        .run(
            &[
                "encrypt",
                "--as",
                "text",
                "--sign-with",
                "alice.key",
                "alice.cert",
            ],
            TEXT_LF,
        )
        .ok();
    let out = f.run(
        &[
            "decrypt",
            "--verifications-out",
            "v.txt",
            "--verify-with",
            "alice.cert",
            "alice.key",
        ],
        &msg,
    );
    assert_eq!(out.ok(), crlf(TEXT_LF), "text is stored with CRLF line endings");
    let v = std::fs::read_to_string(f.dir.path().join("v.txt")).expect("verifications");
    assert!(v.contains("mode:text"), "{v}");
}

#[test]
fn password_encryption_round_trips_and_wrong_passwords_give_nothing() {
    let f = Fixture::new();
    write(f.dir.path(), "pw.txt", b"correct horse battery staple");
    write(
        f.dir.path(),
        "pw-trailing.txt",
        b"correct horse battery staple \t\n",
    );
    write(f.dir.path(), "wrong.txt", b"correct horse battery stapler\n");
    let msg = f.run(&["encrypt", "--with-password", "pw.txt"], MESSAGE).ok();
    assert!(msg.starts_with(b"-----BEGIN PGP MESSAGE-----"));
    assert_eq!(
        f.run(&["decrypt", "--with-password", "pw.txt"], &msg).ok(),
        MESSAGE
    );
    // Trailing whitespace: tried as given and trimmed (SOP draft), on both sides.
    assert_eq!(
        f.run(&["decrypt", "--with-password", "pw-trailing.txt"], &msg)
            .ok(),
        MESSAGE
    );
    let trimmed = f
        .run(
            &["encrypt", "--no-armor", "--with-password", "pw-trailing.txt"],
            MESSAGE,
        )
        .ok();
    assert_eq!(
        f.run(&["decrypt", "--with-password", "pw.txt"], &trimmed).ok(),
        MESSAGE
    );

    let out = f.run(&["decrypt", "--with-password", "wrong.txt"], &msg);
    assert_eq!(out.code, CANNOT_DECRYPT, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "no plaintext for a wrong password");
    // Several passwords: the right one anywhere in the list works.
    assert_eq!(
        f.run(
            &[
                "decrypt",
                "--with-password",
                "wrong.txt",
                "--with-password",
                "pw.txt"
            ],
            &msg
        )
        .ok(),
        MESSAGE
    );
    // A message for a key only: a password is no way in.
    let to_key = f.run(&["encrypt", "alice.cert"], MESSAGE).ok();
    let out = f.run(&["decrypt", "--with-password", "pw.txt"], &to_key);
    assert_eq!(out.code, CANNOT_DECRYPT, "{}", out.stderr);
    assert!(out.stdout.is_empty());

    // Tampered: CANNOT_DECRYPT or BAD_DATA, nothing released.
    let mut bin = f.run(&["dearmor"], &msg).ok();
    let at = bin.len() - 8;
    bin[at] ^= 0x01;
    let out = f.run(&["decrypt", "--with-password", "pw.txt"], &bin);
    assert!(
        out.code == CANNOT_DECRYPT || out.code == BAD_DATA,
        "exit {} ({})",
        out.code,
        out.stderr
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_password_and_a_certificate_each_open_the_message_and_no_host_is_asked() {
    let f = Fixture::new();
    write(f.dir.path(), "pw.txt", b"shared secret\n");
    let msg = f
        .run(&["encrypt", "--with-password", "pw.txt", "alice.cert"], MESSAGE)
        .ok();
    assert_eq!(f.run(&["decrypt", "alice.key"], &msg).ok(), MESSAGE);
    // With a key handle besides the password, the password opens the message
    // before any host is started (this host does not exist).
    let out = sop_env(
        f.dir.path(),
        &["decrypt", "--with-password", "pw.txt", "alice.cert"],
        &msg,
        &[("TESSERA_HOST", "/nonexistent/tessera-host")],
    );
    assert_eq!(out.ok(), MESSAGE);
    // A wrong password falls through to the key handle, whose token is missing.
    write(f.dir.path(), "wrong.txt", b"nope\n");
    let out = sop_env(
        f.dir.path(),
        &["decrypt", "--with-password", "wrong.txt", "alice.cert"],
        &msg,
        &[("TESSERA_HOST", "/nonexistent/tessera-host")],
    );
    assert_eq!(out.code, NO_HARDWARE_KEY_FOUND, "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn encrypt_session_key_out_opens_the_message() {
    let f = Fixture::new();
    write(f.dir.path(), "pw.txt", b"pw\n");
    // (sop refuses to overwrite an output file: one name per run.)
    for (i, by_password) in [false, true].into_iter().enumerate() {
        let sk_file = format!("sk{i}.txt");
        let back_file = format!("back{i}.txt");
        let mut args = vec!["encrypt", "--session-key-out", &sk_file];
        args.extend(if by_password {
            ["--with-password", "pw.txt"].as_slice()
        } else {
            ["alice.cert"].as_slice()
        });
        let msg = f.run(&args, MESSAGE).ok();
        let sk = std::fs::read_to_string(f.dir.path().join(&sk_file)).expect("session key");
        let sk = sk.trim_end();
        assert!(sk.starts_with("9:") && sk.len() == 2 + 64, "AES-256: {sk}");
        assert_eq!(
            f.run(&["decrypt", "--with-session-key", &sk_file], &msg).ok(),
            MESSAGE,
            "{args:?}"
        );
        // decrypt reports the same session key.
        let mut args = vec!["decrypt", "--session-key-out", &back_file];
        args.extend(if by_password {
            ["--with-password", "pw.txt"].as_slice()
        } else {
            ["alice.key"].as_slice()
        });
        assert_eq!(f.run(&args, &msg).ok(), MESSAGE);
        let back = std::fs::read_to_string(f.dir.path().join(&back_file)).expect("session key");
        assert_eq!(back.trim_end(), sk, "{args:?}");
    }
}

/// The host's soft token as a token: its certificate is a key handle, its
/// passphrase the PIN. The two-phase signing path through `tessera-host`,
/// with text mode and beside a software signer.
#[test]
fn a_token_key_handle_signs_text_and_beside_a_software_key() {
    let host = host_binary();
    if !host.is_file() {
        eprintln!("note: {} is not built; skipping", host.display());
        return;
    }
    let f = Fixture::new();
    let data = tempfile::tempdir().expect("tempdir");
    let data_dir = data.path().to_str().expect("utf-8 path");
    let passphrase = "soft token passphrase";
    let mut child = std::process::Command::new(&host)
        .args(["soft-token", "init", "--user-id", "Soft <soft@example.org>"])
        .env("TESSERA_DATA_DIR", data_dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start soft-token init");
    std::io::Write::write_all(
        &mut child.stdin.take().expect("stdin"),
        format!("{passphrase}\n").as_bytes(),
    )
    .expect("passphrase");
    assert!(child.wait().expect("wait").success());
    let key = std::fs::read(data.path().join("soft-token.asc")).expect("soft token key");
    let cert = f.run(&["extract-cert"], &key).ok();
    write(f.dir.path(), "soft.cert", &cert);
    write(f.dir.path(), "pin.txt", format!("{passphrase}\n").as_bytes());
    let env = [
        ("TESSERA_DATA_DIR", data_dir),
        // No pcscd: only the soft token.
        ("PCSCLITE_CSOCK_NAME", "/nonexistent/tessera-test/pcscd.comm"),
    ];
    let run = |args: &[&str], stdin: &[u8]| sop_env(f.dir.path(), args, stdin, &env);

    let sig = run(
        &[
            "sign",
            "--as",
            "text",
            "--with-key-password",
            "pin.txt",
            "soft.cert",
            "alice.key",
        ],
        TEXT_LF,
    )
    .ok();
    write(f.dir.path(), "two.sig", &sig);
    let out = String::from_utf8(
        f.run(&["verify", "two.sig", "soft.cert", "alice.cert"], &crlf(TEXT_LF))
            .ok(),
    )
    .expect("utf-8");
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.lines().all(|l| l.contains("mode:text")), "{out}");

    let signed = run(
        &[
            "inline-sign",
            "--as",
            "text",
            "--with-key-password",
            "pin.txt",
            "soft.cert",
            "alice.key",
        ],
        TEXT_LF,
    )
    .ok();
    let out = f.run(
        &[
            "inline-verify",
            "--verifications-out",
            "iv.txt",
            "soft.cert",
            "alice.cert",
        ],
        &signed,
    );
    assert_eq!(out.ok(), crlf(TEXT_LF));
    let v = std::fs::read_to_string(f.dir.path().join("iv.txt")).expect("verifications");
    assert_eq!(v.lines().count(), 2, "{v}");

    // Signed by the token and Alice, encrypted to a password: opened with no host.
    write(f.dir.path(), "pw.txt", b"message password\n");
    let msg = run(
        &[
            "encrypt",
            "--with-key-password",
            "pin.txt",
            "--sign-with",
            "soft.cert",
            "--sign-with",
            "alice.key",
            "--with-password",
            "pw.txt",
        ],
        MESSAGE,
    )
    .ok();
    let out = sop_env(
        f.dir.path(),
        &[
            "decrypt",
            "--with-password",
            "pw.txt",
            "--verifications-out",
            "dv.txt",
            "--verify-with",
            "soft.cert",
            "--verify-with",
            "alice.cert",
        ],
        &msg,
        &[("TESSERA_HOST", "/nonexistent/tessera-host")],
    );
    assert_eq!(out.ok(), MESSAGE);
    let v = std::fs::read_to_string(f.dir.path().join("dv.txt")).expect("verifications");
    assert_eq!(v.lines().count(), 2, "{v}");
}

/// RFC 9580 A.10: SEIPDv2 (AES-128, OCB) behind a v6 SKESK with Argon2,
/// password `password`.
const RFC9580_A10: &[u8] = include_bytes!("../../../wasm-core/tests/vectors/a10-aead-ocb.asc");

#[test]
fn a_v6_skesk_opens_with_its_password_and_reports_the_seipd_v2_session_key() {
    let f = Fixture::new();
    write(f.dir.path(), "password.txt", b"password\n");
    let out = f.run(
        &[
            "decrypt",
            "--with-password",
            "password.txt",
            "--session-key-out",
            "sk.txt",
        ],
        RFC9580_A10,
    );
    assert_eq!(out.ok(), b"Hello, world!");
    let sk = std::fs::read_to_string(f.dir.path().join("sk.txt")).expect("session key");
    // The algorithm comes from the SEIPDv2 packet; the key is the one RFC 9580 prints.
    assert_eq!(sk.trim_end(), "7:28E79AB82397D3C63DE24AC217D7B791");
    assert_eq!(
        f.run(&["decrypt", "--with-session-key", "sk.txt"], RFC9580_A10)
            .ok(),
        b"Hello, world!"
    );
}

#[test]
fn rfc9580_profile_makes_v6_keys_that_round_trip_and_sign() {
    let dir = tempfile::tempdir().expect("tempdir");
    let profiles =
        String::from_utf8(sop(dir.path(), &["list-profiles", "generate-key"], b"").ok()).expect("utf-8");
    let names: Vec<&str> = profiles.lines().filter_map(|l| l.split(':').next()).collect();
    assert_eq!(names, ["rfc4880", "rfc9580"], "{profiles}");

    let key = sop(
        dir.path(),
        &["generate-key", "--profile=rfc9580", "Vera <vera@example.org>"],
        b"",
    )
    .ok();
    write(dir.path(), "vera.key", &key);
    let cert = sop(dir.path(), &["extract-cert"], &key).ok();
    write(dir.path(), "vera.cert", &cert);
    // Version 6 keys: the primary and its subkey, as rpgp reads them back.
    let (parsed, _) =
        <pgp::composed::SignedPublicKey as pgp::composed::Deserializable>::from_armor_single(&cert[..])
            .expect("cert");
    use pgp::types::KeyDetails;
    assert_eq!(parsed.primary_key.version(), pgp::types::KeyVersion::V6);
    assert_eq!(parsed.public_subkeys.len(), 1);
    assert_eq!(parsed.public_subkeys[0].key.version(), pgp::types::KeyVersion::V6);
    assert_eq!(
        parsed.primary_key.fingerprint().as_bytes().len(),
        32,
        "a v6 fingerprint is SHA-256"
    );

    let msg = sop(
        dir.path(),
        &["encrypt", "--sign-with", "vera.key", "vera.cert"],
        MESSAGE,
    )
    .ok();
    let out = sop(
        dir.path(),
        &[
            "decrypt",
            "--verifications-out",
            "v.txt",
            "--verify-with",
            "vera.cert",
            "vera.key",
        ],
        &msg,
    );
    assert_eq!(out.ok(), MESSAGE);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("v.txt"))
            .expect("verifications")
            .lines()
            .count(),
        1
    );

    // The default stays v4, which GnuPG 2.2 and 2.4 read; an unknown profile is refused.
    let v4 = sop(
        dir.path(),
        &["generate-key", "--profile=default", "Walt <w@example.org>"],
        b"",
    )
    .ok();
    let v4cert = sop(dir.path(), &["extract-cert"], &v4).ok();
    let (v4parsed, _) =
        <pgp::composed::SignedPublicKey as pgp::composed::Deserializable>::from_armor_single(&v4cert[..])
            .expect("cert");
    assert_eq!(v4parsed.primary_key.version(), pgp::types::KeyVersion::V4);
    let out = sop(
        dir.path(),
        &["generate-key", "--profile=rfc9999", "X <x@example.org>"],
        b"",
    );
    assert_ne!(out.code, 0, "an unknown profile is refused");
}
