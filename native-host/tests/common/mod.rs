//! Helpers for tests that drive the host binary over its real stdin/stdout.
#![allow(dead_code)] // each test binary uses its own subset

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::Value;

pub const HOST: &str = env!("CARGO_BIN_EXE_tessera-host");

pub fn frame(payload: &[u8]) -> Vec<u8> {
    let mut v = (payload.len() as u32).to_ne_bytes().to_vec();
    v.extend_from_slice(payload);
    v
}

/// A host kept running, like the browser's persistent port.
pub struct LiveHost {
    pub child: Child,
    stdin: ChildStdin,
    stdout: ChildStdout,
}

impl LiveHost {
    pub fn start(data_dir: &std::path::Path) -> Self {
        let mut child = Command::new(HOST)
            .arg("chrome-extension://pchmfhepohaglbnciioapdbphpkoiplm/")
            .env("TESSERA_DATA_DIR", data_dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start tessera-host");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        Self { child, stdin, stdout }
    }

    /// Sends one request and reads one reply (callers send one at a time).
    pub fn call(&mut self, request: &Value) -> Value {
        self.stdin
            .write_all(&frame(request.to_string().as_bytes()))
            .expect("write request");
        self.stdin.flush().expect("flush");
        let mut len = [0u8; 4];
        self.stdout.read_exact(&mut len).expect("reply length");
        let mut body = vec![0u8; u32::from_ne_bytes(len) as usize];
        self.stdout.read_exact(&mut body).expect("reply body");
        serde_json::from_slice(&body).expect("reply JSON")
    }
}

impl Drop for LiveHost {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The facts `scripts/lib/with-virtual-card.sh` read back from the card with GnuPG.
pub fn card_facts() -> Value {
    let path = std::env::var("TESSERA_TEST_CARD_JSON")
        .expect("TESSERA_TEST_CARD_JSON is not set: run this test under scripts/lib/with-virtual-card.sh");
    serde_json::from_str(&std::fs::read_to_string(&path).expect("read card JSON")).expect("card JSON")
}

/// GnuPG's `keyattr` names (`Ed25519`, `Curve25519`, `rsa2048`) as `--card-status` prints them.
pub fn gpg_algo_short_name(keyattr: &str) -> String {
    match keyattr {
        "Curve25519" | "cv25519" => "cv25519".into(),
        // `gpg --card-status --with-colons` says "NIST P-384" where `gpg -k` says nistp384.
        other => match other.strip_prefix("NIST P-") {
            Some(bits) => format!("nistp{bits}"),
            None => other.to_ascii_lowercase(),
        },
    }
}

impl LiveHost {
    /// Starts a host with extra environment variables.
    pub fn start_with(data_dir: &std::path::Path, envs: &[(&str, &str)]) -> Self {
        let mut cmd = Command::new(HOST);
        cmd.arg("chrome-extension://pchmfhepohaglbnciioapdbphpkoiplm/")
            .env("TESSERA_DATA_DIR", data_dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start tessera-host");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        Self { child, stdin, stdout }
    }

    /// Starts a host whose stderr (its log) is collected into the returned
    /// buffer, line by line, and echoed on this process's stderr.
    pub fn start_logged(data_dir: &std::path::Path) -> (Self, std::sync::Arc<std::sync::Mutex<String>>) {
        use std::io::BufRead;
        let mut child = Command::new(HOST)
            .arg("chrome-extension://pchmfhepohaglbnciioapdbphpkoiplm/")
            .env("TESSERA_DATA_DIR", data_dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tessera-host");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = std::sync::Arc::clone(&log);
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                eprintln!("{line}");
                let mut all = sink.lock().unwrap_or_else(|p| p.into_inner());
                all.push_str(&line);
                all.push('\n');
            }
        });
        (Self { child, stdin, stdout }, log)
    }

    /// The `token.list` entry with this id, if listed.
    pub fn token(&mut self, id: &str) -> Option<Value> {
        let reply = self.call(&serde_json::json!({"id": 900, "method": "token.list"}));
        reply["result"]["tokens"]
            .as_array()
            .expect("tokens")
            .iter()
            .find(|t| t["id"] == id)
            .cloned()
    }
}

/// `card:<AID>` of the virtual card.
pub fn card_token_id() -> String {
    format!("card:{}", card_facts()["aid"].as_str().expect("aid"))
}

/// Runs gpg with `home` as GnuPG home; panics with its stderr on failure.
pub fn gpg(home: &std::path::Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new("gpg")
        .arg("--homedir")
        .arg(home)
        .args(["--batch", "--no-tty", "--quiet"])
        .args(args)
        .output()
        .expect("run gpg");
    assert!(
        out.status.success(),
        "gpg {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Alice's public key as GnuPG exports it from TESSERA_TEST_GNUPGHOME.
pub fn alice_public_key() -> pgp::composed::SignedPublicKey {
    use pgp::composed::Deserializable;
    let home = std::env::var("TESSERA_TEST_GNUPGHOME").expect("TESSERA_TEST_GNUPGHOME");
    let fpr = card_facts()["primary_fingerprint"]
        .as_str()
        .expect("primary fingerprint")
        .to_owned();
    let bytes = gpg(std::path::Path::new(&home), &["--export", &fpr]);
    pgp::composed::SignedPublicKey::from_bytes(&bytes[..]).expect("parse Alice's key")
}

pub fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// Packet bytes with header, as the protocol wants them.
pub fn packet_bytes(p: &impl pgp::packet::PacketTrait) -> Vec<u8> {
    let mut out = Vec::new();
    p.to_writer_with_header(&mut out).expect("serialize packet");
    out
}

/// Public (sub)key packet of `key` with this fingerprint (primary or subkey).
pub fn key_packet_by_fingerprint(key: &pgp::composed::SignedPublicKey, fpr: &str) -> Vec<u8> {
    use pgp::types::KeyDetails;
    if hex_upper(key.primary_key.fingerprint().as_bytes()) == fpr {
        return packet_bytes(&key.primary_key);
    }
    let sub = key
        .public_subkeys
        .iter()
        .find(|s| hex_upper(s.key.fingerprint().as_bytes()) == fpr)
        .unwrap_or_else(|| panic!("no key {fpr} in the certificate"));
    packet_bytes(&sub.key)
}

/// Encrypts `plaintext` with GnuPG to every certificate in `certs` (binary
/// exports), uncompressed, in a throwaway GnuPG home. Returns the binary message.
pub fn gpg_encrypt(certs: &[Vec<u8>], plaintext: &[u8]) -> Vec<u8> {
    use pgp::composed::Deserializable;
    use pgp::types::KeyDetails;
    let home = tempfile::tempdir().expect("tempdir");
    let mut recipients = Vec::new();
    for (i, cert) in certs.iter().enumerate() {
        let path = home.path().join(format!("cert{i}.pgp"));
        std::fs::write(&path, cert).expect("write cert");
        gpg(home.path(), &["--import", path.to_str().expect("path")]);
        let key = pgp::composed::SignedPublicKey::from_bytes(&cert[..]).expect("cert");
        recipients.push(hex_upper(key.primary_key.fingerprint().as_bytes()));
    }
    let input = home.path().join("plain.bin");
    let output = home.path().join("message.gpg");
    std::fs::write(&input, plaintext).expect("write plaintext");
    let mut args = vec!["--trust-model", "always", "--compress-algo", "none", "--encrypt"];
    for r in &recipients {
        args.extend(["-r", r.as_str()]);
    }
    args.extend([
        "-o",
        output.to_str().expect("path"),
        input.to_str().expect("path"),
    ]);
    gpg(home.path(), &args);
    let _ = Command::new("gpgconf")
        .arg("--homedir")
        .arg(home.path())
        .args(["--kill", "all"])
        .status();
    std::fs::read(&output).expect("read message")
}

/// The PKESK packets of a binary message, each with its header.
pub fn pkesks(message: &[u8]) -> Vec<(pgp::packet::PublicKeyEncryptedSessionKey, Vec<u8>)> {
    pgp::packet::PacketParser::new(message)
        .filter_map(|p| match p.expect("packet") {
            pgp::packet::Packet::PublicKeyEncryptedSessionKey(k) => {
                let bytes = packet_bytes(&k);
                Some((k, bytes))
            }
            _ => None,
        })
        .collect()
}

/// Decrypts `message` with a session key from `token.decrypt_session_key`.
pub fn decrypt_with_session_key(message: &[u8], result: &Value) -> Vec<u8> {
    use base64::Engine;
    use pgp::composed::{Message, PlainSessionKey};
    let key = base64::engine::general_purpose::STANDARD
        .decode(result["session_key"].as_str().expect("session_key"))
        .expect("base64 session key");
    let sk = match result["symmetric_algorithm"].as_u64() {
        Some(alg) => PlainSessionKey::V3_4 {
            sym_alg: pgp::crypto::sym::SymmetricKeyAlgorithm::from(alg as u8),
            key: key.into(),
        },
        None => PlainSessionKey::V6 { key: key.into() },
    };
    let msg = Message::from_bytes(message).expect("parse message");
    let mut plain = msg
        .decrypt_with_session_key(sk)
        .expect("decrypt with session key");
    if plain.is_compressed() {
        plain = plain.decompress().expect("decompress");
    }
    plain.as_data_vec().expect("literal data")
}

/// The signature a `token.sign` reply carries, as rpgp verifies it (one MPI per
/// base64 element); panics with the reply when it holds none.
pub fn signature_mpis(reply: &Value) -> pgp::types::SignatureBytes {
    use base64::Engine;
    let mpis = reply["result"]["signature"]
        .as_array()
        .unwrap_or_else(|| panic!("token.sign returned no signature: {reply}"))
        .iter()
        .map(|m| {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(m.as_str().expect("an MPI string"))
                .expect("base64");
            pgp::types::Mpi::from_slice(&bytes)
        })
        .collect();
    pgp::types::SignatureBytes::Mpis(mpis)
}

pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn random_bytes(n: usize) -> Vec<u8> {
    use rand::RngCore;
    let mut v = vec![0u8; n];
    rand::thread_rng().fill_bytes(&mut v);
    v
}
