//! tessera-sop with Alice's keys on the virtual OpenPGP card, through
//! tessera-host and a real pcscd. Run under scripts/lib/with-virtual-card.sh
//! with `-- --ignored` (TESSERA_TEST_CARD_ALGO=cv25519|rsa2048|rsa3072).

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

use common::*;

/// One card: the tests take turns.
static CARD: Mutex<()> = Mutex::new(());

fn card_facts() -> serde_json::Value {
    let path = std::env::var("TESSERA_TEST_CARD_JSON")
        .expect("TESSERA_TEST_CARD_JSON (run under with-virtual-card.sh)");
    serde_json::from_slice(&std::fs::read(path).expect("card.json")).expect("card.json is JSON")
}

fn pin() -> String {
    std::env::var("TESSERA_TEST_USER_PIN").expect("TESSERA_TEST_USER_PIN")
}

/// A working directory with alice.cert (her certificate only: a key handle), pin.txt,
/// and a GnuPG home holding Alice's certificate and a software key for Bob.
struct Setup {
    dir: tempfile::TempDir,
    data: tempfile::TempDir,
    gpg: GpgHome,
}

impl Setup {
    fn new() -> Self {
        let home = std::env::var("TESSERA_TEST_GNUPGHOME").expect("TESSERA_TEST_GNUPGHOME");
        let fpr = card_facts()["primary_fingerprint"]
            .as_str()
            .expect("primary_fingerprint")
            .to_owned();
        let out = Command::new("gpg")
            .args(["--homedir", &home, "--batch", "--armor", "--export", &fpr])
            .output()
            .expect("gpg --export");
        assert!(
            out.status.success() && !out.stdout.is_empty(),
            "export Alice's cert"
        );
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "alice.cert", &out.stdout);
        write(dir.path(), "pin.txt", format!("{}\n", pin()).as_bytes());
        write(dir.path(), "wrong-pin.txt", b"999999\n");
        let gpg = GpgHome::new();
        gpg.ok(&["--import"], &out.stdout);
        let bob = gpg.generate("Bob <bob@example.org>", "bob@example.org");
        write(dir.path(), "bob.cert", &bob);
        Setup {
            dir,
            data: tempfile::tempdir().expect("tempdir"),
            gpg,
        }
    }

    fn sop(&self, args: &[&str], stdin: &[u8]) -> Output {
        let data = self.data.path().to_str().expect("utf-8 path");
        sop_env(self.dir.path(), args, stdin, &[("TESSERA_DATA_DIR", data)])
    }

    fn alice(&self) -> String {
        card_facts()["primary_fingerprint"]
            .as_str()
            .expect("fpr")
            .to_owned()
    }
}

/// The card's user PIN tries left, as `tessera-host tokens --json` lists them.
fn user_pin_retries(data: &Path) -> u64 {
    let out = Command::new(host_binary())
        .args(["tokens", "--json"])
        .env("TESSERA_DATA_DIR", data)
        .output()
        .expect("tessera-host tokens --json");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let aid = card_facts()["aid"].as_str().expect("aid").to_owned();
    let token = list["tokens"]
        .as_array()
        .expect("tokens")
        .iter()
        .find(|t| t["id"] == format!("card:{aid}"))
        .unwrap_or_else(|| panic!("the card is not listed: {list}"))
        .clone();
    token["pin_retries"]["user"].as_u64().expect("user retries")
}

fn plaintext() -> Vec<u8> {
    let mut p = b"Decrypted on the card, byte for byte:\n".to_vec();
    p.extend((0..=255u8).cycle().take(3000));
    p
}

#[test]
#[ignore = "needs the virtual card: run under scripts/lib/with-virtual-card.sh with --ignored"]
fn gpg_encrypted_messages_decrypt_through_host_and_card() {
    let _card = CARD.lock().unwrap_or_else(|p| p.into_inner());
    let s = Setup::new();
    let alice = s.alice();
    let data = plaintext();
    let one = s.gpg.ok(&["--encrypt", "-r", &alice], &data);
    let several = s.gpg.ok(
        &["--armor", "--encrypt", "-r", "bob@example.org", "-r", &alice],
        &data,
    );
    for (name, msg) in [("one recipient", &one), ("several recipients", &several)] {
        let out = s.sop(&["decrypt", "--with-key-password", "pin.txt", "alice.cert"], msg);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        assert_eq!(out.stdout, data, "{name}: byte for byte");
    }
    // Without the PIN: KEY_IS_PROTECTED, nothing decrypted, no try spent.
    let before = user_pin_retries(s.data.path());
    let out = s.sop(&["decrypt", "alice.cert"], &one);
    assert_eq!(out.code, KEY_IS_PROTECTED, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert_eq!(user_pin_retries(s.data.path()), before);
    // A message only for Bob: the card is not asked, CANNOT_DECRYPT.
    let bobs = s.gpg.ok(&["--encrypt", "-r", "bob@example.org"], &data);
    let out = s.sop(
        &["decrypt", "--with-key-password", "pin.txt", "alice.cert"],
        &bobs,
    );
    assert_eq!(out.code, CANNOT_DECRYPT, "{}", out.stderr);
}

#[test]
#[ignore = "needs the virtual card: run under scripts/lib/with-virtual-card.sh with --ignored"]
fn card_signatures_are_accepted_by_gpg() {
    let _card = CARD.lock().unwrap_or_else(|p| p.into_inner());
    let s = Setup::new();
    let data = plaintext();
    let sig = s
        .sop(&["sign", "--with-key-password", "pin.txt", "alice.cert"], &data)
        .ok();
    write(s.gpg.path(), "data", &data);
    write(s.gpg.path(), "data.sig", &sig);
    let sig_path = s.gpg.path().join("data.sig");
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
    assert!(ok && err.contains("[GNUPG:] GOODSIG"), "gpg --verify: {err}");
    // And tessera-sop verifies it too; over other data it is NO_SIGNATURE.
    write(s.dir.path(), "data.sig", &sig);
    s.sop(&["verify", "data.sig", "alice.cert"], &data).ok();
    let out = s.sop(&["verify", "data.sig", "alice.cert"], b"other");
    assert_eq!(out.code, NO_SIGNATURE);

    // Inline-signed on the card, read by gpg.
    let inline = s
        .sop(
            &["inline-sign", "--with-key-password", "pin.txt", "alice.cert"],
            &data,
        )
        .ok();
    let (ok, out, err) = s.gpg.run(&["--status-fd", "2", "--decrypt"], &inline);
    assert!(ok && err.contains("[GNUPG:] GOODSIG"), "{err}");
    assert_eq!(out, data);
}

#[test]
#[ignore = "needs the virtual card: run under scripts/lib/with-virtual-card.sh with --ignored"]
fn tessera_sop_encrypts_to_alice_and_the_card_decrypts() {
    let _card = CARD.lock().unwrap_or_else(|p| p.into_inner());
    let s = Setup::new();
    let data = plaintext();
    for args in [
        &["encrypt", "alice.cert"][..],
        &["encrypt", "--no-armor", "alice.cert", "bob.cert"][..],
    ] {
        let msg = s.sop(args, &data).ok();
        let out = s.sop(&["decrypt", "--with-key-password", "pin.txt", "alice.cert"], &msg);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert_eq!(out.stdout, data, "{args:?}");
    }
    // Signed on the card and encrypted to Alice: both private operations on the card in one run.
    let msg = s
        .sop(
            &[
                "encrypt",
                "--sign-with",
                "alice.cert",
                "--with-key-password",
                "pin.txt",
                "alice.cert",
            ],
            &data,
        )
        .ok();
    let out = s.sop(
        &[
            "decrypt",
            "--with-key-password",
            "pin.txt",
            "--verifications-out",
            "v.txt",
            "--verify-with",
            "alice.cert",
            "alice.cert",
        ],
        &msg,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, data);
    let v = std::fs::read_to_string(s.dir.path().join("v.txt")).expect("verifications");
    assert_eq!(v.lines().count(), 1, "{v}");
}

#[test]
#[ignore = "needs the virtual card: run under scripts/lib/with-virtual-card.sh with --ignored"]
fn a_wrong_pin_is_key_is_protected_and_costs_exactly_one_try() {
    let _card = CARD.lock().unwrap_or_else(|p| p.into_inner());
    let s = Setup::new();
    let data = plaintext();
    let msg = s.gpg.ok(&["--encrypt", "-r", &s.alice()], &data);
    let before = user_pin_retries(s.data.path());
    assert!(
        before >= 3,
        "the card needs spare tries for this test ({before} left)"
    );

    let out = s.sop(
        &["decrypt", "--with-key-password", "wrong-pin.txt", "alice.cert"],
        &msg,
    );
    assert_eq!(out.code, KEY_IS_PROTECTED, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains(&format!("{} tries left", before - 1)),
        "the host's message with the tries left: {}",
        out.stderr
    );
    assert_eq!(
        user_pin_retries(s.data.path()),
        before - 1,
        "exactly one try spent"
    );

    // Signing with a wrong PIN: the same, one more try.
    let out = s.sop(
        &["sign", "--with-key-password", "wrong-pin.txt", "alice.cert"],
        &data,
    );
    assert_eq!(out.code, KEY_IS_PROTECTED, "{}", out.stderr);
    assert_eq!(user_pin_retries(s.data.path()), before - 2);

    // The right PIN works and resets the counter.
    let out = s.sop(&["decrypt", "--with-key-password", "pin.txt", "alice.cert"], &msg);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, data);
    assert_eq!(user_pin_retries(s.data.path()), before);
}
