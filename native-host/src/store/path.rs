//! Entry paths: what a request may name, and where that is on disk. A path
//! never leaves its store, neither by `..`, nor by an absolute path, nor
//! through a symbolic link that points outside.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use tessera_protocol::{ErrorBody, ErrorCode};

use super::io_error;

fn bad(message: String) -> ErrorBody {
    ErrorBody::new(ErrorCode::InvalidParams, message)
}

/// Checks an entry path from a request and returns its components.
pub fn components(path: &str) -> Result<Vec<&str>, ErrorBody> {
    if path.is_empty() {
        return Err(bad("entry path is empty".into()));
    }
    if path.starts_with('/') {
        return Err(bad(format!(
            "entry path `{path}` is absolute: paths are relative to the store"
        )));
    }
    if path.contains('\\') || path.contains('\0') {
        return Err(bad(format!(
            "entry path `{}` has a backslash or NUL",
            path.escape_debug()
        )));
    }
    let parts: Vec<&str> = path.split('/').collect();
    for part in &parts {
        match *part {
            "" => return Err(bad(format!("entry path `{path}` has an empty component"))),
            ".." => {
                return Err(bad(format!(
                    "entry path `{path}` has a `..` component: paths stay inside the store"
                )))
            }
            p if p.starts_with('.') => {
                return Err(bad(format!(
                    "entry path `{path}` has a hidden component `{p}` (`.git`, `.gpg-id` and the like are not entries)"
                )))
            }
            _ => {}
        }
    }
    Ok(parts)
}

/// Resolves a folder inside the store, component by component. A symbolic link
/// is followed only when its target is inside `root` (canonical). With `create`,
/// missing folders are made (0700); without it, a missing folder is `None`.
pub fn resolve_dir(root: &Path, dirs: &[&str], create: bool) -> Result<Option<PathBuf>, ErrorBody> {
    let mut current = root.to_path_buf();
    for part in dirs {
        let next = current.join(part);
        match fs::symlink_metadata(&next) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::canonicalize(&next).map_err(|e| io_error(&next, &e))?;
                if !target.starts_with(root) {
                    return Err(bad(format!(
                        "{} is a symbolic link out of the store: Tessera does not follow it",
                        next.display()
                    )));
                }
                if !target.is_dir() {
                    return Err(bad(format!("{} is not a folder", next.display())));
                }
                current = target;
            }
            Ok(m) if m.is_dir() => current = next,
            Ok(_) => return Err(bad(format!("{} is not a folder", next.display()))),
            Err(e) if e.kind() == ErrorKind::NotFound => {
                if !create {
                    return Ok(None);
                }
                make_dir(&next)?;
                current = next;
            }
            Err(e) => return Err(io_error(&next, &e)),
        }
    }
    Ok(Some(current))
}

fn make_dir(path: &Path) -> Result<(), ErrorBody> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    match builder.create(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::AlreadyExists && path.is_dir() => Ok(()),
        Err(e) => Err(io_error(path, &e)),
    }
}

/// Where an entry lives: its folder (canonical, inside the store) and file.
#[derive(Debug)]
pub struct EntryLocation {
    pub dir: PathBuf,
    pub file: PathBuf,
    pub file_name: String,
}

/// Locates `path` (no `.gpg`) in the store whose canonical root is `root`.
/// `None` when a folder on the way does not exist and `create` is false.
pub fn locate(root: &Path, path: &str, create: bool) -> Result<Option<EntryLocation>, ErrorBody> {
    let parts = components(path)?;
    let (name, dirs) = parts
        .split_last()
        .expect("components() never returns an empty list");
    let Some(dir) = resolve_dir(root, dirs, create)? else {
        return Ok(None);
    };
    let file_name = format!("{name}.gpg");
    let file = dir.join(&file_name);
    if let Ok(m) = fs::symlink_metadata(&file) {
        if m.file_type().is_symlink() {
            match fs::canonicalize(&file) {
                Ok(t) if t.starts_with(root) => {}
                _ => {
                    return Err(bad(format!(
                        "{} is a symbolic link out of the store: Tessera does not follow it",
                        file.display()
                    )))
                }
            }
        }
    }
    Ok(Some(EntryLocation { dir, file, file_name }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_and_odd_paths_are_refused() {
        for p in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "a/",
            ".git/config",
            "a/.gpg-id",
            ".",
            "a\\..\\b",
            "a\0b",
        ] {
            let e = components(p).expect_err(p);
            assert_eq!(e.code, ErrorCode::InvalidParams, "{p}");
        }
        assert_eq!(
            components("work/console.example.test").expect("ok"),
            ["work", "console.example.test"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_store_are_refused() {
        let outside = tempfile::tempdir().expect("tmp");
        std::fs::write(outside.path().join("secret.gpg"), b"x").expect("write");
        let store = tempfile::tempdir().expect("tmp");
        let root = fs::canonicalize(store.path()).expect("canon");
        std::os::unix::fs::symlink(outside.path(), root.join("out")).expect("link");
        std::os::unix::fs::symlink(outside.path().join("secret.gpg"), root.join("leak.gpg")).expect("link");
        fs::create_dir(root.join("in")).expect("mkdir");
        std::os::unix::fs::symlink(root.join("in"), root.join("alias")).expect("link");
        assert_eq!(
            locate(&root, "out/secret", false).expect_err("out").code,
            ErrorCode::InvalidParams
        );
        assert_eq!(
            locate(&root, "leak", false).expect_err("leak").code,
            ErrorCode::InvalidParams
        );
        let inside = locate(&root, "alias/x", false).expect("inside").expect("exists");
        assert_eq!(inside.dir, root.join("in"));
        assert!(locate(&root, "missing/x", false).expect("ok").is_none());
    }
}
