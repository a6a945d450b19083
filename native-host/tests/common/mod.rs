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
        other => other.to_ascii_lowercase(),
    }
}
