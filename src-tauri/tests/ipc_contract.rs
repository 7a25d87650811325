//! The IPC contract: the committed TypeScript bindings, the error JSON, the CSP and the
//! capabilities. Run `make bindings` (or `UPDATE_BINDINGS=1 cargo test -p scim-wizard`) after
//! changing a command or an IPC type.

// Helper functions in a test file are test code too (clippy.toml only covers #[test] bodies).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

/// From the folder Cargo gives the running test, not only the one compiled in: a target dir
/// shared between clones can hold this binary compiled in another clone.
fn repo_root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .join("..")
}

#[test]
fn committed_bindings_are_up_to_date() {
    let committed_path = repo_root().join("ui/src/lib/bindings.ts");
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh_path = fresh_dir.path().join("bindings.ts");
    scim_wizard_lib::export_bindings(&fresh_path).unwrap();
    let fresh = std::fs::read_to_string(&fresh_path).unwrap();

    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&committed_path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/lib/bindings.ts is stale: run `make bindings` and commit the result"
    );
}

#[test]
fn bindings_name_every_command_and_the_error_shape() {
    let fresh_dir = tempfile::tempdir().unwrap();
    let path = fresh_dir.path().join("bindings.ts");
    scim_wizard_lib::export_bindings(&path).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains("appInfo"), "{text}");
    let compact: String = text.split_whitespace().collect();
    assert!(
        compact.contains(
            "exporttypeUiError={code:ErrorCode,message:string,hint:string,retryable:boolean,};"
        ),
        "{text}"
    );
}

fn tauri_conf() -> serde_json::Value {
    let text = std::fs::read_to_string(repo_root().join("src-tauri/tauri.conf.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn csp_is_strict() {
    let conf = tauri_conf();
    let csp = conf["app"]["security"]["csp"].as_str().unwrap();
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    assert!(directives.contains(&"default-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-eval"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let connect = directives
        .iter()
        .find(|d| d.starts_with("connect-src"))
        .unwrap();
    for source in connect.split_whitespace().skip(1) {
        assert!(
            matches!(source, "ipc:" | "http://ipc.localhost" | "'self'"),
            "remote connect-src {source} in {csp}"
        );
    }
    assert_eq!(conf["app"]["withGlobalTauri"], false);
}

#[test]
fn capabilities_grant_only_what_the_ui_calls() {
    let dir = repo_root().join("src-tauri/capabilities");
    let mut files = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let capability: serde_json::Value = serde_json::from_str(&text).unwrap();
        files += 1;
        assert_eq!(
            capability["windows"],
            serde_json::json!(["main"]),
            "{path:?}"
        );
        for permission in capability["permissions"].as_array().unwrap() {
            let name = permission.as_str().unwrap();
            for forbidden in [
                "fs:",
                "shell:",
                "http:",
                "clipboard-manager:",
                "core:default",
            ] {
                assert!(!name.starts_with(forbidden), "{name} in {path:?}");
            }
        }
    }
    assert_eq!(files, 1, "one capability file, for the main window");
}

#[test]
fn window_title_is_the_product_name() {
    let conf = tauri_conf();
    assert_eq!(conf["app"]["windows"][0]["title"], "Scaleway SCIM Wizard");
    assert_eq!(
        conf["app"]["windows"][0]["label"],
        scim_wizard_lib::MAIN_WINDOW
    );
}
