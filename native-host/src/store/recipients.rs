//! `.gpg-id`: who an entry is encrypted to. The nearest one wins: the entry's
//! folder, then each parent up to the store root, as `pass` does.

use std::fs;
use std::path::Path;

use tessera_protocol::ErrorBody;

use super::io_error;

/// The nearest `.gpg-id` for an entry whose folders (from the root) are `dirs`:
/// its path relative to the root (`/`-separated) or `None`. A `.gpg-id` that is
/// a symbolic link out of the store is ignored.
pub fn nearest(root: &Path, dirs: &[&str]) -> Option<String> {
    for depth in (0..=dirs.len()).rev() {
        let rel: Vec<&str> = dirs[..depth].iter().copied().chain([".gpg-id"]).collect();
        let candidate = rel.iter().fold(root.to_path_buf(), |p, c| p.join(c));
        match fs::canonicalize(&candidate) {
            Ok(target) if target.starts_with(root) && target.is_file() => return Some(rel.join("/")),
            _ => continue,
        }
    }
    None
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
    }
}
