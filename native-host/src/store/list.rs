//! `store.list`: every entry's name, never its content.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use tessera_protocol::store::{StoreEntry, StoreProblem};
use tessera_protocol::ErrorCode;

use super::{recipients, Store};

/// Folders nested deeper than this are not walked: an entry below them would
/// have more components than a request may name (`path::MAX_COMPONENTS`).
const MAX_DEPTH: usize = super::path::MAX_COMPONENTS - 1;

/// Lists one store's entries, sorted by path. Problems (unreadable folders,
/// non-UTF-8 names, links out of the store) are reported and skipped.
pub fn list(store: &Store, entries: &mut Vec<StoreEntry>, problems: &mut Vec<StoreProblem>) {
    let root = match store.canonical_root() {
        Ok(r) => r,
        Err(e) => {
            problems.push(StoreProblem {
                store: store.name.clone(),
                code: e.code,
                message: e.message,
            });
            return;
        }
    };
    let mut found = Vec::new();
    let mut seen = HashSet::from([root.clone()]);
    let mut walk = Walk {
        store,
        root: &root,
        problems,
        seen: &mut seen,
    };
    walk.dir(&root, &mut Vec::new(), &mut found);
    found.sort();
    for logical in found {
        let dirs: Vec<&str> = logical[..logical.len() - 1].iter().map(String::as_str).collect();
        entries.push(StoreEntry {
            store: store.name.clone(),
            path: logical.join("/"),
            recipients_file: recipients::nearest(&root, &dirs),
        });
    }
}

struct Walk<'a> {
    store: &'a Store,
    root: &'a Path,
    problems: &'a mut Vec<StoreProblem>,
    seen: &'a mut HashSet<PathBuf>,
}

impl Walk<'_> {
    fn problem(&mut self, code: ErrorCode, message: String) {
        self.problems.push(StoreProblem {
            store: self.store.name.clone(),
            code,
            message,
        });
    }

    fn dir(&mut self, dir: &Path, logical: &mut Vec<String>, found: &mut Vec<Vec<String>>) {
        if logical.len() > MAX_DEPTH {
            self.problem(
                ErrorCode::StoreIo,
                format!("{} is nested too deep; not listed", dir.display()),
            );
            return;
        }
        let reader = match fs::read_dir(dir) {
            Ok(r) => r,
            Err(e) => {
                self.problem(ErrorCode::StoreIo, format!("cannot list {}: {e}", dir.display()));
                return;
            }
        };
        for item in reader {
            let item = match item {
                Ok(i) => i,
                Err(e) => {
                    self.problem(ErrorCode::StoreIo, format!("cannot list {}: {e}", dir.display()));
                    continue;
                }
            };
            let path = item.path();
            let Some(name) = item.file_name().to_str().map(str::to_owned) else {
                self.problem(
                    ErrorCode::StoreIo,
                    format!("{} is not a UTF-8 name; not listed", path.display()),
                );
                continue;
            };
            if name.starts_with('.') {
                continue; // .git, .gpg-id, .extensions, temporary files
            }
            let Ok(kind) = item.file_type() else { continue };
            let (is_dir, is_file, real) = if kind.is_symlink() {
                match fs::canonicalize(&path) {
                    Ok(t) if t.starts_with(self.root) => (t.is_dir(), t.is_file(), t),
                    _ => {
                        self.problem(
                            ErrorCode::InvalidParams,
                            format!(
                                "{} is a symbolic link out of the store; not followed",
                                path.display()
                            ),
                        );
                        continue;
                    }
                }
            } else {
                (kind.is_dir(), kind.is_file(), path.clone())
            };
            if is_dir {
                if !self.seen.insert(real.clone()) {
                    continue; // a link back to a folder already walked
                }
                logical.push(name);
                self.dir(&real, logical, found);
                logical.pop();
            } else if is_file {
                if let Some(stem) = name.strip_suffix(".gpg").filter(|s| !s.is_empty()) {
                    let mut entry = logical.clone();
                    entry.push(stem.to_owned());
                    found.push(entry);
                }
            }
        }
    }
}
