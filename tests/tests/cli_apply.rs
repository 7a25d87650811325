//! `scim-wizard-cli` end to end against `scim-wizard-cli sandbox`: a full apply, `plan` writing
//! nothing, a second apply changing nothing, `status`, rollback, kill -9 at every step boundary,
//! and no secret left in any file or in the CLI's output.
//!
//! The CLI keeps secrets in the OS keychain, so these need a Secret Service: `make test` runs
//! them inside `tests/session.sh` (throw-away HOME, D-Bus session, unlocked gnome-keyring).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli_support;

use std::time::Duration;

use cli_support::{
    Cli, assert_one_of_each, count, files_under, find_jwt, keychain_lock, line_reader, read_until,
    step_done, wait_with_timeout, writes,
};
use scim_wizard_setup::scaleway_step::{scaleway_key_account, scim_token_account};
use scim_wizard_setup::{ExposeSecret, KeychainRefreshTokenStore, Vault};
use serde_json::Value;

fn refresh_account(cli: &Cli) -> String {
    KeychainRefreshTokenStore::account(
        &cli.sandbox.tenant_id(),
        scim_wizard_entra::auth::DEFAULT_CLIENT_ID,
    )
}

/// Removes this test's entries from the (shared, throw-away) keyring.
fn forget_keychain(cli: &Cli) {
    if let Ok(vault) = Vault::open_native() {
        let org = cli.sandbox.organization_id();
        let _ = vault.delete(&scim_token_account(&org));
        let _ = vault.delete(&scaleway_key_account(&org));
        let _ = vault.delete(&scim_wizard_setup::staging_token_account(&org));
        let _ = vault.delete(&refresh_account(cli));
    }
}

fn usernames(cli: &Cli) -> Vec<String> {
    cli.sandbox.get("state")["scim_users"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["userName"].as_str().map(str::to_owned))
        .collect()
}

/// No file under the test's HOME, XDG dirs or TMPDIR (nor the session's), and nothing the CLI
/// printed, holds the SCIM token, the Scaleway secret key, the Entra refresh token or anything
/// shaped like an Entra access token.
fn assert_no_secret_left(cli: &Cli) {
    let vault = Vault::open_native().expect("a Secret Service: run through tests/session.sh");
    let org = cli.sandbox.organization_id();
    let scim_token = vault
        .read(&scim_token_account(&org))
        .unwrap()
        .expect("the SCIM token is in the keychain");
    let refresh = vault
        .read(&refresh_account(cli))
        .unwrap()
        .expect("the Entra sign-in is in the keychain");
    let secrets = [
        ("the SCIM token", scim_token.expose_secret().to_owned()),
        (
            "the Scaleway secret key",
            cli.sandbox.secret_key(cli.key_label),
        ),
        (
            "the Entra refresh token",
            refresh.expose_secret().to_owned(),
        ),
    ];
    let mut dirs = vec![cli.home.root().to_path_buf()];
    for name in [
        "HOME",
        "XDG_DATA_HOME",
        "XDG_CONFIG_HOME",
        "XDG_CACHE_HOME",
        "XDG_RUNTIME_DIR",
        "SCIM_WIZARD_TEST_TMPDIR",
        "TMPDIR",
    ] {
        if let Some(dir) = std::env::var_os(name) {
            dirs.push(dir.into());
        }
    }
    let files: Vec<_> = dirs.iter().flat_map(|dir| files_under(dir)).collect();
    assert!(
        files
            .iter()
            .any(|f| f.file_name().is_some_and(|n| n == "journal.json")),
        "the journal was written under the test's HOME"
    );
    for file in &files {
        let Ok(bytes) = std::fs::read(file) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        for (what, secret) in &secrets {
            assert!(!text.contains(secret.as_str()), "{file:?} holds {what}");
        }
        assert!(find_jwt(&text).is_none(), "{file:?} holds an Entra token");
    }
    let printed = cli.printed.lock().unwrap();
    assert!(!printed.is_empty());
    for (what, secret) in &secrets {
        assert!(!printed.contains(secret.as_str()), "the CLI printed {what}");
    }
    assert!(
        find_jwt(&printed).is_none(),
        "the CLI printed an Entra token"
    );
}

#[test]
#[ignore = "needs a Secret Service: run through `make test`"]
fn a_full_apply_provisions_the_user_plan_writes_nothing_and_a_second_apply_changes_nothing() {
    let _keychain = keychain_lock();
    let cli = Cli::new();
    let upn = cli.sandbox.upn("adele.vance");
    let before = cli.sandbox.snapshot();
    let logged = cli.sandbox.requests().len();

    // plan: reads both sides, writes nothing (no journal, no remote change).
    let plan = cli.run(&["plan", "--device-code", "--json", "--assign", &upn]);
    assert_eq!(plan.code(), 0, "{}", plan.describe());
    let summary = plan.summary();
    assert_eq!(summary["plan"]["up_to_date"], false, "{summary:#}");
    assert!(
        summary["plan"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["step"] == "entra_app" && i["action"] == "create"),
        "{summary:#}"
    );
    assert!(cli.home.journal().is_none(), "plan wrote the journal");
    assert_eq!(cli.sandbox.snapshot(), before);
    assert_eq!(
        writes(&cli.sandbox.requests()[logged..]),
        Vec::<String>::new()
    );
    // The human plan lists the same.
    let human = cli.run(&["plan", "--device-code", "--assign", &upn]);
    assert_eq!(human.code(), 0, "{}", human.describe());
    assert!(
        human.stdout.contains("Create the enterprise application"),
        "{}",
        human.describe()
    );
    assert!(
        human.stderr.contains("enter the code"),
        "{}",
        human.describe()
    );

    // apply: the user arrives in Scaleway as the UPN's local part.
    let run = cli.apply(&["adele.vance"]);
    assert_eq!(run.code(), 0, "{}", run.describe());
    let summary = run.summary();
    assert_eq!(summary["ok"], true);
    assert_eq!(
        summary["changed"],
        serde_json::json!([
            "scim_enabled",
            "scim_token",
            "entra_app",
            "provisioning_job",
            "connection",
            "mappings",
            "assignments",
            "started"
        ])
    );
    for id in [
        "scim_id",
        "token_id",
        "app_id",
        "service_principal_id",
        "job_id",
    ] {
        assert!(summary["ids"][id].is_string(), "{id}: {summary:#}");
    }
    assert_eq!(summary["report"]["proof"]["verified"], true, "{summary:#}");
    let events = run.events();
    assert!(events.iter().any(|e| e["event"] == "sign_in"
        && e["method"] == "device_code"
        && e["user_code"].is_string()));
    assert!(events.iter().any(|e| e["event"] == "ready"));
    for step in [
        "preflight",
        "scim_enabled",
        "scim_token",
        "entra_app",
        "provisioning_job",
        "connection",
        "mappings",
        "assignments",
        "start",
        "proof",
    ] {
        assert!(events.iter().any(|e| step_done(e, step)), "{step} not done");
    }
    assert!(!events.iter().any(|e| e["phase"] == "failed"));
    assert_eq!(usernames(&cli), vec!["adele.vance"]);
    let after_first = cli.sandbox.snapshot();
    assert_one_of_each(&after_first, 1, "after apply");
    assert!(cli.home.journal().is_some());

    // A second apply: signs in silently, reads, writes nothing.
    let logged = cli.sandbox.requests().len();
    let again = cli.apply(&["adele.vance"]);
    assert_eq!(again.code(), 0, "{}", again.describe());
    assert_eq!(again.summary()["changed"], serde_json::json!([]));
    assert!(
        again
            .events()
            .iter()
            .any(|e| e["event"] == "signed_in" && e["method"] == "saved")
    );
    assert!(!again.events().iter().any(|e| e["event"] == "sign_in"));
    assert_eq!(
        writes(&cli.sandbox.requests()[logged..]),
        Vec::<String>::new()
    );
    assert_eq!(cli.sandbox.snapshot(), after_first);

    // The admin's sessions are revoked (invalid_grant on refresh): the CLI signs in again.
    cli.sandbox.post("login/revoke", serde_json::json!({}));
    let status = cli.run(&["status", "--json", "--device-code"]);
    assert_eq!(status.code(), 0, "{}", status.describe());
    assert!(
        status
            .events()
            .iter()
            .any(|e| e["event"] == "sign_in" && e["method"] == "device_code"),
        "{}",
        status.describe()
    );

    // status: both sides.
    let status = &status.summary()["status"];
    assert_eq!(status["scaleway"]["scim_enabled"], true);
    assert_eq!(status["scaleway"]["tokens"].as_array().unwrap().len(), 1);
    assert_eq!(status["scaleway"]["tokens"][0]["token"]["ours"], true);
    assert!(status["scaleway"]["tokens"][0]["expires_in_days"].is_i64());
    assert_eq!(status["entra"]["app_exists"], true);
    assert_eq!(status["entra"]["job"]["schedule_state"], "Active");
    assert!(status["entra"]["job"]["last_cycle"].is_object());
    let human = cli.run(&["status"]);
    assert_eq!(human.code(), 0, "{}", human.describe());
    for expected in [
        "SCIM: enabled",
        "(created by this setup)",
        "Provisioning job",
        "Last cycle",
    ] {
        assert!(
            human.stdout.contains(expected),
            "{expected}: {}",
            human.describe()
        );
    }

    assert_no_secret_left(&cli);
    forget_keychain(&cli);
}

#[test]
#[ignore = "needs a Secret Service: run through `make test`"]
fn rollback_shows_its_plan_and_leaves_the_sandbox_as_it_was() {
    let _keychain = keychain_lock();
    let cli = Cli::new();
    let before = cli.sandbox.snapshot();
    let run = cli.apply(&["adele.vance"]);
    assert_eq!(run.code(), 0, "{}", run.describe());

    // Without --yes and without a terminal to ask on: refused, nothing removed.
    let refused = cli.run(&["rollback"]);
    assert_eq!(refused.code(), 3, "{}", refused.describe());
    assert!(refused.stderr.contains("--yes"), "{}", refused.describe());
    assert_eq!(count(&cli.sandbox.snapshot(), "applications"), 1);

    let rollback = cli.run(&["rollback", "--yes", "--json"]);
    assert_eq!(rollback.code(), 0, "{}", rollback.describe());
    let summary = rollback.summary();
    let steps: Vec<&str> = summary["plan"]["remove"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "assignments",
            "provisioning_job",
            "entra_app",
            "scim_token",
            "scim_enabled"
        ]
    );
    assert_eq!(summary["report"]["undone"].as_array().unwrap().len(), 5);

    let mut after = cli.sandbox.snapshot();
    // Users Entra provisioned stay in Scaleway by design (as when an Entra app is deleted).
    let users = after["iam_users"].as_array_mut().unwrap();
    assert_eq!(
        users
            .iter()
            .filter(|u| u["provisioned_by_scim"] == true)
            .count(),
        1
    );
    users.retain(|u| u["provisioned_by_scim"] != true);
    assert_eq!(after, before);
    assert!(cli.home.journal().is_none(), "the journal is removed");
    let vault = Vault::open_native().unwrap();
    let org = cli.sandbox.organization_id();
    assert!(vault.read(&scim_token_account(&org)).unwrap().is_none());
    assert!(
        vault.read(&refresh_account(&cli)).unwrap().is_some(),
        "the sign-in is kept unless --forget-sign-in"
    );

    // Nothing left to undo.
    let nothing = cli.run(&["rollback", "--json"]);
    assert_eq!(nothing.code(), 0, "{}", nothing.describe());
    forget_keychain(&cli);
}

const BOUNDARIES: [&str; 10] = [
    "preflight",
    "scim_enabled",
    "scim_token",
    "entra_app",
    "provisioning_job",
    "connection",
    "mappings",
    "assignments",
    "start",
    "proof",
];

/// kill -9 when the `finished` (or `skipped`) event of `step` arrives, then apply again.
fn kill_after(step: &str) {
    let cli = Cli::new();
    let users = ["adele.vance", "alex.wilber"];
    let args = cli.apply_args(&users);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut child = cli.command(&args).spawn().unwrap();
    let lines = line_reader(child.stdout.take().unwrap());
    let seen = read_until(&lines, Duration::from_secs(90), |e| step_done(e, step));
    // SIGKILL: no handler, no flush, no goodbye.
    let _ = child.kill();
    let killed = wait_with_timeout(child, Duration::from_secs(10));
    let mut printed = seen.join("\n");
    printed.extend(lines.iter());
    cli.printed.lock().unwrap().push_str(&printed);
    cli.printed.lock().unwrap().push_str(&killed.stderr);

    let run = cli.apply(&users);
    assert_eq!(
        run.code(),
        0,
        "resume after kill at {step}: {}",
        run.describe()
    );
    assert_eq!(run.summary()["report"]["proof"]["verified"], true);
    let snapshot = cli.sandbox.snapshot();
    assert_one_of_each(&snapshot, 2, &format!("kill -9 after {step}"));
    let mut names = usernames(&cli);
    names.sort();
    assert!(names.contains(&"adele.vance".to_owned()), "{names:?}");
    forget_keychain(&cli);
}

#[test]
#[ignore = "needs a Secret Service: run through `make test`"]
fn kill_9_at_every_step_boundary_then_apply_again_gives_one_of_each() {
    let _keychain = keychain_lock();
    // Each boundary has its own sandbox, HOME and keychain entries.
    for step in BOUNDARIES {
        kill_after(step);
    }
}

#[test]
fn jwt_shapes_are_recognised() {
    assert!(find_jwt("x eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.sig-_ y").is_some());
    assert!(find_jwt("eyJust a word. Another one.").is_none());
    assert!(find_jwt("no token here").is_none());
    let _: Option<Value> = None;
}
