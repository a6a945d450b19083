//! Entry paths: what a request may name, and where that is on disk. A path
//! never leaves its store, neither by `..`, nor by an absolute path, nor
//! through a symbolic link that points outside.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use tessera_protocol::{excerpt, ErrorBody, ErrorCode};

use super::io_error;

fn bad(message: String) -> ErrorBody {
    ErrorBody::new(ErrorCode::InvalidParams, message)
}

/// Most components (folders plus the entry's name) in an entry path. `store.list`
/// walks no deeper either, so a deeper entry could not be listed; real stores
/// nest a handful of folders.
pub const MAX_COMPONENTS: usize = 32;
/// Longest folder name, in bytes: `NAME_MAX` of Linux file systems (ext4,
/// btrfs, xfs, tmpfs) and of macOS's APFS.
pub const MAX_FOLDER_BYTES: usize = 255;
/// Longest entry name, in bytes. Its file is `NAME.gpg` and, while written,
/// `.NAME.gpg.tessera-tmp-PID-RANDOM`: up to 39 bytes more, which must still
/// fit in 255. 200 leaves margin and is longer than any site name.
pub const MAX_ENTRY_NAME_BYTES: usize = 200;
/// Longest entry path, in bytes: with the store's own path in front it stays
/// far below `PATH_MAX` (4096), and a `store.list` reply of many entries stays
/// under the 1 MiB reply limit.
pub const MAX_PATH_BYTES: usize = 1024;

/// Checks an entry path from a request and returns its components. Every
/// limit is checked here, on the text, before anything touches the disk.
pub fn components(path: &str) -> Result<Vec<&str>, ErrorBody> {
    let shown = excerpt(path);
    if path.is_empty() {
        return Err(bad("entry path is empty".into()));
    }
    if path.len() > MAX_PATH_BYTES {
        return Err(bad(format!(
            "entry path `{shown}` is {} bytes, over the {MAX_PATH_BYTES} bytes an entry path may have",
            path.len()
        )));
    }
    if path.starts_with('/') {
        return Err(bad(format!(
            "entry path `{shown}` is absolute: paths are relative to the store"
        )));
    }
    if path.contains('\\') || path.contains('\0') {
        return Err(bad(format!("entry path `{shown}` has a backslash or NUL")));
    }
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() > MAX_COMPONENTS {
        return Err(bad(format!(
            "entry path `{shown}` has {} components, over the {MAX_COMPONENTS} (folders and name) an entry path may have",
            parts.len()
        )));
    }
    for (at, part) in parts.iter().enumerate() {
        match *part {
            "" => return Err(bad(format!("entry path `{shown}` has an empty component"))),
            ".." => {
                return Err(bad(format!(
                    "entry path `{shown}` has a `..` component: paths stay inside the store"
                )))
            }
            p if p.starts_with('.') => {
                return Err(bad(format!(
                    "entry path `{shown}` has a hidden component `{}` (`.git`, `.gpg-id` and the like are not entries)",
                    excerpt(p)
                )))
            }
            p => {
                let (max, what) = if at + 1 == parts.len() {
                    (MAX_ENTRY_NAME_BYTES, "an entry name")
                } else {
                    (MAX_FOLDER_BYTES, "a folder name")
                };
                if p.len() > max {
                    return Err(bad(format!(
                        "entry path `{shown}` has a component of {} bytes, over the {max} bytes of {what}",
                        p.len()
                    )));
                }
            }
        }
    }
    Ok(parts)
}

/// Resolves a folder inside the store, component by component. A symbolic link
/// is followed only when its target is inside `root` (canonical). With `create`,
/// missing folders are made (0700) and pushed on `created`, outermost first, so
/// that a caller whose work then fails can take them away again
/// ([`remove_created`]); without it, a missing folder is `None`.
pub fn resolve_dir(
    root: &Path,
    dirs: &[&str],
    create: bool,
    created: &mut Vec<PathBuf>,
) -> Result<Option<PathBuf>, ErrorBody> {
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
                if make_dir(&next)? {
                    created.push(next.clone());
                }
                current = next;
            }
            Err(e) => return Err(io_error(&next, &e)),
        }
    }
    Ok(Some(current))
}

/// `Ok(true)`: this call made the folder; `Ok(false)`: someone else just did.
fn make_dir(path: &Path) -> Result<bool, ErrorBody> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    match builder.create(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == ErrorKind::AlreadyExists && path.is_dir() => Ok(false),
        Err(e) => Err(io_error(path, &e)),
    }
}

/// Takes away the folders a failed write made ([`resolve_dir`]'s `created`),
/// innermost first. `remove_dir` only removes an empty folder, so whatever
/// found its way into one (another program's file) is kept, with its folders.
pub fn remove_created(created: &[PathBuf]) {
    for dir in created.iter().rev() {
        if fs::remove_dir(dir).is_err() {
            break;
        }
    }
}

/// Where an entry lives: its folder (canonical, inside the store) and file.
#[derive(Debug)]
pub struct EntryLocation {
    pub dir: PathBuf,
    pub file: PathBuf,
    pub file_name: String,
    /// Folders made to reach `dir` (with `create`), outermost first.
    pub created: Vec<PathBuf>,
}

/// Locates `path` (no `.gpg`) in the store whose canonical root is `root`.
/// `None` when a folder on the way does not exist and `create` is false.
/// With `create`, folders made before a failure here are already taken away.
pub fn locate(root: &Path, path: &str, create: bool) -> Result<Option<EntryLocation>, ErrorBody> {
    let parts = components(path)?;
    let Some((name, dirs)) = parts.split_last() else {
        return Err(bad("entry path is empty".into()));
    };
    let mut created = Vec::new();
    let found = resolve_dir(root, dirs, create, &mut created).and_then(|dir| match dir {
        Some(dir) => check_file(root, &dir, name).map(|file| Some((dir, file))),
        None => Ok(None),
    });
    match found {
        Ok(Some((dir, file))) => Ok(Some(EntryLocation {
            dir,
            file,
            file_name: format!("{name}.gpg"),
            created,
        })),
        Ok(None) => Ok(None),
        Err(e) => {
            remove_created(&created);
            Err(e)
        }
    }
}

/// The entry's file in `dir`; a symbolic link there must stay inside `root`.
fn check_file(root: &Path, dir: &Path, name: &str) -> Result<PathBuf, ErrorBody> {
    let file = dir.join(format!("{name}.gpg"));
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
    Ok(file)
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

    #[test]
    fn paths_over_the_limits_are_refused_before_the_disk() {
        // Issue 17: "a/" × 2100 + "x" made 2,031 folders, then failed.
        let deep = "a/".repeat(2100) + "x";
        let e = components(&deep).expect_err("too long");
        assert_eq!(e.code, ErrorCode::InvalidParams);
        assert!(e.message.len() < 300, "{}", e.message);
        let at_depth = |n: usize| vec!["a"; n].join("/");
        assert_eq!(
            components(&at_depth(MAX_COMPONENTS)).expect("at the limit").len(),
            MAX_COMPONENTS
        );
        let e = components(&at_depth(MAX_COMPONENTS + 1)).expect_err("one deeper");
        assert!(e.message.contains("components"), "{}", e.message);
        let folder = |n: usize| format!("{}/x", "f".repeat(n));
        components(&folder(MAX_FOLDER_BYTES)).expect("longest folder");
        components(&folder(MAX_FOLDER_BYTES + 1)).expect_err("folder too long");
        components(&"n".repeat(MAX_ENTRY_NAME_BYTES)).expect("longest name");
        components(&"n".repeat(MAX_ENTRY_NAME_BYTES + 1)).expect_err("name too long");
        // Multi-byte names are counted in bytes, as file systems count them.
        components(&"é".repeat(MAX_ENTRY_NAME_BYTES / 2 + 1)).expect_err("name too long in bytes");
        let long = format!("{}/x", vec!["f".repeat(200); 6].join("/"));
        assert!(long.len() > MAX_PATH_BYTES);
        components(&long).expect_err("whole path too long");
        // The longest entry name still leaves room for its temporary file.
        let temp = format!(
            ".{}.gpg.tessera-tmp-{}-{}",
            "n".repeat(MAX_ENTRY_NAME_BYTES),
            u32::MAX,
            u32::MAX
        );
        assert!(temp.len() <= 255, "{}", temp.len());
    }

    #[test]
    fn the_folders_a_walk_made_can_be_taken_away() {
        let store = tempfile::tempdir().expect("tmp");
        let root = fs::canonicalize(store.path()).expect("canon");
        fs::create_dir(root.join("kept")).expect("mkdir");
        let mut created = Vec::new();
        let made = resolve_dir(&root, &["kept", "new1", "new2"], true, &mut created).expect("made");
        assert_eq!(made, Some(root.join("kept/new1/new2")));
        assert_eq!(created, [root.join("kept/new1"), root.join("kept/new1/new2")]);
        remove_created(&created);
        assert!(!root.join("kept/new1").exists());
        assert!(root.join("kept").is_dir(), "a folder that was there is kept");
        // A folder someone else put a file in meanwhile is kept, with its parents.
        let mut created = Vec::new();
        resolve_dir(&root, &["a", "b"], true, &mut created).expect("made");
        fs::write(root.join("a/other.gpg"), b"x").expect("write");
        remove_created(&created);
        assert!(!root.join("a/b").exists());
        assert!(root.join("a/other.gpg").is_file());
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
