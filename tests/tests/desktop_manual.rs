//! "I already have a token and Base URL", all the way, in the built app in real mode against a
//! sandbox that outlives it (`scim-wizard-cli sandbox`, reached through the `SCIM_WIZARD_*`
//! endpoint variables). Step 1 is done beforehand in the sandbox's Scaleway "console" (SCIM on, a
//! token created with the Organization's IAMManager key); the admin then pastes that token and
//! its Base URL, signs in to Entra, and the wizard runs steps 2 to 4 and proves a user arrived,
//! looked up over SCIM with the token, without ever calling Scaleway's API. The token is not in
//! the page once submitted, nor in any file the app writes.
//!
//! Run by hand with:
//! `SCIM_WIZARD_APP=$CARGO_TARGET_DIR/debug/scim-wizard tests/session.sh cargo test -p scim-wizard-tests --test desktop_manual -- --include-ignored`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use scim_wizard_tests::desktop::{
    ADELE, Actions, Driver, LONG, Language, SHORT, SignIn, finish_setup, page_contents,
    wait_for_text_or_show, wait_real_accounts_scaleway,
};
use scim_wizard_tests::sandbox::{SandboxProcess, scaleway_api_routes, wizard_scim_lookups};
use scim_wizard_tests::{file_texts, scratch_base, session_dirs};

#[test]
#[ignore = "drives the built desktop app under Xvfb: run through `make test`"]
fn a_pasted_token_and_base_url_go_all_the_way_to_a_user_proven_over_scim() {
    let began = Instant::now();
    let sandbox = SandboxProcess::start(&[]);
    let console = sandbox.console_token();
    let app_dir = tempfile::tempdir_in(scratch_base()).unwrap();
    let driver = Driver::start_in(
        app_dir.path(),
        &[
            ("SCIM_WIZARD_LOGIN_URL", &sandbox.url("login")),
            ("SCIM_WIZARD_GRAPH_URL", &sandbox.url("graph")),
            // Not needed on this path; set so that a stray call lands in the sandbox's log.
            ("SCIM_WIZARD_SCALEWAY_URL", &sandbox.url("scaleway_api")),
            (
                "SCIM_WIZARD_SCIM_BASE_URL",
                &sandbox.url("scim_base_url_pattern"),
            ),
        ],
    );
    let session = driver.launch_to_welcome();
    let logged = sandbox.requests().len();
    let mut act = Actions::default();

    // 1 Scaleway: the token and Base URL from the console, pasted, checked live.
    act.click(&session, "[data-testid=connect-accounts]", SHORT)
        .unwrap();
    wait_real_accounts_scaleway(&session);
    act.click(&session, "[data-testid=method-existing]", SHORT)
        .unwrap();
    act.type_into(
        &session,
        "[data-testid=existing-token]",
        &console.token,
        SHORT,
    )
    .unwrap();
    act.token_pastes += 1;
    act.type_into(
        &session,
        "[data-testid=existing-base-url]",
        &console.base_url,
        SHORT,
    )
    .unwrap();
    // What the page holds is read with the fields' values: the token is there while typed.
    assert!(page_contents(&session).contains(&console.token));
    act.click(&session, "[data-testid=check-existing]", SHORT)
        .unwrap();
    let base_url = wait_for_text_or_show(
        &session,
        "[data-testid=base-url]",
        LONG,
        |t| t.starts_with("http"),
        "[data-testid=error-banner]",
    );
    assert_eq!(
        base_url.trim_end_matches('/'),
        console.base_url.trim_end_matches('/')
    );
    let page = page_contents(&session);
    assert!(page.contains(&console.base_url));
    assert!(
        !page.contains(&console.token),
        "the token is in the page after it was submitted"
    );
    assert!(
        session.find("[data-testid=copy-token]").is_err(),
        "a pasted token is not offered for copying back"
    );
    act.click(&session, "[data-testid=scaleway-next]", SHORT)
        .unwrap();

    // 2 Entra: signed in through the link (no browser under Xvfb), then steps 2 to 4 as usual,
    // until Adele is proven in Scaleway.
    let outcome = finish_setup(
        &session,
        &mut act,
        SignIn::Link(&sandbox.url("login")),
        ADELE,
        Language::English,
        false,
    );
    assert!(
        outcome
            .progress
            .contains("(checked through SCIM with your token)"),
        "the proof says how it checked: {outcome:?}"
    );
    assert!(
        outcome
            .proof_notice
            .contains("Checked through SCIM with your token"),
        "the proof notice says the user was found through SCIM: {outcome:?}"
    );
    assert!(
        !page_contents(&session).contains(&console.token),
        "the token is in the page at the end"
    );

    // The sandbox's side: Entra holds the Base URL given, the user arrived, the wizard looked
    // it up over SCIM, and never called Scaleway's API (it has no key).
    let entries = sandbox.requests()[logged..].to_vec();
    assert_eq!(scaleway_api_routes(&entries), Vec::<String>::new());
    assert!(
        wizard_scim_lookups(&entries, "adele.vance") > 0,
        "the proof looked the user up over SCIM"
    );
    let graph = sandbox.get("graph/state");
    for key in ["applications", "servicePrincipals", "jobs", "assignments"] {
        assert_eq!(
            graph[key].as_array().map_or(0, Vec::len),
            1,
            "{key}: {graph:#}"
        );
    }
    let saved = graph["secrets"].to_string();
    assert!(saved.contains(&console.base_url), "{saved}");
    assert_eq!(sandbox.scim_usernames(), ["adele.vance"]);

    // No file the app wrote (journal, settings, the web view's storage) holds the token.
    let mut dirs = vec![app_dir.path().to_path_buf()];
    dirs.extend(session_dirs());
    let files = file_texts(&dirs);
    assert!(
        files.iter().any(|(f, _)| f.ends_with("data/journal.json")),
        "the journal is among the files read"
    );
    for (file, text) in files {
        assert!(
            !text.contains(&console.token),
            "{file:?} holds the SCIM token"
        );
    }

    act.report("e2e-manual-actions.json");
    println!("token-only run: {:?}", began.elapsed());
    session.end().unwrap();
}
