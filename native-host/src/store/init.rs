//! `store.init`: a store's root folder and its `.gpg-id`, as `pass init`
//! makes them. Only the configured root is ever created or written; an
//! existing `.gpg-id` naming other recipients is never replaced.

use std::fs;
use std::io::ErrorKind;
use std::path::Path;

use tessera_protocol::{excerpt, ErrorBody, ErrorCode};

use super::recipients;
use super::{io_error, Store};
use crate::atomic_file::{self, Access};

/// Checks the `.gpg-id` lines a caller wants: at least one; each a key id,
/// fingerprint or address on one line, without `#` (it would be a comment).
pub fn check_recipients(lines: &[String]) -> Result<(), ErrorBody> {
    let bad = |m: String| ErrorBody::new(ErrorCode::InvalidParams, m);
    if lines.is_empty() {
        return Err(bad("`recipients` is empty: a store needs at least one key".into()));
    }
    for l in lines {
        if l.trim().is_empty() || l.trim() != l || l.len() > 256 {
            return Err(bad(format!(
                "recipient `{}` is empty, padded or too long",
                excerpt(l)
            )));
        }
        if l.chars().any(|c| c.is_control() || c == '#') {
            return Err(bad(format!(
                "recipient `{}` holds a line break, a control character or `#`",
                excerpt(l)
            )));
        }
    }
    Ok(())
}

/// Creates the store's folder (mode 0700) if missing and writes its `.gpg-id`
/// atomically. `Ok(false)`: the `.gpg-id` already named exactly these
/// recipients (compared without regard to case), nothing written.
pub fn init(store: &Store, lines: &[String]) -> Result<bool, ErrorBody> {
    check_recipients(lines)?;
    let _guard = super::write::WRITE_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    if !store.root.is_absolute() {
        return Err(ErrorBody::new(
            ErrorCode::InvalidParams,
            format!("store `{}` has no absolute path", store.name),
        ));
    }
    create_root(&store.root)?;
    let root = store.canonical_root()?;
    let gpg_id = root.join(".gpg-id");
    match fs::symlink_metadata(&gpg_id) {
        Ok(meta) => {
            if !meta.is_file() {
                return Err(ErrorBody::new(
                    ErrorCode::StoreConflict,
                    format!(
                        "store `{}`: {} is not a plain file; Tessera leaves it alone",
                        store.name,
                        gpg_id.display()
                    ),
                ));
            }
            let existing = recipients::read(&root, ".gpg-id")?;
            let same = existing.len() == lines.len()
                && existing.iter().zip(lines).all(|(a, b)| a.eq_ignore_ascii_case(b));
            if same {
                return Ok(false);
            }
            Err(ErrorBody::new(
                ErrorCode::StoreConflict,
                format!(
                    "store `{}` already exists, encrypted to {} (its .gpg-id): Tessera does not change who a store is encrypted to (`pass init` does)",
                    store.name,
                    if existing.is_empty() { "nobody".to_owned() } else { existing.join(", ") }
                ),
            ))
        }
        Err(e) if e.kind() == ErrorKind::NotFound => {
            let mut text = lines.join("\n");
            text.push('\n');
            atomic_file::write(&gpg_id, text.as_bytes(), Access::Private)
                .map_err(|e| io_error(&gpg_id, &e))?;
            Ok(true)
        }
        Err(e) => Err(io_error(&gpg_id, &e)),
    }
}

/// `mkdir -p` of the root, the folders it creates private (0700).
fn create_root(root: &Path) -> Result<(), ErrorBody> {
    if root.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(root).map_err(|e| io_error(root, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(root: &Path) -> Store {
        Store {
            name: "default".into(),
            root: root.to_owned(),
        }
    }

    const FPR: &str = "0F1D3A8E9A3C4E7B5B1C2D3E4F5061728394A5B6";

    #[test]
    fn creates_the_folder_and_its_gpg_id_once() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path().join("nested/.password-store");
        let s = store(&root);
        assert!(init(&s, &[FPR.into()]).expect("created"));
        assert_eq!(
            fs::read_to_string(root.join(".gpg-id")).expect("read"),
            format!("{FPR}\n")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).expect("stat").permissions().mode() & 0o777;
            assert_eq!(mode(&root), 0o700);
            assert_eq!(mode(&root.join(".gpg-id")), 0o600);
        }
        // Again with the same key (any case): nothing to do.
        assert!(!init(&s, &[FPR.to_lowercase()]).expect("same"));
        let names: Vec<_> = fs::read_dir(&root)
            .expect("ls")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, [".gpg-id"], "no temporary file left");
        // A store already encrypted to another key is refused and kept.
        let e = init(&s, &["1A2B3C4D5E6F708192A3B4C5D6E7F80912345678".into()]).expect_err("other key");
        assert_eq!(e.code, ErrorCode::StoreConflict);
        assert!(e.message.contains(FPR), "{}", e.message);
        let e = init(&s, &[FPR.into(), "bob@example.test".into()]).expect_err("more keys");
        assert_eq!(e.code, ErrorCode::StoreConflict);
        assert_eq!(
            fs::read_to_string(root.join(".gpg-id")).expect("read"),
            format!("{FPR}\n")
        );
    }

    #[test]
    fn an_existing_folder_keeps_its_entries() {
        let dir = tempfile::tempdir().expect("tmp");
        fs::write(dir.path().join("site.gpg"), b"x").expect("write");
        assert!(init(&store(dir.path()), &[FPR.into(), "alice@example.test".into()]).expect("created"));
        assert_eq!(
            fs::read_to_string(dir.path().join(".gpg-id")).expect("read"),
            format!("{FPR}\nalice@example.test\n")
        );
        assert_eq!(fs::read(dir.path().join("site.gpg")).expect("kept"), b"x");
    }

    #[test]
    fn bad_recipients_and_odd_gpg_ids_are_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        let s = store(dir.path());
        for bad in [
            vec![],
            vec![String::new()],
            vec!["A\nB".into()],
            vec!["A # c".into()],
            vec![" A".into()],
        ] {
            assert_eq!(
                init(&s, &bad).expect_err("bad").code,
                ErrorCode::InvalidParams,
                "{bad:?}"
            );
        }
        assert!(!dir.path().join(".gpg-id").exists());
        fs::create_dir(dir.path().join(".gpg-id")).expect("a folder named .gpg-id");
        assert_eq!(
            init(&s, &[FPR.into()]).expect_err("folder").code,
            ErrorCode::StoreConflict
        );
        #[cfg(unix)]
        {
            let other = tempfile::tempdir().expect("tmp");
            fs::write(other.path().join("elsewhere"), "KEY\n").expect("write");
            let s2 = tempfile::tempdir().expect("tmp");
            std::os::unix::fs::symlink(other.path().join("elsewhere"), s2.path().join(".gpg-id"))
                .expect("ln");
            assert_eq!(
                init(&store(s2.path()), &[FPR.into()]).expect_err("link").code,
                ErrorCode::StoreConflict
            );
            assert_eq!(
                fs::read_to_string(other.path().join("elsewhere")).expect("read"),
                "KEY\n"
            );
        }
        let e = init(&store(Path::new("relative/store")), &[FPR.into()]).expect_err("relative");
        assert_eq!(e.code, ErrorCode::InvalidParams);
    }
}
