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

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use scim_wizard_tests::desktop::{Driver, read_clipboard};
use scim_wizard_tests::process::ChildGuard;
use scim_wizard_tests::repo_root;
use scim_wizard_tests::webdriver::Session;
use serde_json::Value;

const SHORT: Duration = Duration::from_secs(15);
const LONG: Duration = Duration::from_secs(60);

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

/// Builds the CLI (quick when it is up to date) and returns its path.
fn cli_binary() -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", "scim-wizard-cli"])
        .current_dir(repo_root())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building scim-wizard-cli failed");
    let path = target_dir().join("debug/scim-wizard-cli");
    assert!(path.is_file(), "{path:?}");
    path
}

struct StandaloneSandbox {
    urls: Value,
    organization_id: String,
    seed: Value,
    _process: ChildGuard,
}

/// `scim-wizard-cli sandbox --port 0`, its URLs from the JSON line it prints, and its seed.
fn start_sandbox() -> StandaloneSandbox {
    let mut command = Command::new(cli_binary());
    command
        .args(["sandbox", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut process = ChildGuard::spawn("scim-wizard-cli sandbox", &mut command).unwrap();
    let stdout = process.take_stdout().expect("the sandbox's stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let ready: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    assert_eq!(ready["event"], "sandbox_ready", "{line}");
    let urls = ready["urls"].clone();
    let control = urls["control"].as_str().unwrap();
    let seed: Value = reqwest::blocking::get(format!("{control}/seed"))
        .unwrap()
        .json()
        .unwrap();
    StandaloneSandbox {
        organization_id: ready["organization_id"].as_str().unwrap().to_owned(),
        urls,
        seed,
        _process: process,
    }
}

impl StandaloneSandbox {
    fn url(&self, name: &str) -> &str {
        self.urls[name].as_str().unwrap()
    }

    fn secret_key(&self, label: &str) -> String {
        self.seed["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["label"] == label)
            .and_then(|k| k["secret_key"].as_str())
            .unwrap_or_else(|| panic!("no {label} key in the seed"))
            .to_owned()
    }
}

/// A new session; retried briefly while the previous app instance is still going away (the app
/// is single-instance).
fn launch(driver: &Driver) -> Session {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match driver.launch() {
            Ok(session) => {
                if session
                    .wait_for("[data-testid=screen-welcome]", Duration::from_secs(20))
                    .is_ok()
                {
                    return session;
                }
                let _ = session.end();
            }
            Err(error) if Instant::now() > deadline => panic!("the app did not start: {error}"),
            Err(_) => {}
        }
        assert!(
            Instant::now() < deadline,
            "the app did not show its Welcome screen"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn click(session: &Session, css: &str) {
    let element = session
        .wait_enabled(css, SHORT)
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    session.click(&element).unwrap();
}

fn type_into(session: &Session, css: &str, text: &str) {
    let element = session.wait_enabled(css, SHORT).unwrap();
    session.clear(&element).unwrap();
    session.send_keys(&element, text).unwrap();
}

#[test]
#[ignore = "drives the built desktop app under Xvfb: run through `make test`"]
fn wrong_key_then_fixed_then_closed_after_step_1_and_resumed() {
    let sandbox = start_sandbox();
    let scratch = std::env::var_os("SCIM_WIZARD_TEST_TMPDIR").map(PathBuf::from);
    let data_dir = match scratch {
        Some(dir) => tempfile::tempdir_in(dir),
        None => tempfile::tempdir(),
    }
    .unwrap();
    let config_dir = match std::env::var_os("SCIM_WIZARD_TEST_TMPDIR") {
        Some(dir) => tempfile::tempdir_in(dir),
        None => tempfile::tempdir(),
    }
    .unwrap();
    // No endpoint variable: the addresses come from the Settings panel only.
    let driver = Driver::start(&[
        ("SCIM_WIZARD_DATA_DIR", data_dir.path().to_str().unwrap()),
        (
            "SCIM_WIZARD_CONFIG_DIR",
            config_dir.path().to_str().unwrap(),
        ),
    ]);

    // First run: nothing to resume.
    let session = launch(&driver);
    session
        .wait_for_text("[data-testid=app-version]", SHORT, |t| !t.is_empty())
        .unwrap();
    assert!(
        session.find("[data-testid=resume-banner]").is_err(),
        "nothing to resume yet"
    );

    // Settings → Advanced: connection: the sandbox's four addresses, saved.
    enter_sandbox_endpoints(&session, &sandbox);
    let saved = std::fs::read_to_string(config_dir.path().join("connection.json"))
        .expect("the settings are saved in SCIM_WIZARD_CONFIG_DIR");
    let saved_json: Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(saved_json["login_url"], sandbox.url("login"), "{saved}");
    assert_eq!(saved_json["scaleway_url"], sandbox.url("scaleway_api"));
    for key in sandbox.seed["keys"].as_array().unwrap() {
        let secret = key["secret_key"].as_str().unwrap();
        assert!(!saved.contains(secret), "no secret in the settings file");
    }

    click(&session, "[data-testid=connect-accounts]");
    session
        .wait_for("[data-testid=screen-scaleway]", SHORT)
        .unwrap();
    assert!(
        session.find("[data-testid=sandbox-badge]").is_err(),
        "real accounts, not practice"
    );

    // A wrong secret key: the specific error, in words, and the key field emptied.
    type_into(
        &session,
        "[data-testid=secret-key]",
        "0b3f1c2e-1111-4222-8333-944455556666",
    );
    type_into(
        &session,
        "[data-testid=organization-id]",
        &sandbox.organization_id,
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
    let log: Value = reqwest::blocking::get(format!("{}/requests", sandbox.url("control")))
        .unwrap()
        .json()
        .unwrap();
    assert!(
        log["requests"].as_array().is_some_and(|r| !r.is_empty()),
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
    assert!(base_url.starts_with(sandbox.url("base")), "{base_url}");

    // Close the app after step 1.
    session.end().unwrap();

    // Reopen: the unfinished setup is offered, and continues on the Entra screen.
    let session = launch(&driver);
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
    let link = session
        .wait_for_text("[data-testid=sign-in-url]", LONG, |t| t.starts_with("http"))
        .unwrap();
    assert!(
        link.starts_with(sandbox.url("login")),
        "signs in at the saved sign-in address: {link}"
    );
    follow_sign_in(&link);
    let account = session
        .wait_for_text("[data-testid=entra-account]", LONG, |t| !t.is_empty())
        .unwrap();
    assert!(!account.is_empty());
    let log: Value = reqwest::blocking::get(format!("{}/requests", sandbox.url("control")))
        .unwrap()
        .json()
        .unwrap();
    let graph_calls = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"].as_str().is_some_and(|p| p.starts_with("/graph/")))
        .count();
    assert!(
        graph_calls > 0,
        "the account check went to the saved Graph address"
    );

    session.end().unwrap();
}

/// Opens Settings, types the sandbox's addresses into Advanced: connection, saves, and closes.
fn enter_sandbox_endpoints(session: &Session, sandbox: &StandaloneSandbox) {
    click(session, "[data-testid=open-settings]");
    session
        .wait_for("[data-testid=settings-dialog]", SHORT)
        .unwrap();
    click(session, "[data-testid=settings-connection-toggle]");
    let practice_note = session
        .wait_for_text("[data-testid=settings-connection-practice]", SHORT, |t| {
            !t.is_empty()
        })
        .unwrap();
    assert!(practice_note.contains("Practice"), "{practice_note}");
    for (field, value) in [
        ("settings-login-url", sandbox.url("login")),
        ("settings-graph-url", sandbox.url("graph")),
        ("settings-scaleway-url", sandbox.url("scaleway_api")),
        (
            "settings-scim-base-url",
            sandbox.url("scim_base_url_pattern"),
        ),
    ] {
        type_into(session, &format!("[data-testid={field}]"), value);
    }
    // The dialog scrolls inside; WebKitWebDriver does not always bring a button at its edge in.
    session
        .execute(
            "document.querySelector('[data-testid=settings-connection-save]').scrollIntoView({block: 'center'})",
            serde_json::json!([]),
        )
        .unwrap();
    click(session, "[data-testid=settings-connection-save]");
    let status = session
        .wait_for_text("[data-testid=settings-connection-status]", SHORT, |t| {
            t.starts_with("Saved")
        })
        .unwrap_or_else(|e| {
            let text = session
                .find("[data-testid=settings-connection]")
                .and_then(|panel| session.text(&panel))
                .unwrap_or_default();
            panic!("the settings were not saved ({e}): {text}")
        });
    assert!(status.starts_with("Saved"), "{status}");
    click(session, "[data-testid=close-settings]");
    session
        .wait_for("[data-testid=screen-welcome]", SHORT)
        .unwrap();
    assert!(session.find("[data-testid=settings-dialog]").is_err());
}

/// What the admin's browser would do: open the sign-in link (the sandbox consents at once) and
/// follow its redirect to the app's loopback listener. If a real browser was opened by the app and
/// got there first, the listener is already gone: the account showing up is what counts.
fn follow_sign_in(link: &str) {
    let http = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = http.get(link).send().unwrap();
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or_else(|| panic!("the sandbox did not redirect ({})", response.status()))
        .to_owned();
    let _ = http.get(&location).send();
}
