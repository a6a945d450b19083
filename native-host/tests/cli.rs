//! The commands a person runs: install, uninstall, doctor, soft-token init.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

const HOST: &str = env!("CARGO_BIN_EXE_tessera-host");

fn host(home: &std::path::Path) -> Command {
    let mut c = Command::new(HOST);
    c.env("HOME", home)
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env_remove("TESSERA_DATA_DIR")
        .env("PCSCLITE_CSOCK_NAME", "/nonexistent/tessera-test/pcscd.comm");
    c
}

#[test]
fn install_all_writes_every_browser_manifest_and_uninstall_removes_them() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = host(home.path())
        .args(["install", "--browser", "all"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let exe = std::fs::canonicalize(HOST).expect("canonical host path");
    for (dir, field, id) in [
        (
            ".config/chromium/NativeMessagingHosts",
            "allowed_origins",
            "chrome-extension://pchmfhepohaglbnciioapdbphpkoiplm/",
        ),
        (
            ".config/google-chrome/NativeMessagingHosts",
            "allowed_origins",
            "chrome-extension://pchmfhepohaglbnciioapdbphpkoiplm/",
        ),
        (
            ".config/BraveSoftware/Brave-Browser/NativeMessagingHosts",
            "allowed_origins",
            "chrome-extension://pchmfhepohaglbnciioapdbphpkoiplm/",
        ),
        (
            ".config/microsoft-edge/NativeMessagingHosts",
            "allowed_origins",
            "chrome-extension://pchmfhepohaglbnciioapdbphpkoiplm/",
        ),
        (
            ".config/vivaldi/NativeMessagingHosts",
            "allowed_origins",
            "chrome-extension://pchmfhepohaglbnciioapdbphpkoiplm/",
        ),
        (
            ".mozilla/native-messaging-hosts",
            "allowed_extensions",
            "tessera@tessera-project.org",
        ),
    ] {
        let path = home.path().join(dir).join("org.tessera.host.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let v: Value = serde_json::from_str(&text).expect("manifest JSON");
        assert_eq!(v["name"], "org.tessera.host");
        assert_eq!(v["type"], "stdio");
        assert_eq!(v["path"], exe.to_str().expect("utf-8 path"));
        assert_eq!(v[field], serde_json::json!([id]), "{}", path.display());
    }

    let doctor = host(home.path()).arg("doctor").output().expect("doctor");
    let report = String::from_utf8_lossy(&doctor.stdout);
    assert!(report.contains("ok       chromium: registered"), "{report}");
    assert!(report.contains("ok       firefox: registered"), "{report}");
    // pcscd is unreachable in this test, and it says what to do about it.
    assert!(
        report.contains("PROBLEM  cannot reach the PC/SC service"),
        "{report}"
    );
    assert!(report.contains("fix: install and start pcscd"), "{report}");
    assert!(!doctor.status.success());

    let out = host(home.path())
        .args(["uninstall", "--browser", "all"])
        .output()
        .expect("run");
    assert!(out.status.success());
    assert!(!home
        .path()
        .join(".config/chromium/NativeMessagingHosts/org.tessera.host.json")
        .exists());
    assert!(!home
        .path()
        .join(".mozilla/native-messaging-hosts/org.tessera.host.json")
        .exists());
    let doctor = host(home.path()).arg("doctor").output().expect("doctor");
    assert!(String::from_utf8_lossy(&doctor.stdout).contains("not registered with any browser"));
}

#[test]
fn doctor_flags_a_manifest_pointing_to_a_missing_binary() {
    let home = tempfile::tempdir().expect("tempdir");
    let dir = home.path().join(".config/chromium/NativeMessagingHosts");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let manifest = serde_json::json!({
        "name": "org.tessera.host", "description": "x", "path": "/nonexistent/tessera-host",
        "type": "stdio", "allowed_origins": ["chrome-extension://pchmfhepohaglbnciioapdbphpkoiplm/"]
    });
    std::fs::write(dir.join("org.tessera.host.json"), manifest.to_string()).expect("write");
    let doctor = host(home.path()).arg("doctor").output().expect("doctor");
    let report = String::from_utf8_lossy(&doctor.stdout);
    assert!(
        report.contains("/nonexistent/tessera-host, which is missing or not executable"),
        "{report}"
    );
    assert!(
        report.contains("fix: run `tessera-host install --browser chromium`"),
        "{report}"
    );
}

#[test]
fn soft_token_init_then_token_list_shows_it() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut child = host(home.path())
        .args(["soft-token", "init", "--user-id", "Demo User <demo@example.test>"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"demo passphrase\n")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let key_file = home.path().join(".local/share/tessera/soft-token.asc");
    let text = std::fs::read_to_string(&key_file).expect("key file");
    assert!(text.starts_with("-----BEGIN PGP PRIVATE KEY BLOCK-----"));
    assert!(!text.contains("demo passphrase"));

    let mut child = host(home.path())
        .arg("chrome-extension://pchmfhepohaglbnciioapdbphpkoiplm/")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn host");
    let req = br#"{"id":1,"method":"token.list"}"#;
    let mut frame = (req.len() as u32).to_ne_bytes().to_vec();
    frame.extend_from_slice(req);
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&frame)
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    let reply: Value = serde_json::from_slice(&out.stdout[4..]).expect("json");
    let tokens = reply["result"]["tokens"].as_array().expect("tokens");
    let soft = tokens
        .iter()
        .find(|t| t["backend"] == "soft")
        .expect("soft token listed");
    assert_eq!(soft["cardholder"], "Demo User <demo@example.test>");
    assert_eq!(soft["slots"][1]["algorithm"], "cv25519");
    assert_eq!(soft["slots"][1]["slot"], "decryption");

    // The same listing from the command line, for scripts.
    let cli = host(home.path())
        .args(["tokens", "--json"])
        .output()
        .expect("tokens");
    assert!(cli.status.success());
    let listed: Value = serde_json::from_slice(&cli.stdout).expect("tokens --json is JSON");
    assert_eq!(listed["tokens"], reply["result"]["tokens"]);
    assert_eq!(listed["problems"][0]["code"], "pcsc_unavailable");

    // A second init must not overwrite the key.
    let again = host(home.path())
        .args(["soft-token", "init", "--user-id", "Other"])
        .stdin(Stdio::piped())
        .output()
        .expect("run");
    assert!(!again.status.success());
    assert_eq!(std::fs::read_to_string(&key_file).expect("key file"), text);
}

/// `tessera-host tokens | head`: a reader that is gone is not a crash.
#[test]
fn tokens_into_a_closed_pipe_exits_cleanly() {
    let home = tempfile::tempdir().expect("tempdir");
    for args in [&["tokens", "--json"][..], &["tokens"][..]] {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let out = host(home.path())
            .args(args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(out.status.success(), "{args:?}: {stderr}");
    }
}
