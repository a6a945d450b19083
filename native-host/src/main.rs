//! `tessera-host`: the native-messaging host of the Tessera extension.
//!
//! Started by the browser (with the extension's origin or the Firefox manifest
//! path as arguments) it serves the protocol in PROTOCOL.md on stdin/stdout.
//! Started by a person it installs, uninstalls and checks itself. This file only
//! reads the command line; the work is in the library (`tessera_host::commands`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tessera_host::install::{Browser, Scope};
use tessera_host::{card_commands, commands};

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
    /// Print your public certificate (armored) from a token; its fingerprint
    /// goes to stderr. A card without one has it built and signed on the card
    /// (asks the card's user PIN).
    ExportCert {
        /// Token id as `tokens --json` shows it (`card:<AID>`, `soft:<fingerprint>`);
        /// needed only when more than one token is present.
        #[arg(long)]
        token: Option<String>,
        /// User ID to bind when a card's certificate is built, e.g.
        /// "Jane Doe <jane@example.org>" (default: the card's cardholder name).
        #[arg(long)]
        user_id: Option<String>,
    },
    /// Set up an OpenPGP card without GnuPG: its state, keys generated on it,
    /// its PINs and reset code, a factory reset. PINs are read without echo
    /// (or one per line from stdin) and tried once.
    Card {
        #[command(subcommand)]
        action: CardAction,
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

impl InstallArgs {
    fn scope(&self) -> Scope {
        if self.system {
            Scope::System
        } else {
            Scope::User
        }
    }
}

#[derive(Subcommand)]
enum SoftTokenAction {
    /// Create the soft token key, protected by a passphrase read from the
    /// terminal, or from the first line of stdin when it is not a terminal.
    Init {
        /// User ID of the key, e.g. "Jane Doe <jane@example.org>".
        #[arg(long)]
        user_id: String,
        /// rfc4880 (default: Curve25519 v4 keys, which every OpenPGP program reads) or
        /// rfc9580 (Ed25519 and X25519 v6 keys; GnuPG 2.2 and 2.4 cannot read them).
        #[arg(long, default_value = "rfc4880")]
        profile: String,
    },
    /// Make an existing key the soft token: FILE is an armored secret key as
    /// `gpg --export-secret-keys --armor` writes it, passphrase-protected, with
    /// signing and encryption subkeys. It keeps its passphrase (asked here to
    /// check it opens the key, without echo, or the first line of stdin).
    Import {
        /// The armored secret key file.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum CardAction {
    /// What the card holds and allows: keys, algorithms, tries left, touch policies.
    Status {
        #[arg(long)]
        token: Option<String>,
        /// Print the protocol's JSON result (`card.status`) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Generate keys on the card (asks the admin PIN); with --user-id, build the
    /// certificate and print it (asks the user PIN).
    Generate {
        #[arg(long)]
        token: Option<String>,
        /// cv25519, rsa2048, rsa3072, rsa4096, nist_p256, nist_p384 or nist_p521.
        #[arg(long, default_value = "cv25519")]
        algorithm: String,
        /// Replace the keys the card holds (they are lost).
        #[arg(long)]
        replace: bool,
        /// Cardholder name to store, "Given Surname" (ASCII).
        #[arg(long)]
        name: Option<String>,
        /// Public key URL to store on the card.
        #[arg(long)]
        url: Option<String>,
        /// User ID of the certificate to print, e.g. "Jane Doe <jane@example.org>".
        #[arg(long)]
        user_id: Option<String>,
    },
    /// Change the user PIN (or the admin PIN with --admin).
    Passwd {
        #[arg(long)]
        token: Option<String>,
        #[arg(long)]
        admin: bool,
    },
    /// Set the reset code (asks the admin PIN), which unblocks the user PIN.
    ResetCode {
        #[arg(long)]
        token: Option<String>,
    },
    /// Set a new user PIN with the reset code (or the admin PIN with --admin-pin).
    Unblock {
        #[arg(long)]
        token: Option<String>,
        #[arg(long)]
        admin_pin: bool,
    },
    /// Erase the card (asks you to type its serial).
    FactoryReset {
        #[arg(long)]
        token: Option<String>,
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

fn run_card(action: CardAction) -> Result<ExitCode, String> {
    match action {
        CardAction::Status { token, json } => card_commands::status(token.as_deref(), json),
        CardAction::Generate {
            token,
            algorithm,
            replace,
            name,
            url,
            user_id,
        } => card_commands::generate(&card_commands::GenerateArgs {
            token: token.as_deref(),
            algorithm: &algorithm,
            replace,
            name: name.as_deref(),
            url: url.as_deref(),
            user_id: user_id.as_deref(),
        }),
        CardAction::Passwd { token, admin } => card_commands::change_pin(token.as_deref(), admin),
        CardAction::ResetCode { token } => card_commands::set_reset_code(token.as_deref()),
        CardAction::Unblock { token, admin_pin } => card_commands::unblock(token.as_deref(), admin_pin),
        CardAction::FactoryReset { token } => card_commands::factory_reset(token.as_deref()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if started_by_browser(&args) {
        return commands::serve();
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Install(a) => commands::install(a.browser, a.scope(), a.manifest_dir.as_deref()),
        Command::Uninstall(a) => commands::uninstall(a.browser, a.scope(), a.manifest_dir.as_deref()),
        Command::Doctor => commands::doctor(),
        Command::Tokens { json } => commands::tokens(json),
        Command::ExportCert { token, user_id } => commands::export_cert(token.as_deref(), user_id.as_deref()),
        Command::Card { action } => run_card(action),
        Command::SoftToken {
            action: SoftTokenAction::Init { user_id, profile },
        } => commands::soft_token_init(&user_id, &profile),
        Command::SoftToken {
            action: SoftTokenAction::Import { file },
        } => commands::soft_token_import(&file),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("tessera-host: {message}");
            ExitCode::FAILURE
        }
    }
}
