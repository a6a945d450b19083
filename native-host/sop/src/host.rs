//! `tessera-host` as a child process, spoken to over the extension's protocol
//! (PROTOCOL.md) in `tessera_protocol::framing`'s frames. Started on the first
//! private-key operation that needs a token, stopped at exit.

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde_json::Value;
use tessera_protocol::decrypt::{DecryptSessionKeyParams, DecryptSessionKeyResult};
use tessera_protocol::framing::{encode_frame, read_frame};
use tessera_protocol::pin::{PinPurpose, VerifyPinParams, VerifyPinResult};
use tessera_protocol::sign::{HashAlgorithm, SignParams, SignResult};
use tessera_protocol::token::{TokenInfo, TokenListParams, TokenListResult};
use tessera_protocol::{
    ErrorBody, ErrorCode, Request, RequestFrame, SecretText, HARD_MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES,
};

use crate::errors::{Failure, HARDWARE_KEY_FAILURE, NO_HARDWARE_KEY_FOUND};

/// The running host: one per process, reachable from the atexit handler.
static HOST: Mutex<Option<Host>> = Mutex::new(None);

pub struct Host {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
    next_id: u64,
    tokens: Vec<TokenInfo>,
    /// Tokens whose PIN was presented in this run (right or wrong): never twice.
    pin_presented: HashSet<(String, bool)>,
}

/// Where the host binary is: `TESSERA_HOST`, else next to this executable, else PATH.
fn host_path() -> PathBuf {
    if let Some(p) = std::env::var_os("TESSERA_HOST").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    if let Some(sibling) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("tessera-host")))
        .filter(|p| p.is_file())
    {
        return sibling;
    }
    PathBuf::from("tessera-host")
}

/// Runs `f` with the host, starting it (and listing its tokens) on first use.
pub fn with_host<T>(f: impl FnOnce(&mut Host) -> Result<T, Failure>) -> Result<T, Failure> {
    let mut guard = HOST.lock().unwrap_or_else(|e| e.into_inner());
    if guard.is_none() {
        *guard = Some(Host::start()?);
    }
    f(guard.as_mut().expect("started above"))
}

/// Closes the host's stdin (it exits on EOF), waits briefly, then kills it.
pub fn stop() {
    let host = HOST.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(mut host) = host {
        drop(host.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            match host.child.try_wait() {
                Ok(Some(_)) => return,
                Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
                _ => {
                    let _ = host.child.kill();
                    let _ = host.child.wait();
                    return;
                }
            }
        }
    }
}

extern "C" fn stop_at_exit() {
    stop();
}

/// `sop`'s CLI ends with `process::exit`, which skips destructors: stop the host from atexit.
pub fn register_exit_handler() {
    // SAFETY: registers a plain `extern "C" fn()` with the C runtime.
    unsafe {
        libc::atexit(stop_at_exit);
    }
}

impl Host {
    fn start() -> Result<Host, Failure> {
        let path = host_path();
        let stderr = if std::env::var_os("TESSERA_SOP_HOST_LOG").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        };
        let mut child = Command::new(&path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            // The PIN is verified once per run and must stay cached for the operation.
            .env("TESSERA_PIN_CACHE_SECONDS", "300")
            .spawn()
            .map_err(|e| {
                Failure::exit(
                    NO_HARDWARE_KEY_FOUND,
                    format!("cannot start the token host {}: {e}", path.display()),
                )
            })?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("piped");
        let mut host = Host {
            child,
            stdin,
            stdout,
            next_id: 1,
            tokens: Vec::new(),
            pin_presented: HashSet::new(),
        };
        let list: TokenListResult = host.call(Request::TokenList(TokenListParams {}))?;
        for p in &list.problems {
            eprintln!("tessera-sop: token host: {:?}: {}", p.backend, p.message);
        }
        host.tokens = list.tokens;
        Ok(host)
    }

    pub fn tokens(&self) -> &[TokenInfo] {
        &self.tokens
    }

    fn call<T: DeserializeOwned>(&mut self, request: Request) -> Result<T, Failure> {
        match self.call_raw(request)? {
            Ok(value) => serde_json::from_value(value).map_err(|e| {
                Failure::exit(
                    HARDWARE_KEY_FAILURE,
                    format!("unexpected reply from the host: {e}"),
                )
            }),
            Err(body) => Err(host_error(body)),
        }
    }

    fn call_raw(&mut self, request: Request) -> Result<Result<Value, ErrorBody>, Failure> {
        let id = self.next_id;
        self.next_id += 1;
        // A request may hold a PIN: its JSON and its frame are wiped once used.
        let json = zeroize::Zeroizing::new(
            serde_json::to_vec(&RequestFrame { id, request })
                .map_err(|e| Failure::exit(HARDWARE_KEY_FAILURE, format!("cannot encode a request: {e}")))?,
        );
        // No host accepts more than the browsers' own limit.
        let frame = zeroize::Zeroizing::new(
            encode_frame(&json, HARD_MAX_REQUEST_BYTES)
                .map_err(|e| Failure::exit(HARDWARE_KEY_FAILURE, format!("cannot send a request: {e}")))?,
        );
        let broken = |why: String| {
            Failure::exit(
                HARDWARE_KEY_FAILURE,
                format!("the token host stopped answering: {why}"),
            )
        };
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| broken("its input is already closed".into()))?;
        stdin
            .write_all(&frame)
            .and_then(|_| stdin.flush())
            .map_err(|e| broken(e.to_string()))?;
        // The host never sends a reply over the browsers' limit.
        let text = match read_frame(&mut self.stdout, MAX_RESPONSE_BYTES) {
            Ok(Some(text)) => text,
            Ok(None) => return Err(broken("it closed its output".into())),
            Err(e) => return Err(broken(e.to_string())),
        };
        let mut reply: Value = serde_json::from_str(&text)
            .map_err(|e| Failure::exit(HARDWARE_KEY_FAILURE, format!("the host sent invalid JSON: {e}")))?;
        if reply.get("id").and_then(Value::as_u64) != Some(id) {
            return Err(Failure::exit(
                HARDWARE_KEY_FAILURE,
                format!("the host answered request {id} with id {:?}", reply.get("id")),
            ));
        }
        if let Some(error) = reply.get_mut("error") {
            let body: ErrorBody = serde_json::from_value(error.take()).map_err(|e| {
                Failure::exit(
                    HARDWARE_KEY_FAILURE,
                    format!("unreadable error from the host: {e}"),
                )
            })?;
            return Ok(Err(body));
        }
        match reply.get_mut("result") {
            Some(result) => Ok(Ok(result.take())),
            None => Err(Failure::exit(
                HARDWARE_KEY_FAILURE,
                "the host's reply has no result".into(),
            )),
        }
    }

    /// `token.verify_pin`, at most once per token and purpose in this run.
    pub fn verify_pin(&mut self, token: &str, pin: Option<&str>, sign: bool) -> Result<(), Failure> {
        let Some(pin) = pin else {
            eprintln!("tessera-sop: {token} needs its user PIN: pass it with --with-key-password");
            return Err(Failure::Sop(sop::errors::Error::KeyIsProtected));
        };
        if !self.pin_presented.insert((token.to_string(), sign)) {
            return Ok(());
        }
        let purpose = if sign {
            PinPurpose::Sign
        } else {
            PinPurpose::Decrypt
        };
        let _: VerifyPinResult = self.call(Request::VerifyPin(VerifyPinParams {
            token: token.to_string(),
            pin: SecretText::new(pin),
            purpose,
        }))?;
        Ok(())
    }

    pub fn sign(&mut self, token: &str, hash: HashAlgorithm, digest: &[u8]) -> Result<Vec<Vec<u8>>, Failure> {
        let result: SignResult = self.call(Request::Sign(SignParams {
            token: token.to_string(),
            hash_algorithm: hash,
            digest: b64(digest),
        }))?;
        result.signature.iter().map(|s| unb64(s)).collect()
    }

    pub fn decrypt_session_key(
        &mut self,
        token: &str,
        pkesk: &[u8],
        recipient_key: &[u8],
    ) -> Result<(Option<u8>, zeroize::Zeroizing<Vec<u8>>), Failure> {
        let result: DecryptSessionKeyResult =
            self.call(Request::DecryptSessionKey(DecryptSessionKeyParams {
                token: token.to_string(),
                pkesk: b64(pkesk),
                recipient_key: b64(recipient_key),
            }))?;
        let key = zeroize::Zeroizing::new(unb64(result.session_key.expose())?);
        Ok((result.symmetric_algorithm, key))
    }
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn unb64(text: &str) -> Result<Vec<u8>, Failure> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| Failure::exit(HARDWARE_KEY_FAILURE, format!("the host sent invalid base64: {e}")))
}

/// Maps a host error to a SOP failure, with the host's message on stderr.
fn host_error(body: ErrorBody) -> Failure {
    use sop::errors::Error as E;
    let message = match body.retries_left {
        Some(n) => format!("{} ({n} tries left)", body.message),
        None => body.message.clone(),
    };
    match body.code {
        ErrorCode::PinIncorrect | ErrorCode::PinBlocked | ErrorCode::PinRequired => {
            eprintln!("tessera-sop: {message}");
            Failure::Sop(E::KeyIsProtected)
        }
        ErrorCode::TokenNotFound | ErrorCode::PcscUnavailable => {
            Failure::exit(NO_HARDWARE_KEY_FOUND, message)
        }
        ErrorCode::WrongKey => {
            eprintln!("tessera-sop: {message}");
            Failure::Sop(E::CannotDecrypt)
        }
        ErrorCode::UnsupportedAlgorithm => {
            eprintln!("tessera-sop: {message}");
            Failure::Sop(E::UnsupportedAsymmetricAlgo)
        }
        _ => Failure::exit(HARDWARE_KEY_FAILURE, message),
    }
}
