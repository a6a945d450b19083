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
    write(s.gpg.path(), "alice.sig", &sig);
    write(s.gpg.path(), "data", MESSAGE);
    let sig_path = s.gpg.path().join("alice.sig");
    let data_path = s.gpg.path().join("data");
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
    write(s.gpg.path(), "other", b"other data");
    let other_path = s.gpg.path().join("other");
    let (ok, _, _) = s.gpg.run(
        &[
            "--verify",
            sig_path.to_str().expect("path"),
            other_path.to_str().expect("path"),
        ],
        b"",
    );
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
