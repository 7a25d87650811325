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
    Cli, assert_one_of_each, count, find_jwt, keychain_lock, line_reader, read_until, step_done,
    wait_with_timeout, writes,
};
use scim_wizard_setup::scaleway_step::{
    PASTED_SCIM_TOKEN_ACCOUNT, scaleway_key_account, scim_token_account,
};
use scim_wizard_setup::{ExposeSecret, KeychainRefreshTokenStore, Vault};
use scim_wizard_tests::sandbox::{scaleway_api_routes, wizard_scim_lookups};
use scim_wizard_tests::{file_texts, session_dirs};
use serde_json::{Value, json};

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
        let _ = vault.delete(PASTED_SCIM_TOKEN_ACCOUNT);
        let _ = vault.delete(&refresh_account(cli));
    }
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
    assert!(
        cli.home.journal().is_some(),
        "the journal was written under the test's HOME"
    );
    assert_nowhere(
        cli,
        &[
            ("the SCIM token", scim_token.expose_secret().to_owned()),
            (
                "the Scaleway secret key",
                cli.sandbox.secret_key(cli.key_label),
            ),
            ("the Entra refresh token", refresh_token(cli)),
        ],
    );
}

/// The Entra sign-in the CLI keeps in the keychain.
fn refresh_token(cli: &Cli) -> String {
    let vault = Vault::open_native().expect("a Secret Service: run through tests/session.sh");
    vault
        .read(&refresh_account(cli))
        .unwrap()
        .expect("the Entra sign-in is in the keychain")
        .expose_secret()
        .to_owned()
}

/// None of `secrets` (nor an Entra access token) is in a file under the test's HOME, XDG dirs or
/// TMPDIR (nor the session's), or in anything the CLI printed.
fn assert_nowhere(cli: &Cli, secrets: &[(&str, String)]) {
    let mut dirs = vec![cli.home.root().to_path_buf()];
    dirs.extend(session_dirs());
    for (file, text) in file_texts(&dirs) {
        for (what, secret) in secrets {
            assert!(!text.contains(secret.as_str()), "{file:?} holds {what}");
        }
        assert!(find_jwt(&text).is_none(), "{file:?} holds an Entra token");
    }
    let printed = cli.printed.lock().unwrap();
    assert!(!printed.is_empty());
    for (what, secret) in secrets {
        assert!(!printed.contains(secret.as_str()), "the CLI printed {what}");
    }
    assert!(
        find_jwt(&printed).is_none(),
        "the CLI printed an Entra token"
    );
}

/// What a first `apply` with a Scaleway key changes, in order (with only a SCIM token, the
/// first two were done in the console).
const CHANGES: [&str; 8] = [
    "scim_enabled",
    "scim_token",
    "entra_app",
    "provisioning_job",
    "connection",
    "mappings",
    "assignments",
    "started",
];

/// What a rollback's plan removes, step by step.
fn rollback_steps(summary: &Value) -> Vec<String> {
    summary["plan"]["remove"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["step"].as_str().unwrap().to_owned())
        .collect()
}

/// Each of `steps` finished (or was skipped), and none failed.
fn assert_steps_done(events: &[Value], steps: &[&str]) {
    for step in steps {
        assert!(events.iter().any(|e| step_done(e, step)), "{step} not done");
    }
    assert!(!events.iter().any(|e| e["phase"] == "failed"));
}

/// An `apply` that signed in silently, changed nothing and wrote nothing since the `logged`
/// first requests: both worlds are still `before`.
fn assert_changed_nothing(cli: &Cli, run: &cli_support::Run, logged: usize, before: &Value) {
    assert_eq!(run.code(), 0, "{}", run.describe());
    assert_eq!(run.summary()["changed"], json!([]), "{}", run.describe());
    let events = run.events();
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "signed_in" && e["method"] == "saved")
    );
    assert!(!events.iter().any(|e| e["event"] == "sign_in"));
    assert_wrote_nothing(cli, logged, before);
}

/// No write reached the sandbox after its first `logged` requests, and its state is `before`.
fn assert_wrote_nothing(cli: &Cli, logged: usize, before: &Value) {
    assert_eq!(
        writes(&cli.sandbox.requests()[logged..]),
        Vec::<String>::new()
    );
    assert_eq!(&cli.sandbox.snapshot(), before);
}

/// The run stopped with `exit`, naming the stable `code` on its error line.
fn assert_stopped(run: &cli_support::Run, code: &str, exit: i32) {
    assert_eq!(run.code(), exit, "{}", run.describe());
    assert!(
        run.stderr.contains(&format!("code {code}, exit {exit})")),
        "{}",
        run.describe()
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
    assert_wrote_nothing(&cli, logged, &before);
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
    assert_eq!(summary["changed"], serde_json::json!(CHANGES));
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
    assert_steps_done(&events, &BOUNDARIES);
    assert_eq!(cli.sandbox.scim_usernames(), vec!["adele.vance"]);
    let after_first = cli.sandbox.snapshot();
    assert_one_of_each(&after_first, 1, "after apply");
    assert!(cli.home.journal().is_some());

    // A second apply: signs in silently, reads, writes nothing.
    let logged = cli.sandbox.requests().len();
    let again = cli.apply(&["adele.vance"]);
    assert_changed_nothing(&cli, &again, logged, &after_first);

    // The admin's sessions are revoked (invalid_grant on refresh): the CLI signs in again.
    cli.sandbox.post("login/revoke", serde_json::json!({}));
    // --remember: the new sign-in is kept for the runs that follow.
    let status = cli.run(&["status", "--json", "--device-code", "--remember"]);
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
    let healthy = status.clone();
    assert_eq!(healthy["attention"], json!([]), "{healthy:#}");

    // 20 days before the token expires, on Scaleway's clock: status says it first and exits 6,
    // so that a scheduled task can alert.
    cli.sandbox
        .post("time-travel", json!({"seconds": 345 * 24 * 3600}));
    // A year on, the sandbox's Entra sign-in has expired too: signed in again, and kept.
    let soon = cli.run(&["status", "--json", "--device-code", "--remember"]);
    assert_eq!(soon.code(), 6, "{}", soon.describe());
    let said = soon.summary();
    assert_eq!(said["ok"], true, "{said:#}");
    assert_eq!(said["exit_code"], 6, "{said:#}");
    let days = said["token_expires_in_days"].as_i64().unwrap();
    assert!((19..=20).contains(&days), "{said:#}");
    assert_eq!(
        said["attention"],
        json!([{"kind": "token_expires_soon", "days": days}])
    );
    assert_eq!(
        said["job_state"],
        said["status"]["entra"]["job"]["condition"]
    );
    assert!(said["last_cycle"].is_object(), "{said:#}");
    assert!(said.as_object().unwrap().contains_key("quarantine"));
    let human = cli.run(&["status", "--device-code", "--remember"]);
    assert_eq!(human.code(), 6, "{}", human.describe());
    assert!(
        human
            .stdout
            .contains(&format!("expires in {days} day(s): renew it")),
        "{}",
        human.describe()
    );

    // Pause and resume provisioning: Entra's job only.
    let paused = cli.run(&[
        "pause-provisioning",
        "--json",
        "--device-code",
        "--remember",
    ]);
    assert_eq!(paused.code(), 0, "{}", paused.describe());
    assert_eq!(
        paused.summary()["job_state"],
        "paused",
        "{}",
        paused.describe()
    );
    let resumed = cli.run(&[
        "resume-provisioning",
        "--json",
        "--device-code",
        "--remember",
    ]);
    assert_eq!(resumed.code(), 0, "{}", resumed.describe());
    assert_ne!(
        resumed.summary()["job_state"],
        "paused",
        "{}",
        resumed.describe()
    );

    // A month on, the token has expired: status says provisioning has stopped, and exits 6.
    cli.sandbox
        .post("time-travel", json!({"seconds": 30 * 24 * 3600}));
    let stopped = cli.run(&["status", "--json", "--device-code", "--remember"]);
    assert_eq!(stopped.code(), 6, "{}", stopped.describe());
    let said = stopped.summary();
    assert!(
        said["token_expires_in_days"].as_i64().unwrap() < 0,
        "{said:#}"
    );
    assert_eq!(
        said["attention"],
        json!([{"kind": "token_expired"}]),
        "{said:#}"
    );

    // Entra quarantines the job: said after the token, with its cause.
    let job_id = said["status"]["entra"]["job"]["job_id"]
        .as_str()
        .unwrap()
        .to_owned();
    cli.sandbox
        .post(&format!("graph/jobs/{job_id}/quarantine"), json!({}));
    let quarantined = cli.run(&["status", "--json", "--device-code", "--remember"]);
    assert_eq!(quarantined.code(), 6, "{}", quarantined.describe());
    let said = quarantined.summary();
    assert_eq!(said["job_state"], "quarantined", "{said:#}");
    assert!(said["quarantine"]["cause"].is_string(), "{said:#}");
    let kinds: Vec<&str> = said["attention"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["kind"].as_str())
        .collect();
    assert_eq!(kinds, vec!["token_expired", "quarantined"], "{said:#}");

    assert_no_secret_left(&cli);
    forget_keychain(&cli);
}

/// What the keychain holds for this test's setup (its Organization and tenant), in order.
fn kept_for(cli: &Cli) -> Vec<String> {
    let vault = Vault::open_native().expect("a Secret Service: run through tests/session.sh");
    let org = cli.sandbox.organization_id();
    let tenant = cli.sandbox.tenant_id();
    vault
        .accounts()
        .unwrap()
        .into_iter()
        .filter(|account| account.contains(&org) || account.contains(&tenant))
        .collect()
}

#[test]
#[ignore = "needs a Secret Service: run through `make test`"]
fn only_the_scim_token_is_kept_unless_asked_and_forget_deletes_the_key_and_the_sign_in() {
    let _keychain = keychain_lock();
    let cli = Cli::new();
    let org = cli.sandbox.organization_id();
    let upn = cli.sandbox.upn("adele.vance");

    // Without --remember: the setup is done, and only the SCIM token is left (Entra uses it).
    let run = cli.run(&[
        "apply",
        "--device-code",
        "--yes",
        "--json",
        "--assign",
        &upn,
    ]);
    assert_eq!(run.code(), 0, "{}", run.describe());
    assert_eq!(run.summary()["report"]["proof"]["verified"], true);
    assert_eq!(kept_for(&cli), vec![scim_token_account(&org)]);
    assert_eq!(
        run.summary()["report"]["summary"]["scim_token_keychain"]["account"],
        scim_token_account(&org)
    );

    // With --remember: nothing was kept, so it signs in again; then the key and the sign-in
    // stay for later runs, after the (re)proven setup too.
    let again = cli.apply(&["adele.vance"]);
    assert_eq!(again.code(), 0, "{}", again.describe());
    assert!(
        again
            .events()
            .iter()
            .any(|e| e["event"] == "sign_in" && e["method"] == "device_code"),
        "{}",
        again.describe()
    );
    assert_eq!(
        kept_for(&cli),
        vec![
            refresh_account(&cli),
            scaleway_key_account(&org),
            scim_token_account(&org)
        ]
    );
    assert_no_secret_left(&cli);

    // forget: both go, the token stays; a second time there is nothing to forget.
    let forget = cli.run(&["forget", "--json"]);
    assert_eq!(forget.code(), 0, "{}", forget.describe());
    // (The keychain is shared with the other tests: what they left goes too.)
    let ours: Vec<Value> = forget.summary()["forgotten"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["tenant_id"] == cli.sandbox.tenant_id() || f["organization_id"] == org)
        .cloned()
        .collect();
    assert_eq!(
        ours,
        vec![
            json!({"kind": "entra_sign_in", "tenant_id": cli.sandbox.tenant_id()}),
            json!({"kind": "scaleway_key", "organization_id": org}),
        ]
    );
    assert_eq!(kept_for(&cli), vec![scim_token_account(&org)]);
    let human = cli.run(&["forget"]);
    assert_eq!(human.code(), 0, "{}", human.describe());
    assert!(
        human.stdout.contains("Nothing to forget"),
        "{}",
        human.describe()
    );
    forget_keychain(&cli);
}

#[test]
#[ignore = "needs a Secret Service: run through `make test`"]
fn without_a_key_status_plan_and_apply_use_the_key_the_first_apply_remembered() {
    let _keychain = keychain_lock();
    let cli = Cli::new();
    let org = cli.sandbox.organization_id();
    let upn = cli.sandbox.upn("adele.vance");
    let key = cli.sandbox.secret_key(cli.key_label);
    let vault = Vault::open_native().expect("a Secret Service: run through tests/session.sh");
    let remembered = || {
        vault
            .read(&scaleway_key_account(&org))
            .unwrap()
            .map(|k| k.expose_secret().to_owned())
    };

    // A first apply with the key in SCW_SECRET_KEY: done, and the key is remembered.
    let first = cli.apply(&["adele.vance"]);
    assert_eq!(first.code(), 0, "{}", first.describe());
    assert_eq!(
        first.summary()["changed"],
        json!(CHANGES),
        "{}",
        first.describe()
    );
    assert_eq!(
        remembered().as_deref(),
        Some(key.as_str()),
        "the key is remembered"
    );
    let after_first = cli.sandbox.snapshot();

    // From here on no SCW_* variable and no `scw` profile: only the keychain has the key.
    let keyless = |args: &[&str]| cli.run_command(cli.keyless(args), None);
    // Connected with a key (not the token-only fallback), to the same Organization, and the
    // Scaleway API was called with it; nothing was written anywhere.
    let with_the_remembered_key = |run: &cli_support::Run, logged: usize| {
        assert_eq!(run.code(), 0, "{}", run.describe());
        // With --json the `ready` event says so; without, the line about both sides does.
        match run.events().into_iter().find(|e| e["event"] == "ready") {
            Some(ready) => {
                assert_eq!(ready["organization_id"], org.as_str(), "{}", run.describe());
                assert_eq!(ready["scaleway_access"], "api_key", "{}", run.describe());
            }
            None => assert!(
                run.stderr
                    .contains("Scaleway: Key OK — organization 'Acme'"),
                "{}",
                run.describe()
            ),
        }
        assert!(
            !run.describe().contains("No Scaleway API key was found"),
            "{}",
            run.describe()
        );
        let entries = cli.sandbox.requests()[logged..].to_vec();
        assert!(
            !scaleway_api_routes(&entries).is_empty(),
            "the Scaleway API was not called: {}",
            run.describe()
        );
        assert_eq!(writes(&entries), Vec::<String>::new());
        assert_eq!(cli.sandbox.snapshot(), after_first);
    };

    // status: Scaleway's side as seen with a key (SCIM, its token), the same Organization.
    let logged = cli.sandbox.requests().len();
    let status = keyless(&["status", "--json"]);
    with_the_remembered_key(&status, logged);
    let scaleway = &status.summary()["status"]["scaleway"];
    assert_eq!(scaleway["organization_id"], org.as_str(), "{scaleway:#}");
    assert_eq!(scaleway["access"], "api_key", "{scaleway:#}");
    assert_eq!(scaleway["scim_enabled"], true, "{scaleway:#}");
    assert_eq!(
        scaleway["tokens"].as_array().unwrap().len(),
        1,
        "{scaleway:#}"
    );
    assert_eq!(scaleway["tokens"][0]["token"]["ours"], true, "{scaleway:#}");
    assert_eq!(scaleway["needs_scaleway_key"], json!([]), "{scaleway:#}");
    let logged = cli.sandbox.requests().len();
    let human = keyless(&["status"]);
    with_the_remembered_key(&human, logged);
    for expected in [
        format!("Scaleway Organization {org}"),
        "SCIM: enabled (".to_owned(),
        "(created by this setup)".to_owned(),
    ] {
        assert!(
            human.stdout.contains(&expected),
            "{expected}: {}",
            human.describe()
        );
    }

    // plan: reads both sides with the key, nothing to do.
    let logged = cli.sandbox.requests().len();
    let plan = keyless(&["plan", "--device-code", "--json", "--assign", &upn]);
    with_the_remembered_key(&plan, logged);
    let summary = plan.summary();
    assert_eq!(summary["plan"]["up_to_date"], true, "{summary:#}");
    assert!(cli.home.journal().is_some());

    // apply: signs in silently, changes nothing, and still proves the user with the key.
    let logged = cli.sandbox.requests().len();
    let again = keyless(&[
        "apply",
        "--device-code",
        "--yes",
        "--json",
        "--assign",
        &upn,
    ]);
    assert_changed_nothing(&cli, &again, logged, &after_first);
    with_the_remembered_key(&again, logged);
    assert_eq!(
        again.summary()["report"]["proof"]["verified"],
        true,
        "{}",
        again.describe()
    );
    assert_eq!(
        remembered().as_deref(),
        Some(key.as_str()),
        "the key is still remembered"
    );
    assert_no_secret_left(&cli);

    // The key forgotten: the SCIM token this setup keeps is enough to look (token only)…
    let scim_token = vault
        .read(&scim_token_account(&org))
        .unwrap()
        .expect("the SCIM token is in the keychain")
        .expose_secret()
        .to_owned();
    let secrets = [
        ("the SCIM token", scim_token),
        ("the Scaleway secret key", key.clone()),
        ("the Entra refresh token", refresh_token(&cli)),
    ];
    vault.delete(&scaleway_key_account(&org)).unwrap();
    let logged = cli.sandbox.requests().len();
    let token_only = keyless(&["status", "--json"]);
    assert_eq!(token_only.code(), 0, "{}", token_only.describe());
    let scaleway = &token_only.summary()["status"]["scaleway"];
    assert_eq!(scaleway["access"], "token_only", "{scaleway:#}");
    assert_eq!(scaleway["token_works"], true, "{scaleway:#}");
    assert!(
        token_only.events().iter().any(|e| e["event"] == "note"
            && e["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("No Scaleway API key was found"))),
        "{}",
        token_only.describe()
    );
    assert_eq!(
        scaleway_api_routes(&cli.sandbox.requests()[logged..]),
        Vec::<String>::new()
    );
    // That token is this Organization's: another one named on the command line is refused,
    // not quietly swapped for the journal's.
    let other = keyless(&[
        "status",
        "--scw-organization-id",
        "99999999-9999-4999-8999-999999999999",
    ]);
    assert_stopped(&other, "journal_mismatch", 2);
    assert!(other.stderr.contains(&org), "{}", other.describe());

    // …and with neither, status stops as with no key at all: exit 2 (bad usage, as README
    // documents for a missing key), one plain sentence, nothing written.
    vault.delete(&scim_token_account(&org)).unwrap();
    let logged = cli.sandbox.requests().len();
    let nothing = keyless(&["status"]);
    assert!(
        nothing.stderr.starts_with("error: "),
        "{}",
        nothing.describe()
    );
    assert_stopped(&nothing, "scaleway_credentials_not_found", 2);
    assert_wrote_nothing(&cli, logged, &after_first);
    assert_nowhere(&cli, &secrets);
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
    let steps = rollback_steps(&summary);
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
    assert_eq!(scim_wizard_sandbox::without_provisioned(&mut after), 1);
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

#[test]
#[ignore = "needs a Secret Service: run through `make test`"]
fn a_token_and_base_url_alone_set_up_entra_prove_over_scim_and_roll_back_the_entra_side() {
    let _keychain = keychain_lock();
    let cli = Cli::new();
    // Step 1 done by hand in the Scaleway console; the CLI never sees a Scaleway key.
    let console = cli.sandbox.console_token();
    let upn = cli.sandbox.upn("adele.vance");
    let logged = cli.sandbox.requests().len();
    let apply = |input: Option<&str>| {
        let mut args = vec!["apply"];
        if input.is_some() {
            args.extend(["--scim-token-stdin", "--scim-base-url", &console.base_url]);
        }
        args.extend([
            "--device-code",
            "--yes",
            "--json",
            "--remember",
            "--assign",
            &upn,
        ]);
        cli.run_command(cli.keyless(&args), input)
    };

    // apply: steps 2-4, and the user proven over SCIM with the token.
    let run = apply(Some(&console.token));
    assert_eq!(run.code(), 0, "{}", run.describe());
    let summary = run.summary();
    assert_eq!(summary["ok"], true);
    assert_eq!(
        summary["changed"],
        json!(CHANGES[2..]),
        "nothing is created on Scaleway's side: {summary:#}"
    );
    let proof = &summary["report"]["proof"];
    assert_eq!(proof["verified"], true, "{summary:#}");
    assert_eq!(proof["checked_through"], "scim", "{summary:#}");
    assert_eq!(proof["expected_username"], "adele.vance");
    assert!(
        proof["message"]
            .as_str()
            .unwrap()
            .contains("(checked through SCIM with your token)"),
        "{proof:#}"
    );
    let events = run.events();
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "ready" && e["scaleway_access"] == "token_only"),
        "{}",
        run.describe()
    );
    // Every step is done; step 1's two were done in the console, so they are skipped.
    assert_steps_done(&events, &BOUNDARIES);
    for step in ["scim_enabled", "scim_token"] {
        let phases: Vec<&Value> = events
            .iter()
            .filter(|e| e["event"] == "progress" && e["step"] == step && e["phase"] != "started")
            .map(|e| &e["phase"])
            .collect();
        assert_eq!(phases, ["skipped"], "{step}: {}", run.describe());
    }
    assert_eq!(cli.sandbox.scim_usernames(), vec!["adele.vance"]);
    // No Scaleway API call at all: the proof asked SCIM for the user by userName.
    let entries = cli.sandbox.requests()[logged..].to_vec();
    assert_eq!(scaleway_api_routes(&entries), Vec::<String>::new());
    assert!(
        wizard_scim_lookups(&entries, "adele.vance") > 0,
        "the proof looked the user up over SCIM"
    );
    // Entra holds exactly the token and Base URL given, and nothing was minted.
    let after_first = cli.sandbox.snapshot();
    assert_one_of_each(&after_first, 1, "after a token-only apply");
    assert_eq!(after_first["tokens"], json!([console.token_id]));
    let secrets = after_first["secrets"].as_object().unwrap();
    let saved = |key: &str| -> Value {
        secrets
            .values()
            .next()
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["key"] == key)
            .unwrap()["value"]
            .clone()
    };
    assert_eq!(saved("BaseAddress"), console.base_url.as_str());
    // Both sides of the sandbox show the same SHA-256 fingerprint of a secret.
    let state = cli.sandbox.get("state");
    let minted = state["scim_tokens"][0]["bearer_token_fingerprint"]
        .as_str()
        .unwrap();
    let given = saved("SecretToken");
    assert_eq!(given.as_str(), Some(minted), "Entra got another token");
    // Kept in the keychain, under the account of a token given without its Organization.
    let vault = Vault::open_native().expect("a Secret Service: run through tests/session.sh");
    assert_eq!(
        vault
            .read(PASTED_SCIM_TOKEN_ACCOUNT)
            .unwrap()
            .map(|t| t.expose_secret().to_owned()),
        Some(console.token.clone())
    );
    assert!(cli.home.journal().is_some());

    // The same command again, and then without the token (the keychain's): nothing changes.
    for input in [Some(console.token.as_str()), None] {
        let logged = cli.sandbox.requests().len();
        let again = apply(input);
        assert_changed_nothing(&cli, &again, logged, &after_first);
        assert_eq!(again.summary()["report"]["proof"]["verified"], true);
        assert_eq!(
            scaleway_api_routes(&cli.sandbox.requests()[logged..]),
            Vec::<String>::new()
        );
    }

    // status: the token works; what needs a key is said.
    let status = cli.run_command(cli.keyless(&["status", "--json"]), None);
    assert_eq!(status.code(), 0, "{}", status.describe());
    let scaleway = &status.summary()["status"]["scaleway"];
    assert_eq!(scaleway["access"], "token_only", "{scaleway:#}");
    assert_eq!(scaleway["token_works"], true, "{scaleway:#}");
    assert_eq!(scaleway["base_url"], console.base_url.as_str());
    assert!(
        scaleway["needs_scaleway_key"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["action"] == "list_tokens"),
        "{scaleway:#}"
    );

    // rotate-token: needs a key; refused in one plain sentence, exit 3, nothing written.
    let logged = cli.sandbox.requests().len();
    let rotate = cli.run_command(cli.keyless(&["rotate-token", "--yes"]), None);
    assert!(
        rotate.stderr.contains(
            "error: Creating a SCIM token needs a Scaleway API key, and the app was given only a SCIM token."
        ),
        "{}",
        rotate.describe()
    );
    assert_stopped(&rotate, "scaleway_key_needed", 3);
    assert_wrote_nothing(&cli, logged, &after_first);

    // The token is in no file and was never printed (checked before rollback empties the dirs).
    let secrets = [
        ("the SCIM token", console.token.clone()),
        ("the Entra refresh token", refresh_token(&cli)),
    ];
    assert_nowhere(&cli, &secrets);

    // rollback: the Entra side goes; the token and SCIM stay in Scaleway, and it says so.
    let rollback = cli.run_command(cli.keyless(&["rollback", "--yes", "--json"]), None);
    assert_eq!(rollback.code(), 0, "{}", rollback.describe());
    let summary = rollback.summary();
    let steps = rollback_steps(&summary);
    assert_eq!(steps, ["assignments", "provisioning_job", "entra_app"]);
    assert_eq!(summary["report"]["undone"].as_array().unwrap().len(), 3);
    let needs = summary["report"]["needs_scaleway_key"].as_array().unwrap();
    assert_eq!(needs.len(), 1, "{summary:#}");
    assert_eq!(needs[0]["action"], "delete_token");
    assert!(
        needs[0]["message"]
            .as_str()
            .unwrap()
            .contains("The SCIM token you gave stays valid in Scaleway"),
        "{summary:#}"
    );
    let after = cli.sandbox.snapshot();
    for key in ["applications", "servicePrincipals", "jobs", "assignments"] {
        assert_eq!(count(&after, key), 0, "{key}: {after:#}");
    }
    assert_eq!(after["scim"], after_first["scim"]);
    assert_eq!(after["tokens"], json!([console.token_id]));
    assert_eq!(
        cli.sandbox.scim_status(&console.base_url, &console.token),
        200,
        "the token still works"
    );
    assert_eq!(
        cli.sandbox.scim_usernames(),
        vec!["adele.vance"],
        "provisioned users stay"
    );
    assert!(cli.home.journal().is_none(), "the journal is removed");
    assert!(vault.read(PASTED_SCIM_TOKEN_ACCOUNT).unwrap().is_none());
    assert_nowhere(&cli, &secrets);
    forget_keychain(&cli);
}

/// The steps of a full `apply`, in order: each one's end is where kill -9 lands below.
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
    let mut names = cli.sandbox.scim_usernames();
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

/// The `what` of each mapping change the apply made, sorted.
fn mapping_changes(summary: &Value) -> Vec<String> {
    let mut what: Vec<String> = summary["report"]["mapping_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["what"].as_str().unwrap().to_owned())
        .collect();
    what.sort();
    what
}

#[test]
#[ignore = "needs a Secret Service: run through `make test`"]
fn groups_go_as_scaleway_says_with_their_scope_said_first_and_no_groups_keeps_them_out() {
    let _keychain = keychain_lock();

    // By default: groups go, since the Organization's SCIM service takes them. What the group
    // will do is said before anything is assigned; the group is proven with one of its members.
    let cli = Cli::new();
    let mut args = cli.apply_args(&["adele.vance"]);
    args.extend(["--assign-group".to_owned(), "Engineering".to_owned()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = cli.run(&args);
    assert_eq!(run.code(), 0, "{}", run.describe());
    let events = run.events();
    let scope = events
        .iter()
        .find(|e| e["event"] == "group_scope")
        .unwrap_or_else(|| panic!("no group_scope event: {}", run.describe()));
    assert_eq!(
        scope["group_scope"]["nested"],
        json!([{"group": "Engineering", "subgroups": ["Platform"]}])
    );
    let summary = run.summary();
    assert_eq!(
        mapping_changes(&summary),
        [
            "display_name",
            "group_attributes",
            "name_formatted",
            "user_name"
        ]
    );
    let group = &summary["report"]["proof"]["group"];
    assert_eq!(group["group"], "Engineering", "{summary:#}");
    assert_eq!(group["finding"]["kind"], "arrived", "{summary:#}");
    assert!(
        cli.sandbox
            .snapshot()
            .to_string()
            .contains("\"name\":\"Engineering\""),
        "the group is in Scaleway"
    );
    forget_keychain(&cli);
    drop(cli);

    // --no-groups: the group's members arrive as users, no group does.
    let cli = Cli::new();
    let mut args = cli.apply_args(&["adele.vance"]);
    args.extend([
        "--assign-group".to_owned(),
        "Engineering".to_owned(),
        "--no-groups".to_owned(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = cli.run(&args);
    assert_eq!(run.code(), 0, "{}", run.describe());
    let summary = run.summary();
    assert_eq!(
        mapping_changes(&summary),
        [
            "display_name",
            "group_provisioning",
            "name_formatted",
            "user_name"
        ]
    );
    assert_eq!(summary["report"]["proof"]["verified"], true, "{summary:#}");
    assert!(summary["report"]["proof"]["group"].is_null(), "{summary:#}");
    assert!(
        !cli.sandbox
            .snapshot()
            .to_string()
            .contains("\"name\":\"Engineering\""),
        "no group in Scaleway"
    );
    forget_keychain(&cli);
}

#[test]
#[ignore = "needs a Secret Service: run through `make test`"]
fn plan_says_the_impact_and_apply_stops_on_a_collision_until_the_domain_is_kept() {
    let _keychain = keychain_lock();
    let cli = Cli::new();
    let upn = cli.sandbox.upn("adele.vance");
    let ines = cli.sandbox.upn("ines.admin");
    let people = [
        "--assign",
        upn.as_str(),
        "--assign",
        ines.as_str(),
        "--assign-group",
        "Support",
    ];

    // plan --json: the impact event, in the documented shape; nothing written.
    let before = cli.sandbox.snapshot();
    let logged = cli.sandbox.requests().len();
    let mut args = vec!["plan", "--device-code", "--json"];
    args.extend(people);
    let plan = cli.run(&args);
    assert_eq!(plan.code(), 0, "{}", plan.describe());
    let events = plan.events();
    let impact = events
        .iter()
        .find(|e| e["event"] == "impact")
        .unwrap_or_else(|| panic!("no impact event: {}", plan.describe()));
    assert_eq!(
        impact["create"],
        json!([{"upn": upn, "username": "adele.vance"}])
    );
    assert_eq!(impact["match"][0]["upn"], ines);
    assert_eq!(impact["match"][0]["username"], "ines.admin");
    assert!(impact["match"][0]["user_id"].is_string(), "{impact:#}");
    assert_eq!(impact["collisions"][0]["username"], "jordan.lee");
    assert_eq!(
        impact["collisions"][0]["upns"].as_array().unwrap().len(),
        2,
        "{impact:#}"
    );
    let untouched = impact["untouched"].as_array().unwrap();
    assert!(
        untouched.iter().any(|u| u["username"] == "olivia.owner"
            && u["owner"] == true
            && u["user_id"].is_string()),
        "{impact:#}"
    );
    assert_wrote_nothing(&cli, logged, &before);

    // apply: stopped before anyone is assigned (exit 3, username_collision, the UPNs named).
    let mut args: Vec<String> = ["apply", "--device-code", "--yes", "--json", "--remember"]
        .map(str::to_owned)
        .to_vec();
    args.extend(people.map(str::to_owned));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let stopped = cli.run(&refs);
    assert_eq!(stopped.code(), 3, "{}", stopped.describe());
    let error = &stopped.summary()["error"];
    assert_eq!(error["code"], "username_collision", "{error:#}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("jordan.lee@fabrikam.example"),
        "{}",
        stopped.describe()
    );
    assert!(
        stopped.events().iter().any(|e| e["event"] == "impact"),
        "{}",
        stopped.describe()
    );
    assert_eq!(count(&cli.sandbox.snapshot(), "assignments"), 0);

    // --keep-upn-domain: everyone keeps the domain, no collision, the setup finishes.
    args.push("--keep-upn-domain".to_owned());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = cli.run(&refs);
    assert_eq!(run.code(), 0, "{}", run.describe());
    assert_eq!(run.summary()["report"]["proof"]["verified"], true);
    forget_keychain(&cli);
}

#[test]
#[ignore = "needs a Secret Service: run through `make test`"]
fn a_second_organization_is_a_second_setup_beside_the_first() {
    let _keychain = keychain_lock();
    let cli = Cli::new();
    let acme = cli.sandbox.organization_id();
    let globex = cli.sandbox.seed["other_organization_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let first = cli.apply(&["adele.vance"]);
    assert_eq!(first.code(), 0, "{}", first.describe());

    // The same computer, another Organization (its own Owner key): a setup of its own, not
    // refused as "the journal is another Organization's".
    let globex_env = |mut command: std::process::Command| {
        command
            .env(
                "SCW_SECRET_KEY",
                cli.sandbox.secret_key("other_organization"),
            )
            .env("SCW_DEFAULT_ORGANIZATION_ID", &globex);
        command
    };
    let args = cli.apply_args(&["megan.bowen"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let second = cli.run_command(globex_env(cli.command(&args)), None);
    assert_eq!(second.code(), 0, "{}", second.describe());

    // Two journals: the first where journals always lived, Globex's in setups/.
    let journals: Vec<_> = cli_support::files_under(&cli.home.path("data"))
        .into_iter()
        .filter(|f| f.file_name().is_some_and(|n| n == "journal.json"))
        .collect();
    assert_eq!(journals.len(), 2, "{journals:?}");
    assert!(
        journals
            .iter()
            .any(|j| j.to_string_lossy().contains("/setups/")),
        "{journals:?}"
    );
    // Each Organization's status reads its own setup.
    let status_of = |run: &cli_support::Run| run.summary()["status"]["scaleway"].clone();
    let acme_status = cli.run(&["status", "--json"]);
    assert_eq!(status_of(&acme_status)["organization_id"], acme.as_str());
    let globex_status = cli.run_command(globex_env(cli.command(&["status", "--json"])), None);
    assert_eq!(
        status_of(&globex_status)["organization_id"],
        globex.as_str(),
        "{}",
        globex_status.describe()
    );
    assert_eq!(
        globex_status.summary()["status"]["entra"]["assignments"],
        1,
        "{}",
        globex_status.describe()
    );
}
