//! Real-accounts mode against a sandbox that outlives the app (`scim-wizard-cli sandbox`). The
//! sandbox's addresses (Microsoft sign-in, Graph, Scaleway API, SCIM Base URL pattern) are typed
//! into Settings → Advanced: connection, as an admin of a sovereign cloud would, not passed as
//! `SCIM_WIZARD_*` variables. Then: a wrong Scaleway key is explained and fixed, step 1 is
//! finished, the app is closed, a new launch (the saved settings still in force) offers to resume
//! and continues on the Entra screen with the token still usable, and signing in goes to the
//! sandbox's sign-in and Graph.
//!
//! Run by hand with:
//! `SCIM_WIZARD_APP=$CARGO_TARGET_DIR/debug/scim-wizard tests/session.sh cargo test -p scim-wizard-tests --test desktop_real -- --include-ignored`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use scim_wizard_tests::desktop::{
    Driver, LONG, SHORT, click, enter_sandbox_endpoints, read_clipboard, sign_in_through_link,
    type_into, wait_real_accounts_scaleway,
};
use scim_wizard_tests::sandbox::SandboxProcess;
use scim_wizard_tests::scratch_base;
use serde_json::Value;

#[test]
#[ignore = "drives the built desktop app under Xvfb: run through `make test`"]
fn wrong_key_then_fixed_then_closed_after_step_1_and_resumed() {
    let sandbox = SandboxProcess::start(&[]);
    let app_dir = tempfile::tempdir_in(scratch_base()).unwrap();
    // No endpoint variable: the addresses come from the Settings panel only.
    let driver = Driver::start_in(app_dir.path(), &[]);

    // First run: nothing to resume.
    let session = driver.launch_to_welcome();
    session
        .wait_for_text("[data-testid=app-version]", SHORT, |t| !t.is_empty())
        .unwrap();
    assert!(
        session.find("[data-testid=resume-banner]").is_err(),
        "nothing to resume yet"
    );

    // Settings → Advanced: connection: the sandbox's four addresses, saved.
    enter_sandbox_endpoints(&session, &sandbox);
    let saved = std::fs::read_to_string(app_dir.path().join("config/connection.json"))
        .expect("the settings are saved in SCIM_WIZARD_CONFIG_DIR");
    let saved_json: Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(saved_json["login_url"], sandbox.url("login"), "{saved}");
    assert_eq!(saved_json["scaleway_url"], sandbox.url("scaleway_api"));
    for key in sandbox.seed["keys"].as_array().unwrap() {
        let secret = key["secret_key"].as_str().unwrap();
        assert!(!saved.contains(secret), "no secret in the settings file");
    }

    click(&session, "[data-testid=connect-accounts]");
    wait_real_accounts_scaleway(&session);

    // A wrong secret key: the specific error, in words, and the key field emptied.
    type_into(
        &session,
        "[data-testid=secret-key]",
        "0b3f1c2e-1111-4222-8333-944455556666",
    );
    type_into(
        &session,
        "[data-testid=organization-id]",
        &sandbox.organization_id(),
    );
    click(&session, "[data-testid=check-key]");
    let banner = session
        .wait_for("[data-testid=error-banner]", LONG)
        .unwrap();
    let code = session
        .attribute(&banner, "data-error-code")
        .unwrap()
        .unwrap_or_default();
    let message = session.text(&banner).unwrap();
    // The app must have asked the sandbox, not api.scaleway.com (the saved Scaleway API address).
    assert!(
        !sandbox.requests().is_empty(),
        "the app never called the sandbox: it ignored the Scaleway API address saved in Settings (error shown: {message})"
    );
    assert_eq!(
        code, "scaleway_key_refused",
        "the wrong key is named as such: {message}"
    );
    assert!(!message.is_empty(), "the error is explained");
    let key = session.find("[data-testid=secret-key]").unwrap();
    assert_eq!(
        session.property(&key, "value").unwrap(),
        "",
        "the refused key is not kept"
    );

    // The right key (an application with IAMManager): enable and mint.
    type_into(
        &session,
        "[data-testid=secret-key]",
        &sandbox.secret_key("iam_manager_application"),
    );
    click(&session, "[data-testid=check-key]");
    session
        .wait_for("[data-testid=connect-summary]", LONG)
        .unwrap();
    assert!(
        session.find("[data-testid=error-banner]").is_err(),
        "the error went away"
    );
    // One button turns SCIM on and creates the token.
    click(&session, "[data-testid=enable-scim]");
    let base_url = session
        .wait_for_text("[data-testid=base-url]", LONG, |t| t.starts_with("http"))
        .unwrap();
    assert!(base_url.starts_with(&sandbox.url("base")), "{base_url}");

    // Close the app after step 1.
    session.end().unwrap();

    // Reopen: the unfinished setup is offered, and continues on the Entra screen.
    let session = driver.launch_to_welcome();
    let text = session
        .wait_for_text("[data-testid=resume-text]", SHORT, |t| !t.is_empty())
        .unwrap();
    assert!(
        text.contains("Acme"),
        "the banner names the Organization: {text}"
    );
    click(&session, "[data-testid=resume-continue]");
    session
        .wait_for("[data-testid=screen-entra]", LONG)
        .unwrap();
    session
        .wait_for("[data-testid=sign-in-browser]", SHORT)
        .unwrap();

    // Step 1 is still done, and its token still usable: Back shows it, and it copies.
    click(&session, "[data-testid=back]");
    session
        .wait_for_text("[data-testid=token-created]", SHORT, |t| !t.is_empty())
        .unwrap();
    assert!(
        session
            .is_enabled(&session.find("[data-testid=scaleway-next]").unwrap())
            .unwrap()
    );
    click(&session, "[data-testid=copy-token]");
    session
        .wait_for("[data-testid=copy-token-countdown]", SHORT)
        .unwrap();
    let copied = read_clipboard().expect("the token from the keychain is copied");
    assert!(!copied.trim().is_empty() && !copied.contains("http"));
    click(&session, "[data-testid=scaleway-next]");
    session
        .wait_for("[data-testid=screen-entra]", SHORT)
        .unwrap();

    // Sign in: the link goes to the sign-in address saved in Settings. No browser opens under
    // Xvfb, so the test plays it: the sandbox consents at once and redirects to the app's
    // loopback listener. The account check that follows reads the saved Graph address.
    click(&session, "[data-testid=sign-in-browser]");
    let account = sign_in_through_link(&session, &sandbox.url("login"));
    assert!(!account.is_empty());
    let graph_calls = sandbox
        .requests()
        .iter()
        .filter(|r| r["path"].as_str().is_some_and(|p| p.starts_with("/graph/")))
        .count();
    assert!(
        graph_calls > 0,
        "the account check went to the saved Graph address"
    );

    session.end().unwrap();
}
