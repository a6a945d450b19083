//! A new version of an entry reaches the disk whole or not at all: temporary
//! file in the entry's folder, fsync, check the version it replaces, rename,
//! fsync the folder.

use std::fs;
use std::io::ErrorKind;
use std::path::Path;
use std::sync::Mutex;

use tessera_protocol::{ErrorBody, ErrorCode};

use super::path::{locate, remove_created, EntryLocation};
use super::{io_error, sha256_hex};
use crate::atomic_file::{Access, StagedFile};

/// Writes from this host are serialised, so the check of `expect_previous`
/// and the rename cannot interleave with another request's.
pub(super) static WRITE_LOCK: Mutex<()> = Mutex::new(());

const TMP_MARK: &str = ".tessera-tmp-";

/// Writes the entry at `path` (checked by [`components`](super::path::components))
/// in the store whose canonical root is `root`: makes its missing folders, then
/// [`replace`]s it. When the write fails the folders it made are taken away
/// again, so a refused or failed write leaves the store as it was. Folder
/// creation runs under the write lock too: another write cannot start using a
/// folder that this one is about to remove.
pub fn write_entry(
    root: &Path,
    path: &str,
    display: &str,
    bytes: &[u8],
    expect_previous: Option<&str>,
) -> Result<String, ErrorBody> {
    let _guard = WRITE_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let loc = locate(root, path, true)?
        .ok_or_else(|| ErrorBody::new(ErrorCode::Internal, "folder creation reported nothing"))?;
    let written = replace_locked(&loc, display, bytes, expect_previous);
    if written.is_err() {
        remove_created(&loc.created);
    }
    written
}

/// Replaces (or creates) the entry at `loc` with `bytes` if its current
/// content hashes to `expect_previous` (`None`: it must not exist).
/// Returns the SHA-256 of what was written.
pub fn replace(
    loc: &EntryLocation,
    display: &str,
    bytes: &[u8],
    expect_previous: Option<&str>,
) -> Result<String, ErrorBody> {
    let _guard = WRITE_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    replace_locked(loc, display, bytes, expect_previous)
}

fn replace_locked(
    loc: &EntryLocation,
    display: &str,
    bytes: &[u8],
    expect_previous: Option<&str>,
) -> Result<String, ErrorBody> {
    remove_stale_temporaries(&loc.dir, &loc.file_name);
    // Check before the (possibly long) write, and again just before the rename.
    check_previous(loc, display, expect_previous)?;
    let temp_name = format!(
        ".{}{TMP_MARK}{}-{}",
        loc.file_name,
        std::process::id(),
        rand::random::<u32>()
    );
    let staged = StagedFile::write(&loc.file, &temp_name, bytes, Access::Private)
        .map_err(|e| io_error(&loc.dir.join(&temp_name), &e))?;
    // Dropping `staged` on a conflict removes the temporary file.
    check_previous(loc, display, expect_previous)?;
    staged.commit().map_err(|e| io_error(&loc.file, &e))?;
    Ok(sha256_hex(bytes))
}

fn check_previous(loc: &EntryLocation, display: &str, expect: Option<&str>) -> Result<(), ErrorBody> {
    let current = match fs::read(&loc.file) {
        Ok(bytes) => Some(sha256_hex(&bytes)),
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        // An entry we cannot read cannot be checked: never replace it.
        Err(e) => return Err(io_error(&loc.file, &e)),
    };
    let conflict = |found: &str| {
        ErrorBody::new(
            ErrorCode::StoreConflict,
            format!(
                "`{display}` changed since it was read (expected {}, found {found}): read it again and retry",
                expect.map_or("no entry".to_owned(), |e| format!("sha256 {e}"))
            ),
        )
    };
    match (expect, current) {
        (None, None) => Ok(()),
        (Some(e), Some(c)) if e.eq_ignore_ascii_case(&c) => Ok(()),
        (_, Some(c)) => Err(conflict(&format!("sha256 {c}"))),
        (Some(_), None) => Err(conflict("no entry")),
    }
}

/// Temporary files a killed host left for this entry: removed when the process
/// that made them is gone (checked through /proc, so only on Linux).
fn remove_stale_temporaries(dir: &Path, file_name: &str) {
    let prefix = format!(".{file_name}{TMP_MARK}");
    let Ok(reader) = fs::read_dir(dir) else { return };
    for item in reader.flatten() {
        let name = item.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().filter(|p| p.parse::<u32>().is_ok()) else {
            continue;
        };
        let alive = Path::new("/proc").join(pid).exists();
        if cfg!(target_os = "linux") && !alive && item.file_type().is_ok_and(|t| t.is_file()) {
            let _ = fs::remove_file(item.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_replace_and_conflicts() {
        let store = tempfile::tempdir().expect("tmp");
        let root = fs::canonicalize(store.path()).expect("canon");
        let loc = locate(&root, "a/b/site", true).expect("ok").expect("made");
        let h1 = replace(&loc, "a/b/site", b"one", None).expect("create");
        assert_eq!(fs::read(root.join("a/b/site.gpg")).expect("read"), b"one");
        assert_eq!(
            replace(&loc, "a/b/site", b"two", None).expect_err("exists").code,
            ErrorCode::StoreConflict
        );
        assert_eq!(
            replace(&loc, "a/b/site", b"two", Some(&sha256_hex(b"other")))
                .expect_err("stale")
                .code,
            ErrorCode::StoreConflict
        );
        let h2 = replace(&loc, "a/b/site", b"two", Some(&h1)).expect("replace");
        assert_eq!(h2, sha256_hex(b"two"));
        assert_eq!(fs::read(&loc.file).expect("read"), b"two");
        let names: Vec<_> = fs::read_dir(&loc.dir)
            .expect("ls")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["site.gpg"], "no temporary file left");
    }

    #[test]
    fn a_failed_write_leaves_no_folder_behind() {
        let store = tempfile::tempdir().expect("tmp");
        let root = fs::canonicalize(store.path()).expect("canon");
        fs::create_dir(root.join("old")).expect("mkdir");
        // A conflict (expect_previous names a version, there is no entry) is
        // found after the folders were made: they go again.
        let e = write_entry(
            &root,
            "old/new/deeper/site",
            "site",
            b"x",
            Some(&sha256_hex(b"v1")),
        )
        .expect_err("conflict");
        assert_eq!(e.code, ErrorCode::StoreConflict);
        assert!(!root.join("old/new").exists());
        assert!(root.join("old").is_dir(), "what was there stays");
        // A path over the limits never reaches the disk.
        let deep = "a/".repeat(2100) + "x";
        let e = write_entry(&root, &deep, "deep", b"x", None).expect_err("too deep");
        assert_eq!(e.code, ErrorCode::InvalidParams);
        assert!(!root.join("a").exists());
        // A good write keeps its folders.
        write_entry(&root, "old/new/site", "site", b"x", None).expect("written");
        assert_eq!(fs::read(root.join("old/new/site.gpg")).expect("read"), b"x");
    }

    #[cfg(unix)]
    #[test]
    fn an_unreadable_entry_is_never_replaced() {
        use std::os::unix::fs::PermissionsExt;
        let store = tempfile::tempdir().expect("tmp");
        let root = fs::canonicalize(store.path()).expect("canon");
        let loc = locate(&root, "site", true).expect("ok").expect("made");
        fs::create_dir(&loc.file).expect("a folder where the file should be");
        let e = replace(&loc, "site", b"new", Some(&sha256_hex(b"x"))).expect_err("unreadable");
        assert_eq!(e.code, ErrorCode::StoreIo);
        assert!(loc.file.is_dir());
        fs::remove_dir(&loc.file).expect("rmdir");
        fs::write(&loc.file, b"old").expect("write");
        fs::set_permissions(&loc.file, fs::Permissions::from_mode(0o000)).expect("chmod");
        if fs::read(&loc.file).is_err() {
            // (root reads anything; the folder check above covers that case)
            let e = replace(&loc, "site", b"new", None).expect_err("unreadable");
            assert_eq!(e.code, ErrorCode::StoreIo);
        }
        fs::set_permissions(&loc.file, fs::Permissions::from_mode(0o600)).expect("chmod");
        assert_eq!(fs::read(&loc.file).expect("read"), b"old");
    }
}
