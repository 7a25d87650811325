//! Helpers shared by the end-to-end suites: a small W3C WebDriver client for driving the real
//! desktop app through tauri-driver, and process guards that never leave a stray process.

pub mod desktop;
pub mod process;
pub mod webdriver;

use std::path::{Path, PathBuf};

/// The repository root (this crate lives in `tests/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}
