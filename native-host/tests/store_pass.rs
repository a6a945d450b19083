//! `store.list`, `store.read`, `store.write` and `store.recipients` against a store made by the real
//! `pass` (with GnuPG in a throwaway home), through the host binary's stdin and
//! stdout; and the crash test: the host killed with SIGKILL in the middle of
//! large writes leaves every entry whole.
//!
//! Needs `pass`, `gpg` and `git` (scripts/lib/system-deps.sh). Without them the
//! tests say so and pass, unless TESSERA_REQUIRE_STORE_TOOLS=1 (scripts/test).

mod common;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{b64, frame, LiveHost, HOST};
use serde_json::{json, Value};

fn tools_present() -> bool {
    let ok = ["pass", "gpg", "git"].iter().all(|t| {
        Command::new("sh")
            .args(["-c", &format!("command -v {t} >/dev/null")])
            .status()
            .is_ok_and(|s| s.success())
    });
    if !ok {
        assert!(
            std::env::var_os("TESSERA_REQUIRE_STORE_TOOLS").is_none(),
            "pass, gpg or git is missing: run scripts/lib/system-deps.sh"
        );
        eprintln!("SKIPPED: pass, gpg or git is missing (scripts/lib/system-deps.sh installs them)");
    }
    ok
}

/// A GnuPG home with one passphrase-less key and a `pass` store initialised to it.
struct PassStore {
    _dir: tempfile::TempDir,
    gnupg: PathBuf,
    store: PathBuf,
    outside: PathBuf,
    fpr: String,
}

impl PassStore {
    fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("ts")
            .tempdir_in("/tmp")
            .expect("tempdir");
        let gnupg = dir.path().join("g");
        std::fs::create_dir(&gnupg).expect("mkdir");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&gnupg, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        }
        let store = dir.path().join("store");
        let outside = dir.path().join("outside");
        std::fs::create_dir(&outside).expect("mkdir");
        let mut s = PassStore {
            _dir: dir,
            gnupg,
            store,
            outside,
            fpr: String::new(),
        };
        s.gpg(&[
            "--pinentry-mode",
            "loopback",
            "--passphrase",
            "",
            "--quick-gen-key",
            "Store Test <store@example.test>",
            "future-default",
            "default",
            "never",
        ]);
        let colons = String::from_utf8(s.gpg(&["--with-colons", "--list-secret-keys"])).expect("utf8");
        s.fpr = colons
            .lines()
            .find_map(|l| l.strip_prefix("fpr:").map(|r| r.trim_matches(':').to_owned()))
            .expect("fingerprint");
        s
    }

    fn gpg(&self, args: &[&str]) -> Vec<u8> {
        common::gpg(&self.gnupg, args)
    }

    fn pass(&self, args: &[&str], stdin: &[u8]) -> Vec<u8> {
        let mut child = Command::new("pass")
            .args(args)
            .env("GNUPGHOME", &self.gnupg)
            .env("PASSWORD_STORE_DIR", &self.store)
            .env("GIT_AUTHOR_NAME", "Store Test")
            .env("GIT_AUTHOR_EMAIL", "store@example.test")
            .env("GIT_COMMITTER_NAME", "Store Test")
            .env("GIT_COMMITTER_EMAIL", "store@example.test")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run pass");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin)
            .expect("pass stdin");
        let out = child.wait_with_output().expect("pass");
        assert!(
            out.status.success(),
            "pass {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    fn encrypt(&self, plaintext: &[u8]) -> Vec<u8> {
        let input = self._dir.path().join("plain.tmp");
        let output = self._dir.path().join("cipher.tmp");
        std::fs::write(&input, plaintext).expect("write");
        let _ = std::fs::remove_file(&output);
        self.gpg(&[
            "--trust-model",
            "always",
            "--compress-algo",
            "none",
            "--encrypt",
            "-r",
            &self.fpr,
            "-o",
            output.to_str().expect("path"),
            input.to_str().expect("path"),
        ]);
        std::fs::read(&output).expect("read ciphertext")
    }

    fn host(&self) -> LiveHost {
        let data = self._dir.path().join("data");
        LiveHost::start_with(
            &data,
            &[
                ("PASSWORD_STORE_DIR", self.store.to_str().expect("path")),
                ("PCSCLITE_CSOCK_NAME", "/nonexistent/tessera-test/pcscd.comm"),
            ],
        )
    }
}

impl Drop for PassStore {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .arg("--homedir")
            .arg(&self.gnupg)
            .args(["--kill", "all"])
            .status();
    }
}

/// Entries as pass's own git history knows them.
fn git_entries(store: &Path) -> BTreeSet<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(store)
        .args(["ls-files", "*.gpg"])
        .output()
        .expect("git ls-files");
    String::from_utf8(out.stdout)
        .expect("utf8")
        .lines()
        .map(|l| l.trim_end_matches(".gpg").to_owned())
        .collect()
}

fn made_store() -> PassStore {
    let s = PassStore::new();
    s.pass(&["init", &s.fpr], b"");
    s.pass(&["git", "init"], b"");
    s.pass(&["init", "-p", "work", &s.fpr], b"");
    s.pass(
        &["insert", "-m", "work/console.example.test"],
        b"hunter2\nlogin: alice\nurl: https://console.example.test\n",
    );
    s.pass(&["insert", "-m", "mail.example.test"], b"mail-pass\n");
    s.pass(
        &["insert", "-m", "deep/er/bank.example.test"],
        b"bank-pass\nuser: bob\n",
    );
    s.pass(&["generate", "-n", "shop.example.test", "20"], b"");
    // Things that are not entries: a link out of the store, a stray file.
    std::fs::write(s.outside.join("stolen.gpg"), b"not yours").expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&s.outside, s.store.join("escape")).expect("symlink");
    std::fs::write(s.store.join("notes.txt"), b"x").expect("write");
    s
}

#[test]
fn list_read_write_against_a_real_pass_store() {
    if !tools_present() {
        return;
    }
    let s = made_store();
    let mut host = s.host();

    // store.list: exactly pass's entries, each with its nearest .gpg-id.
    let reply = host.call(&json!({"id": 1, "method": "store.list"}));
    let result = &reply["result"];
    assert_eq!(result["stores"][0]["name"], "default", "{reply}");
    let listed: BTreeSet<String> = result["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["path"].as_str().expect("path").to_owned())
        .collect();
    let expected = git_entries(&s.store);
    assert_eq!(expected.len(), 4, "pass made {expected:?}");
    assert_eq!(listed, expected, "{reply}");
    for e in result["entries"].as_array().expect("entries") {
        let want = if e["path"].as_str().expect("path").starts_with("work/") {
            "work/.gpg-id"
        } else {
            ".gpg-id"
        };
        assert_eq!(e["recipients_file"], want, "{e}");
    }
    assert!(
        result["problems"].to_string().contains("escape"),
        "the link out is reported: {reply}"
    );

    // store.read: the very bytes of the file, and the recipients.
    let file = s.store.join("work/console.example.test.gpg");
    let on_disk = std::fs::read(&file).expect("read");
    let reply = host.call(&json!({"id": 2, "method": "store.read",
        "params": {"store": "default", "path": "work/console.example.test"}}));
    assert_eq!(reply["result"]["ciphertext"], b64(&on_disk), "{reply}");
    assert_eq!(reply["result"]["recipients"], json!([s.fpr]));
    assert_eq!(reply["result"]["recipients_file"], "work/.gpg-id");
    let previous = reply["result"]["sha256"].as_str().expect("sha256").to_owned();

    // store.write: what gpg encrypted, pass decrypts.
    let new_text = b"correct horse\nlogin: alice\nurl: https://console.example.test\n";
    let reply = host.call(&json!({"id": 3, "method": "store.write", "params": {"store": "default",
        "path": "work/console.example.test", "ciphertext": b64(&s.encrypt(new_text)), "expect_previous": previous}}));
    assert_eq!(reply["result"]["written"], true, "{reply}");
    assert_eq!(s.pass(&["show", "work/console.example.test"], b""), new_text);

    // The same expect_previous again is a lost update: refused, file unchanged.
    let before = std::fs::read(&file).expect("read");
    let reply = host.call(
        &json!({"id": 4, "method": "store.write", "params": {"store": "default",
        "path": "work/console.example.test", "ciphertext": b64(b"zzz"), "expect_previous": previous}}),
    );
    assert_eq!(reply["error"]["code"], "store_conflict", "{reply}");
    assert_eq!(std::fs::read(&file).expect("read"), before);

    // A new entry in a new folder; creating over an existing one is a conflict.
    let reply = host.call(&json!({"id": 5, "method": "store.write", "params": {"store": "default",
        "path": "new/folder/site.example.test", "ciphertext": b64(&s.encrypt(b"fresh\n")), "expect_previous": null}}));
    assert_eq!(reply["result"]["written"], true, "{reply}");
    assert_eq!(s.pass(&["show", "new/folder/site.example.test"], b""), b"fresh\n");
    let reply = host.call(
        &json!({"id": 6, "method": "store.write", "params": {"store": "default",
        "path": "mail.example.test", "ciphertext": b64(b"x")}}),
    );
    assert_eq!(reply["error"]["code"], "store_conflict", "{reply}");

    // Paths out of the store are refused, and nothing appears outside.
    for (id, path) in [
        (7, "../outside/stolen"),
        (8, "escape/stolen"),
        (9, "/etc/passwd"),
        (10, ".git/config"),
    ] {
        let reply = host
            .call(&json!({"id": id, "method": "store.read", "params": {"store": "default", "path": path}}));
        assert_eq!(reply["error"]["code"], "invalid_params", "{path}: {reply}");
        let reply = host.call(&json!({"id": id, "method": "store.write",
            "params": {"store": "default", "path": path, "ciphertext": b64(b"x")}}));
        assert_eq!(reply["error"]["code"], "invalid_params", "{path}: {reply}");
    }
    let outside: Vec<_> = std::fs::read_dir(&s.outside)
        .expect("ls")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(outside, ["stolen.gpg"]);

    // store.recipients: the nearest .gpg-id of a new entry, folders or not.
    for (id, path, file) in [
        (13, "work/new.example.test", "work/.gpg-id"),
        (14, "work/deeper/new.example.test", "work/.gpg-id"),
        (15, "other/new.example.test", ".gpg-id"),
    ] {
        let reply = host.call(&json!({"id": id, "method": "store.recipients",
            "params": {"store": "default", "path": path}}));
        assert_eq!(reply["result"]["recipients_file"], file, "{path}: {reply}");
        assert_eq!(reply["result"]["recipients"], json!([s.fpr]), "{path}: {reply}");
    }
    let reply = host.call(&json!({"id": 16, "method": "store.recipients",
        "params": {"store": "default", "path": "../outside/x"}}));
    assert_eq!(reply["error"]["code"], "invalid_params", "{reply}");

    // Unknown store and missing entry.
    let reply =
        host.call(&json!({"id": 11, "method": "store.read", "params": {"store": "team", "path": "x"}}));
    assert_eq!(reply["error"]["code"], "store_not_found", "{reply}");
    let reply = host
        .call(&json!({"id": 12, "method": "store.read", "params": {"store": "default", "path": "nope/x"}}));
    assert_eq!(reply["error"]["code"], "entry_not_found", "{reply}");
}

/// Deterministic filler for the large plaintexts (no rand dependency in tests).
fn filler(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Sends one `store.write` frame on a fresh host and kills it after `delay`
/// (or waits for the reply when `delay` is None). Returns how long it ran.
fn write_and_maybe_kill(s: &PassStore, request: &[u8], delay: Option<Duration>) -> (Duration, Option<Value>) {
    let mut child = Command::new(HOST)
        .arg("chrome-extension://pchmfhepohaglbnciioapdbphpkoiplm/")
        .env("TESSERA_DATA_DIR", s._dir.path().join("data"))
        .env("PASSWORD_STORE_DIR", &s.store)
        .env("PCSCLITE_CSOCK_NAME", "/nonexistent/tessera-test/pcscd.comm")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start host");
    let mut stdin = child.stdin.take().expect("stdin");
    let framed = frame(request);
    let started = Instant::now();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&framed);
        let _ = stdin.flush();
        stdin // keep the pipe open until the host is done or killed
    });
    match delay {
        Some(d) => {
            std::thread::sleep(d);
            child.kill().expect("SIGKILL");
            let _ = child.wait();
            drop(writer.join());
            (started.elapsed(), None)
        }
        None => {
            let mut stdout = child.stdout.take().expect("stdout");
            let mut len = [0u8; 4];
            stdout.read_exact(&mut len).expect("reply length");
            let mut body = vec![0u8; u32::from_ne_bytes(len) as usize];
            stdout.read_exact(&mut body).expect("reply");
            let elapsed = started.elapsed();
            drop(writer.join());
            let _ = child.kill();
            let _ = child.wait();
            (elapsed, Some(serde_json::from_slice(&body).expect("json")))
        }
    }
}

#[test]
fn sigkill_during_large_writes_leaves_old_or_new_version() {
    if !tools_present() {
        return;
    }
    const ROUNDS: usize = 50;
    let s = made_store();
    let file = s.store.join("big.example.test.gpg");
    // Two 3 MiB versions (4 MiB of base64: under the 8 MiB request limit).
    let versions = [s.encrypt(&filler(1, 3 << 20)), s.encrypt(&filler(2, 3 << 20))];
    std::fs::write(&file, &versions[0]).expect("seed");
    let request = |next: usize, previous: &str| {
        json!({"id": 1, "method": "store.write", "params": {"store": "default", "path": "big.example.test",
            "ciphertext": b64(&versions[next]), "expect_previous": previous}})
        .to_string()
        .into_bytes()
    };
    // How long one whole write takes: kills are spread over 0 … 1.2× that, and
    // the spread doubles (up to 16×) after 8 kills in a row that all landed
    // before the commit, so the rounds cover both sides of the rename even when
    // a loaded machine makes later writes slower than the first.
    let (full, reply) = write_and_maybe_kill(&s, &request(1, &sha256_hex(&versions[0])), None);
    assert_eq!(reply.expect("reply")["result"]["written"], true);
    assert_eq!(std::fs::read(&file).expect("read"), versions[1]);

    let deadline = Instant::now() + Duration::from_secs(240);
    let mut rng = 0x2545_F491_4F6C_DD1D_u64;
    let (mut kept_old, mut got_new) = (0, 0);
    let (mut spread, mut old_in_a_row) = (1.2_f64, 0);
    for round in 0..ROUNDS {
        assert!(
            Instant::now() < deadline,
            "crash test over its time bound at round {round}"
        );
        let current_bytes = std::fs::read(&file).expect("read");
        let current = versions
            .iter()
            .position(|v| *v == current_bytes)
            .expect("a known version");
        let next = 1 - current;
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let delay = full.mul_f64(spread * (rng % 1000) as f64 / 1000.0);
        write_and_maybe_kill(&s, &request(next, &sha256_hex(&versions[current])), Some(delay));
        let after = std::fs::read(&file).expect("read after kill");
        match versions.iter().position(|v| *v == after) {
            Some(i) if i == current => {
                kept_old += 1;
                old_in_a_row += 1;
                if old_in_a_row == 8 && spread < 16.0 {
                    spread *= 2.0;
                    old_in_a_row = 0;
                }
            }
            Some(_) => {
                got_new += 1;
                old_in_a_row = 0;
            }
            None => panic!(
                "round {round}: the entry is neither version ({} bytes)",
                after.len()
            ),
        }
        // Every entry in the store still opens.
        for entry in git_entries(&s.store)
            .iter()
            .map(String::as_str)
            .chain(["big.example.test"])
        {
            let path = s.store.join(format!("{entry}.gpg"));
            s.gpg(&["--decrypt", "-o", "/dev/null", path.to_str().expect("path")]);
        }
    }
    eprintln!(
        "crash test: {ROUNDS} kills (first write {full:?}, final spread 0–{:?}): {kept_old} left the old version, {got_new} the new one",
        full.mul_f64(spread)
    );
    assert!(
        kept_old > 0 && got_new > 0,
        "the kills must land on both sides of the rename to mean something: {kept_old} old, {got_new} new"
    );
    // Temporary files of killed hosts are hidden, and the next write removes them.
    let current_bytes = std::fs::read(&file).expect("read");
    let current = versions.iter().position(|v| *v == current_bytes).expect("known");
    let (_, reply) = write_and_maybe_kill(&s, &request(1 - current, &sha256_hex(&current_bytes)), None);
    assert_eq!(reply.expect("reply")["result"]["written"], true);
    let leftovers: Vec<String> = std::fs::read_dir(&s.store)
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tessera-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "stale temporaries: {leftovers:?}");
}

#[test]
fn a_stores_file_adds_stores_for_a_host_the_browser_starts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (main, team) = (dir.path().join("main"), dir.path().join("team: shared"));
    for (root, entry) in [(&main, "a.example.test.gpg"), (&team, "b.example.test.gpg")] {
        std::fs::create_dir_all(root).expect("mkdir");
        std::fs::write(root.join(entry), b"x").expect("write");
    }
    let file = dir.path().join("stores");
    std::fs::write(
        &file,
        format!(
            "# the team's store\nteam={}  # colon and space in the path\n",
            team.display()
        ),
    )
    .expect("write");
    let mut host = LiveHost::start_with(
        &dir.path().join("data"),
        &[
            ("PASSWORD_STORE_DIR", main.to_str().expect("path")),
            ("TESSERA_STORES_FILE", file.to_str().expect("path")),
        ],
    );
    let reply = host.call(&json!({"id": 1, "method": "store.list"}));
    let listed: BTreeSet<(String, String)> = reply["result"]["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["store"].as_str().expect("store").to_owned(),
                e["path"].as_str().expect("path").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        BTreeSet::from([
            ("default".to_owned(), "a.example.test".to_owned()),
            ("team".to_owned(), "b.example.test".to_owned())
        ]),
        "{reply}"
    );
    assert_eq!(reply["result"]["problems"], json!([]), "{reply}");
}

/// `store.init` on a store whose folder does not exist: the folder and its
/// `.gpg-id` are what `pass init` makes (pass then inserts and shows with it),
/// the host writes an entry `pass show` reads, and a second init for another
/// key is refused without touching the `.gpg-id`.
#[test]
fn store_init_makes_a_store_pass_uses() {
    if !tools_present() {
        return;
    }
    let s = PassStore::new();
    assert!(!s.store.exists());
    let mut host = s.host();
    let listed = host.call(&json!({"id": 1, "method": "store.list", "params": {}}));
    let problems = listed["result"]["problems"].as_array().expect("problems");
    assert_eq!(problems[0]["code"], "store_not_found", "{listed}");

    let init =
        json!({"id": 2, "method": "store.init", "params": {"store": "default", "recipients": [s.fpr]}});
    let r = host.call(&init);
    assert_eq!(r["result"]["created"], true, "{r}");
    assert_eq!(r["result"]["recipients_file"], ".gpg-id");
    assert_eq!(r["result"]["path"], s.store.to_str().expect("path"));
    assert_eq!(
        std::fs::read_to_string(s.store.join(".gpg-id")).expect("gpg-id"),
        format!("{}\n", s.fpr)
    );
    let again = host.call(&json!({"id": 3, "method": "store.init", "params": {"store": "default", "recipients": [s.fpr.to_lowercase()]}}));
    assert_eq!(again["result"]["created"], false, "{again}");
    let other = "1A2B3C4D5E6F708192A3B4C5D6E7F80912345678";
    let refused = host.call(
        &json!({"id": 4, "method": "store.init", "params": {"store": "default", "recipients": [other]}}),
    );
    assert_eq!(refused["error"]["code"], "store_conflict", "{refused}");
    let bad = host.call(
        &json!({"id": 5, "method": "store.init", "params": {"store": "default", "recipients": ["a\nb"]}}),
    );
    assert_eq!(bad["error"]["code"], "invalid_params", "{bad}");
    let unknown = host
        .call(&json!({"id": 6, "method": "store.init", "params": {"store": "nope", "recipients": [s.fpr]}}));
    assert_eq!(unknown["error"]["code"], "store_not_found", "{unknown}");

    // pass works with the store as made.
    s.pass(&["insert", "-m", "by-pass.example.test"], b"from pass\n");
    assert_eq!(s.pass(&["show", "by-pass.example.test"], b""), b"from pass\n");
    // An entry the host writes (encrypted to the .gpg-id's key) is one pass shows.
    let recipients = host.call(&json!({"id": 7, "method": "store.recipients", "params": {"store": "default", "path": "site.example.test"}}));
    assert_eq!(recipients["result"]["recipients"], json!([s.fpr]), "{recipients}");
    let ciphertext = s.encrypt(b"new-pw\nlogin: me\nurl: https://site.example.test\n");
    let w = host.call(&json!({"id": 8, "method": "store.write", "params": {
        "store": "default", "path": "site.example.test", "ciphertext": b64(&ciphertext), "expect_previous": null}}));
    assert_eq!(w["result"]["written"], true, "{w}");
    assert_eq!(
        s.pass(&["show", "site.example.test"], b""),
        b"new-pw\nlogin: me\nurl: https://site.example.test\n"
    );
    assert_eq!(
        std::fs::read_to_string(s.store.join(".gpg-id")).expect("gpg-id"),
        format!("{}\n", s.fpr),
        "the refused init changed nothing"
    );
}
