//! What the installers are made from, checked on every `make test` (without building them): the
//! Linux icon sizes, the desktop entry and metainfo passing their validators and naming this
//! version, and the shipping scripts stopping on bad input with one line that says what to do.
//! `make dist` checks the built packages themselves (`src-tauri/packaging/linux/check.sh`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scim_wizard_tests::repo_root;
use serde_json::Value;

fn packaging() -> PathBuf {
    repo_root().join("src-tauri/packaging")
}

fn linux_bundle_config() -> Value {
    let text = std::fs::read_to_string(packaging().join("linux/bundle.conf.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn workspace_version() -> String {
    let manifest = std::fs::read_to_string(repo_root().join("Cargo.toml")).unwrap();
    manifest
        .lines()
        .find_map(|line| line.strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap()
        .to_owned()
}

/// A PNG's width and height, from its header.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    assert_eq!(&bytes[1..4], b"PNG", "{path:?} is not a PNG");
    let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

#[test]
fn every_hicolor_size_is_listed_for_the_bundler_and_is_the_size_it_says() {
    let config = linux_bundle_config();
    let icons: Vec<&str> = config["bundle"]["icon"]
        .as_array()
        .unwrap()
        .iter()
        .map(|icon| icon.as_str().unwrap())
        .collect();
    let tauri_dir = repo_root().join("src-tauri");
    let mut sizes = Vec::new();
    for icon in &icons {
        let (width, height) = png_size(&tauri_dir.join(icon));
        let name = Path::new(icon).file_stem().unwrap().to_str().unwrap();
        assert_eq!(name, format!("{width}x{height}"), "{icon}");
        sizes.push(width);
    }
    // The sizes desktops look up in the hicolor theme, from menus to software centres.
    for size in [16, 22, 24, 32, 48, 64, 96, 128, 256, 512] {
        assert!(
            sizes.contains(&size),
            "no {size}x{size} icon: run 'make icons'"
        );
    }
}

/// The desktop entry as the bundler writes it (its two placeholders filled in).
fn desktop_entry() -> String {
    std::fs::read_to_string(packaging().join("linux/scim-wizard.desktop"))
        .unwrap()
        .replace("{{exec}}", "scim-wizard")
        .replace("{{icon}}", "scim-wizard")
}

#[test]
fn the_desktop_entry_is_valid_and_names_the_window_class() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("scim-wizard.desktop");
    std::fs::write(&file, desktop_entry()).unwrap();
    let output = Command::new("desktop-file-validate")
        .arg(&file)
        .output()
        .expect("desktop-file-validate: run 'make test-deps'");
    let said = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success() && said.trim().is_empty(), "{said}");
    let entry = desktop_entry();
    for key in [
        "Name=",
        "GenericName=",
        "Comment=",
        "Categories=",
        "Keywords=",
        "Icon=",
    ] {
        assert!(entry.lines().any(|l| l.starts_with(key)), "no {key}");
    }
    // GTK names the window's WM_CLASS instance after the binary (the install test checks it
    // against the live window).
    assert!(entry.lines().any(|l| l == "StartupWMClass=scim-wizard"));
}

#[test]
fn the_metainfo_is_valid_and_its_newest_release_is_this_version() {
    let file = packaging().join("linux/io.github.scim_wizard.metainfo.xml");
    let output = Command::new("appstreamcli")
        .args(["validate", "--no-net"])
        .arg(&file)
        .output()
        .expect("appstreamcli: run 'make test-deps'");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let newest = text
        .split("<release version=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    assert_eq!(
        newest,
        workspace_version(),
        "add a <release> for this version"
    );
    for part in text.split("docs/screenshots/").skip(1) {
        let name = part.split('<').next().unwrap();
        assert!(
            repo_root().join("docs/screenshots").join(name).is_file(),
            "the metainfo shows {name}, which is not in docs/screenshots"
        );
    }
}

/// The whole of what a script said on stderr is one line starting `error:`, which names `what`.
fn assert_one_error_line(output: &Output, what: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "it went on: {stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains(what), "{stderr}");
    assert!(
        stderr.lines().count() <= 2,
        "more than a line of tool output: {stderr}"
    );
}

/// A tree with every file the .deb must carry, each icon of its real size; `scim-wizard-cli`
/// is a script that prints the version.
fn package_tree(root: &Path) {
    let config = linux_bundle_config();
    let hicolor = root.join("usr/share/icons/hicolor");
    for icon in config["bundle"]["icon"].as_array().unwrap() {
        let icon = icon.as_str().unwrap();
        let size = Path::new(icon).file_stem().unwrap().to_str().unwrap();
        let dir = hicolor.join(size).join("apps");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(
            repo_root().join("src-tauri").join(icon),
            dir.join("scim-wizard.png"),
        )
        .unwrap();
    }
    std::fs::create_dir_all(hicolor.join("scalable/apps")).unwrap();
    std::fs::copy(
        repo_root().join("icons/icon.svg"),
        hicolor.join("scalable/apps/scim-wizard.svg"),
    )
    .unwrap();
    for dir in ["usr/bin", "usr/share/applications", "usr/share/metainfo"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    std::fs::write(
        root.join("usr/share/applications/scim-wizard.desktop"),
        desktop_entry(),
    )
    .unwrap();
    std::fs::copy(
        packaging().join("linux/io.github.scim_wizard.metainfo.xml"),
        root.join("usr/share/metainfo/io.github.scim_wizard.metainfo.xml"),
    )
    .unwrap();
    for binary in ["scim-wizard", "scim-wizard-cli"] {
        let path = root.join("usr/bin").join(binary);
        std::fs::write(
            &path,
            format!("#!/bin/sh\necho {binary} {}\n", workspace_version()),
        )
        .unwrap();
        Command::new("chmod")
            .arg("755")
            .arg(&path)
            .status()
            .unwrap();
    }
    std::fs::create_dir_all(root.join("DEBIAN")).unwrap();
    std::fs::write(
        root.join("DEBIAN/control"),
        format!(
            "Package: scim-wizard\nVersion: {}\nArchitecture: amd64\nMaintainer: test\n\
             Depends: libc6\nDescription: test\n",
            workspace_version()
        ),
    )
    .unwrap();
}

/// Builds a .deb from the tree after `spoil` has changed it, and runs check.sh on it.
fn check_spoiled_package(spoil: impl FnOnce(&Path)) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    package_tree(&tree);
    spoil(&tree);
    let deb = dir.path().join("scim-wizard_test_amd64.deb");
    let built = Command::new("dpkg-deb")
        .args(["--root-owner-group", "-b"])
        .arg(&tree)
        .arg(&deb)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    Command::new(packaging().join("linux/check.sh"))
        .arg(&deb)
        .arg(dir.path().join("unused.rpm"))
        .output()
        .unwrap()
}

#[test]
fn a_package_missing_an_icon_size_is_named_in_one_line() {
    let output = check_spoiled_package(|tree| {
        std::fs::remove_dir_all(tree.join("usr/share/icons/hicolor/48x48")).unwrap();
    });
    assert_one_error_line(
        &output,
        "/usr/share/icons/hicolor/48x48/apps/scim-wizard.png",
    );
}

#[test]
fn a_package_with_an_invalid_metainfo_is_named_in_one_line() {
    let output = check_spoiled_package(|tree| {
        let file = tree.join("usr/share/metainfo/io.github.scim_wizard.metainfo.xml");
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, text.replace("</name>", "</nam>")).unwrap();
    });
    assert_one_error_line(&output, "metainfo is invalid");
}

/// The app's practice sandbox is built without the control routes (faults, time travel, reset);
/// a package whose app has them, as a one-run `cargo build -p scim-wizard -p scim-wizard-cli`
/// would make it, is refused.
#[test]
fn a_package_whose_app_has_the_sandbox_control_routes_is_named_in_one_line() {
    let output = check_spoiled_package(|tree| {
        let app = tree.join("usr/bin/scim-wizard");
        let mut text = std::fs::read_to_string(&app).unwrap();
        text.push_str("# route /_sandbox/time-travel\n");
        std::fs::write(&app, text).unwrap();
    });
    assert_one_error_line(
        &output,
        "the packaged app carries the sandbox's control routes",
    );
}

/// The same probe finds the routes in the CLI, or it would prove nothing about the app.
#[test]
fn a_package_whose_cli_lacks_the_sandbox_control_routes_is_named_in_one_line() {
    let output = check_spoiled_package(|_| {});
    assert_one_error_line(&output, "has no sandbox control route");
}

#[test]
fn an_icon_of_the_wrong_size_is_named_in_one_line() {
    let output = check_spoiled_package(|tree| {
        let icons = tree.join("usr/share/icons/hicolor");
        std::fs::copy(
            icons.join("16x16/apps/scim-wizard.png"),
            icons.join("32x32/apps/scim-wizard.png"),
        )
        .unwrap();
    });
    assert_one_error_line(&output, "the 32x32 icon is 16x16");
}

fn run_script(script: &str, args: &[&str]) -> Output {
    Command::new(repo_root().join(script))
        .args(args)
        .output()
        .unwrap()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[test]
fn the_install_test_without_a_package_says_how_to_build_one() {
    let output = run_script("tests/install/debian.sh", &["/nowhere/scim-wizard.deb"]);
    assert_one_error_line(&output, "make install-test");
}

#[test]
fn no_debootstrap_and_no_route_to_debian_each_stop_with_one_line() {
    if !is_root() {
        // As another user the first line is the one saying root is needed.
        let output = run_script("tests/cross/cross.sh", &["build-windows-cli"]);
        assert_one_error_line(&output, "needs root");
        return;
    }
    let roots = tempfile::tempdir().unwrap();
    // debootstrap is in /usr/sbin: without it on the PATH, it is missing.
    let mut command = Command::new(repo_root().join("tests/cross/cross.sh"));
    let output = command
        .arg("build-windows-cli")
        .env("PATH", "/usr/bin:/bin")
        .env("SCIM_WIZARD_ROOTS", roots.path())
        .output()
        .unwrap();
    assert_one_error_line(&output, "debootstrap is missing");

    // A half-made root (no stamp) is made again; with no route to Debian, that stops at once.
    std::fs::create_dir_all(roots.path().join("sid-cross/usr")).unwrap();
    let output = Command::new(repo_root().join("tests/cross/cross.sh"))
        .arg("build-windows-cli")
        .env("SCIM_WIZARD_ROOTS", roots.path())
        .env("DEBIAN_MIRROR", "http://127.0.0.1:9/debian")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("stale, half-made"), "{stderr}");
    assert_one_error_line(&output, "cannot reach Debian's packages");
    assert!(
        roots.path().join("sid-cross/usr").exists(),
        "the old root is kept until a new one is whole"
    );
}
