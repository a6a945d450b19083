//! `pass`-compatible password stores: which stores exist, where an entry's file
//! is, who its recipients are, and how a new version reaches the disk. Only
//! ciphertext passes through here; the wasm core decrypts and encrypts.

pub mod init;
pub mod list;
pub mod path;
pub mod recipients;
pub mod write;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tessera_protocol::{excerpt, ErrorBody, ErrorCode};

/// `store.read` refuses larger entries: base64 of this plus the JSON around it
/// stays under the browser's 1 MiB reply limit.
pub const MAX_READ_BYTES: u64 = 512 * 1024;

/// A configured store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    pub name: String,
    pub root: PathBuf,
}

/// Every configured store, plus what was wrong with the configuration.
#[derive(Debug, Clone, Default)]
pub struct Stores {
    pub stores: Vec<Store>,
    /// (store name, message) for `TESSERA_STORES` items that were skipped.
    pub config_problems: Vec<(String, String)>,
}

impl Stores {
    /// `default` from `PASSWORD_STORE_DIR` (else `~/.password-store`), then
    /// `TESSERA_STORES` (`name=/path` or `/path`, colon-separated), else the
    /// file `~/.config/tessera/stores` (`TESSERA_STORES_FILE` overrides the
    /// path): one `name=/path` a line, `#` comments. The browser starts the
    /// host with its own environment, so the file is how a user adds stores
    /// without changing how the browser is launched.
    pub fn from_env() -> Self {
        let default_root = match std::env::var_os("PASSWORD_STORE_DIR") {
            Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
            _ => dirs::home_dir().map(|h| h.join(".password-store")),
        };
        if let Ok(list) = std::env::var("TESSERA_STORES") {
            return Self::from_parts(default_root, Some(&list));
        }
        let file = match std::env::var_os("TESSERA_STORES_FILE") {
            Some(f) if !f.is_empty() => Some(PathBuf::from(f)),
            _ => dirs::config_dir().map(|c| c.join("tessera").join("stores")),
        };
        match file.map(|f| (std::fs::read_to_string(&f), f)) {
            Some((Ok(text), _)) => Self::from_items(default_root, stores_file_items(&text)),
            Some((Err(e), f)) if e.kind() != std::io::ErrorKind::NotFound => {
                let mut out = Self::from_parts(default_root, None);
                out.config_problems
                    .push((String::new(), format!("cannot read {}: {e}", f.display())));
                out
            }
            _ => Self::from_parts(default_root, None),
        }
    }

    pub fn from_parts(default_root: Option<PathBuf>, extra: Option<&str>) -> Self {
        Self::from_items(
            default_root,
            extra
                .unwrap_or("")
                .split(':')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect(),
        )
    }

    fn from_items(default_root: Option<PathBuf>, items: Vec<&str>) -> Self {
        let mut out = Stores::default();
        if let Some(root) = default_root {
            out.stores.push(Store {
                name: "default".into(),
                root,
            });
        }
        for item in items {
            let (name, root) = match item.split_once('=') {
                Some((n, p)) => (n.trim().to_owned(), PathBuf::from(p.trim())),
                None => {
                    let root = PathBuf::from(item);
                    let name = root
                        .file_name()
                        .map(|n| n.to_string_lossy().trim_start_matches('.').to_owned())
                        .unwrap_or_default();
                    (name, root)
                }
            };
            if name.is_empty() || !root.is_absolute() {
                out.config_problems.push((
                    name,
                    format!("store item `{item}` (TESSERA_STORES or the stores file) needs an absolute path and a name (`name=/path`)"),
                ));
            } else if out.stores.iter().any(|s| s.name == name) {
                out.config_problems.push((
                    name.clone(),
                    format!("the stores list names `{name}` twice (or it clashes with `default`); `{item}` is ignored"),
                ));
            } else {
                out.stores.push(Store { name, root });
            }
        }
        out
    }

    pub fn get(&self, name: &str) -> Result<&Store, ErrorBody> {
        self.stores.iter().find(|s| s.name == name).ok_or_else(|| {
            let names: Vec<&str> = self.stores.iter().map(|s| s.name.as_str()).collect();
            ErrorBody::new(
                ErrorCode::StoreNotFound,
                format!(
                    "no password store is named `{}`; stores: {}",
                    excerpt(name),
                    names.join(", ")
                ),
            )
        })
    }
}

impl Store {
    /// The canonical root; `store_not_found` when the folder is missing.
    pub fn canonical_root(&self) -> Result<PathBuf, ErrorBody> {
        match std::fs::canonicalize(&self.root) {
            Ok(p) if p.is_dir() => Ok(p),
            Ok(p) => Err(ErrorBody::new(
                ErrorCode::StoreNotFound,
                format!("store `{}`: {} is not a folder", self.name, p.display()),
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(ErrorBody::new(
                ErrorCode::StoreNotFound,
                format!("store `{}`: {} does not exist", self.name, self.root.display()),
            )),
            Err(e) => Err(io_error(&self.root, &e)),
        }
    }
}

/// The stores file's items: one a line, `#` starts a comment, blank lines skipped.
fn stores_file_items(text: &str) -> Vec<&str> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .collect()
}

pub fn io_error(path: &Path, e: &std::io::Error) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::StoreIo,
        format!("cannot access {}: {e}", path.display()),
    )
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(64);
    for b in Sha256::digest(bytes) {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_from_env_values() {
        let s = Stores::from_parts(
            Some("/home/a/.password-store".into()),
            Some("team=/srv/team:/srv/other::relative:default=/x:/srv/other"),
        );
        let names: Vec<&str> = s.stores.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["default", "team", "other"]);
        assert_eq!(s.config_problems.len(), 3, "{:?}", s.config_problems);
        assert_eq!(s.get("nope").expect_err("missing").code, ErrorCode::StoreNotFound);
    }

    #[test]
    fn stores_file_lines_may_hold_colons_and_comments() {
        let text = "# my stores\nteam=/srv/team store\n\n  ops = /srv/a:b  # colon in a path\nrelative\n";
        let s = Stores::from_items(Some("/h/.password-store".into()), stores_file_items(text));
        let got: Vec<(&str, &str)> = s
            .stores
            .iter()
            .map(|s| (s.name.as_str(), s.root.to_str().unwrap_or("")))
            .collect();
        assert_eq!(
            got,
            [
                ("default", "/h/.password-store"),
                ("team", "/srv/team store"),
                ("ops", "/srv/a:b")
            ]
        );
        assert_eq!(s.config_problems.len(), 1, "{:?}", s.config_problems);
    }

    #[test]
    fn sha256_is_lower_hex() {
        assert_eq!(
            sha256_hex(b"test"),
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
        );
    }
}
