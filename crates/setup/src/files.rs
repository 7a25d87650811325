//! The engine's two small files (the journal, the connection settings) are read and written the
//! same way: a missing file is "nothing saved yet", and a write is atomic and durable, so a crash
//! or a power cut leaves the old file or the new one, whole, never half of each.

use std::io::Write;
use std::path::Path;

/// The file's text, `None` when it does not exist, or the OS's reason it can't be read.
pub(crate) fn read_if_present(path: &Path) -> Result<Option<String>, std::io::Error> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error),
    }
}

/// Writes `value` as pretty JSON to `dir/file_name`: a temp file in the same folder, fsync,
/// rename, then the folder synced. The folder is created if needed. On failure the temp file
/// is removed and the reason is returned in words.
pub(crate) fn write_json_atomically<T: serde::Serialize>(
    dir: &Path,
    file_name: &str,
    value: &T,
) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let json = serde_json::to_vec_pretty(value).map_err(|e| e.to_string())?;
    // The process id keeps two copies of the app (or the app and the CLI) off each other's temp file.
    let temp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(&json)?;
        file.write_all(b"\n")?;
        file.sync_all()?;
        std::fs::rename(&temp, dir.join(file_name))?;
        sync_dir(dir);
        Ok(())
    };
    write().map_err(|error| {
        let _ = std::fs::remove_file(&temp);
        error.to_string()
    })
}

/// Makes the rename durable on filesystems that need the directory synced (best effort: not
/// every platform lets a directory be opened).
fn sync_dir(dir: &Path) {
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_is_none_and_a_write_replaces_the_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        assert_eq!(read_if_present(&nested.join("x.json")).unwrap(), None);
        write_json_atomically(&nested, "x.json", &serde_json::json!({"n": 1})).unwrap();
        write_json_atomically(&nested, "x.json", &serde_json::json!({"n": 2})).unwrap();
        let text = read_if_present(&nested.join("x.json")).unwrap().unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap()["n"],
            2
        );
        // No temp file is left behind.
        let names: Vec<_> = std::fs::read_dir(&nested)
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("x.json")]);
    }

    #[test]
    fn a_folder_that_cannot_be_created_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"not a folder").unwrap();
        assert!(write_json_atomically(&blocker.join("sub"), "x.json", &1).is_err());
    }
}
