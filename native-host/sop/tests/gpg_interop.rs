//! GnuPG interop with software keys: Debian's gpg and tessera-sop read each
//! other's messages and signatures (temporary GNUPGHOME per test).

mod common;

use common::*;

const MESSAGE: &[u8] = b"GnuPG <-> tessera-sop\n\x00\x01\x02 binary\n";

/// Alice (tessera-sop key, imported into gpg) and Bob (a gpg key, exported for tessera-sop).
struct Setup {
    gpg: GpgHome,
    dir: tempfile::TempDir,
}

fn setup() -> Setup {
    let gpg = GpgHome::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let key = sop(dir.path(), &["generate-key", "Alice <alice@example.org>"], b"").ok();
    write(dir.path(), "alice.key", &key);
    let cert = sop(dir.path(), &["extract-cert"], &key).ok();
    write(dir.path(), "alice.cert", &cert);
    gpg.ok(&["--import"], &cert);
    let bob = gpg.generate("Bob <bob@example.org>", "bob@example.org");
    write(dir.path(), "bob.cert", &bob);
    Setup { gpg, dir }
}

#[test]
fn gpg_encrypts_to_a_tessera_sop_key_and_tessera_sop_decrypts() {
    let s = setup();
    for armor in [true, false] {
        let mut args = vec!["--encrypt", "-r", "alice@example.org"];
        if armor {
            args.insert(0, "--armor");
        }
        let msg = s.gpg.ok(&args, MESSAGE);
        assert_eq!(sop(s.dir.path(), &["decrypt", "alice.key"], &msg).ok(), MESSAGE);
    }
    // Signed by Bob and encrypted to Alice: the signature verifies with Bob's cert.
    let msg = s.gpg.ok(
        &[
            "--sign",
            "-u",
            "bob@example.org",
            "--encrypt",
            "-r",
            "alice@example.org",
        ],
        MESSAGE,
    );
    let out = sop(
        s.dir.path(),
        &[
            "decrypt",
            "--verifications-out",
            "v.txt",
            "--verify-with",
            "bob.cert",
            "alice.key",
        ],
        &msg,
    );
    assert_eq!(out.ok(), MESSAGE);
    let v = std::fs::read_to_string(s.dir.path().join("v.txt")).expect("verifications");
    assert_eq!(v.lines().count(), 1, "gpg's signature is verified: {v}");
}

#[test]
fn tessera_sop_encrypts_to_a_gpg_key_and_gpg_decrypts() {
    let s = setup();
    for args in [
        &["encrypt", "bob.cert"][..],
        &["encrypt", "--no-armor", "bob.cert"][..],
    ] {
        let msg = sop(s.dir.path(), args, MESSAGE).ok();
        assert_eq!(s.gpg.ok(&["--decrypt"], &msg), MESSAGE, "{args:?}");
    }
    // Signed by Alice: gpg reports a good signature.
    let msg = sop(
        s.dir.path(),
        &["encrypt", "--sign-with", "alice.key", "bob.cert"],
        MESSAGE,
    )
    .ok();
    let (ok, out, err) = s.gpg.run(&["--status-fd", "2", "--decrypt"], &msg);
    assert!(ok, "{err}");
    assert_eq!(out, MESSAGE);
    assert!(err.contains("[GNUPG:] GOODSIG"), "{err}");
}

#[test]
fn signatures_both_ways() {
    let s = setup();
    // tessera-sop signs, gpg verifies (detached, inline, cleartext).
    let sig = sop(s.dir.path(), &["sign", "alice.key"], MESSAGE).ok();
    let (ok, err) = gpg_verify_detached(&s, &sig, MESSAGE);
    assert!(ok && err.contains("[GNUPG:] GOODSIG"), "{err}");
    let inline = sop(s.dir.path(), &["inline-sign", "alice.key"], MESSAGE).ok();
    let (ok, out, err) = s.gpg.run(&["--status-fd", "2", "--decrypt"], &inline);
    assert!(ok && err.contains("[GNUPG:] GOODSIG"), "{err}");
    assert_eq!(out, MESSAGE);
    let text = b"cleartext from tessera-sop\n";
    let clear = sop(
        s.dir.path(),
        &["inline-sign", "--as", "clearsigned", "alice.key"],
        text,
    )
    .ok();
    let (ok, _, err) = s.gpg.run(&["--status-fd", "2", "--verify"], &clear);
    assert!(ok && err.contains("[GNUPG:] GOODSIG"), "{err}");

    // A signature gpg rejects is one tessera-sop made over other data.
    let (ok, _) = gpg_verify_detached(&s, &sig, b"other data");
    assert!(!ok, "gpg must reject the signature over other data");

    // gpg signs, tessera-sop verifies (detached, inline, cleartext).
    let sig = s
        .gpg
        .ok(&["--armor", "--detach-sign", "-u", "bob@example.org"], MESSAGE);
    write(s.dir.path(), "bob.sig", &sig);
    let v = sop(s.dir.path(), &["verify", "bob.sig", "bob.cert"], MESSAGE).ok();
    assert_eq!(String::from_utf8_lossy(&v).lines().count(), 1);
    let out = sop(s.dir.path(), &["verify", "bob.sig", "bob.cert"], b"tampered");
    assert_eq!(out.code, NO_SIGNATURE);
    let out = sop(s.dir.path(), &["verify", "bob.sig", "alice.cert"], MESSAGE);
    assert_eq!(out.code, NO_SIGNATURE, "Alice did not make Bob's signature");
    let inline = s.gpg.ok(&["--sign", "-u", "bob@example.org"], MESSAGE);
    assert_eq!(
        sop(s.dir.path(), &["inline-verify", "bob.cert"], &inline).ok(),
        MESSAGE
    );
    let clear = s.gpg.ok(&["--clearsign", "-u", "bob@example.org"], text);
    // The line break before the signature belongs to the armor (RFC 9580, 7.1).
    let out = sop(s.dir.path(), &["inline-verify", "bob.cert"], &clear).ok();
    assert_eq!(out.strip_suffix(b"\n").unwrap_or(&out), &text[..text.len() - 1]);
}

const TEXT_LF: &[u8] =
    b"Signed as text by one side,\nchecked by the other\n\nwith LF or CRLF line endings.\n";

fn crlf(text: &[u8]) -> Vec<u8> {
    String::from_utf8(text.to_vec())
        .expect("utf-8")
        .replace('\n', "\r\n")
        .into_bytes()
}

/// `gpg --verify SIG DATA` with both written to files; (success, status lines).
fn gpg_verify_detached(s: &Setup, sig: &[u8], data: &[u8]) -> (bool, String) {
    write(s.gpg.path(), "v.sig", sig);
    write(s.gpg.path(), "v.data", data);
    let sig_path = s.gpg.path().join("v.sig");
    let data_path = s.gpg.path().join("v.data");
    let (ok, _, err) = s.gpg.run(
        &[
            "--status-fd",
            "2",
            "--verify",
            sig_path.to_str().expect("path"),
            data_path.to_str().expect("path"),
        ],
        b"",
    );
    (ok, err)
}

#[test]
fn gpg_decrypts_tessera_sop_password_messages_and_refuses_a_wrong_password() {
    let s = setup();
    write(s.dir.path(), "pw.txt", b"interop passphrase\n");
    for args in [
        &["encrypt", "--with-password", "pw.txt"][..],
        &["encrypt", "--no-armor", "--with-password", "pw.txt"][..],
        // A password and a certificate at once: gpg takes the password.
        &["encrypt", "--with-password", "pw.txt", "bob.cert"][..],
    ] {
        let msg = sop(s.dir.path(), args, MESSAGE).ok();
        let out = s
            .gpg
            .ok(&["--passphrase", "interop passphrase", "--decrypt"], &msg);
        assert_eq!(out, MESSAGE, "{args:?}");
    }
    let msg = sop(s.dir.path(), &["encrypt", "--with-password", "pw.txt"], MESSAGE).ok();
    let (ok, out, _) = s.gpg.run(&["--passphrase", "wrong", "--decrypt"], &msg);
    assert!(
        !ok && out.is_empty(),
        "gpg must not decrypt with a wrong passphrase"
    );
}

#[test]
fn tessera_sop_decrypts_gpg_symmetric_messages() {
    let s = setup();
    write(s.dir.path(), "pw.txt", b"gpg symmetric\n");
    write(s.dir.path(), "wrong.txt", b"gpg symmetrik\n");
    // gpg's default S2K count (65 M bytes hashed) takes seconds per attempt in a
    // debug build of rpgp: the other cases use a smaller count.
    for extra in [
        &["--armor"][..],
        &["--s2k-count", "65536"][..],
        &[
            "--s2k-count",
            "65536",
            "--cipher-algo",
            "AES128",
            "--s2k-digest-algo",
            "SHA256",
        ][..],
    ] {
        let mut args = vec!["--passphrase", "gpg symmetric", "--symmetric"];
        args.splice(0..0, extra.iter().copied());
        let msg = s.gpg.ok(&args, MESSAGE);
        assert_eq!(
            sop(s.dir.path(), &["decrypt", "--with-password", "pw.txt"], &msg).ok(),
            MESSAGE,
            "{extra:?}"
        );
        let out = sop(s.dir.path(), &["decrypt", "--with-password", "wrong.txt"], &msg);
        assert_eq!(out.code, CANNOT_DECRYPT, "{extra:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "no plaintext for a wrong password");
    }
    // gpg --symmetric and --encrypt at once, signed: the password opens it, the signature verifies.
    let msg = s.gpg.ok(
        &[
            "--s2k-count",
            "65536",
            "--passphrase",
            "gpg symmetric",
            "--symmetric",
            "--encrypt",
            "-r",
            "alice@example.org",
            "--sign",
            "-u",
            "bob@example.org",
        ],
        MESSAGE,
    );
    let out = sop(
        s.dir.path(),
        &[
            "decrypt",
            "--with-password",
            "pw.txt",
            "--verifications-out",
            "v.txt",
            "--verify-with",
            "bob.cert",
        ],
        &msg,
    );
    assert_eq!(out.ok(), MESSAGE);
    let v = std::fs::read_to_string(s.dir.path().join("v.txt")).expect("verifications");
    assert_eq!(v.lines().count(), 1, "{v}");
    assert_eq!(
        sop(s.dir.path(), &["decrypt", "alice.key"], &msg).ok(),
        MESSAGE,
        "and Alice's key opens it too"
    );
}

#[test]
fn gpg_verifies_tessera_sop_text_signatures_over_lf_and_crlf() {
    let s = setup();
    let sig = sop(s.dir.path(), &["sign", "--as", "text", "alice.key"], TEXT_LF).ok();
    for data in [TEXT_LF.to_vec(), crlf(TEXT_LF)] {
        let (ok, status) = gpg_verify_detached(&s, &sig, &data);
        assert!(ok && status.contains("[GNUPG:] GOODSIG"), "{status}");
    }
    let (ok, _) = gpg_verify_detached(&s, &sig, b"Signed as text by one side,\n");
    assert!(!ok, "other text must not verify");

    let inline = sop(
        s.dir.path(),
        &["inline-sign", "--as", "text", "alice.key"],
        TEXT_LF,
    )
    .ok();
    let (ok, out, err) = s.gpg.run(&["--status-fd", "2", "--decrypt"], &inline);
    assert!(ok && err.contains("[GNUPG:] GOODSIG"), "{err}");
    assert!(
        out == TEXT_LF || out == crlf(TEXT_LF),
        "{}",
        String::from_utf8_lossy(&out)
    );

    // Cleartext with trailing whitespace on a line (a mail signature separator).
    let clear = sop(
        s.dir.path(),
        &["inline-sign", "--as", "clearsigned", "alice.key"],
        b"Regards,\n-- \nAlice\t\n",
    )
    .ok();
    let (ok, _, err) = s.gpg.run(&["--status-fd", "2", "--verify"], &clear);
    assert!(ok && err.contains("[GNUPG:] GOODSIG"), "{err}");
}

#[test]
fn tessera_sop_verifies_gpg_textmode_signatures_over_lf_and_crlf() {
    let s = setup();
    let sig = s.gpg.ok(
        &["--armor", "--textmode", "--detach-sign", "-u", "bob@example.org"],
        TEXT_LF,
    );
    write(s.dir.path(), "bob-text.sig", &sig);
    for data in [TEXT_LF.to_vec(), crlf(TEXT_LF)] {
        let out = String::from_utf8(sop(s.dir.path(), &["verify", "bob-text.sig", "bob.cert"], &data).ok())
            .expect("utf-8");
        assert_eq!(out.lines().count(), 1, "{out}");
        assert!(out.contains("mode:text"), "{out}");
    }
    let out = sop(
        s.dir.path(),
        &["verify", "bob-text.sig", "bob.cert"],
        b"other text\n",
    );
    assert_eq!(out.code, NO_SIGNATURE);

    let inline = s
        .gpg
        .ok(&["--textmode", "--sign", "-u", "bob@example.org"], TEXT_LF);
    let out = sop(
        s.dir.path(),
        &["inline-verify", "--verifications-out", "v.txt", "bob.cert"],
        &inline,
    )
    .ok();
    // gpg stores --textmode data with CRLF line endings ('t' literal): either form is the text.
    assert!(
        out == TEXT_LF || out == crlf(TEXT_LF),
        "{}",
        String::from_utf8_lossy(&out)
    );
    let v = std::fs::read_to_string(s.dir.path().join("v.txt")).expect("verifications");
    assert!(v.contains("mode:text"), "{v}");
}

#[test]
fn two_signers_verify_both_ways() {
    let s = setup();
    // A second tessera-sop key, known to gpg too.
    let carol = sop(s.dir.path(), &["generate-key", "Carol <carol@example.org>"], b"").ok();
    write(s.dir.path(), "carol.key", &carol);
    let carol_cert = sop(s.dir.path(), &["extract-cert"], &carol).ok();
    write(s.dir.path(), "carol.cert", &carol_cert);
    s.gpg.ok(&["--import"], &carol_cert);
    let goodsigs = |status: &str| {
        status
            .lines()
            .filter(|l| l.starts_with("[GNUPG:] GOODSIG"))
            .count()
    };

    // tessera-sop signs with two keys, gpg finds two good signatures.
    let sig = sop(s.dir.path(), &["sign", "alice.key", "carol.key"], MESSAGE).ok();
    let (ok, status) = gpg_verify_detached(&s, &sig, MESSAGE);
    assert!(ok && goodsigs(&status) == 2, "{status}");
    for args in [
        &["inline-sign", "alice.key", "carol.key"][..],
        &["inline-sign", "--as", "text", "alice.key", "carol.key"][..],
        &[
            "encrypt",
            "--sign-with",
            "alice.key",
            "--sign-with",
            "carol.key",
            "bob.cert",
        ][..],
    ] {
        let msg = sop(s.dir.path(), args, MESSAGE).ok();
        let (ok, out, status) = s.gpg.run(&["--status-fd", "2", "--decrypt"], &msg);
        assert!(ok && goodsigs(&status) == 2, "{args:?}: {status}");
        assert_eq!(out, MESSAGE, "{args:?}");
    }

    // gpg signs with two keys (Bob and Dave), tessera-sop verifies both.
    let dave = s.gpg.generate("Dave <dave@example.org>", "dave@example.org");
    write(s.dir.path(), "dave.cert", &dave);
    let sig = s.gpg.ok(
        &[
            "--armor",
            "--detach-sign",
            "-u",
            "bob@example.org",
            "-u",
            "dave@example.org",
        ],
        MESSAGE,
    );
    write(s.dir.path(), "two.sig", &sig);
    let out = String::from_utf8(
        sop(
            s.dir.path(),
            &["verify", "two.sig", "bob.cert", "dave.cert"],
            MESSAGE,
        )
        .ok(),
    )
    .expect("utf-8");
    assert_eq!(out.lines().count(), 2, "{out}");
    let inline = s.gpg.ok(
        &["--sign", "-u", "bob@example.org", "-u", "dave@example.org"],
        MESSAGE,
    );
    let out = sop(
        s.dir.path(),
        &[
            "inline-verify",
            "--verifications-out",
            "v.txt",
            "bob.cert",
            "dave.cert",
        ],
        &inline,
    );
    assert_eq!(out.ok(), MESSAGE);
    let v = std::fs::read_to_string(s.dir.path().join("v.txt")).expect("verifications");
    assert_eq!(v.lines().count(), 2, "{v}");
}
