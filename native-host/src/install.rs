//! `tessera-host install` / `uninstall`: registers the host with browsers.
//!
//! Where each browser looks (per OS, per scope, and the Windows registry) comes
//! from the `native_messaging` crate's table; what the file says comes from
//! our templates in `manifest/`, embedded here so the binary is self-contained.

use std::fs;
use std::path::{Path, PathBuf};

/// Whose browsers a manifest is for: this user, or every user of the machine.
pub use native_messaging::Scope;
use serde_json::Value;
use tessera_protocol::HOST_NAME;

use crate::atomic_file::{self, Access};

pub const CHROMIUM_TEMPLATE: &str = include_str!("../../manifest/chromium-host.json");
pub const FIREFOX_TEMPLATE: &str = include_str!("../../manifest/firefox-host.json");

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Browser {
    Chromium,
    Chrome,
    Brave,
    Edge,
    Vivaldi,
    Firefox,
    All,
}

impl Browser {
    pub const EACH: [Browser; 6] = [
        Browser::Chromium,
        Browser::Chrome,
        Browser::Brave,
        Browser::Edge,
        Browser::Vivaldi,
        Browser::Firefox,
    ];

    pub fn expand(self) -> Vec<Browser> {
        if self == Browser::All {
            Self::EACH.to_vec()
        } else {
            vec![self]
        }
    }

    /// The key of this browser in `native_messaging`'s path table.
    pub fn key(self) -> &'static str {
        match self {
            Browser::Chromium => "chromium",
            Browser::Chrome => "chrome",
            Browser::Brave => "brave",
            Browser::Edge => "edge",
            Browser::Vivaldi => "vivaldi",
            Browser::Firefox | Browser::All => "firefox",
        }
    }

    pub fn is_firefox(self) -> bool {
        self == Browser::Firefox
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error("cannot find the tessera-host binary's own path: {0}")]
    OwnPath(std::io::Error),
    #[error("the host path {0} is not valid UTF-8; move tessera-host to a plain path")]
    NonUtf8Path(PathBuf),
    #[error("{browser}: no known manifest location for this OS and scope ({reason})")]
    NoLocation { browser: &'static str, reason: String },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot remove the manifest for {browser}: {source}")]
    Remove {
        browser: &'static str,
        source: std::io::Error,
    },
    #[error("the embedded manifest template is broken: {0}")]
    Template(String),
}

/// The manifest text for `browser`, pointing at `exe`.
pub fn render(browser: Browser, exe: &Path) -> Result<String, InstallError> {
    let template = if browser.is_firefox() {
        FIREFOX_TEMPLATE
    } else {
        CHROMIUM_TEMPLATE
    };
    let mut value: Value =
        serde_json::from_str(template).map_err(|e| InstallError::Template(e.to_string()))?;
    let path = exe
        .to_str()
        .ok_or_else(|| InstallError::NonUtf8Path(exe.to_owned()))?;
    let object = value
        .as_object_mut()
        .ok_or_else(|| InstallError::Template("not a JSON object".into()))?;
    object.insert("path".into(), Value::String(path.to_owned()));
    serde_json::to_string_pretty(&value).map_err(|e| InstallError::Template(e.to_string()))
}

pub fn own_exe() -> Result<PathBuf, InstallError> {
    let exe = std::env::current_exe().map_err(InstallError::OwnPath)?;
    // Browsers run the path as written: resolve symlinks so the manifest keeps
    // working if a symlink in between is removed.
    Ok(fs::canonicalize(&exe).unwrap_or(exe))
}

pub fn default_location(browser: Browser, scope: Scope) -> Result<PathBuf, InstallError> {
    native_messaging::manifest_path(browser.key(), scope, HOST_NAME).map_err(|e| InstallError::NoLocation {
        browser: browser.key(),
        reason: e.to_string(),
    })
}

/// Writes the manifest for `browser`; returns where. `dir` overrides the
/// browser's default location (a Chromium `--user-data-dir`, a test profile).
pub fn install(
    browser: Browser,
    scope: Scope,
    dir: Option<&Path>,
    exe: &Path,
) -> Result<PathBuf, InstallError> {
    let text = render(browser, exe)?;
    let path = match dir {
        Some(dir) => dir.join(format!("{HOST_NAME}.json")),
        None => default_location(browser, scope)?,
    };
    atomic_file::write(&path, text.as_bytes(), Access::Shared).map_err(|source| InstallError::Write {
        path: path.clone(),
        source,
    })?;
    #[cfg(windows)]
    if dir.is_none() {
        // Windows browsers find the manifest through a registry key; the crate
        // writes both the file (same content) and the key.
        native_messaging::install(
            HOST_NAME,
            "Tessera: OpenPGP token bridge for the Tessera extension",
            exe,
            &[tessera_protocol::chromium_origin()],
            &[tessera_protocol::FIREFOX_EXTENSION_ID.to_owned()],
            &[browser.key()],
            scope,
        )
        .map_err(|source| InstallError::Write {
            path: path.clone(),
            source,
        })?;
    }
    Ok(path)
}

pub fn uninstall(browser: Browser, scope: Scope, dir: Option<&Path>) -> Result<Vec<PathBuf>, InstallError> {
    match dir {
        Some(dir) => {
            let path = dir.join(format!("{HOST_NAME}.json"));
            match fs::remove_file(&path) {
                Ok(()) => Ok(vec![path]),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(vec![]),
                Err(source) => Err(InstallError::Remove {
                    browser: browser.key(),
                    source,
                }),
            }
        }
        None => {
            let existing: Vec<PathBuf> = native_messaging::manifest_paths(browser.key(), scope, HOST_NAME)
                .map(|paths| paths.into_iter().filter(|p| p.exists()).collect())
                .unwrap_or_default();
            native_messaging::remove(HOST_NAME, &[browser.key()], scope).map_err(|source| {
                InstallError::Remove {
                    browser: browser.key(),
                    source,
                }
            })?;
            Ok(existing)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_name_the_ids_the_protocol_crate_defines() {
        let c: Value = serde_json::from_str(CHROMIUM_TEMPLATE).expect("chromium template is JSON");
        assert_eq!(c["name"], HOST_NAME);
        assert_eq!(c["type"], "stdio");
        assert_eq!(
            c["allowed_origins"],
            serde_json::json!([tessera_protocol::chromium_origin()])
        );
        let f: Value = serde_json::from_str(FIREFOX_TEMPLATE).expect("firefox template is JSON");
        assert_eq!(f["name"], HOST_NAME);
        assert_eq!(
            f["allowed_extensions"],
            serde_json::json!([tessera_protocol::FIREFOX_EXTENSION_ID])
        );
    }

    #[test]
    fn install_into_a_dir_writes_the_exe_path_and_uninstall_removes_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let exe = Path::new("/opt/tessera/bin/tessera-host");
        let path = install(Browser::Chromium, Scope::User, Some(dir.path()), exe).expect("install");
        assert_eq!(path, dir.path().join("org.tessera.host.json"));
        let v: Value = serde_json::from_str(&fs::read_to_string(&path).expect("read")).expect("json");
        assert_eq!(v["path"], "/opt/tessera/bin/tessera-host");
        assert_eq!(
            uninstall(Browser::Chromium, Scope::User, Some(dir.path())).expect("uninstall"),
            vec![path.clone()]
        );
        assert!(!path.exists());
        assert!(uninstall(Browser::Chromium, Scope::User, Some(dir.path()))
            .expect("idempotent")
            .is_empty());
    }

    #[test]
    fn default_user_locations_follow_home() {
        // HOME is read when the path is resolved; point it at a temp dir.
        let home = tempfile::tempdir().expect("tempdir");
        let old = std::env::var_os("HOME");
        std::env::set_var("HOME", home.path());
        let chromium = default_location(Browser::Chromium, Scope::User);
        let firefox = default_location(Browser::Firefox, Scope::User);
        match old {
            Some(h) => std::env::set_var("HOME", h),
            None => std::env::remove_var("HOME"),
        }
        if cfg!(target_os = "linux") {
            assert_eq!(
                chromium.expect("chromium"),
                home.path()
                    .join(".config/chromium/NativeMessagingHosts/org.tessera.host.json")
            );
            assert_eq!(
                firefox.expect("firefox"),
                home.path()
                    .join(".mozilla/native-messaging-hosts/org.tessera.host.json")
            );
        }
    }
}
