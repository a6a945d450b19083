//! What the binary's commands do: serve a browser, or one of a person's
//! commands (`install`, `uninstall`, `doctor`, `tokens`, `export-cert`, `soft-token init`, `soft-token import`).
//! Each returns the process's exit code, or the message to print before failing.

use std::io::{BufRead, IsTerminal};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::config::Config;
use crate::dispatch::HostContext;
use crate::install::{Browser, Scope};
use crate::token::card::CardBackend;
use crate::token::pin_cache::PinCache;
use crate::token::soft::SoftBackend;
use crate::token::Tokens;
use crate::{doctor, install, server, store, token};

pub(crate) fn load_config() -> Result<Config, String> {
    Config::from_env().map_err(|e| e.to_string())
}

/// Serves the browser on stdin/stdout until stdin closes.
pub fn serve() -> ExitCode {
    let config = match load_config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("tessera-host: {e}");
            return ExitCode::FAILURE;
        }
    };
    let tokens = all_backends(&config);
    let stores = store::Stores::from_env();
    let ctx = Arc::new(HostContext::new(config, tokens, stores));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(HostContext::BLOCKING_THREADS)
        .enable_time()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tessera-host: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let ended = runtime.block_on(server::serve(ctx, std::io::stdin(), std::io::stdout()));
    if let server::Ended::Broken(why) = ended {
        eprintln!("tessera-host: input from the browser ended abnormally: {why}");
    }
    // Dropping the runtime would wait for every blocking thread, and a thread
    // stuck on a slow disk or card never returns: the host would outlive the
    // browser. `serve` already gave requests their time; abandon the rest.
    runtime.shutdown_timeout(server::SHUTDOWN_GRACE);
    ExitCode::SUCCESS
}

pub(crate) fn all_backends(config: &Config) -> Tokens {
    Tokens::new(
        vec![
            Box::new(CardBackend::default()),
            Box::new(SoftBackend::new(config.soft_token_path())),
        ],
        PinCache::new(config.pin_cache),
    )
}

/// Prints the tokens the host can reach: a table, or `token.list`'s JSON result.
pub fn tokens(json: bool) -> Result<ExitCode, String> {
    use std::fmt::Write as _;
    let config = load_config()?;
    let (tokens, problems) = all_backends(&config).list_all();
    let mut out = String::new();
    if json {
        let result = tessera_protocol::token::TokenListResult { tokens, problems };
        out = serde_json::to_string_pretty(&result).map_err(|e| e.to_string())? + "\n";
        write_stdout(&out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if tokens.is_empty() {
        out.push_str("no token found\n");
    }
    for t in &tokens {
        let backend = match t.backend {
            tessera_protocol::token::Backend::Card => "card",
            tessera_protocol::token::Backend::Soft => "soft",
        };
        let _ = writeln!(
            out,
            "{backend} {}  {}  {}",
            t.serial,
            t.cardholder.as_deref().unwrap_or("-"),
            t.reader.as_deref().unwrap_or("")
        );
        for slot in &t.slots {
            let _ = writeln!(
                out,
                "    {:<15} {:<9} {}",
                format!("{:?}", slot.slot).to_lowercase(),
                slot.algorithm.as_deref().unwrap_or("-"),
                slot.fingerprint.as_deref().unwrap_or("(empty)")
            );
        }
    }
    write_stdout(&out)?;
    for p in &problems {
        eprintln!("tessera-host: {}", p.message);
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints the token's public certificate (armored) on stdout and its
/// fingerprint on stderr. `token`: which one, when more than one is present.
pub fn export_cert(token: Option<&str>, user_id: Option<&str>) -> Result<ExitCode, String> {
    let config = load_config()?;
    let tokens = all_backends(&config);
    let id = pick_token(&tokens, token, false)?;
    let exported = match tokens.export_certificate(&id, user_id) {
        Err(e) if e.code == tessera_protocol::ErrorCode::PinRequired => {
            let pin = read_secret(&format!("PIN of {id} (to sign the certificate on the card): "))?;
            tokens
                .verify_pin(
                    &id,
                    secrecy::SecretString::from(pin.as_str()),
                    tessera_protocol::pin::PinPurpose::Sign,
                )
                .map_err(|e| e.message)?;
            let exported = tokens.export_certificate(&id, user_id);
            tokens.pins().forget(&id);
            exported
        }
        other => other,
    }
    .map_err(|e| e.message)?;
    write_stdout(&exported.armored)?;
    eprintln!("fingerprint: {}", exported.fingerprint);
    Ok(ExitCode::SUCCESS)
}

/// The token a command acts on: the one given, else the only one present (a
/// card, with `cards_only`); several or none is an error that says what to do.
pub(crate) fn pick_token(tokens: &Tokens, token: Option<&str>, cards_only: bool) -> Result<String, String> {
    if let Some(id) = token {
        return Ok(id.to_owned());
    }
    let (found, problems) = tokens.list_all();
    let found: Vec<_> = found
        .into_iter()
        .filter(|t| !cards_only || t.id.starts_with("card:"))
        .collect();
    match found.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => {
            let why: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
            Err(match (why.is_empty(), cards_only) {
                (true, true) => "no OpenPGP card found: plug in your card (is pcscd running?)".into(),
                (true, false) => "no token found: plug in your card, or create a soft token with `tessera-host soft-token init`".into(),
                (false, _) => format!("no {} found ({})", if cards_only { "card" } else { "token" }, why.join("; ")),
            })
        }
        many => {
            let ids: Vec<_> = many.iter().map(|t| t.id.as_str()).collect();
            Err(format!(
                "{} {} are present: choose one with --token ({})",
                many.len(),
                if cards_only { "cards" } else { "tokens" },
                ids.join(", ")
            ))
        }
    }
}

/// Writes command output; a reader that went away (`tessera-host tokens | head`)
/// is not an error. `println!` would panic on the broken pipe.
pub(crate) fn write_stdout(text: &str) -> Result<(), String> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write the output: {e}")),
    }
}

/// Registers the host with `browser` (or every browser, for `Browser::All`);
/// `manifest_dir` overrides where the manifest goes.
pub fn install(browser: Browser, scope: Scope, manifest_dir: Option<&Path>) -> Result<ExitCode, String> {
    let exe = install::own_exe().map_err(|e| e.to_string())?;
    let mut failed = false;
    for browser in browser.expand() {
        match install::install(browser, scope, manifest_dir, &exe) {
            Ok(path) => println!("{}: registered in {}", browser.key(), path.display()),
            Err(e) => {
                failed = true;
                eprintln!("tessera-host: {e}");
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Removes the registrations [`install`] wrote.
pub fn uninstall(browser: Browser, scope: Scope, manifest_dir: Option<&Path>) -> Result<ExitCode, String> {
    for browser in browser.expand() {
        let removed = install::uninstall(browser, scope, manifest_dir).map_err(|e| e.to_string())?;
        for path in removed {
            println!("{}: removed {}", browser.key(), path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints what is wrong with the registrations, pcscd, cards and the soft token,
/// and how to fix it; fails when anything is.
pub fn doctor() -> Result<ExitCode, String> {
    let config = load_config()?;
    let exe = install::own_exe().map_err(|e| e.to_string())?;
    let healthy = doctor::print(&doctor::run(&config, &exe));
    Ok(if healthy {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Creates the soft token's key, protected by a passphrase from the terminal
/// or from the first line of stdin.
pub fn soft_token_init(user_id: &str, profile: &str) -> Result<ExitCode, String> {
    let profile = token::soft::KeyProfile::named(profile)
        .ok_or_else(|| format!("unknown key profile `{profile}`: rfc4880 (the default) or rfc9580"))?;
    let config = load_config()?;
    let passphrase = read_passphrase()?;
    let path = config.soft_token_path();
    let info = token::soft::init_with(&path, user_id, &passphrase, profile).map_err(|e| e.to_string())?;
    println!("soft token created at {}", path.display());
    print_slots(&info);
    Ok(ExitCode::SUCCESS)
}

/// Makes the secret key in `file` the soft token, after checking its
/// passphrase (from the terminal without echo, or the first line of stdin).
pub fn soft_token_import(file: &Path) -> Result<ExitCode, String> {
    let config = load_config()?;
    let path = config.soft_token_path();
    if path.exists() {
        // Before asking the passphrase: it would be asked for nothing.
        return Err(token::soft::ImportError::Exists(path).to_string());
    }
    let armored = Zeroizing::new(
        std::fs::read_to_string(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?,
    );
    let passphrase = read_secret(&format!("Passphrase of the key in {}: ", file.display()))?;
    let info = token::soft::import(&path, &armored, &passphrase).map_err(|e| e.to_string())?;
    println!("soft token imported to {}", path.display());
    print_slots(&info);
    Ok(ExitCode::SUCCESS)
}

fn print_slots(info: &tessera_protocol::token::TokenInfo) {
    for slot in &info.slots {
        println!(
            "  {:<15} {:<8} {}",
            format!("{:?}", slot.slot).to_lowercase(),
            slot.algorithm.as_deref().unwrap_or("-"),
            slot.fingerprint.as_deref().unwrap_or("-")
        );
    }
}

/// Reads a secret: typed at the terminal without echo, or the first line of
/// stdin when stdin is not a terminal (scripts, tests).
pub(crate) fn read_secret(prompt: &str) -> Result<Zeroizing<String>, String> {
    let stdin = std::io::stdin();
    let line = if stdin.is_terminal() {
        Zeroizing::new(
            rpassword::prompt_password(prompt).map_err(|e| format!("cannot read from the terminal: {e}"))?,
        )
    } else {
        let mut line = Zeroizing::new(String::new());
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        line
    };
    let trimmed = Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned());
    if trimmed.is_empty() {
        return Err("nothing was entered (type it at the prompt, or pass it on stdin)".into());
    }
    Ok(trimmed)
}

fn read_passphrase() -> Result<Zeroizing<String>, String> {
    read_secret("Passphrase for the soft token (min. 8 characters): ")
}
