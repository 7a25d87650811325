//! Helpers shared by the end-to-end suites: a small W3C WebDriver client for driving the real
//! desktop app through tauri-driver, the standalone sandbox, and process guards that never leave
//! a stray process.

pub mod desktop;
pub mod process;
pub mod sandbox;
pub mod webdriver;

use std::path::{Path, PathBuf};

/// The repository root (this crate lives in `tests/`). Cargo gives the crate's folder to the
/// running test; the path compiled in is only a fallback, because a target dir shared between
/// clones can hold a test binary compiled in another clone, which would then check that one.
pub fn repo_root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// Where a test makes its throw-away dirs: the session's scratch dir (`SCIM_WIZARD_TEST_TMPDIR`,
/// set by tests/session.sh and removed with the session), else the system's temp dir.
pub fn scratch_base() -> PathBuf {
    std::env::var_os("SCIM_WIZARD_TEST_TMPDIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
}

/// Every regular file under `dir` (sockets and the like are skipped).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_dir() {
            files.extend(files_under(&path));
        } else if kind.is_file() {
            files.push(path);
        }
    }
    files
}

/// The session's own dirs, where a stray secret could land: HOME, the XDG dirs, the scratch
/// dir and TMPDIR (tests/session.sh sets them; those not set are left out).
pub fn session_dirs() -> Vec<PathBuf> {
    [
        "HOME",
        "XDG_DATA_HOME",
        "XDG_CONFIG_HOME",
        "XDG_CACHE_HOME",
        "XDG_RUNTIME_DIR",
        "SCIM_WIZARD_TEST_TMPDIR",
        "TMPDIR",
    ]
    .into_iter()
    .filter_map(std::env::var_os)
    .map(PathBuf::from)
    .collect()
}

/// Each regular file under `dirs` that can be read, with its text (invalid UTF-8 replaced).
pub fn file_texts(dirs: &[PathBuf]) -> Vec<(PathBuf, String)> {
    dirs.iter()
        .flat_map(|dir| files_under(dir))
        .filter_map(|file| {
            let bytes = std::fs::read(&file).ok()?;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            Some((file, text))
        })
        .collect()
}
