//! Files that reach the disk whole or not at all: a temporary file beside the
//! target, fsync, rename over the target, fsync the folder. A crash at any
//! point leaves the old file or the new one, never a truncated one.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Who may read the file once written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// 0600 from the first byte: keys, password-store entries.
    Private,
    /// 0644: files other programs read (browser host manifests).
    Shared,
}

/// New content written and synced under a temporary name, not yet in place.
/// Dropped without [`StagedFile::commit`], the temporary file is removed.
pub struct StagedFile {
    tmp: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl StagedFile {
    /// Writes `bytes` to `<target's folder>/<temp_name>` (which must not exist) and syncs it.
    pub fn write(target: &Path, temp_name: &str, bytes: &[u8], access: Access) -> io::Result<Self> {
        let dir = parent(target);
        fs::create_dir_all(dir)?;
        let staged = StagedFile {
            tmp: dir.join(temp_name),
            target: target.to_owned(),
            committed: false,
        };
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(match access {
                Access::Private => 0o600,
                Access::Shared => 0o644,
            });
        }
        #[cfg(not(unix))]
        let _ = access;
        let mut file = options.open(&staged.tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        Ok(staged)
    }

    /// Puts the new content in place and makes the rename durable.
    pub fn commit(mut self) -> io::Result<()> {
        fs::rename(&self.tmp, &self.target)?;
        self.committed = true;
        sync_dir(parent(&self.target))
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Write-then-rename in one call, with a temporary name unique to this process.
pub fn write(target: &Path, bytes: &[u8], access: Access) -> io::Result<()> {
    let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temp_name = format!(".{name}.{}-{}.tmp", std::process::id(), rand::random::<u32>());
    StagedFile::write(target, &temp_name, bytes, access)?.commit()
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("sub/entry.gpg");
        write(&target, b"old", Access::Private).expect("first write");
        write(&target, b"new", Access::Private).expect("second write");
        assert_eq!(fs::read(&target).expect("read"), b"new");
        let names: Vec<_> = fs::read_dir(target.parent().expect("parent"))
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("entry.gpg")]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&target).expect("stat").permissions().mode() & 0o777,
                0o600
            );
        }
    }

    #[test]
    fn a_staged_file_dropped_uncommitted_changes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("m.json");
        write(&target, b"kept", Access::Shared).expect("write");
        let staged = StagedFile::write(&target, ".m.tmp", b"discarded", Access::Shared).expect("stage");
        let tmp = dir.path().join(".m.tmp");
        assert!(tmp.exists());
        drop(staged);
        assert!(!tmp.exists());
        assert_eq!(fs::read(&target).expect("read"), b"kept");
    }
}
