//! Rules of the layout that a review could miss: read from `cargo metadata`.

// Helper functions in a test file are test code too (clippy.toml only covers #[test] bodies).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

fn metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(scim_wizard_tests::repo_root())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Every package (by name) reachable from `root` through normal and build dependencies.
fn dependency_closure(meta: &Value, root_id: &str) -> BTreeSet<String> {
    let nodes = meta["resolve"]["nodes"].as_array().unwrap();
    let packages = meta["packages"].as_array().unwrap();
    let name_of = |id: &str| {
        packages
            .iter()
            .find(|p| p["id"] == id)
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .unwrap()
    };
    let mut seen = BTreeSet::new();
    let mut names = BTreeSet::new();
    let mut stack = vec![root_id.to_owned()];
    while let Some(id) = stack.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let node = nodes.iter().find(|n| n["id"] == id.as_str()).unwrap();
        for dep in node["deps"].as_array().unwrap() {
            let is_dev_only = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .all(|k| k["kind"] == "dev");
            if is_dev_only {
                continue;
            }
            let dep_id = dep["pkg"].as_str().unwrap().to_owned();
            names.insert(name_of(&dep_id));
            stack.push(dep_id);
        }
    }
    names
}

fn workspace_crates_under(meta: &Value, dir: &str) -> Vec<(String, String)> {
    let root = scim_wizard_tests::repo_root().canonicalize().unwrap();
    let prefix = root.join(dir);
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            std::path::Path::new(p["manifest_path"].as_str().unwrap())
                .canonicalize()
                .map(|path| path.starts_with(&prefix))
                .unwrap_or(false)
        })
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_owned(),
                p["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn no_crate_under_crates_depends_on_tauri() {
    let meta = metadata();
    let crates = workspace_crates_under(&meta, "crates");
    assert!(
        crates.len() >= 5,
        "expected the five crates, found {crates:?}"
    );
    for (name, id) in crates {
        let deps = dependency_closure(&meta, &id);
        let tauri: Vec<_> = deps.iter().filter(|d| d.starts_with("tauri")).collect();
        assert!(tauri.is_empty(), "{name} depends on {tauri:?}");
    }
}

#[test]
fn clients_and_the_sandbox_stay_independent() {
    let meta = metadata();
    let crates = workspace_crates_under(&meta, "crates");
    let id_of = |name: &str| {
        crates
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, id)| id.clone())
            .unwrap()
    };
    let scaleway = dependency_closure(&meta, &id_of("scim-wizard-scaleway"));
    let entra = dependency_closure(&meta, &id_of("scim-wizard-entra"));
    let sandbox = dependency_closure(&meta, &id_of("scim-wizard-sandbox"));
    for (name, deps) in [("scaleway", &scaleway), ("entra", &entra)] {
        for forbidden in [
            "scim-wizard-setup",
            "scim-wizard-sandbox",
            "scim-wizard-entra",
            "scim-wizard-scaleway",
        ] {
            assert!(!deps.contains(forbidden), "{name} depends on {forbidden}");
        }
    }
    for forbidden in [
        "scim-wizard-setup",
        "scim-wizard-scaleway",
        "scim-wizard-entra",
    ] {
        assert!(
            !sandbox.contains(forbidden),
            "the sandbox must not share types with the clients, but depends on {forbidden}"
        );
    }
}

#[test]
fn tauri_is_on_major_version_two() {
    let meta = metadata();
    let tauri = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "tauri")
        .unwrap();
    assert!(
        tauri["version"].as_str().unwrap().starts_with("2."),
        "{}",
        tauri["version"]
    );
}
