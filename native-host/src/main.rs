//! `tessera-host`: the native-messaging host of the Tessera extension.
//!
//! Started by the browser (with the extension's origin or the Firefox manifest
//! path as arguments) it serves the protocol in PROTOCOL.md on stdin/stdout.
//! Started by a person it installs, uninstalls and checks itself.

mod atomic_file;
mod config;
mod dispatch;
mod doctor;
mod install;
mod requests;
mod server;
mod store;
mod token;

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use zeroize::Zeroizing;

use crate::config::Config;
use crate::dispatch::HostContext;
use crate::install::Browser;
use crate::token::card::CardBackend;
use crate::token::pin_cache::PinCache;
use crate::token::soft::SoftBackend;
use crate::token::Tokens;

#[derive(Parser)]
#[command(
    name = "tessera-host",
    version,
    about = "Tessera's bridge between the browser and your OpenPGP token"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Register tessera-host with browsers (writes their host manifests).
    Install(InstallArgs),
    /// Remove the registrations `install` wrote.
    Uninstall(InstallArgs),
    /// Check browser registrations, pcscd, cards and the soft token.
    Doctor,
    /// List the tokens the host can reach (what `token.list` answers the extension).
    Tokens {
        /// Print the protocol's JSON result instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Manage the embedded soft token (used when no card is present).
    SoftToken {
        #[command(subcommand)]
        action: SoftTokenAction,
    },
}

#[derive(clap::Args)]
struct InstallArgs {
    #[arg(long, value_enum, default_value = "all")]
    browser: Browser,
    /// For this user (default).
    #[arg(long, conflicts_with = "system")]
    user: bool,
    /// For every user of the machine (needs administrator rights).
    #[arg(long)]
    system: bool,
    /// Write the manifest into this directory instead of the browser's default
    /// (e.g. `<chromium --user-data-dir>/NativeMessagingHosts`).
    #[arg(long)]
    manifest_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
enum SoftTokenAction {
    /// Create the soft token key, protected by a passphrase read from the
    /// terminal, or from the first line of stdin when it is not a terminal.
    Init {
        /// User ID of the key, e.g. "Jane Doe <jane@example.org>".
        #[arg(long)]
        user_id: String,
    },
}

/// Arguments a browser passes when it starts a native-messaging host.
fn started_by_browser(args: &[String]) -> bool {
    match args.get(1) {
        None => true,
        Some(first) => {
            first.starts_with("chrome-extension://")
                || first.starts_with("--parent-window")
                || first.ends_with(".json")
                || args
                    .get(2)
                    .is_some_and(|second| second == tessera_protocol::FIREFOX_EXTENSION_ID)
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if started_by_browser(&args) {
        return serve();
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Install(a) => cmd_install(&a),
        Command::Uninstall(a) => cmd_uninstall(&a),
        Command::Doctor => cmd_doctor(),
        Command::Tokens { json } => cmd_tokens(json),
        Command::SoftToken {
            action: SoftTokenAction::Init { user_id },
        } => cmd_soft_init(&user_id),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("tessera-host: {message}");
            ExitCode::FAILURE
        }
    }
}

fn load_config() -> Result<Config, String> {
    Config::from_env().map_err(|e| e.to_string())
}

fn serve() -> ExitCode {
    let config = match load_config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("tessera-host: {e}");
            return ExitCode::FAILURE;
        }
    };
    let tokens = all_backends(&config);
    let stores = store::Stores::from_env();
    let ctx = Arc::new(HostContext {
        config,
        tokens,
        stores,
    });
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(4)
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
    ExitCode::SUCCESS
}

fn all_backends(config: &Config) -> Tokens {
    Tokens::new(
        vec![
            Box::new(CardBackend::default()),
            Box::new(SoftBackend::new(config.soft_token_path())),
        ],
        PinCache::new(config.pin_cache),
    )
}

fn cmd_tokens(json: bool) -> Result<ExitCode, String> {
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

/// Writes command output; a reader that went away (`tessera-host tokens | head`)
/// is not an error. `println!` would panic on the broken pipe.
fn write_stdout(text: &str) -> Result<(), String> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write the output: {e}")),
    }
}

fn scope(a: &InstallArgs) -> native_messaging::Scope {
    if a.system {
        native_messaging::Scope::System
    } else {
        native_messaging::Scope::User
    }
}

fn cmd_install(a: &InstallArgs) -> Result<ExitCode, String> {
    let exe = install::own_exe().map_err(|e| e.to_string())?;
    let mut failed = false;
    for browser in a.browser.expand() {
        match install::install(browser, scope(a), a.manifest_dir.as_deref(), &exe) {
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

fn cmd_uninstall(a: &InstallArgs) -> Result<ExitCode, String> {
    for browser in a.browser.expand() {
        let removed =
            install::uninstall(browser, scope(a), a.manifest_dir.as_deref()).map_err(|e| e.to_string())?;
        for path in removed {
            println!("{}: removed {}", browser.key(), path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_doctor() -> Result<ExitCode, String> {
    let config = load_config()?;
    let exe = install::own_exe().map_err(|e| e.to_string())?;
    let healthy = doctor::print(&doctor::run(&config, &exe));
    Ok(if healthy {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn cmd_soft_init(user_id: &str) -> Result<ExitCode, String> {
    let config = load_config()?;
    let passphrase = read_passphrase()?;
    let path = config.soft_token_path();
    let info = token::soft::init(&path, user_id, &passphrase).map_err(|e| e.to_string())?;
    println!("soft token created at {}", path.display());
    for slot in &info.slots {
        println!(
            "  {:<15} {:<8} {}",
            format!("{:?}", slot.slot).to_lowercase(),
            slot.algorithm.as_deref().unwrap_or("-"),
            slot.fingerprint.as_deref().unwrap_or("-")
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn read_passphrase() -> Result<Zeroizing<String>, String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        // No echo-off without a terminal crate; say so rather than pretend.
        eprint!("Passphrase for the soft token (it will be visible as you type; min. 8 characters): ");
        let _ = std::io::stderr().flush();
    }
    let mut line = Zeroizing::new(String::new());
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the passphrase: {e}"))?;
    let trimmed = Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned());
    if trimmed.is_empty() {
        return Err("no passphrase given (pass it on stdin or type it at the prompt)".into());
    }
    Ok(trimmed)
}
