//! The whole wizard in practice mode, in the real desktop app driven over WebDriver: every screen
//! from Welcome to a user provisioned into (the sandbox's) Scaleway, with one screenshot per
//! screen, the secure clipboard checked with xclip, and the count of what the admin had to do.
//!
//! Run by hand with:
//! `SCIM_WIZARD_APP=$CARGO_TARGET_DIR/debug/scim-wizard tests/session.sh cargo test -p scim-wizard-tests --test desktop_practice -- --include-ignored`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use scim_wizard_tests::desktop::{
    ADELE_AND_ENGINEERING, Actions, Driver, LONG, Language, SHORT, SignIn, finish_setup,
    page_contents, read_clipboard, save_screenshot,
};
use scim_wizard_tests::webdriver::Session;

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
    assert!(
        !page_contents(&session).contains(copied.trim()),
        "the token must not be in the page"
    );
    std::thread::sleep(Duration::from_secs(7).saturating_sub(copied_at.elapsed()));
    assert_eq!(read_clipboard(), None, "the clipboard is cleared after 5 s");

    act.click(&session, "[data-testid=scaleway-next]", SHORT)
        .unwrap();

    // 2 Entra: sign in (the sandbox consents by itself); then steps 2 to 4, Start & verify
    // until Adele is seen in Scaleway, and Done.
    finish_setup(
        &session,
        &mut act,
        SignIn::Practice,
        ADELE_AND_ENGINEERING,
        Language::English,
        true,
    );

    // Done: what was created, the proof, links to both consoles.
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
    // Proven: of what the app kept in the (practice) keychain, only the SCIM token is left
    // (Entra uses it), and the Done screen says where; the key and the sign-in were forgotten.
    let kept = session
        .wait_for_text("[data-testid=done-kept]", SHORT, |t| !t.is_empty())
        .unwrap();
    assert!(kept.contains("scim-wizard-practice"), "{kept}");
    assert!(kept.contains("were forgotten"), "{kept}");
    let vault = scim_wizard_setup::Vault::open_native_with_service("scim-wizard-practice")
        .expect("the test session's Secret Service");
    let accounts = vault.accounts().unwrap();
    assert_eq!(accounts.len(), 1, "{accounts:?}");
    assert!(accounts[0].starts_with("scim-token:"), "{accounts:?}");
    save_screenshot(&session, "done");

    act.report("e2e-actions.json");
    println!("full practice run: {:?}", began.elapsed());
    assert_eq!(act.token_pastes, 0);
    session.end().unwrap();
}
