//! A French admin's practice run, in the real desktop app over WebDriver: French chosen on the
//! Welcome screen, then every step to a provisioned user. What Rust says (progress, the proof,
//! the job's health) arrives as typed values and is worded by the page, so the Start & verify
//! and Done screens hold no English sentence.
//!
//! Run by hand with:
//! `SCIM_WIZARD_APP=$CARGO_TARGET_DIR/debug/scim-wizard tests/session.sh cargo test -p scim-wizard-tests --test desktop_french -- --include-ignored`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use scim_wizard_tests::desktop::{
    ADELE, Actions, Driver, LONG, Language, SHORT, SignIn, english_in, finish_setup,
};

#[test]
#[ignore = "drives the built desktop app under Xvfb: run through `make test`"]
fn a_french_admin_sees_no_english_on_the_verify_and_done_screens() {
    let driver = Driver::start(&[]);
    let session = driver.launch().unwrap();
    let mut act = Actions::default();
    session
        .wait_for_text(
            "[data-testid=welcome-title]",
            Duration::from_secs(20),
            |t| !t.is_empty(),
        )
        .unwrap();
    Language::French.choose(&session);
    act.click(&session, "[data-testid=practice-sandbox]", SHORT)
        .unwrap();

    // 1 Scaleway: the practice key is checked by itself; one click turns SCIM on and creates
    // the token.
    session
        .wait_for("[data-testid=connect-summary]", LONG)
        .unwrap();
    act.click(&session, "[data-testid=enable-scim]", SHORT)
        .unwrap();
    session
        .wait_for_text("[data-testid=base-url]", LONG, |t| t.starts_with("http"))
        .unwrap();
    act.click(&session, "[data-testid=scaleway-next]", SHORT)
        .unwrap();

    let outcome = finish_setup(
        &session,
        &mut act,
        SignIn::Practice,
        ADELE,
        Language::French,
        false,
    );
    // The live progress really is there, in French.
    assert!(
        outcome.progress.contains("Approvisionnement démarré"),
        "{}",
        outcome.progress
    );
    assert!(
        outcome.progress.contains("est dans Scaleway sous le nom"),
        "{}",
        outcome.progress
    );
    let english: Vec<(&str, Vec<String>)> = [
        ("Start & verify", &outcome.verify_text),
        ("Done", &outcome.done_text),
    ]
    .into_iter()
    .map(|(screen, text)| (screen, english_in(text)))
    .collect();
    // The app remembers the language for the next launch: the suites that follow expect English.
    Language::English.choose(&session);
    session.end().unwrap();
    for (screen, found) in english {
        assert!(
            found.is_empty(),
            "English on the {screen} screen in French: {found:#?}\n---\n{}",
            if screen == "Done" {
                &outcome.done_text
            } else {
                &outcome.verify_text
            }
        );
    }
}
