//! Card set-up through the real host, a real pcscd and the virtual card, with
//! GnuPG as the judge: keys generated on the card (Curve25519, RSA-2048, NIST
//! P-256), the certificate the host builds and the card signs, imported and
//! checked by `gpg`, a message gpg encrypts to it decrypted by the card; PIN
//! changes, wrong-PIN counters, the reset code, unblocking and a factory reset,
//! each read back from the card by the host and by `gpg --card-status`.
//!
//! Each test starts with a factory reset: the card it leaves behind is blank.
//! Run on a card of its own (scripts/test does):
//! scripts/lib/with-virtual-card.sh cargo test -p tessera-host --test card_admin -- --ignored --test-threads=1

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

use common::{
    b64, card_token_id, decrypt_with_session_key, gpg, gpg_encrypt, key_packet_by_fingerprint, pkesks,
    random_bytes, LiveHost,
};
use serde_json::{json, Value};

static CARD: Mutex<()> = Mutex::new(());

const USER_DEFAULT: &str = "123456";
const ADMIN_DEFAULT: &str = "12345678";

struct Session {
    host: LiveHost,
    token: String,
    next: u64,
    _data: tempfile::TempDir,
}

impl Session {
    fn start() -> Self {
        let data = tempfile::tempdir().expect("tempdir");
        let host = LiveHost::start(data.path());
        Self {
            host,
            token: card_token_id(),
            next: 100,
            _data: data,
        }
    }

    fn call(&mut self, method: &str, mut params: Value) -> Value {
        self.next += 1;
        params["token"] = json!(self.token);
        self.host
            .call(&json!({"id": self.next, "method": method, "params": params}))
    }

    fn ok(&mut self, method: &str, params: Value) -> Value {
        let reply = self.call(method, params);
        assert!(reply.get("error").is_none(), "{method}: {reply}");
        reply["result"].clone()
    }

    fn refused(&mut self, method: &str, params: Value, code: &str) -> Value {
        let reply = self.call(method, params);
        assert_eq!(reply["error"]["code"], code, "{method}: {reply}");
        reply["error"].clone()
    }

    fn status(&mut self) -> Value {
        self.ok("card.status", json!({}))
    }

    /// A blank card: every key erased, PINs back to 123456 / 12345678.
    fn factory_reset(&mut self) -> Value {
        let serial = self.status()["serial"].as_str().expect("serial").to_owned();
        let status = self.ok("card.factory_reset", json!({"confirm_serial": serial}))["status"].clone();
        for slot in status["slots"].as_array().expect("slots") {
            assert!(
                slot["fingerprint"].is_null(),
                "a reset card holds no key: {status}"
            );
        }
        assert_eq!(
            status["pin_retries"],
            json!({"user": 3, "reset_code": 0, "admin": 3}),
            "{status}"
        );
        assert_eq!(
            status["default_pins"],
            json!({"user": true, "admin": true}),
            "{status}"
        );
        status
    }
}

/// `gpg --card-status --with-colons` from the card-bound GnuPG home, as a map of records.
fn gpg_card_status() -> Vec<Vec<String>> {
    let home = std::env::var("TESSERA_TEST_GNUPGHOME").expect("TESSERA_TEST_GNUPGHOME");
    // scdaemon caches what it read: make it read the card again.
    let _ = Command::new("gpgconf")
        .arg("--homedir")
        .arg(&home)
        .args(["--kill", "scdaemon"])
        .status();
    let mut last = String::new();
    for _ in 0..15 {
        let out = Command::new("gpg")
            .arg("--homedir")
            .arg(&home)
            .args(["--batch", "--no-tty", "--with-colons", "--card-status"])
            .output()
            .expect("run gpg");
        if out.status.success() {
            return String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(|l| l.split(':').map(str::to_owned).collect())
                .collect();
        }
        // After a scdaemon restart the first call may fail with "Broken pipe".
        last = String::from_utf8_lossy(&out.stderr).into_owned();
        std::thread::sleep(std::time::Duration::from_millis(1000));
    }
    panic!("gpg --card-status failed: {last}");
}

fn record<'a>(status: &'a [Vec<String>], name: &str) -> &'a [String] {
    status
        .iter()
        .find(|r| r.first().map(String::as_str) == Some(name))
        .unwrap_or_else(|| panic!("no `{name}` in gpg --card-status: {status:?}"))
}

fn check_sigs(home: &Path, fingerprint: &str) -> String {
    String::from_utf8_lossy(&gpg(home, &["--with-colons", "--check-sigs", fingerprint])).into_owned()
}

#[test]
#[ignore = "needs pcscd and the virtual card: run under scripts/lib/with-virtual-card.sh with --ignored"]
fn keys_generated_on_the_card_make_a_certificate_gnupg_accepts_encrypts_to_and_the_card_decrypts() {
    let _card = CARD.lock().unwrap_or_else(|p| p.into_inner());
    let mut s = Session::start();
    for (algorithm, sig_name, dec_name) in [
        ("cv25519", "ed25519", "cv25519"),
        ("rsa2048", "rsa2048", "rsa2048"),
        ("nist_p256", "nistp256", "nistp256"),
    ] {
        s.factory_reset();
        let made = s.ok(
            "card.generate",
            json!({"admin_pin": ADMIN_DEFAULT, "algorithm": algorithm,
                   "cardholder_name": "Bob Example", "url": "https://example.test/bob.asc"}),
        );
        let fprs = [&made["signature"], &made["decryption"], &made["authentication"]]
            .map(|f| f.as_str().expect("fingerprint").to_owned());
        assert!(fprs.iter().all(|f| f.len() == 40), "{algorithm}: {made}");
        assert!(
            fprs[0] != fprs[1] && fprs[1] != fprs[2],
            "{algorithm}: three keys: {made}"
        );

        let status = s.status();
        assert_eq!(status["slots"][0]["algorithm"], sig_name, "{status}");
        assert_eq!(status["slots"][1]["algorithm"], dec_name, "{status}");
        assert_eq!(status["slots"][0]["fingerprint"], fprs[0].as_str(), "{status}");
        assert_eq!(status["cardholder_name"], "Bob Example");
        assert_eq!(status["url"], "https://example.test/bob.asc");
        assert_eq!(
            status["default_pins"]["admin"], true,
            "the default admin PIN was accepted: {status}"
        );

        // GnuPG reads the same from the card.
        let card = gpg_card_status();
        assert_eq!(
            record(&card, "name")[1..3],
            ["Bob".to_owned(), "Example".to_owned()],
            "{card:?}"
        );
        assert_eq!(
            record(&card, "fpr")[1..4],
            fprs,
            "{algorithm}: gpg sees the fingerprints the host set"
        );

        // The certificate: built here, signed by the card after the user PIN.
        let export = json!({"user_id": "Bob Example <bob@example.test>"});
        s.refused("token.export_certificate", export.clone(), "pin_required");
        s.ok(
            "token.verify_pin",
            json!({"pin": USER_DEFAULT, "purpose": "sign"}),
        );
        let cert = s.ok("token.export_certificate", export);
        assert_eq!(
            cert["fingerprint"],
            fprs[0].as_str(),
            "the primary key is the signature slot's"
        );
        let armored = cert["armored"].as_str().expect("armored");

        let home = tempfile::tempdir().expect("gpg home");
        let path = home.path().join("bob.asc");
        std::fs::write(&path, armored).expect("write cert");
        gpg(home.path(), &["--import", path.to_str().expect("path")]);
        let sigs = check_sigs(home.path(), &fprs[0]);
        // `sig:!` is a signature gpg verified; none may be bad (`-`) or unchecked (`?`).
        assert!(
            sigs.lines().any(|l| l.starts_with("sig:!")),
            "{algorithm}: {sigs}"
        );
        assert!(
            !sigs
                .lines()
                .any(|l| l.starts_with("sig:-") || l.starts_with("sig:?")),
            "{algorithm}: {sigs}"
        );
        assert!(sigs.contains("Bob Example <bob@example.test>"), "{sigs}");
        for f in &fprs[1..] {
            assert!(
                sigs.contains(f.as_str()),
                "{algorithm}: subkey {f} in the certificate: {sigs}"
            );
        }

        // gpg encrypts to it; the card decrypts.
        let binary = gpg(home.path(), &["--export", &fprs[0]]);
        let plaintext = random_bytes(2000);
        let message = gpg_encrypt(std::slice::from_ref(&binary), &plaintext);
        let esks = pkesks(&message);
        assert_eq!(esks.len(), 1);
        let key = <pgp::composed::SignedPublicKey as pgp::composed::Deserializable>::from_bytes(&binary[..])
            .expect("cert");
        let recipient = key_packet_by_fingerprint(&key, &fprs[1]);
        s.ok(
            "token.verify_pin",
            json!({"pin": USER_DEFAULT, "purpose": "decrypt"}),
        );
        let session = s.ok(
            "token.decrypt_session_key",
            json!({"pkesk": b64(&esks[0].1), "recipient_key": b64(&recipient)}),
        );
        assert_eq!(
            decrypt_with_session_key(&message, &session),
            plaintext,
            "{algorithm}"
        );
        let _ = Command::new("gpgconf")
            .arg("--homedir")
            .arg(home.path())
            .args(["--kill", "all"])
            .status();
        eprintln!("{algorithm}: generated, certified, gpg-checked and decrypted");
    }
}

#[test]
#[ignore = "needs pcscd and the virtual card: run under scripts/lib/with-virtual-card.sh with --ignored"]
fn pins_change_count_wrong_tries_unblock_with_the_reset_code_or_admin_pin_and_a_reset_restores_them() {
    let _card = CARD.lock().unwrap_or_else(|p| p.into_inner());
    let mut s = Session::start();
    s.factory_reset();

    // A new PIN the card would refuse costs nothing: checked before anything is sent.
    let e = s.refused(
        "card.change_pin",
        json!({"pin": "user", "old": USER_DEFAULT, "new": "123"}),
        "invalid_params",
    );
    assert!(e["message"].as_str().expect("message").contains("6 to"), "{e}");
    assert_eq!(s.status()["pin_retries"]["user"], 3);

    // A wrong old PIN: one try, reported, never retried.
    let e = s.refused(
        "card.change_pin",
        json!({"pin": "user", "old": "000000", "new": "24681357"}),
        "pin_incorrect",
    );
    assert_eq!(e["retries_left"], 2, "{e}");
    assert_eq!(s.status()["pin_retries"]["user"], 2, "exactly one try spent");

    // The right one changes it and restores the counter; the old PIN no longer works.
    let st = s.ok(
        "card.change_pin",
        json!({"pin": "user", "old": USER_DEFAULT, "new": "24681357"}),
    )["status"]
        .clone();
    assert_eq!(st["pin_retries"]["user"], 3, "{st}");
    assert_eq!(st["default_pins"]["user"], false, "{st}");
    s.ok("token.verify_pin", json!({"pin": "24681357"}));
    assert_eq!(
        s.refused("token.verify_pin", json!({"pin": USER_DEFAULT}), "pin_incorrect")["retries_left"],
        2
    );
    s.ok("token.verify_pin", json!({"pin": "24681357"}));

    // The admin PIN: changed, and its wrong tries counted apart.
    let e = s.refused(
        "card.change_pin",
        json!({"pin": "admin", "old": "00000000", "new": "87654321"}),
        "pin_incorrect",
    );
    assert_eq!(e["retries_left"], 2, "{e}");
    let st = s.ok(
        "card.change_pin",
        json!({"pin": "admin", "old": ADMIN_DEFAULT, "new": "87654321"}),
    )["status"]
        .clone();
    assert_eq!(st["pin_retries"]["admin"], 3, "{st}");
    assert_eq!(st["pin_retries"]["user"], 3, "{st}");
    assert_eq!(st["default_pins"], json!({"user": false, "admin": false}), "{st}");

    // A reset code, set with the admin PIN (the old admin PIN is refused).
    s.refused(
        "card.set_reset_code",
        json!({"admin_pin": ADMIN_DEFAULT, "reset_code": "11223344"}),
        "pin_incorrect",
    );
    let st = s.ok(
        "card.set_reset_code",
        json!({"admin_pin": "87654321", "reset_code": "11223344"}),
    )["status"]
        .clone();
    assert_eq!(st["pin_retries"]["reset_code"], 3, "{st}");

    // Three wrong user PINs block it; the host never tries on its own.
    for left in [2, 1] {
        assert_eq!(
            s.refused("token.verify_pin", json!({"pin": "999999"}), "pin_incorrect")["retries_left"],
            left
        );
    }
    s.refused("token.verify_pin", json!({"pin": "999999"}), "pin_blocked");
    s.refused("token.verify_pin", json!({"pin": "24681357"}), "pin_blocked");
    let card = gpg_card_status();
    assert_eq!(
        record(&card, "pinretry")[1..4],
        ["0".to_owned(), "3".to_owned(), "3".to_owned()],
        "gpg: user PIN blocked"
    );

    // Unblocked by the reset code: a wrong code costs one of its tries, the right one sets a new PIN.
    let e = s.refused(
        "card.unblock_pin",
        json!({"with": "reset_code", "secret": "99999999", "new_pin": "13572468"}),
        "pin_incorrect",
    );
    assert_eq!(e["retries_left"], 2, "{e}");
    let st = s.ok(
        "card.unblock_pin",
        json!({"with": "reset_code", "secret": "11223344", "new_pin": "13572468"}),
    )["status"]
        .clone();
    assert_eq!(st["pin_retries"]["user"], 3, "{st}");
    s.ok("token.verify_pin", json!({"pin": "13572468"}));

    // Blocked again, unblocked by the admin PIN this time.
    for _ in 0..3 {
        s.call("token.verify_pin", json!({"pin": "999999"}));
    }
    assert_eq!(s.status()["pin_retries"]["user"], 0);
    let st = s.ok(
        "card.unblock_pin",
        json!({"with": "admin_pin", "secret": "87654321", "new_pin": "11112222"}),
    )["status"]
        .clone();
    assert_eq!(st["pin_retries"]["user"], 3, "{st}");
    s.ok("token.verify_pin", json!({"pin": "11112222"}));
    let card = gpg_card_status();
    assert_eq!(
        record(&card, "pinretry")[1..4],
        ["3".to_owned(), "3".to_owned(), "3".to_owned()],
        "gpg reads the counters back"
    );

    // A factory reset needs the card's serial; the wrong one changes nothing.
    let e = s.refused(
        "card.factory_reset",
        json!({"confirm_serial": "00000000"}),
        "invalid_params",
    );
    assert!(e["message"].as_str().expect("message").contains("serial"), "{e}");
    s.ok("token.verify_pin", json!({"pin": "11112222"}));
    // Then everything is back to the factory values.
    s.factory_reset();
    s.ok("token.verify_pin", json!({"pin": USER_DEFAULT}));
    let card = gpg_card_status();
    assert_eq!(
        record(&card, "pinretry")[1..4],
        ["3".to_owned(), "0".to_owned(), "3".to_owned()],
        "gpg: no reset code after a reset"
    );
}

#[test]
#[ignore = "needs pcscd and the virtual card: run under scripts/lib/with-virtual-card.sh with --ignored"]
fn generation_refuses_before_touching_the_card_without_confirmation_a_bad_name_or_the_wrong_admin_pin() {
    let _card = CARD.lock().unwrap_or_else(|p| p.into_inner());
    let mut s = Session::start();
    s.factory_reset();
    let first = s.ok("card.generate", json!({"admin_pin": ADMIN_DEFAULT}));
    assert_eq!(
        s.status()["slots"][0]["algorithm"],
        "ed25519",
        "Curve25519 by default"
    );

    // Keys present: replacing them must be asked for.
    let e = s.refused(
        "card.generate",
        json!({"admin_pin": ADMIN_DEFAULT, "algorithm": "nist_p256"}),
        "invalid_params",
    );
    assert!(e["message"].as_str().expect("message").contains("replace"), "{e}");
    // A name the card cannot store, a URL that is not one: refused before the admin PIN is spent.
    s.refused(
        "card.generate",
        json!({"admin_pin": "00000000", "replace": true, "cardholder_name": "Zoë Exämple"}),
        "invalid_params",
    );
    s.refused(
        "card.generate",
        json!({"admin_pin": "00000000", "replace": true, "url": "javascript:alert(1)"}),
        "invalid_params",
    );
    let st = s.status();
    assert_eq!(
        st["pin_retries"]["admin"], 3,
        "no admin try spent on a refused request: {st}"
    );
    // The wrong admin PIN: one try, nothing generated.
    let e = s.refused(
        "card.generate",
        json!({"admin_pin": "00000000", "replace": true}),
        "pin_incorrect",
    );
    assert_eq!(e["retries_left"], 2, "{e}");
    let st = s.status();
    assert_eq!(
        st["slots"][0]["fingerprint"], first["signature"],
        "the keys are the same: {st}"
    );

    // Confirmed, with the right PIN: new keys.
    let second = s.ok(
        "card.generate",
        json!({"admin_pin": ADMIN_DEFAULT, "replace": true, "algorithm": "nist_p256"}),
    );
    assert_ne!(second["signature"], first["signature"]);
    assert_eq!(s.status()["slots"][1]["algorithm"], "nistp256");

    // PINs cross the wire only as strings, and a soft token has no card set-up.
    s.refused(
        "card.change_pin",
        json!({"pin": "user", "old": 123456, "new": "654321"}),
        "invalid_params",
    );
    let soft = s
        .host
        .call(&json!({"id": 999, "method": "card.status", "params": {"token": "soft:nobody"}}));
    assert!(
        soft["error"]["code"] == "token_not_found" || soft["error"]["code"] == "invalid_params",
        "{soft}"
    );
    s.factory_reset();
}

/// Runs `tessera-host card …` with `stdin` as its input (PINs one per line).
fn cli(data: &Path, args: &[&str], stdin: &str) -> (bool, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tessera-host"))
        .arg("card")
        .args(args)
        .env("TESSERA_DATA_DIR", data)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start tessera-host card");
    // The host may refuse before it reads its input, and be gone: its output says why.
    if let Err(e) = child.stdin.take().expect("stdin").write_all(stdin.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
    }
    let out = child.wait_with_output().expect("wait");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
#[ignore = "needs pcscd and the virtual card: run under scripts/lib/with-virtual-card.sh with --ignored"]
fn the_command_line_sets_a_card_up_with_pins_read_once_each() {
    let _card = CARD.lock().unwrap_or_else(|p| p.into_inner());
    let data = tempfile::tempdir().expect("tempdir");
    let d = data.path();
    let (ok, out, err) = cli(d, &["status", "--json"], "");
    assert!(ok, "{err}");
    let serial = serde_json::from_str::<Value>(&out).expect("status JSON")["serial"]
        .as_str()
        .expect("serial")
        .to_owned();

    // The wrong serial erases nothing; the right one does.
    let (ok, _, err) = cli(d, &["factory-reset"], "00000000\n");
    assert!(!ok && err.contains("nothing was erased"), "{err}");
    let (ok, out, err) = cli(d, &["factory-reset"], &format!("{serial}\n"));
    assert!(ok && out.contains("(empty)"), "{out}{err}");

    // Generate, and print the certificate the card signs: gpg imports it.
    let (ok, cert, err) = cli(
        d,
        &[
            "generate",
            "--name",
            "Carol Example",
            "--user-id",
            "Carol Example <carol@example.test>",
        ],
        &format!("{ADMIN_DEFAULT}\n{USER_DEFAULT}\n"),
    );
    assert!(
        ok && cert.starts_with("-----BEGIN PGP PUBLIC KEY BLOCK-----"),
        "{err}"
    );
    let fingerprint = err
        .lines()
        .find_map(|l| l.strip_prefix("fingerprint: "))
        .expect("fingerprint on stderr")
        .to_owned();
    let home = tempfile::tempdir().expect("gpg home");
    let path = home.path().join("carol.asc");
    std::fs::write(&path, &cert).expect("write");
    gpg(home.path(), &["--import", path.to_str().expect("path")]);
    assert!(check_sigs(home.path(), &fingerprint)
        .lines()
        .any(|l| l.starts_with("sig:!")));
    let _ = Command::new("gpgconf")
        .arg("--homedir")
        .arg(home.path())
        .args(["--kill", "all"])
        .status();

    // A wrong admin PIN ends the command with the tries left; nothing is retried.
    let (ok, _, err) = cli(d, &["reset-code"], "00000000\n11223344\n");
    assert!(!ok && err.contains("wrong admin PIN: 2 tries left"), "{err}");
    let (ok, out, err) = cli(d, &["reset-code"], &format!("{ADMIN_DEFAULT}\n11223344\n"));
    assert!(ok && out.contains("reset code 3"), "{out}{err}");
    let (ok, _, err) = cli(d, &["passwd"], &format!("{USER_DEFAULT}\n24681357\n"));
    assert!(ok, "{err}");
    let (ok, out, err) = cli(d, &["unblock"], "11223344\n13572468\n");
    assert!(ok && out.contains("user PIN 3"), "{out}{err}");
    let (ok, _, err) = cli(d, &["passwd", "--admin"], &format!("{ADMIN_DEFAULT}\n87654321\n"));
    assert!(ok, "{err}");
    let (ok, _, err) = cli(d, &["unblock", "--admin-pin"], "87654321\n11112222\n");
    assert!(ok, "{err}");
    let card = gpg_card_status();
    assert_eq!(
        record(&card, "pinretry")[1..4],
        ["3".to_owned(), "3".to_owned(), "3".to_owned()]
    );
    assert_eq!(
        record(&card, "name")[1..3],
        ["Carol".to_owned(), "Example".to_owned()]
    );
    let (ok, _, err) = cli(d, &["factory-reset"], &format!("{serial}\n"));
    assert!(ok, "{err}");
}
