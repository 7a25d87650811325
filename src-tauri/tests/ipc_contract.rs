//! The IPC contract: the committed TypeScript bindings, the error JSON, the CSP, the app manifest's
//! command list (`src-tauri/app_commands.rs`) and the capability that grants the UI's commands.
//! Run `make bindings` (or `UPDATE_BINDINGS=1 cargo test -p scim-wizard`) after changing a command
//! or an IPC type.

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

include!("../app_commands.rs");

/// What the page may do besides our commands: listen to the app's events (and stop listening).
const EVENT_PERMISSIONS: [&str; 2] = ["core:event:allow-listen", "core:event:allow-unlisten"];

/// Each command of `ipc_builder()` with the name the UI calls it by (`commands.<accessor>`), read
/// from freshly generated bindings: `\t<accessor>: (...) => ...__TAURI_INVOKE...("<command>"...`.
fn ipc_commands() -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bindings.ts");
    scim_wizard_lib::export_bindings(&path).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let commands: Vec<(String, String)> = text
        .lines()
        .filter(|line| line.contains("__TAURI_INVOKE") && !line.starts_with("import"))
        .map(|line| {
            let accessor = line.trim_start().split(':').next().unwrap().trim();
            let after = &line[line.find("__TAURI_INVOKE").unwrap()..];
            let name = after
                .split_once("(\"")
                .and_then(|(_, rest)| rest.split_once('"'))
                .map(|(name, _)| name)
                .unwrap_or_else(|| panic!("no command name in the bindings' line {line:?}"));
            (accessor.to_owned(), name.to_owned())
        })
        .collect();
    assert!(
        commands.iter().any(|(_, name)| name == "app_info"),
        "the bindings' commands were not found: {text}"
    );
    commands
}

fn permission_of(command: &str) -> String {
    format!("allow-{}", command.replace('_', "-"))
}

/// Tauri lets the page call any app command unless the app has a manifest; ours lists every
/// command, so one missing from it would be refused to the UI, and one only in it is a leftover.
#[test]
fn every_ipc_command_is_in_the_app_manifest_and_nothing_else() {
    let ipc: Vec<String> = ipc_commands().into_iter().map(|(_, name)| name).collect();
    for name in &ipc {
        assert!(
            APP_COMMANDS.contains(&name.as_str()),
            "`{name}` is in ipc_builder() (src-tauri/src/lib.rs) but not in src-tauri/app_commands.rs: \
             add it there, so the app manifest (build.rs) knows it"
        );
    }
    for name in APP_COMMANDS {
        assert!(
            ipc.iter().any(|ipc_name| ipc_name == name),
            "`{name}` is in src-tauri/app_commands.rs but not in ipc_builder(): remove it"
        );
    }
    let mut unique = APP_COMMANDS.to_vec();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(
        unique.len(),
        APP_COMMANDS.len(),
        "a command is listed twice"
    );
}

/// The UI's own source files: not the generated bindings, not tests or their fixtures.
fn ui_sources(dir: &std::path::Path, found: &mut Vec<(PathBuf, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if name != "test" {
                ui_sources(&path, found);
            }
        } else if (name.ends_with(".ts") || name.ends_with(".svelte"))
            && !name.ends_with(".test.ts")
            && name != "bindings.ts"
        {
            found.push((path.clone(), std::fs::read_to_string(&path).unwrap()));
        }
    }
}

/// `commands.<accessor>` in the text, not as the start of a longer name.
fn calls(text: &str, accessor: &str) -> bool {
    let needle = format!("commands.{accessor}");
    text.match_indices(&needle).any(|(at, _)| {
        !text[at + needle.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    })
}

#[test]
fn the_capability_grants_exactly_the_commands_the_ui_calls() {
    let path = repo_root().join("src-tauri/capabilities/main-window.json");
    let capability: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(capability["windows"], serde_json::json!(["main"]));
    let granted: Vec<&str> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|permission| permission.as_str().unwrap())
        .collect();

    let mut sources = Vec::new();
    ui_sources(&repo_root().join("ui/src"), &mut sources);
    assert!(sources.len() > 10, "the UI's sources were not found");
    let mut expected: Vec<String> = EVENT_PERMISSIONS.iter().map(|p| p.to_string()).collect();
    for (accessor, name) in ipc_commands() {
        let permission = permission_of(&name);
        if sources.iter().any(|(_, text)| calls(text, &accessor)) {
            assert!(
                granted.contains(&permission.as_str()),
                "the UI calls `commands.{accessor}` but {path:?} does not grant \"{permission}\": \
                 add it, or the app refuses the call"
            );
            expected.push(permission);
        } else {
            assert!(
                !granted.contains(&permission.as_str()),
                "{path:?} grants \"{permission}\" but the UI never calls `commands.{accessor}`: \
                 remove it (grant only what the UI calls)"
            );
        }
    }
    for permission in &granted {
        assert!(
            expected.iter().any(|e| e == permission),
            "{path:?} grants \"{permission}\", which is neither a command the UI calls nor \
             listening to events: remove it"
        );
    }
    assert_eq!(
        granted.len(),
        expected.len(),
        "a permission is granted twice"
    );

    let files = std::fs::read_dir(repo_root().join("src-tauri/capabilities"))
        .unwrap()
        .count();
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
