//! Day 2 in the desktop app, against a sandbox that outlives it (`scim-wizard-cli sandbox`): a
//! setup is finished with real-accounts mode, the app is closed and opened again, and it opens
//! on the setup's home, read with the SCIM token it keeps (the key and the sign-in were
//! forgotten once the setup was proven). The sandbox's clock then moves to 20 days before the
//! token expires: home leads with it and with "Renew the token", which asks for a key (used for
//! this only), mints the second token, gives it to Entra, tests it and deletes the old one;
//! "Check again" then proves that a user still arrives in Scaleway, and "Show recent errors"
//! asks Microsoft for the permission to read the provisioning logs before reading them.
//! Screenshots of home in both states go to docs/screenshots/.
//!
//! Run by hand with:
//! `SCIM_WIZARD_APP=$CARGO_TARGET_DIR/debug/scim-wizard SCIM_WIZARD_CLI=$CARGO_TARGET_DIR/debug/scim-wizard-cli tests/session.sh cargo test -p scim-wizard-tests --test desktop_home -- --include-ignored`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use scim_wizard_tests::desktop::{
    ADELE, Actions, Driver, LONG, Language, SHORT, SignIn, click, enter_sandbox_endpoints,
    finish_setup, follow_sign_in, page_contents, pick, save_screenshot, type_into,
    wait_for_text_or_show, wait_real_accounts_scaleway,
};
use scim_wizard_tests::sandbox::SandboxProcess;
use scim_wizard_tests::scratch_base;
use scim_wizard_tests::webdriver::Session;
use serde_json::{Value, json};

/// The SCIM tokens Scaleway still holds (not deleted).
fn live_tokens(sandbox: &SandboxProcess) -> Vec<Value> {
    sandbox.get("state")["scim_tokens"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["deleted"] != true)
        .cloned()
        .collect()
}

/// The fingerprint of the token Entra's provisioning holds.
fn token_in_entra(sandbox: &SandboxProcess) -> Value {
    let snapshot = sandbox.snapshot();
    let pairs = snapshot["secrets"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap();
    pairs
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == "SecretToken")
        .unwrap()["value"]
        .clone()
}

fn home_text(session: &Session) -> String {
    session
        .wait_for_text("[data-testid=screen-home]", SHORT, |t| !t.is_empty())
        .unwrap()
}

#[test]
#[ignore = "drives the built desktop app under Xvfb: run through `make test`"]
fn home_after_a_finished_setup_renews_the_token_20_days_before_it_expires() {
    let sandbox = SandboxProcess::start(&[]);
    let app_dir = tempfile::tempdir_in(scratch_base()).unwrap();
    let driver = Driver::start_in(app_dir.path(), &[]);

    // A setup with real-accounts mode, to the end.
    let session = driver.launch_to_welcome();
    enter_sandbox_endpoints(&session, &sandbox);
    click(&session, "[data-testid=connect-accounts]");
    wait_real_accounts_scaleway(&session);
    let key = sandbox.secret_key("iam_manager_application");
    type_into(&session, "[data-testid=secret-key]", &key);
    type_into(
        &session,
        "[data-testid=organization-id]",
        &sandbox.organization_id(),
    );
    click(&session, "[data-testid=check-key]");
    session
        .wait_for("[data-testid=connect-summary]", LONG)
        .unwrap();
    click(&session, "[data-testid=enable-scim]");
    session
        .wait_for_text("[data-testid=base-url]", LONG, |t| t.starts_with("http"))
        .unwrap();
    click(&session, "[data-testid=scaleway-next]");
    let mut act = Actions::default();
    finish_setup(
        &session,
        &mut act,
        SignIn::Link(&sandbox.url("login")),
        ADELE,
        Language::English,
        false,
    );
    let first_token = live_tokens(&sandbox);
    assert_eq!(first_token.len(), 1, "{first_token:?}");
    session.end().unwrap();

    // Reopened: the home of the finished setup, read with the kept SCIM token; Entra's side
    // waits for a sign-in, and nothing can be changed before it.
    let session = driver.launch_to("[data-testid=screen-home]");
    wait_for_text_or_show(
        &session,
        "[data-testid=home-all-well]",
        LONG,
        |t| !t.is_empty(),
        "main",
    );
    let token = session
        .wait_for_text("[data-testid=home-token]", SHORT, |t| {
            t.contains("day(s) left")
        })
        .unwrap();
    assert!(token.contains("Scaleway accepts it"), "{token}");
    let proof = session
        .text(&session.find("[data-testid=home-proof]").unwrap())
        .unwrap();
    assert!(
        proof.contains(&sandbox.upn("adele.vance")) && proof.contains("adele.vance"),
        "{proof}"
    );
    let renew = session.find("[data-testid=home-renew]").unwrap();
    assert!(!session.is_enabled(&renew).unwrap(), "renewing needs Entra");

    // 20 days before the token expires, on Scaleway's clock: home leads with it.
    sandbox.post("time-travel", json!({"seconds": 345 * 24 * 3600}));
    click(&session, "[data-testid=home-reload]");
    let attention = session
        .wait_for_text("[data-testid=home-attention]", LONG, |t| {
            t.contains("day(s)")
        })
        .unwrap();
    assert!(
        attention.contains("expires in 19 day(s)") || attention.contains("expires in 20 day(s)"),
        "{attention}"
    );

    // Signing in (the sandbox's sign-in of a year ago has expired) shows the job.
    click(&session, "[data-testid=home-sign-in]");
    let link = session
        .wait_for_text("[data-testid=sign-in-url]", LONG, |t| t.starts_with("http"))
        .unwrap();
    assert!(link.starts_with(&sandbox.url("login")), "{link}");
    follow_sign_in(&link);
    session
        .wait_for_text("[data-testid=home-job]", LONG, |t| !t.is_empty())
        .unwrap();
    save_screenshot(&session, "home-token-expiring");

    // Renew: read with a token only, so the key is asked for, used, and not kept.
    click(&session, "[data-testid=home-fix]");
    session
        .wait_for("[data-testid=home-key-form]", SHORT)
        .unwrap();
    type_into(&session, "[data-testid=home-secret-key]", &key);
    click(&session, "[data-testid=home-key-submit]");
    let renewed = session
        .wait_for_text("[data-testid=home-renewed]", Duration::from_secs(90), |t| {
            !t.is_empty()
        })
        .unwrap();
    assert!(renewed.contains("Entra uses the new token"), "{renewed}");
    wait_for_text_or_show(
        &session,
        "[data-testid=home-all-well]",
        LONG,
        |t| !t.is_empty(),
        "main",
    );
    let days = session
        .wait_for_text("[data-testid=home-token]", SHORT, |t| {
            t.contains("day(s) left")
        })
        .unwrap();
    // A year from the sandbox's new date (2028 is a leap year).
    assert!(
        ["364 day(s)", "365 day(s)", "366 day(s)"]
            .iter()
            .any(|d| days.contains(d)),
        "{days}"
    );
    assert!(
        !page_contents(&session).contains(&key),
        "the key is not in the page"
    );
    // Used for that renewal only: not in the keychain (only the SCIM token is).
    let vault = scim_wizard_setup::Vault::open_native().expect("the test session's Secret Service");
    let kept = vault.accounts().unwrap();
    let key_account = format!("scaleway-secret-key:{}", sandbox.organization_id());
    assert!(!kept.contains(&key_account), "{kept:?}");
    assert!(
        kept.contains(&format!("scim-token:{}", sandbox.organization_id())),
        "{kept:?}"
    );

    // The old token is deleted; Entra holds the new one.
    let tokens = live_tokens(&sandbox);
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    assert_ne!(tokens[0]["id"], first_token[0]["id"], "a new token");
    assert_eq!(
        token_in_entra(&sandbox),
        tokens[0]["bearer_token_fingerprint"],
        "Entra uses the new token"
    );
    save_screenshot(&session, "home");

    // Check again: a user still arrives in Scaleway, with the new token.
    click(&session, "[data-testid=home-check-again]");
    session
        .wait_for("[data-testid=screen-verify]", SHORT)
        .unwrap();
    let headline = session
        .wait_for_text(
            "[data-testid=proof-headline]",
            Duration::from_secs(90),
            |t| !t.is_empty(),
        )
        .unwrap();
    assert!(
        headline.contains("adele.vance now exists in Scaleway"),
        "{headline}"
    );
    click(&session, "[data-testid=verify-next]");
    session
        .wait_for("[data-testid=screen-done]", SHORT)
        .unwrap();
    click(&session, "[data-testid=done-home]");
    home_text(&session);
    let proof = session
        .wait_for_text("[data-testid=home-proof]", LONG, |t| {
            t.contains("adele.vance")
        })
        .unwrap();
    assert!(proof.contains("was in Scaleway"), "{proof}");

    // Recent errors: the logs need a permission the setup's sign-in did not ask for, so
    // Microsoft is asked for it now (incremental consent), then the last day is read.
    let logs_before = sandbox
        .requests()
        .iter()
        .filter(|r| r["path"].as_str().is_some_and(|p| p.contains("auditLogs")))
        .count();
    click(&session, "[data-testid=home-show-errors]");
    let link = session
        .wait_for_text("[data-testid=sign-in-url]", LONG, |t| t.starts_with("http"))
        .unwrap();
    assert!(link.contains("AuditLog.Read.All"), "{link}");
    follow_sign_in(&link);
    let none = wait_for_text_or_show(
        &session,
        "[data-testid=home-errors-none]",
        LONG,
        |t| !t.is_empty(),
        "main",
    );
    assert!(none.contains("No errors in the last 24 hours"), "{none}");
    let logs_read = sandbox
        .requests()
        .iter()
        .filter(|r| r["path"].as_str().is_some_and(|p| p.contains("auditLogs")))
        .count();
    assert_eq!(logs_read - logs_before, 2, "refused once, then read");

    // Add people: the Users screen (with its impact view), then the proof again.
    click(&session, "[data-testid=home-add-people]");
    session
        .wait_for("[data-testid=screen-users]", SHORT)
        .unwrap();
    session
        .wait_for_text("[data-testid=people-results]", LONG, |t| {
            t.contains("Megan Bowen")
        })
        .unwrap();
    pick(&session, &mut act, "user", "Megan Bowen");
    session
        .wait_for_text("[data-testid=impact]", LONG, |t| t.contains("megan.bowen"))
        .unwrap();
    click(&session, "[data-testid=assign]");
    session
        .wait_for("[data-testid=screen-verify]", LONG)
        .unwrap();
    session
        .wait_for_text(
            "[data-testid=proof-headline]",
            Duration::from_secs(90),
            |t| t.contains("now exists in Scaleway"),
        )
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !sandbox.scim_usernames().iter().any(|u| u == "megan.bowen") {
        assert!(
            std::time::Instant::now() < deadline,
            "Megan arrives in Scaleway: {:?}",
            sandbox.scim_usernames()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    session.end().unwrap();
}
