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
