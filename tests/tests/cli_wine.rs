//! The Windows build of `scim-wizard-cli.exe`, run under Wine, end to end against
//! `scim-wizard-cli sandbox` on this machine: `apply`, a second `apply` that changes nothing,
//! `status`, `rollback`. The SCIM token must be in the Windows Credential Manager (Wine keeps it
//! in the prefix's registry), the journal in `%APPDATA%`, and no secret in any file of the Wine
//! prefix nor in anything the CLI printed.
//!
//! Only `make cross-test` runs it (the `wine` feature, and `tests/cross/cross.sh` as the way to
//! start the .exe in the Debian sid root that has Wine 10); without them it fails, never skips.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli_support;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use base64::Engine;
use cli_support::{Run, SandboxProcess, assert_one_of_each, find_jwt, wait_with_timeout, writes};
use scim_wizard_setup::scaleway_step::scim_token_account;
use serde_json::json;

/// A first run under Wine also makes the prefix (about 20 s).
const WINE_RUN_TIMEOUT: Duration = Duration::from_secs(300);

struct WineCli {
    sandbox: SandboxProcess,
    prefix: tempfile::TempDir,
    printed: String,
}

impl WineCli {
    fn new() -> Self {
        let prefix = tempfile::Builder::new()
            .prefix("scim-wizard-wine-")
            .tempdir_in(scim_wizard_tests::scratch_base())
            .unwrap();
        Self {
            sandbox: SandboxProcess::start(&[]),
            prefix,
            printed: String::new(),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let launcher = scim_wizard_tests::repo_root().join("tests/cross/cross.sh");
        let mut command = Command::new(launcher);
        command.arg("wine").args(args);
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy().into_owned();
            if name.starts_with("SCW_") || name.starts_with("SCIM_WIZARD_") {
                command.env_remove(&name);
            }
        }
        command
            .env("SCIM_WIZARD_WINE_PREFIX", self.prefix.path())
            .env("SCW_SECRET_KEY", self.secret_key())
            .env(
                "SCW_DEFAULT_ORGANIZATION_ID",
                self.sandbox.organization_id(),
            )
            .env("SCIM_WIZARD_LOGIN_URL", self.sandbox.url("login"))
            .env("SCIM_WIZARD_GRAPH_URL", self.sandbox.url("graph"))
            .env("SCIM_WIZARD_SCALEWAY_URL", self.sandbox.url("scaleway_api"))
            .env(
                "SCIM_WIZARD_SCIM_BASE_URL",
                self.sandbox.url("scim_base_url_pattern"),
            )
            .env("SCIM_WIZARD_POLL_INTERVAL_MS", "200")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    fn run(&mut self, args: &[&str]) -> Run {
        let child = self.command(args).spawn().expect("cross.sh starts Wine");
        let run = wait_with_timeout(child, WINE_RUN_TIMEOUT);
        self.printed.push_str(&run.stdout);
        self.printed.push_str(&run.stderr);
        run
    }

    fn apply(&mut self) -> Run {
        let upn = self.sandbox.upn("adele.vance");
        // --remember: the sign-in is kept in the Credential Manager for the runs that follow.
        self.run(&[
            "apply",
            "--device-code",
            "--yes",
            "--json",
            "--remember",
            "--assign",
            &upn,
        ])
    }

    fn secret_key(&self) -> String {
        self.sandbox.secret_key("iam_manager_application")
    }

    /// The Windows user's folders in the prefix (`C:\users\<name>`).
    fn windows_profile(&self) -> PathBuf {
        let users = self.prefix.path().join("drive_c/users");
        std::fs::read_dir(&users)
            .unwrap()
            .flatten()
            .map(|entry| entry.path())
            .find(|path| path.file_name().is_some_and(|name| name != "Public"))
            .unwrap_or_else(|| panic!("no Windows user profile under {users:?}"))
    }
}

/// Every form a secret can take in a file of the prefix: as written (UTF-8), as Windows writes
/// strings (UTF-16LE), and as the registry files write binary values (hex bytes, comma-separated).
fn encodings(secret: &str) -> Vec<Vec<u8>> {
    let utf16 = utf16le(secret);
    let hex = |bytes: &[u8]| {
        bytes
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    vec![
        secret.as_bytes().to_vec(),
        utf16.clone(),
        hex(secret.as_bytes()).into_bytes(),
        hex(&utf16).into_bytes(),
    ]
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// A registry file goes on with a long hex value on the next line (`\`, newline, two spaces):
/// joined again, a value reads whole.
fn unfolded(bytes: &[u8]) -> Vec<u8> {
    let mut joined = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(at) = memchr::memmem::find(rest, b"\\\n  ") {
        joined.extend_from_slice(&rest[..at]);
        rest = &rest[at + 4..];
    }
    joined.extend_from_slice(rest);
    joined
}

/// The Entra refresh token's shape in the sandbox (`0.AX` and 300 more characters).
fn find_refresh_token(text: &str) -> bool {
    text.match_indices("0.AX").any(|(at, _)| {
        text[at + 4..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .count()
            >= 300
    })
}

/// An Entra token by its shape, in UTF-8 or UTF-16LE: a JWT (access and ID tokens) or the
/// sandbox's refresh token. Only the text after each `eyJ` or `0.AX` is decoded, so that the
/// prefix's 1 GB of Wine's own files is read once, quickly.
fn holds_entra_token(bytes: &[u8]) -> bool {
    for marker in ["eyJ", "0.AX"] {
        for utf16 in [false, true] {
            let needle = if utf16 {
                utf16le(marker)
            } else {
                marker.as_bytes().to_vec()
            };
            for at in memchr::memmem::find_iter(bytes, &needle) {
                let window = &bytes[at..bytes.len().min(at + 8192)];
                let text = if utf16 {
                    char::decode_utf16(
                        window
                            .chunks_exact(2)
                            .map(|pair| u16::from_le_bytes([pair[0], pair[1]])),
                    )
                    .map(|c| c.unwrap_or('\u{fffd}'))
                    .collect()
                } else {
                    String::from_utf8_lossy(window).into_owned()
                };
                if find_jwt(&text).is_some() || find_refresh_token(&text) {
                    return true;
                }
            }
        }
    }
    false
}

/// Which of `secrets` (or an Entra token) `bytes` hold, in any of their forms.
fn secrets_in(bytes: &[u8], secrets: &[(&'static str, String)]) -> Vec<&'static str> {
    let bytes = unfolded(bytes);
    let mut found: Vec<&'static str> = secrets
        .iter()
        .filter(|(_, secret)| {
            encodings(secret)
                .iter()
                .any(|form| memchr::memmem::find(&bytes, form).is_some())
        })
        .map(|(what, _)| *what)
        .collect();
    if holds_entra_token(&bytes) {
        found.push("an Entra token");
    }
    found
}

#[test]
#[ignore = "runs the Windows CLI under Wine: `make cross-test`"]
fn the_windows_cli_sets_up_changes_nothing_twice_reports_and_rolls_back_under_wine() {
    let mut cli = WineCli::new();
    let before = cli.sandbox.snapshot();

    // apply: the whole setup, the user seen in Scaleway.
    let first = cli.apply();
    assert_eq!(first.code(), 0, "{}", first.describe());
    let summary = first.summary();
    assert_eq!(summary["ok"], true, "{summary:#}");
    assert_eq!(summary["report"]["proof"]["verified"], true, "{summary:#}");
    assert_eq!(cli.sandbox.scim_usernames(), vec!["adele.vance"]);
    let after_first = cli.sandbox.snapshot();
    assert_one_of_each(&after_first, 1, "after the Windows apply");
    let token_id = summary["ids"]["token_id"].as_str().unwrap().to_owned();

    // A second apply: signed in from the Credential Manager, nothing written.
    let logged = cli.sandbox.requests().len();
    let again = cli.apply();
    assert_eq!(again.code(), 0, "{}", again.describe());
    assert_eq!(
        again.summary()["changed"],
        json!([]),
        "{}",
        again.describe()
    );
    assert!(
        again
            .events()
            .iter()
            .any(|e| e["event"] == "signed_in" && e["method"] == "saved"),
        "{}",
        again.describe()
    );
    assert_eq!(
        writes(&cli.sandbox.requests()[logged..]),
        Vec::<String>::new()
    );
    assert_eq!(cli.sandbox.snapshot(), after_first);

    // status: both sides, the token ours.
    let status = cli.run(&["status", "--json", "--device-code"]);
    assert_eq!(status.code(), 0, "{}", status.describe());
    let status = &status.summary()["status"];
    assert_eq!(status["scaleway"]["scim_enabled"], true, "{status:#}");
    assert_eq!(status["scaleway"]["tokens"][0]["token"]["ours"], true);
    assert_eq!(status["entra"]["job"]["schedule_state"], "Active");

    // Where Windows keeps things: the journal in %APPDATA%, the secrets in the Credential
    // Manager (Wine: generic credentials under its key in the user's registry file).
    let profile = cli.windows_profile();
    let journal = profile.join("AppData/Roaming/scim-wizard/scim-wizard/data/journal.json");
    let journal_text = std::fs::read_to_string(&journal)
        .unwrap_or_else(|e| panic!("no journal at {journal:?}: {e}"));
    assert!(journal_text.contains(&token_id), "{journal_text}");
    let registry = std::fs::read_to_string(cli.prefix.path().join("user.reg")).unwrap();
    let credentials: Vec<&str> = registry
        .lines()
        .filter(|line| line.starts_with("[Software\\\\Wine\\\\Credential Manager\\\\"))
        .collect();
    let account = scim_token_account(&cli.sandbox.organization_id());
    let scim_token_key = credentials
        .iter()
        .find(|key| key.contains(&account))
        .unwrap_or_else(|| {
            panic!("the SCIM token is not in the Credential Manager: {credentials:#?}")
        })
        .to_string();

    // rollback: what this setup made goes; the users Entra provisioned stay in Scaleway by
    // design. The journal and the token's credential go with it.
    let rollback = cli.run(&["rollback", "--yes", "--json"]);
    assert_eq!(rollback.code(), 0, "{}", rollback.describe());
    let mut after = cli.sandbox.snapshot();
    assert_eq!(scim_wizard_sandbox::without_provisioned(&mut after), 1);
    assert_eq!(after, before);
    assert!(!journal.exists(), "the journal is removed");
    let registry = std::fs::read_to_string(cli.prefix.path().join("user.reg")).unwrap();
    assert!(
        !registry.contains(&scim_token_key),
        "the SCIM token's credential is left after the rollback"
    );

    // No secret in any file of the prefix, nor in anything the CLI printed. The SCIM token
    // starts with base64 of its id and a dot: any copy of it holds that.
    let scim_token_start = format!(
        "{}.",
        base64::engine::general_purpose::STANDARD.encode(&token_id)
    );
    let secrets = [
        ("the Scaleway secret key", cli.secret_key()),
        ("the SCIM token", scim_token_start),
    ];
    // The scan finds what it looks for, in each form (a check of the check).
    let refresh = format!("0.AX{}", "a".repeat(300));
    for sample in [
        utf16le(&secrets[0].1),
        format!("x\\\n  {}", secrets[1].1).into_bytes(),
        utf16le(&refresh),
    ] {
        assert!(!secrets_in(&sample, &secrets).is_empty());
    }
    let mut scanned = 0;
    for file in scim_wizard_tests::files_under(cli.prefix.path()) {
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        let found = secrets_in(&bytes, &secrets);
        assert!(found.is_empty(), "{file:?} holds {found:?}");
        scanned += 1;
    }
    assert!(scanned > 1000, "only {scanned} files in the Wine prefix");
    let found = secrets_in(cli.printed.as_bytes(), &secrets);
    assert!(found.is_empty(), "the CLI printed {found:?}");
}
