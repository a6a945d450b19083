//! Running real GnuPG (Debian's `gnupg`) in a throwaway GNUPGHOME, for the
//! tests that check interoperability with it. Not every test binary uses every
//! function.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// gpg in `home` (batch, empty passphrase by loopback), `stdin` fed to it; whatever it exits with.
pub fn gpg_raw(home: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new("gpg")
        .env("GNUPGHOME", home)
        .args([
            "--batch",
            "--yes",
            "--pinentry-mode",
            "loopback",
            "--passphrase",
            "",
        ])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run gpg ({e}): these tests need GnuPG (Debian package `gnupg`)"));
    // Written from a thread: gpg writes output while it reads, and a large
    // input would fill both pipes and deadlock.
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || pipe.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    out
}

/// gpg's standard output; a failure fails the test with gpg's message.
pub fn gpg(home: &Path, args: &[&str], stdin: &[u8]) -> Vec<u8> {
    let out = gpg_raw(home, args, stdin);
    assert!(
        out.status.success(),
        "gpg {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The fingerprints of a user ID's key and subkeys, primary first.
pub fn fingerprints(home: &Path, uid: &str) -> Vec<String> {
    let out = gpg(home, &["--with-colons", "--list-keys", uid], b"");
    String::from_utf8(out)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("fpr:"))
        .map(|l| l.split(':').nth(9).unwrap().to_string())
        .collect()
}

/// A key gpg made: its primary and encryption-subkey fingerprints and its armored secret key.
pub struct GpgKey {
    pub fpr: String,
    pub enc_fpr: String,
    pub secret_armored: Vec<u8>,
}

/// `Name <name@example.test>`: a `primary` certify+sign key with a `sub` encryption subkey, made by gpg.
pub fn make_key(home: &Path, name: &str, primary: &str, sub: &str) -> GpgKey {
    let uid = format!("{name} <{name}@example.test>");
    gpg(
        home,
        &["--quick-gen-key", &uid, primary, "cert,sign", "never"],
        b"",
    );
    let fpr = fingerprints(home, &uid)[0].clone();
    gpg(home, &["--quick-add-key", &fpr, sub, "encr", "never"], b"");
    let fprs = fingerprints(home, &uid);
    let secret_armored = gpg(home, &["--armor", "--export-secret-keys", &fpr], b"");
    GpgKey {
        fpr,
        enc_fpr: fprs[1].clone(),
        secret_armored,
    }
}
