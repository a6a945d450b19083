//! Shared helpers: run tessera-sop and gpg, temporary GnuPG homes.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const SOP: &str = env!("CARGO_BIN_EXE_tessera-sop");

/// SOP exit codes (draft-dkg-openpgp-stateless-cli).
pub const NO_SIGNATURE: i32 = 3;
pub const CANNOT_DECRYPT: i32 = 29;
pub const BAD_DATA: i32 = 41;
pub const EXPECTED_TEXT: i32 = 53;
pub const KEY_IS_PROTECTED: i32 = 67;
pub const UNSUPPORTED_SUBCOMMAND: i32 = 69;
pub const NO_HARDWARE_KEY_FOUND: i32 = 97;

pub struct Output {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Output {
    /// The stdout of a run that must succeed.
    pub fn ok(self) -> Vec<u8> {
        assert_eq!(self.code, 0, "tessera-sop failed: {}", self.stderr);
        self.stdout
    }
}

/// The tessera-host binary the tests use: TESSERA_HOST, else the one next to tessera-sop.
pub fn host_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("TESSERA_HOST") {
        return PathBuf::from(p);
    }
    Path::new(SOP).with_file_name("tessera-host")
}

/// Runs tessera-sop in `dir` with `stdin`, with extra environment variables.
pub fn sop_env(dir: &Path, args: &[&str], stdin: &[u8], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(SOP);
    cmd.current_dir(dir)
        .args(args)
        .env("TESSERA_HOST", host_binary())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start tessera-sop");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait for tessera-sop");
    writer.join().expect("stdin writer");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn sop(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    sop_env(dir, args, stdin, &[])
}

/// A throwaway GnuPG home; its agent is stopped on drop.
pub struct GpgHome {
    pub dir: tempfile::TempDir,
}

impl GpgHome {
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("sop-gpg")
            .tempdir_in("/tmp")
            .expect("tempdir");
        std::fs::set_permissions(dir.path(), std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .expect("chmod");
        GpgHome { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs gpg; returns (success, stdout, stderr).
    pub fn run(&self, args: &[&str], stdin: &[u8]) -> (bool, Vec<u8>, String) {
        let mut child = Command::new("gpg")
            .arg("--homedir")
            .arg(self.path())
            .args([
                "--batch",
                "--no-tty",
                "--trust-model",
                "always",
                "--pinentry-mode",
                "loopback",
            ])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run gpg");
        let mut input = child.stdin.take().expect("stdin");
        let data = stdin.to_vec();
        let writer = std::thread::spawn(move || {
            let _ = input.write_all(&data);
        });
        let out = child.wait_with_output().expect("wait for gpg");
        writer.join().expect("stdin writer");
        (
            out.status.success(),
            out.stdout,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Runs gpg and panics with its stderr on failure.
    pub fn ok(&self, args: &[&str], stdin: &[u8]) -> Vec<u8> {
        let (ok, out, err) = self.run(args, stdin);
        assert!(ok, "gpg {args:?} failed: {err}");
        out
    }

    /// Generates an unprotected Curve25519 key; returns its exported certificate.
    pub fn generate(&self, user_id: &str, email: &str) -> Vec<u8> {
        self.ok(
            &[
                "--passphrase",
                "",
                "--quick-gen-key",
                user_id,
                "future-default",
                "default",
                "0",
            ],
            b"",
        );
        self.ok(&["--armor", "--export", email], b"")
    }
}

impl Drop for GpgHome {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .arg("--homedir")
            .arg(self.path())
            .args(["--kill", "all"])
            .status();
    }
}

pub fn write(dir: &Path, name: &str, data: &[u8]) -> String {
    std::fs::write(dir.join(name), data).expect("write");
    name.to_string()
}
