//! Writing outputs whole or not at all: a temporary file in the target's folder, renamed
//! over it, with the permissions a published file needs; durable where it must be, and
//! one file-system sync for a batch's pages.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so
/// the file is either its old content or its new content, never a part, and waits until
/// the data is on disk. Returns whether anything changed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    write_file(path, bytes, true)
}

/// `write_atomic` for a page whose bytes are known to differ from the file's (pass 2
/// compared their hashes): whole or not at all as well, but without reading the old file
/// again or waiting for the disk — the batch syncs the output folder's file system once,
/// before it writes the manifest that vouches for the pages.
pub(crate) fn write_page(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    replace_file(path, bytes, false)
}

/// Waits until everything written under `dir` is on disk (one `syncfs` on Linux).
pub(super) fn sync_file_system(dir: &Path) {
    #[cfg(target_os = "linux")]
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = rustix::fs::syncfs(&folder);
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    {
        let _ = dir;
        rustix::fs::sync();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

fn write_file(path: &Path, bytes: &[u8], durable: bool) -> std::io::Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    replace_file(path, bytes, durable)?;
    Ok(true)
}

/// A temporary file in `path`'s folder, renamed over `path`.
fn replace_file(path: &Path, bytes: &[u8], durable: bool) -> std::io::Result<()> {
    replace_file_with(path, durable, |out| out.write_all(bytes))
}

/// Like `write_atomic` for a file written by `write` as it goes (the manifest, the
/// cache): never held whole in memory, and replaced whether or not it changed.
pub fn write_atomic_streamed(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<&std::fs::File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    replace_file_with(path, true, write)
}

/// Copies the file `from` to `path` whole or not at all (a temporary file renamed over
/// `path`), streamed, durably.
pub fn copy_atomic(from: &Path, path: &Path) -> std::io::Result<()> {
    let mut source = std::fs::File::open(from)?;
    replace_file_with(path, true, |out| {
        std::io::copy(&mut source, out).map(|_| ())
    })
}

/// A temporary file in `path`'s folder, filled by `write`, renamed over `path`.
fn replace_file_with(
    path: &Path,
    durable: bool,
    write: impl FnOnce(&mut std::io::BufWriter<&std::fs::File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let tmp = tempfile::Builder::new()
        .prefix(".pagemill-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, tmp.as_file());
    write(&mut out)?;
    out.flush()?;
    drop(out);
    if durable {
        tmp.as_file().sync_data()?;
    }
    // A temporary file is private; the output gets the old file's permissions, or the
    // usual ones for a new file.
    let permissions = match std::fs::metadata(path) {
        Ok(meta) => meta.permissions(),
        Err(_) => default_permissions(tmp.as_file())?,
    };
    tmp.as_file().set_permissions(permissions)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(unix)]
fn default_permissions(_file: &std::fs::File) -> std::io::Result<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Ok(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions(file: &std::fs::File) -> std::io::Result<std::fs::Permissions> {
    Ok(file.metadata()?.permissions())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_reports_changes_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b.md");
        assert!(write_atomic(&path, b"one\n").unwrap());
        assert!(!write_atomic(&path, b"one\n").unwrap());
        assert!(write_atomic(&path, b"two\n").unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), b"two\n");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("a"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [std::ffi::OsString::from("b.md")]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(
                mode & 0o777,
                0o644,
                "outputs are readable by the web server"
            );
        }
    }
}
