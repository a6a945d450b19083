//! `tessera-host doctor`: checks everything between the browser and the card,
//! and says for each problem what to do.

use std::path::Path;

use native_messaging::Scope;
use serde_json::Value;
use tessera_protocol::{chromium_origin, FIREFOX_EXTENSION_ID, HOST_NAME};

use crate::config::Config;
#[cfg(test)]
use crate::install;
use crate::install::Browser;
use crate::token::card::CardBackend;
use crate::token::soft::SoftBackend;
use crate::token::{TokenBackend, TokenError};

/// One line of the report.
#[derive(Debug, PartialEq, Eq)]
pub enum Finding {
    Ok(String),
    Info(String),
    /// Worth fixing, but Tessera works: e.g. no pcscd while the soft token is usable.
    Warning {
        what: String,
        fix: String,
    },
    /// Tessera cannot work until it is fixed.
    Problem {
        what: String,
        fix: String,
    },
}

pub fn run(config: &Config, exe: &Path) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut registered = 0;
    for browser in Browser::EACH {
        for scope in [Scope::User, Scope::System] {
            let Ok(paths) = native_messaging::manifest_paths(browser.key(), scope, HOST_NAME) else {
                continue;
            };
            for path in paths.into_iter().filter(|p| p.exists()) {
                let findings = check_manifest(browser, &path, exe);
                if findings.iter().all(|f| matches!(f, Finding::Ok(_))) {
                    registered += 1;
                }
                out.extend(findings);
            }
        }
    }
    if registered == 0 {
        out.push(Finding::Problem {
            what: "tessera-host is not registered with any browser".into(),
            fix: "run `tessera-host install` (all browsers, this user) or `tessera-host install --browser chromium`".into(),
        });
    }

    let cards = CardBackend::default().list();
    let soft = SoftBackend::new(config.soft_token_path()).list();
    // A card problem stops nothing while another token is usable: a soft-token
    // user without pcscd is warned, not told that Tessera is broken.
    let other_usable = !soft.tokens.is_empty();
    for problem in &cards.problems {
        let fix = match problem {
            TokenError::PcscUnavailable(_) => {
                "install and start pcscd (Debian/Ubuntu: `apt install pcscd`, then `systemctl start pcscd.socket`); the soft token still works without it"
            }
            _ => "re-insert the card; if it persists, check it with `gpg --card-status`",
        };
        let (what, fix) = (problem.to_string(), fix.to_string());
        out.push(if other_usable {
            Finding::Warning { what, fix }
        } else {
            Finding::Problem { what, fix }
        });
    }
    for token in &cards.tokens {
        out.push(Finding::Ok(format!(
            "card {} in `{}`, cardholder {}",
            token.serial,
            token.reader.as_deref().unwrap_or("?"),
            token.cardholder.as_deref().unwrap_or("(not set)")
        )));
    }
    if cards.problems.is_empty() && cards.tokens.is_empty() {
        out.push(Finding::Info(
            "pcscd is reachable but no OpenPGP card is present".into(),
        ));
    }

    for problem in &soft.problems {
        out.push(Finding::Problem {
            what: problem.to_string(),
            fix: "move the file aside and create a new soft token with `tessera-host soft-token init`".into(),
        });
    }
    if cards.tokens.is_empty() && soft.tokens.is_empty() {
        out.push(Finding::Problem {
            what: "no usable token: no OpenPGP card is present and there is no soft token".into(),
            fix: "insert your OpenPGP card, or create a soft token with `tessera-host soft-token init`"
                .into(),
        });
    }
    match soft.tokens.first() {
        Some(t) => out.push(Finding::Ok(format!(
            "soft token {} at {}",
            t.serial,
            config.soft_token_path().display()
        ))),
        None if soft.problems.is_empty() => out.push(Finding::Info(format!(
            "no soft token at {} (create one with `tessera-host soft-token init`)",
            config.soft_token_path().display()
        ))),
        None => {}
    }
    out
}

fn check_manifest(browser: Browser, path: &Path, exe: &Path) -> Vec<Finding> {
    let name = browser.key();
    let shown = path.display();
    let reinstall = format!("run `tessera-host install --browser {name}`");
    let problem = |what: String| Finding::Problem {
        what,
        fix: reinstall.clone(),
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return vec![problem(format!("{name}: cannot read {shown}: {e}"))],
    };
    let v: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => return vec![problem(format!("{name}: {shown} is not valid JSON: {e}"))],
    };
    let mut out = Vec::new();
    if v["name"] != HOST_NAME || v["type"] != "stdio" {
        out.push(problem(format!(
            "{name}: {shown} does not describe {HOST_NAME} as a stdio host"
        )));
    }
    let allowed_ok = if browser.is_firefox() {
        v["allowed_extensions"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == FIREFOX_EXTENSION_ID))
    } else {
        v["allowed_origins"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| *x == chromium_origin()))
    };
    if !allowed_ok {
        out.push(problem(format!(
            "{name}: {shown} does not allow Tessera's extension ID"
        )));
    }
    match v["path"].as_str() {
        None => out.push(problem(format!("{name}: {shown} has no host path"))),
        Some(p) if !is_executable(Path::new(p)) => out.push(problem(format!(
            "{name}: {shown} points to {p}, which is missing or not executable"
        ))),
        Some(p) if Path::new(p) != exe => out.push(Finding::Info(format!(
            "{name}: {shown} points to {p}, not to this binary ({})",
            exe.display()
        ))),
        Some(_) => {}
    }
    if out.is_empty() {
        out.push(Finding::Ok(format!("{name}: registered in {shown}")));
    }
    out
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// Prints the report; true when nothing stops Tessera from working (warnings allowed).
pub fn print(findings: &[Finding]) -> bool {
    for f in findings {
        match f {
            Finding::Ok(m) => println!("ok       {m}"),
            Finding::Info(m) => println!("note     {m}"),
            Finding::Warning { what, fix } => println!("warning  {what}\n         fix: {fix}"),
            Finding::Problem { what, fix } => println!("PROBLEM  {what}\n         fix: {fix}"),
        }
    }
    healthy(findings)
}

/// Warnings do not count: only a problem makes `doctor` exit non-zero.
pub fn healthy(findings: &[Finding]) -> bool {
    !findings.iter().any(|f| matches!(f, Finding::Problem { .. }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_checks_catch_wrong_id_and_missing_binary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let exe = std::env::current_exe().expect("test binary path");
        let good = install::install(Browser::Chromium, Scope::User, Some(dir.path()), &exe).expect("install");
        assert!(matches!(
            check_manifest(Browser::Chromium, &good, &exe).as_slice(),
            [Finding::Ok(_)]
        ));

        let text = std::fs::read_to_string(&good)
            .expect("read")
            .replace(tessera_protocol::CHROMIUM_EXTENSION_ID, "abc");
        std::fs::write(&good, text).expect("write");
        assert!(check_manifest(Browser::Chromium, &good, &exe)
            .iter()
            .any(|f| matches!(f, Finding::Problem { what, .. } if what.contains("extension ID"))));

        let missing = install::install(
            Browser::Firefox,
            Scope::User,
            Some(dir.path()),
            Path::new("/nonexistent/tessera-host"),
        )
        .expect("install");
        assert!(check_manifest(Browser::Firefox, &missing, &exe).iter().any(
            |f| matches!(f, Finding::Problem { what, .. } if what.contains("missing or not executable"))
        ));
    }

    #[test]
    fn a_soft_token_user_without_pcscd_is_warned_and_healthy() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).expect("data dir");
        let config = Config {
            max_request_bytes: tessera_protocol::DEFAULT_MAX_REQUEST_BYTES,
            data_dir: data,
            pin_cache: std::time::Duration::ZERO,
        };
        let exe = std::env::current_exe().expect("test binary path");
        // No pcscd socket here: the card backend reports it unreachable.
        std::env::set_var("PCSCLITE_CSOCK_NAME", dir.path().join("no-pcscd.comm"));
        let without_token = run(&config, &exe);
        assert!(without_token
            .iter()
            .any(|f| matches!(f, Finding::Problem { what, .. } if what.contains("no usable token"))));
        assert!(!healthy(&without_token));

        let passphrase = zeroize::Zeroizing::new("correct horse battery staple 42".to_string());
        crate::token::soft::init(
            &config.soft_token_path(),
            "Alice <alice@example.test>",
            &passphrase,
        )
        .expect("soft token");
        let with_soft = run(&config, &exe);
        let pcsc: Vec<&Finding> = with_soft
            .iter()
            .filter(|f| matches!(f, Finding::Warning { what, .. } | Finding::Problem { what, .. } if what.contains("pcscd")))
            .collect();
        assert!(
            matches!(pcsc.as_slice(), [Finding::Warning { .. }]),
            "pcscd absent is a warning beside a usable soft token: {with_soft:?}"
        );
        assert!(!with_soft
            .iter()
            .any(|f| matches!(f, Finding::Problem { what, .. } if what.contains("token"))));
    }
}
