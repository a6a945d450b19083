//! `.gpg-id`: who an entry is encrypted to. The nearest one wins: the entry's
//! folder, then each parent up to the store root, as `pass` does.

use std::fs;
use std::path::Path;

use tessera_protocol::ErrorBody;

use super::io_error;

/// The nearest `.gpg-id` for an entry whose folders (from the root) are `dirs`:
/// its path relative to the root (`/`-separated) or `None`. A `.gpg-id` that is
/// a symbolic link out of the store is ignored.
///
/// One walk down from the root: each folder is looked at once (a symbolic
/// link to a folder is followed only inside the store), and the deepest
/// `.gpg-id` seen wins. The walk stops at a folder that does not exist (a new
/// entry's) or leads out of the store, as no `.gpg-id` below it can apply.
/// (Canonicalizing the candidate at every depth instead made the work grow
/// with the cube of the depth.)
pub fn nearest(root: &Path, dirs: &[&str]) -> Option<String> {
    let mut folder = root.to_path_buf();
    let mut found = has_gpg_id(root, &folder).then_some(0);
    for (depth, part) in dirs.iter().enumerate() {
        let next = folder.join(part);
        match fs::symlink_metadata(&next) {
            Ok(m) if m.is_dir() => folder = next,
            Ok(m) if m.file_type().is_symlink() => match fs::canonicalize(&next) {
                Ok(target) if target.starts_with(root) && target.is_dir() => folder = target,
                _ => break,
            },
            _ => break,
        }
        if has_gpg_id(root, &folder) {
            found = Some(depth + 1);
        }
    }
    found.map(|depth| {
        let mut rel: Vec<&str> = dirs[..depth].to_vec();
        rel.push(".gpg-id");
        rel.join("/")
    })
}

/// `folder` (inside the store) holds a `.gpg-id` file, or a link to one inside `root`.
fn has_gpg_id(root: &Path, folder: &Path) -> bool {
    let candidate = folder.join(".gpg-id");
    match fs::symlink_metadata(&candidate) {
        Ok(m) if m.is_file() => true,
        Ok(m) if m.file_type().is_symlink() => {
            fs::canonicalize(&candidate).is_ok_and(|t| t.starts_with(root) && t.is_file())
        }
        _ => false,
    }
}

/// The key ids or fingerprints in a `.gpg-id`: one a line; `#` starts a
/// comment; blank lines are skipped.
pub fn parse(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

pub fn read(root: &Path, rel: &str) -> Result<Vec<String>, ErrorBody> {
    let path = root.join(rel);
    let text = fs::read_to_string(&path).map_err(|e| io_error(&path, &e))?;
    Ok(parse(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ids_comments_and_blank_lines() {
        assert_eq!(
            parse(
                "# team keys\n0F1D3A8E9A3C4E7B5B1C2D3E4F5061728394A5B6\n\n  alice@example.test  # Alice\r\n"
            ),
            ["0F1D3A8E9A3C4E7B5B1C2D3E4F5061728394A5B6", "alice@example.test"]
        );
    }

    #[test]
    fn nearest_walks_up_to_the_root() {
        let store = tempfile::tempdir().expect("tmp");
        let root = fs::canonicalize(store.path()).expect("canon");
        fs::create_dir_all(root.join("work/deep")).expect("mkdir");
        assert_eq!(nearest(&root, &["work", "deep"]), None);
        fs::write(root.join(".gpg-id"), "A\n").expect("write");
        assert_eq!(nearest(&root, &["work", "deep"]).as_deref(), Some(".gpg-id"));
        fs::write(root.join("work/.gpg-id"), "B\n").expect("write");
        assert_eq!(nearest(&root, &["work", "deep"]).as_deref(), Some("work/.gpg-id"));
        assert_eq!(read(&root, "work/.gpg-id").expect("read"), ["B"]);
        // A folder not made yet (a new entry's) gets its parents' file.
        assert_eq!(
            nearest(&root, &["work", "new", "newer"]).as_deref(),
            Some("work/.gpg-id")
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_inside_the_store_only() {
        let store = tempfile::tempdir().expect("tmp");
        let root = fs::canonicalize(store.path()).expect("canon");
        let outside = tempfile::tempdir().expect("tmp");
        fs::write(outside.path().join(".gpg-id"), "EVIL\n").expect("write");
        fs::write(root.join(".gpg-id"), "A\n").expect("write");
        fs::create_dir_all(root.join("team")).expect("mkdir");
        fs::write(root.join("team/.gpg-id"), "T\n").expect("write");
        std::os::unix::fs::symlink(outside.path(), root.join("out")).expect("ln");
        std::os::unix::fs::symlink(root.join("team"), root.join("alias")).expect("ln");
        assert_eq!(nearest(&root, &["out"]).as_deref(), Some(".gpg-id"));
        assert_eq!(nearest(&root, &["alias", "x"]).as_deref(), Some("alias/.gpg-id"));
        fs::create_dir(root.join("linked")).expect("mkdir");
        std::os::unix::fs::symlink(outside.path().join(".gpg-id"), root.join("linked/.gpg-id")).expect("ln");
        assert_eq!(nearest(&root, &["linked"]).as_deref(), Some(".gpg-id"));
    }

    #[test]
    fn a_deep_lookup_is_linear() {
        // Issue 17: 2,031 nested folders made `store.recipients` never answer
        // (a canonicalize per depth: cubic). Paths are now capped at 32
        // components; the walk itself stays linear too: 1,000 existing
        // folders (all that fit in PATH_MAX) are looked up within a second.
        let store = tempfile::tempdir().expect("tmp");
        let root = fs::canonicalize(store.path()).expect("canon");
        let dirs = vec!["d"; 1000];
        fs::create_dir_all(root.join(dirs.join("/"))).expect("mkdir");
        fs::write(root.join(".gpg-id"), "A\n").expect("write");
        fs::write(root.join(dirs[..500].join("/")).join(".gpg-id"), "B\n").expect("write");
        let started = std::time::Instant::now();
        let found = nearest(&root, &dirs);
        let took = started.elapsed();
        assert!(took < std::time::Duration::from_secs(1), "{took:?}");
        assert_eq!(found, Some(format!("{}/.gpg-id", dirs[..500].join("/"))));
    }
}
