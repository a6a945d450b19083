//! `tessera-host card …`: the card set-up of the options page, on the command
//! line, through the same code as the `card.*` methods (PROTOCOL.md, "Card
//! set-up"). PINs are read from the terminal without echo, or one per line
//! from stdin when it is not a terminal (scripts, tests); a new PIN is asked
//! twice on a terminal. Nothing is retried: a wrong PIN ends the command with
//! the tries left.

use std::io::IsTerminal;
use std::process::ExitCode;

use secrecy::SecretString;
use tessera_protocol::card::{CardKeyAlgorithm, CardPin, CardStatusResult, CardUnblockWith};
use tessera_protocol::pin::PinPurpose;
use tessera_protocol::{ErrorBody, ErrorCode};
use zeroize::Zeroizing;

use crate::commands::{all_backends, load_config, pick_token, read_secret, write_stdout};
use crate::token::card::admin::Generate;
use crate::token::Tokens;

fn say(e: ErrorBody) -> String {
    e.message
}

fn secret(prompt: &str) -> Result<SecretString, String> {
    let text = read_secret(prompt)?;
    Ok(SecretString::from(text.as_str()))
}

/// A new PIN: typed twice on a terminal, so a typo does not lock anyone out.
fn new_secret(what: &str) -> Result<SecretString, String> {
    let first = read_secret(&format!("New {what}: "))?;
    if std::io::stdin().is_terminal() {
        let again: Zeroizing<String> = read_secret(&format!("New {what} again: "))?;
        if *again != *first {
            return Err(format!("the two {what}s differ: nothing was changed"));
        }
    }
    Ok(SecretString::from(first.as_str()))
}

fn open(token: Option<&str>) -> Result<(Tokens, String), String> {
    let tokens = all_backends(&load_config()?);
    let id = pick_token(&tokens, token, true)?;
    Ok((tokens, id))
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "factory default — change it",
        Some(false) => "changed",
        None => "unknown",
    }
}

fn print_status(s: &CardStatusResult) -> Result<(), String> {
    let mut out = format!(
        "card        {} ({} {})\ncardholder  {}\nurl         {}\n",
        s.token,
        s.manufacturer,
        s.serial,
        if s.cardholder_name.is_empty() {
            "(not set)"
        } else {
            &s.cardholder_name
        },
        if s.url.is_empty() { "(not set)" } else { &s.url },
    );
    for slot in &s.slots {
        out.push_str(&format!(
            "{:<15} {:<10} {}{}\n",
            slot.slot,
            slot.algorithm,
            slot.fingerprint.as_deref().unwrap_or("(empty)"),
            slot.touch_policy
                .as_deref()
                .map(|t| format!("  touch: {t}"))
                .unwrap_or_default()
        ));
    }
    out.push_str(&format!(
        "tries left  user PIN {}, reset code {}, admin PIN {}\nuser PIN    {}\nadmin PIN   {}\nsignatures  {}\ncan make    {}{}\n",
        s.pin_retries.user,
        s.pin_retries.reset_code,
        s.pin_retries.admin,
        yes_no(s.default_pins.user),
        yes_no(s.default_pins.admin),
        if s.signature_pin_forced { "PIN asked for each" } else { "PIN asked once" },
        s.algorithms.iter().map(|a| a.name()).collect::<Vec<_>>().join(", "),
        if s.algorithms_listed { "" } else { " (the card does not list its algorithms)" },
    ));
    write_stdout(&out)
}

pub fn status(token: Option<&str>, json: bool) -> Result<ExitCode, String> {
    let (tokens, id) = open(token)?;
    let status = tokens.card(&id).and_then(|c| c.status(&id)).map_err(say)?;
    if json {
        let text = serde_json::to_string_pretty(&status).map_err(|e| e.to_string())?;
        write_stdout(&format!("{text}\n"))?;
    } else {
        print_status(&status)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub struct GenerateArgs<'a> {
    pub token: Option<&'a str>,
    pub algorithm: &'a str,
    pub replace: bool,
    pub name: Option<&'a str>,
    pub url: Option<&'a str>,
    /// When given, the certificate is built and printed afterwards (asks the user PIN).
    pub user_id: Option<&'a str>,
}

pub fn generate(a: &GenerateArgs<'_>) -> Result<ExitCode, String> {
    let algorithm = CardKeyAlgorithm::from_name(a.algorithm).ok_or_else(|| {
        let names: Vec<_> = CardKeyAlgorithm::ALL.iter().map(|x| x.name()).collect();
        format!("unknown algorithm `{}`: one of {}", a.algorithm, names.join(", "))
    })?;
    let (tokens, id) = open(a.token)?;
    let card = tokens.card(&id).map_err(say)?;
    let admin_pin = secret(&format!("Admin PIN of {id}: "))?;
    let made = card
        .generate(
            &id,
            tokens.pins(),
            &Generate {
                admin_pin: &admin_pin,
                algorithm,
                replace: a.replace,
                cardholder_name: a.name,
                url: a.url,
            },
        )
        .map_err(say)?;
    eprintln!(
        "generated on the card ({}):\n  signature       {}\n  decryption      {}\n  authentication  {}",
        algorithm.name(),
        made.signature,
        made.decryption,
        made.authentication
    );
    if let Some(user_id) = a.user_id {
        let pin = secret(&format!(
            "User PIN of {id} (to sign the certificate on the card): "
        ))?;
        tokens.verify_pin(&id, pin, PinPurpose::Sign).map_err(say)?;
        let exported = tokens.export_certificate(&id, Some(user_id));
        tokens.pins().forget(&id);
        let exported = exported.map_err(say)?;
        write_stdout(&exported.armored)?;
        eprintln!("fingerprint: {}", exported.fingerprint);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn change_pin(token: Option<&str>, admin: bool) -> Result<ExitCode, String> {
    let (tokens, id) = open(token)?;
    let card = tokens.card(&id).map_err(say)?;
    let (which, what) = if admin {
        (CardPin::Admin, "admin PIN")
    } else {
        (CardPin::User, "user PIN")
    };
    let old = secret(&format!("Current {what} of {id}: "))?;
    let new = new_secret(what)?;
    let status = card
        .change_pin(&id, tokens.pins(), which, &old, &new)
        .map_err(say)?;
    eprintln!("{what} changed");
    print_status(&status)?;
    Ok(ExitCode::SUCCESS)
}

pub fn set_reset_code(token: Option<&str>) -> Result<ExitCode, String> {
    let (tokens, id) = open(token)?;
    let card = tokens.card(&id).map_err(say)?;
    let admin_pin = secret(&format!("Admin PIN of {id}: "))?;
    let code = new_secret("reset code (8 characters or more)")?;
    let status = card
        .set_reset_code(&id, tokens.pins(), &admin_pin, &code)
        .map_err(say)?;
    eprintln!("reset code set");
    print_status(&status)?;
    Ok(ExitCode::SUCCESS)
}

pub fn unblock(token: Option<&str>, with_admin_pin: bool) -> Result<ExitCode, String> {
    let (tokens, id) = open(token)?;
    let card = tokens.card(&id).map_err(say)?;
    let (with, what) = if with_admin_pin {
        (CardUnblockWith::AdminPin, "Admin PIN")
    } else {
        (CardUnblockWith::ResetCode, "Reset code")
    };
    let given = secret(&format!("{what} of {id}: "))?;
    let new_pin = new_secret("user PIN")?;
    let status = card
        .unblock_pin(&id, tokens.pins(), with, &given, &new_pin)
        .map_err(say)?;
    eprintln!("user PIN set, {} tries", status.pin_retries.user);
    print_status(&status)?;
    Ok(ExitCode::SUCCESS)
}

pub fn factory_reset(token: Option<&str>) -> Result<ExitCode, String> {
    let (tokens, id) = open(token)?;
    let card = tokens.card(&id).map_err(say)?;
    let before = card.status(&id).map_err(say)?;
    eprintln!(
        "A factory reset erases every key on the card {} {} ({}): what was encrypted to them can no longer be decrypted.",
        before.manufacturer,
        before.serial,
        if before.cardholder_name.is_empty() { "no cardholder name" } else { &before.cardholder_name }
    );
    let typed = read_secret(&format!(
        "Type the card's serial ({}) to erase it: ",
        before.serial
    ))?;
    let status = card.factory_reset(&id, tokens.pins(), &typed).map_err(|e| {
        if e.code == ErrorCode::InvalidParams {
            "the serial typed is not this card's: nothing was erased".to_owned()
        } else {
            e.message
        }
    })?;
    eprintln!("the card was reset to its factory state (PINs 123456 / 12345678)");
    print_status(&status)?;
    Ok(ExitCode::SUCCESS)
}
