//! The whole wizard in practice mode, in the real desktop app driven over WebDriver: every screen
//! from Welcome to a user provisioned into (the sandbox's) Scaleway, with one screenshot per
//! screen, the secure clipboard checked with xclip, and the count of what the admin had to do.
//!
//! Run by hand with:
//! `SCIM_WIZARD_APP=$CARGO_TARGET_DIR/debug/scim-wizard tests/session.sh cargo test -p scim-wizard-tests --test desktop_practice -- --include-ignored`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use scim_wizard_tests::desktop::{Actions, Driver, read_clipboard, save_screenshot};
use scim_wizard_tests::webdriver::Session;

const SHORT: Duration = Duration::from_secs(15);
const LONG: Duration = Duration::from_secs(60);

/// Sets the clipboard clear delay in Settings (not part of the setup: the clipboard check only).
fn set_clear_delay(session: &Session, seconds: u32) {
    let open = session
        .wait_enabled("[data-testid=open-settings]", SHORT)
        .unwrap();
    session.click(&open).unwrap();
    let input = session
        .wait_for("[data-testid=settings-clear-delay]", SHORT)
        .unwrap();
    session.clear(&input).unwrap();
    session.send_keys(&input, &seconds.to_string()).unwrap();
    let close = session.find("[data-testid=close-settings]").unwrap();
    session.click(&close).unwrap();
    session
        .wait_for_any(&["[data-testid=screen-scaleway]"], SHORT)
        .unwrap();
    assert!(
        session.find("[data-testid=settings-dialog]").is_err(),
        "settings closed"
    );
}

#[test]
#[ignore = "drives the built desktop app under Xvfb: run through `make test`"]
fn practice_run_goes_through_every_screen_to_a_provisioned_user() {
    let driver = Driver::start(&[]);
    let session = driver.launch().unwrap();
    let mut act = Actions::default();
    let began = Instant::now();

    // Welcome.
    session
        .wait_for_text(
            "[data-testid=welcome-title]",
            Duration::from_secs(20),
            |t| !t.is_empty(),
        )
        .unwrap();
    session
        .wait_for_text("[data-testid=app-version]", SHORT, |t| !t.is_empty())
        .unwrap();
    save_screenshot(&session, "welcome");
    act.click(&session, "[data-testid=practice-sandbox]", SHORT)
        .unwrap();

    // 1 Scaleway: the practice key is checked by itself → one click turns SCIM on and creates
    // the token.
    session
        .wait_for("[data-testid=screen-scaleway]", SHORT)
        .unwrap();
    session
        .wait_for("[data-testid=connect-summary]", LONG)
        .unwrap();
    session
        .wait_enabled("[data-testid=enable-scim]", SHORT)
        .unwrap();
    save_screenshot(&session, "scaleway");
    act.click(&session, "[data-testid=enable-scim]", SHORT)
        .unwrap();
    let base_url = session
        .wait_for_text("[data-testid=base-url]", LONG, |t| t.starts_with("http"))
        .unwrap();
    session.wait_for("[data-testid=copy-token]", SHORT).unwrap();
    save_screenshot(&session, "token");

    // The secure copy (not counted: a check, not part of the setup). A 5 s delay, then the token
    // goes through Rust to the X clipboard, and leaves it on time.
    set_clear_delay(&session, 5);
    let copy = session
        .wait_enabled("[data-testid=copy-token]", SHORT)
        .unwrap();
    session.click(&copy).unwrap();
    session
        .wait_for_text("[data-testid=copy-token-countdown]", SHORT, |t| {
            t.contains("5")
        })
        .unwrap();
    let copied_at = Instant::now();
    let copied = read_clipboard().expect("the clipboard holds the token while the app runs");
    assert!(!copied.trim().is_empty(), "the token copied is empty");
    assert_ne!(
        copied.trim(),
        base_url.trim(),
        "the token button copied the Base URL"
    );
    assert!(
        !copied.contains("http"),
        "the token copied looks like a URL"
    );
    let page = session
        .execute(
            "return document.body.innerText + document.body.innerHTML;",
            serde_json::json!([]),
        )
        .unwrap();
    assert!(
        !page.as_str().unwrap_or_default().contains(copied.trim()),
        "the token must not be in the page"
    );
    std::thread::sleep(Duration::from_secs(7).saturating_sub(copied_at.elapsed()));
    assert_eq!(read_clipboard(), None, "the clipboard is cleared after 5 s");

    act.click(&session, "[data-testid=scaleway-next]", SHORT)
        .unwrap();

    // 2 Entra: sign in (the sandbox consents by itself), preflight in words, create the app.
    session
        .wait_for("[data-testid=screen-entra]", SHORT)
        .unwrap();
    act.click(&session, "[data-testid=sign-in-browser]", SHORT)
        .unwrap();
    let account = session
        .wait_for_text("[data-testid=entra-account]", LONG, |t| !t.is_empty())
        .unwrap();
    session
        .wait_for("[data-testid=preflight-ready]", SHORT)
        .unwrap();
    assert!(
        !session
            .text(&session.find("[data-testid=entra-role]").unwrap())
            .unwrap()
            .is_empty(),
        "the role is named: {account}"
    );
    session
        .wait_enabled("[data-testid=create-app]", SHORT)
        .unwrap();
    save_screenshot(&session, "entra");
    act.click(&session, "[data-testid=create-app]", SHORT)
        .unwrap();

    // 3 Connection: Test connection (saved only when it passes) → on to the mappings.
    session
        .wait_for("[data-testid=screen-connection]", LONG)
        .unwrap();
    session
        .wait_enabled("[data-testid=test-connection]", SHORT)
        .unwrap();
    save_screenshot(&session, "connection");
    act.click(&session, "[data-testid=test-connection]", SHORT)
        .unwrap();

    // 4 Mappings: the before/after list, then apply.
    session
        .wait_for("[data-testid=screen-mappings]", LONG)
        .unwrap();
    let changes = session
        .wait_for_text("[data-testid=mapping-changes]", LONG, |t| !t.is_empty())
        .unwrap();
    assert!(
        changes.contains("userName"),
        "the userName change is listed: {changes}"
    );
    save_screenshot(&session, "mappings");
    act.click(&session, "[data-testid=apply-mappings]", SHORT)
        .unwrap();

    // Users: the first people of the directory are offered without typing; pick Adele Vance,
    // assign (and start).
    session
        .wait_for("[data-testid=screen-users]", LONG)
        .unwrap();
    session
        .wait_for("[data-testid=directory-note]", LONG)
        .unwrap();
    session
        .wait_for_text("[data-testid=people-results]", SHORT, |t| {
            t.contains("Adele Vance")
        })
        .unwrap();
    let picks = session.find_all("[data-testid=pick-user]").unwrap();
    let labels = session
        .execute(
            "return [...document.querySelectorAll('[data-testid=pick-user]')].map(i => i.closest('label').innerText);",
            serde_json::json!([]),
        )
        .unwrap();
    let index = labels
        .as_array()
        .unwrap()
        .iter()
        .position(|l| l.as_str().unwrap_or_default().contains("Adele Vance"))
        .expect("Adele Vance is offered");
    act.click_element(&session, &picks[index], "pick Adele Vance")
        .unwrap();
    session
        .wait_for_text("[data-testid=selection]", SHORT, |t| {
            t.contains("Adele Vance")
        })
        .unwrap();
    // Show the ticked person and the selection in the picture, not the top of the page.
    session
        .execute(
            "document.querySelector('[data-testid=selection]').scrollIntoView({block: 'end'});",
            serde_json::json!([]),
        )
        .unwrap();
    save_screenshot(&session, "users");
    act.click(&session, "[data-testid=assign]", SHORT).unwrap();

    // Start & verify: live progress until Adele is seen in Scaleway.
    session
        .wait_for("[data-testid=screen-verify]", LONG)
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
    assert!(
        !session
            .find_all("[data-testid=progress-list] li")
            .unwrap()
            .is_empty(),
        "the live progress was shown"
    );
    save_screenshot(&session, "verify");
    act.click(&session, "[data-testid=verify-next]", SHORT)
        .unwrap();

    // Done: what was created, the proof, links to both consoles.
    session
        .wait_for("[data-testid=screen-done]", SHORT)
        .unwrap();
    let proof = session
        .wait_for_text("[data-testid=done-proof]", SHORT, |t| !t.is_empty())
        .unwrap();
    assert!(proof.contains("adele.vance exists in Scaleway"), "{proof}");
    let summary = session
        .wait_for_text("[data-testid=summary]", SHORT, |t| !t.is_empty())
        .unwrap();
    assert!(
        summary.contains("Scaleway SCIM"),
        "the app is named: {summary}"
    );
    session
        .wait_for("[data-testid=link-scaleway-users]", SHORT)
        .unwrap();
    save_screenshot(&session, "done");

    act.report("e2e-actions.json");
    println!("full practice run: {:?}", began.elapsed());
    assert_eq!(act.token_pastes, 0);
    session.end().unwrap();
}
