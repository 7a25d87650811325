//! Step 1 against the sandbox over real HTTP, with the token kept in a real Secret Service.
//! `make test` runs these inside `tests/session.sh`; plain `cargo test` skips them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::time::Duration;

use scim_wizard_sandbox::{Sandbox, SandboxConfig, SeedKeyKind};
use scim_wizard_scaleway::credentials::Environment;
use scim_wizard_scaleway::{ClientOptions, RetryPolicy, ScalewayClient, SecretString};
use scim_wizard_setup::journal::JournalStore;
use scim_wizard_setup::scaleway_step::{
    CredentialInput, KeychainChoice, ScalewaySession, ScalewaySettings, TokenOnlySession,
    scaleway_key_account, scim_token_account,
};
use scim_wizard_setup::{ErrorCode, ExposeSecret, Secret, SetupError, Vault};
use serde_json::Value;
use url::Url;

struct Fixture {
    sandbox: Sandbox,
    vault: Vault,
    service: String,
    dir: tempfile::TempDir,
}

impl Fixture {
    async fn new() -> Self {
        Self::with_config(SandboxConfig::default()).await
    }

    async fn with_config(config: SandboxConfig) -> Self {
        let sandbox = Sandbox::start(config).await.unwrap();
        let service = format!("scim-wizard-test-{}", uuid_like(&sandbox.urls().base));
        let vault = Vault::open_native_with_service(&service)
            .expect("a Secret Service must run: use tests/session.sh");
        Self {
            sandbox,
            vault,
            service,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn service(&self) -> String {
        self.service.clone()
    }

    fn settings(&self) -> ScalewaySettings {
        ScalewaySettings {
            api_base: Url::parse(&self.sandbox.urls().scaleway_api).unwrap(),
            scim_base_pattern: Some(self.sandbox.urls().scim_base_url_pattern.clone()),
            client_options: ClientOptions::default().with_retry(RetryPolicy::quick()),
            probe_timeout: Duration::from_secs(5),
            probe_retry: RetryPolicy::quick(),
            remember_key: true,
        }
    }

    fn journal(&self) -> JournalStore {
        JournalStore::at(self.dir.path().join("data"))
    }

    fn key(&self, kind: SeedKeyKind) -> String {
        self.sandbox
            .seed_data()
            .key(kind)
            .unwrap()
            .secret_key
            .clone()
    }

    fn org(&self) -> String {
        self.sandbox.seed_data().organization_id.clone()
    }

    fn typed(&self, kind: SeedKeyKind) -> CredentialInput {
        CredentialInput::Typed {
            secret_key: Secret::from(self.key(kind)),
            organization_id: Some(self.org()),
            access_key: None,
        }
    }

    async fn connect(
        &self,
        input: CredentialInput,
    ) -> Result<
        (
            ScalewaySession,
            scim_wizard_setup::scaleway_step::ConnectReport,
        ),
        SetupError,
    > {
        self.connect_with(self.settings(), input).await
    }

    async fn connect_with(
        &self,
        settings: ScalewaySettings,
        input: CredentialInput,
    ) -> Result<
        (
            ScalewaySession,
            scim_wizard_setup::scaleway_step::ConnectReport,
        ),
        SetupError,
    > {
        ScalewaySession::connect(
            settings,
            input,
            Some(self.vault.clone()),
            self.journal(),
            &Environment::from_pairs(Vec::<(String, String)>::new()),
            None,
        )
        .await
    }

    async fn state(&self) -> Value {
        reqwest::get(format!("{}/state", self.sandbox.urls().control))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    async fn requests(&self) -> Vec<String> {
        let log: Value = reqwest::get(format!("{}/requests", self.sandbox.urls().control))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let entries = log
            .as_array()
            .cloned()
            .or_else(|| log["requests"].as_array().cloned())
            .unwrap_or_default();
        entries
            .iter()
            .filter_map(|e| e["route"].as_str().map(str::to_owned))
            .collect()
    }

    fn owner_client(&self) -> ScalewayClient {
        ScalewayClient::with_options(
            Url::parse(&self.sandbox.urls().scaleway_api).unwrap(),
            SecretString::from(self.key(SeedKeyKind::Owner)),
            ClientOptions::default().with_retry(RetryPolicy::quick()),
        )
        .unwrap()
    }

    fn cleanup(&self) {
        let _ = self.vault.delete(&scim_token_account(&self.org()));
        let _ = self
            .vault
            .delete(&scim_wizard_setup::scaleway_step::scaleway_key_account(
                &self.org(),
            ));
    }
}

fn uuid_like(base: &str) -> String {
    base.rsplit(':').next().unwrap_or("0").to_owned()
}

fn live_token_count(state: &Value) -> usize {
    let tokens = state["scim_tokens"]
        .as_array()
        .or_else(|| state["scaleway"]["scim_tokens"].as_array())
        .cloned()
        .unwrap_or_default();
    tokens
        .iter()
        .filter(|t| !t["deleted"].as_bool().unwrap_or(false))
        .count()
}

fn assert_no_file_contains(dir: &Path, needle: &str) {
    for entry in walk(dir) {
        let bytes = std::fs::read(&entry).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(needle), "{entry:?} contains a secret");
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                files.extend(walk(&path));
            } else {
                files.push(path);
            }
        }
    }
    files
}

#[tokio::test]
#[ignore = "needs a Secret Service: run through `make test`"]
async fn connect_reports_the_organization_in_plain_words() {
    let f = Fixture::new().await;
    let (_, report) = f
        .connect(f.typed(SeedKeyKind::IamManagerApplication))
        .await
        .unwrap();
    assert_eq!(
        report.summary,
        "Key OK — organization 'Acme' — this key can manage SCIM"
    );
    assert!(!report.scim_enabled);

    // Through the access key alone: the Organization is found via the key's application.
    let access_key = f
        .sandbox
        .seed_data()
        .key(SeedKeyKind::IamManagerApplication)
        .unwrap()
        .access_key
        .clone();
    let (_, report) = f
        .connect(CredentialInput::Typed {
            secret_key: Secret::from(f.key(SeedKeyKind::IamManagerApplication)),
            organization_id: None,
            access_key: Some(access_key),
        })
        .await
        .unwrap();
    assert_eq!(report.organization_id, f.org());
    assert_eq!(report.organization_source, "api_key_application");
    f.cleanup();
}

async fn connect_imported(
    f: &Fixture,
    home: &Path,
    profile: Option<&str>,
    env: &Environment,
) -> Result<
    (
        ScalewaySession,
        scim_wizard_setup::scaleway_step::ConnectReport,
    ),
    SetupError,
> {
    ScalewaySession::connect(
        f.settings(),
        CredentialInput::Imported {
            profile: profile.map(str::to_owned),
        },
        Some(f.vault.clone()),
        f.journal(),
        env,
        Some(home),
    )
    .await
}

#[tokio::test]
#[ignore = "needs a Secret Service: run through `make test`"]
async fn credentials_import_from_the_scw_config_and_environment() {
    let f = Fixture::new().await;
    let home = tempfile::tempdir().unwrap();
    let config_dir = home.path().join(".config/scw");
    std::fs::create_dir_all(&config_dir).unwrap();
    std::fs::write(
        config_dir.join("config.yaml"),
        format!(
            "secret_key: 00000000-0000-4000-8000-000000000000\ndefault_organization_id: {}\nprofiles:\n  acme:\n    secret_key: {}\n",
            f.org(),
            f.key(SeedKeyKind::IamManagerApplication)
        ),
    )
    .unwrap();
    let empty = Environment::from_pairs(Vec::<(String, String)>::new());
    let (_, report) = connect_imported(&f, home.path(), Some("acme"), &empty)
        .await
        .unwrap();
    assert_eq!(report.organization_name.as_deref(), Some("Acme"));

    // The top-level key is unknown to Scaleway: a specific, plain error.
    let error = connect_imported(&f, home.path(), None, &empty)
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::ScalewayKeyRefused);

    // SCW_SECRET_KEY wins over the file.
    let env = Environment::from_pairs([(
        "SCW_SECRET_KEY".to_owned(),
        f.key(SeedKeyKind::IamManagerApplication),
    )]);
    assert!(connect_imported(&f, home.path(), None, &env).await.is_ok());

    let error = connect_imported(&f, home.path(), Some("nope"), &empty)
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::ScalewayProfileUnknown);
    assert!(
        error.to_ui().message.contains("acme"),
        "{}",
        error.to_ui().message
    );

    let nowhere = tempfile::tempdir().unwrap();
    let error = ScalewaySession::connect(
        f.settings(),
        CredentialInput::Imported { profile: None },
        Some(f.vault.clone()),
        f.journal(),
        &empty,
        Some(nowhere.path()),
    )
    .await
    .unwrap_err();
    assert_eq!(error.code(), ErrorCode::ScalewayCredentialsNotFound);
    f.cleanup();
}

#[tokio::test]
#[ignore = "needs a Secret Service: run through `make test`"]
async fn every_credential_problem_reaches_the_admin_as_a_specific_message() {
    let f = Fixture::new().await;
    let cases = [
        (f.typed(SeedKeyKind::Expired), ErrorCode::ScalewayKeyExpired),
        (
            f.typed(SeedKeyKind::NoIamRights),
            ErrorCode::ScalewayPermissionDenied,
        ),
        (
            f.typed(SeedKeyKind::IamReadOnlyApplication),
            ErrorCode::ScalewayPermissionDenied,
        ),
        (
            CredentialInput::Typed {
                secret_key: Secret::from("6f1d3c3e-1111-4222-8333-444455556666".to_owned()),
                organization_id: Some(f.org()),
                access_key: None,
            },
            ErrorCode::ScalewayKeyRefused,
        ),
        (
            CredentialInput::Typed {
                secret_key: Secret::from(f.key(SeedKeyKind::Owner)),
                organization_id: Some("6f1d3c3e-1111-4222-8333-444455556666".to_owned()),
                access_key: None,
            },
            ErrorCode::ScalewayOrganizationNotFound,
        ),
        (
            CredentialInput::Typed {
                secret_key: Secret::from("not-a-key".to_owned()),
                organization_id: Some(f.org()),
                access_key: None,
            },
            ErrorCode::InvalidInput,
        ),
    ];
    let mut messages = std::collections::BTreeSet::new();
    for (input, expected) in cases {
        let error = f.connect(input).await.unwrap_err();
        let ui = error.to_ui();
        assert_eq!(ui.code, expected, "{ui:?}");
        assert!(!ui.hint.is_empty());
        messages.insert(ui.message);
    }
    assert!(
        messages.len() >= 5,
        "each problem has its own message: {messages:?}"
    );

    // Faults: a rate limit that outlasts the retries, and an outage.
    f.sandbox
        .set_faults("scaleway.*:status=503".parse().unwrap());
    let error = f.connect(f.typed(SeedKeyKind::Owner)).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::ScalewayUnavailable);
    assert!(error.to_ui().retryable);
    f.sandbox
        .set_faults("scaleway.*:status=429,retry_after=60".parse().unwrap());
    let error = f.connect(f.typed(SeedKeyKind::Owner)).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::ScalewayRateLimited);
    f.sandbox.set_faults(Default::default());
    f.cleanup();
}

#[tokio::test]
#[ignore = "needs a Secret Service: run through `make test`"]
async fn enable_and_mint_take_four_round_trips_and_keep_the_token_only_in_the_keychain() {
    let f = Fixture::new().await;
    let (mut session, report) = f
        .connect(f.typed(SeedKeyKind::IamManagerApplication))
        .await
        .unwrap();
    assert!(!report.scim_enabled);
    let before = f.requests().await.len();

    let state = session.enable_scim().await.unwrap();
    assert!(state.enabled && state.tokens.is_empty());
    let minted = session.mint_token(KeychainChoice::Store).await.unwrap();
    assert!(!minted.resumed && minted.stored_in_keychain);
    let base_url = minted
        .base_url
        .clone()
        .expect("the sandbox pattern verifies");
    assert!(base_url.starts_with(&f.sandbox.urls().base));

    // The connect step already did the SCIM GET; then POST scim, POST token, GET /Users.
    let routes = f.requests().await;
    let after: Vec<&str> = routes[before..].iter().map(String::as_str).collect();
    assert_eq!(
        after,
        [
            "scaleway.enable_scim",
            "scaleway.create_scim_token",
            "scim.list_users"
        ]
    );
    assert!(routes[..before].iter().any(|r| r == "scaleway.get_scim"));

    // Expiry: one year.
    let created = minted.token.created_at.unwrap();
    let expires = minted.token.expires_at.unwrap();
    let days = (expires - created).num_days();
    assert!((365..=366).contains(&days), "{days}");

    let token = session.token().await.unwrap().unwrap();
    let in_keychain = f
        .vault
        .read(&scim_token_account(&f.org()))
        .unwrap()
        .unwrap();
    assert_eq!(token.expose_secret(), in_keychain.expose_secret());

    // The journal has the token's id, never its value.
    let journal = std::fs::read_to_string(f.journal().path()).unwrap();
    assert!(journal.contains(&minted.token.id));
    assert_no_file_contains(f.dir.path(), token.expose_secret());
    assert_no_file_contains(f.dir.path(), &f.key(SeedKeyKind::IamManagerApplication));
    f.cleanup();
}

#[tokio::test]
#[ignore = "needs a Secret Service: run through `make test`"]
async fn a_restart_after_minting_resumes_with_the_same_token() {
    let f = Fixture::new().await;
    let (mut session, _) = f.connect(f.typed(SeedKeyKind::Owner)).await.unwrap();
    session.enable_scim().await.unwrap();
    let first = session.mint_token(KeychainChoice::Store).await.unwrap();
    drop(session);

    // "Crash": a new session with the remembered key, as the app does on restart.
    let (mut session, report) = f
        .connect(CredentialInput::Remembered {
            organization_id: f.org(),
        })
        .await
        .unwrap();
    assert!(report.scim_enabled);
    let again = session.mint_token(KeychainChoice::Store).await.unwrap();
    assert!(again.resumed);
    assert_eq!(again.token.id, first.token.id);
    assert_eq!(live_token_count(&f.state().await), 1);

    // A crash between the keychain write and the journal write: the journal has only the
    // time the mint started, not the token's id.
    let store = f.journal();
    let mut journal = store.load().unwrap().unwrap();
    let record = journal.scaleway.as_mut().unwrap();
    record.token = None;
    record.mint_started_at = first.token.created_at;
    store.save(&journal).unwrap();
    let (mut session, _) = f.connect(f.typed(SeedKeyKind::Owner)).await.unwrap();
    let third = session.mint_token(KeychainChoice::Store).await.unwrap();
    assert!(third.resumed);
    assert_eq!(third.token.id, first.token.id);
    assert_eq!(live_token_count(&f.state().await), 1);
    f.cleanup();
}

#[tokio::test]
#[ignore = "needs a Secret Service: run through `make test`"]
async fn a_resume_reconnects_with_the_key_it_already_read() {
    let f = Fixture::new().await;
    let (mut session, _) = f.connect(f.typed(SeedKeyKind::Owner)).await.unwrap();
    session.enable_scim().await.unwrap();
    drop(session);

    let journal = f.journal().load().unwrap().unwrap();
    let key = || f.vault.read(&scaleway_key_account(&f.org())).unwrap();
    assert!(key().is_some(), "connecting remembered the key");
    let reconnect = |key: Option<Secret>| {
        ScalewaySession::reconnect(
            f.settings(),
            f.org(),
            key,
            Some(f.vault.clone()),
            f.journal(),
        )
    };

    let (session, report) = reconnect(key()).await.unwrap();
    assert_eq!(session.organization_id(), f.org());
    assert!(report.scim_enabled);

    // No key remembered: refused as connecting with `Remembered` would be.
    let error = reconnect(None).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::NotReady);

    // A journal for another Organization is refused, as with `connect`.
    let mut other = journal.clone();
    other.scaleway.as_mut().unwrap().organization_id =
        f.sandbox.seed_data().other_organization_id.clone();
    f.journal().save(&other).unwrap();
    let error = reconnect(key()).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::JournalMismatch);
    f.cleanup();
}

#[tokio::test]
#[ignore = "needs a Secret Service: run through `make test`"]
async fn a_key_read_from_the_keychain_is_not_written_back() {
    let f = Fixture::new().await;
    let account = scaleway_key_account(&f.org());
    let remembered = || {
        f.vault
            .read(&account)
            .unwrap()
            .map(|key| key.expose_secret().to_owned())
    };

    // A typed key is remembered.
    let writes = f.vault.writes();
    f.connect(f.typed(SeedKeyKind::Owner)).await.unwrap();
    assert_eq!(f.vault.writes(), writes + 1, "a typed key is remembered");
    assert_eq!(remembered(), Some(f.key(SeedKeyKind::Owner)));

    // Resuming with it, from the keychain or handed over already read: nothing is written.
    let writes = f.vault.writes();
    let (session, _) = f
        .connect(CredentialInput::Remembered {
            organization_id: f.org(),
        })
        .await
        .unwrap();
    assert_eq!(session.organization_id(), f.org());
    let key = f.vault.read(&account).unwrap();
    let (session, _) = ScalewaySession::reconnect(
        f.settings(),
        f.org(),
        key,
        Some(f.vault.clone()),
        f.journal(),
    )
    .await
    .unwrap();
    assert_eq!(session.organization_id(), f.org());
    assert_eq!(
        f.vault.writes(),
        writes,
        "a remembered key is not written back"
    );
    assert_eq!(remembered(), Some(f.key(SeedKeyKind::Owner)));

    // Another key typed for the same Organization replaces it, as before.
    f.connect(f.typed(SeedKeyKind::IamManagerApplication))
        .await
        .unwrap();
    assert_eq!(f.vault.writes(), writes + 1);
    assert_eq!(
        remembered(),
        Some(f.key(SeedKeyKind::IamManagerApplication))
    );
    f.cleanup();
}

#[tokio::test]
#[ignore = "needs a Secret Service: run through `make test`"]
async fn at_the_two_token_limit_nothing_is_deleted_without_consent() {
    let f = Fixture::new().await;
    let owner = f.owner_client();
    let scim = owner.ensure_scim_enabled(&f.org()).await.unwrap().scim;
    let older = owner.create_scim_token(&scim.id).await.unwrap();
    owner.create_scim_token(&scim.id).await.unwrap();

    let (mut session, _) = f.connect(f.typed(SeedKeyKind::Owner)).await.unwrap();
    let state = session.scim_state().await.unwrap();
    assert!(state.at_token_limit);
    assert_eq!(state.tokens[0].id, older.token.id, "oldest first");
    let error = session.mint_token(KeychainChoice::Store).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::ScalewayTokenLimit);
    assert_eq!(live_token_count(&f.state().await), 2, "nothing deleted");

    // The admin consents to delete the older one.
    let state = session.delete_token(&older.token.id).await.unwrap();
    assert!(!state.at_token_limit);
    let minted = session.mint_token(KeychainChoice::Store).await.unwrap();
    assert!(minted.base_url.is_some());
    assert_eq!(live_token_count(&f.state().await), 2);

    // Deleting another token keeps ours; deleting ours forgets it everywhere.
    let state = session.scim_state().await.unwrap();
    let other = state.tokens.iter().find(|t| !t.ours).unwrap().id.clone();
    let state = session.delete_token(&other).await.unwrap();
    let ours: Vec<&str> = state
        .tokens
        .iter()
        .filter(|t| t.ours)
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(ours, [minted.token.id.as_str()]);
    let state = session.delete_token(&minted.token.id).await.unwrap();
    assert!(state.tokens.is_empty(), "{state:?}");
    let journal = f.journal().load().unwrap().unwrap();
    assert!(journal.scaleway.unwrap().token.is_none());
    assert!(
        f.vault
            .read(&scim_token_account(&f.org()))
            .unwrap()
            .is_none()
    );
    f.cleanup();
}

#[tokio::test]
#[ignore = "needs a Secret Service: run through `make test`"]
async fn when_no_candidate_verifies_the_admin_pastes_the_base_url() {
    let f = Fixture::new().await;
    let mut settings = f.settings();
    settings.scim_base_pattern = Some(format!("{}/nowhere/{{scim_id}}/v2", f.sandbox.urls().base));
    let (mut session, _) = f
        .connect_with(settings, f.typed(SeedKeyKind::Owner))
        .await
        .unwrap();
    session.enable_scim().await.unwrap();
    let minted = session.mint_token(KeychainChoice::Store).await.unwrap();
    assert!(
        minted.base_url.is_none(),
        "the token is kept; the URL is asked for"
    );
    assert!(
        f.vault
            .read(&scim_token_account(&f.org()))
            .unwrap()
            .is_some()
    );

    let error = session
        .set_base_url(&format!("{}/nowhere/x/v2", f.sandbox.urls().base))
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::ScimBaseUrlNotFound);
    let error = session.set_base_url("ftp://example.com").await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidInput);

    let scim_id = session.scim_state().await.unwrap().scim_id.unwrap();
    let real = f
        .sandbox
        .urls()
        .scim_base_url_pattern
        .replace("{scim_id}", &scim_id);
    let verified = session.set_base_url(&real).await.unwrap();
    assert_eq!(verified.trim_end_matches('/'), real);
    f.cleanup();
}

#[tokio::test]
#[ignore = "needs a Secret Service: run through `make test`"]
async fn an_existing_token_and_base_url_are_checked_then_kept() {
    let f = Fixture::new().await;
    let owner = f.owner_client();
    let scim = owner.ensure_scim_enabled(&f.org()).await.unwrap().scim;
    let token = owner.create_scim_token(&scim.id).await.unwrap();
    let base = f
        .sandbox
        .urls()
        .scim_base_url_pattern
        .replace("{scim_id}", &scim.id);
    let org = f.org();
    let adopt = |token: &str| {
        TokenOnlySession::adopt(
            f.settings(),
            Some(f.vault.clone()),
            f.journal(),
            Some(&org),
            Secret::from(token.to_owned()),
            &base,
            KeychainChoice::Store,
        )
    };

    let error = adopt("short").await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidInput);

    let error = adopt("ZmFrZS10b2tlbi12YWx1ZQ.abcdefghijklmnopqrstuvwxyz012345")
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::ScimTokenRefused);

    let kept = adopt(token.bearer_token.expose_secret())
        .await
        .unwrap()
        .base_url()
        .to_string();
    assert_eq!(kept.trim_end_matches('/'), base);
    assert_eq!(
        f.vault
            .read(&scim_token_account(&f.org()))
            .unwrap()
            .unwrap()
            .expose_secret(),
        token.bearer_token.expose_secret()
    );
    assert_no_file_contains(f.dir.path(), token.bearer_token.expose_secret());
    f.cleanup();
}

#[tokio::test]
#[ignore = "needs a Secret Service: run through `make test`"]
async fn pasting_a_token_while_this_setup_holds_one_it_made_is_refused_and_changes_nothing() {
    let f = Fixture::new().await;
    let (mut session, _) = f.connect(f.typed(SeedKeyKind::Owner)).await.unwrap();
    session.enable_scim().await.unwrap();
    let minted = session.mint_token(KeychainChoice::Store).await.unwrap();
    let ours = session.token().await.unwrap().unwrap();
    // The admin then pastes a token made in the console.
    let console = f
        .owner_client()
        .create_scim_token(session.scim_id().unwrap())
        .await
        .unwrap();
    let error = TokenOnlySession::adopt(
        f.settings(),
        Some(f.vault.clone()),
        f.journal(),
        Some(&f.org()),
        Secret::from(console.bearer_token.expose_secret().to_owned()),
        minted.base_url.as_deref().unwrap(),
        KeychainChoice::Store,
    )
    .await
    .unwrap_err();
    assert_eq!(error.code(), ErrorCode::TokenAlreadyCreated);
    assert!(error.to_ui().message.contains(&minted.token.id));
    // The token this setup made is still the one tracked and kept.
    let journal = f.journal().load().unwrap().unwrap();
    let record = journal.scaleway.unwrap().token.unwrap();
    assert_eq!(record.id.as_deref(), Some(minted.token.id.as_str()));
    assert!(record.minted_by_us);
    let kept = f
        .vault
        .read(&scim_token_account(&f.org()))
        .unwrap()
        .unwrap();
    assert_eq!(kept.expose_secret(), ours.expose_secret());
    f.cleanup();
}

#[tokio::test]
#[ignore = "needs a Secret Service: run through `make test`"]
async fn a_journal_for_another_organization_is_refused() {
    let f = Fixture::new().await;
    let (mut session, _) = f.connect(f.typed(SeedKeyKind::Owner)).await.unwrap();
    session.enable_scim().await.unwrap();
    let other = CredentialInput::Typed {
        secret_key: Secret::from(f.key(SeedKeyKind::OtherOrganization)),
        organization_id: Some(f.sandbox.seed_data().other_organization_id.clone()),
        access_key: None,
    };
    let error = f.connect(other).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::JournalMismatch);
    f.cleanup();
}

/// The keychain refuses the token right after Scaleway made it: the token is kept in memory,
/// never minted twice, and goes to the keychain when the admin tries again. The keychain is
/// locked and restarted on the way, so this runs in a D-Bus session of its own, with a
/// gnome-keyring of its own (`keychain_refusal_child`).
#[test]
#[ignore = "needs a Secret Service: run through `make test`"]
fn a_keychain_that_refuses_the_new_token_loses_nothing() {
    let home = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let script = r#"printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
exec "$0" --exact keychain_refusal_child --include-ignored --nocapture --test-threads 1"#;
    let output = std::process::Command::new("dbus-run-session")
        .args(["--", "bash", "-c", script])
        .arg(&exe)
        .env("SCIM_WIZARD_KEYCHAIN_CHILD", "1")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_RUNTIME_DIR", home.path())
        // No display: a locked keychain must fail, not raise an unlock prompt.
        .env_remove("DISPLAY")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .expect("dbus-run-session: run through `make test`");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("KEYCHAIN-REFUSAL-CHECKED"),
        "{stdout}\n{stderr}"
    );
}

/// What `gnome-keyring-daemon` of this session is asked to do, from the shell.
fn keyring(script: &str) {
    let status = std::process::Command::new("bash")
        .args(["-c", script])
        .status()
        .unwrap();
    assert!(status.success(), "{script}");
}

#[tokio::test]
#[ignore = "helper of a_keychain_that_refuses_the_new_token_loses_nothing"]
async fn keychain_refusal_child() {
    if std::env::var_os("SCIM_WIZARD_KEYCHAIN_CHILD").is_none() {
        return;
    }
    // The mint takes a while: the keychain is locked meanwhile (after the app's probe).
    let f = Fixture::with_config(
        SandboxConfig::default()
            .with_faults("scaleway.create_scim_token:latency=1500".parse().unwrap()),
    )
    .await;
    let (mut session, _) = f.connect(f.typed(SeedKeyKind::Owner)).await.unwrap();
    session.enable_scim().await.unwrap();
    let minting = tokio::spawn(async move {
        let outcome = session.mint_token(KeychainChoice::Store).await;
        (outcome, session)
    });
    tokio::time::sleep(Duration::from_millis(700)).await;
    keyring(
        "gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets \
         --method org.freedesktop.Secret.Service.Lock \"['/org/freedesktop/secrets/collection/login']\" >/dev/null",
    );
    let (outcome, mut session) = minting.await.unwrap();
    let outcome = outcome.expect("a keychain refusal is not a failed mint");
    assert!(!outcome.stored_in_keychain);
    let problem = outcome.keychain_problem.expect("the refusal is said");
    assert_eq!(problem.code, ErrorCode::KeychainLocked, "{problem:?}");
    assert!(session.token_only_in_memory());

    // The token is the one Scaleway made, and it works.
    let token = session.token().await.unwrap().expect("kept in memory");
    let base_url = outcome.base_url.expect("the Base URL was found with it");
    let status = reqwest::Client::new()
        .get(format!("{base_url}/Users?count=1"))
        .bearer_auth(token.expose_secret())
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);

    // Asking again does not mint a second one while the first is held.
    let again = session.mint_token(KeychainChoice::Store).await.unwrap();
    assert!(again.resumed);
    assert_eq!(again.token.id, outcome.token.id);
    assert_eq!(live_token_count(&f.state().await), 1);

    // Still locked: trying the keychain again says so, and the token stays.
    let error = session.store_token_in_keychain().await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::KeychainLocked);
    assert!(session.token_only_in_memory());

    // The keychain is back (restarted, unlocked): "try the keychain again" keeps it there.
    keyring(
        "printf pw | gnome-keyring-daemon --replace --unlock --components=secrets >/dev/null 2>&1",
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    session.store_token_in_keychain().await.unwrap();
    assert!(!session.token_only_in_memory());
    let kept = Vault::open_native_with_service_async(&f.service())
        .await
        .unwrap()
        .read(&scim_token_account(&f.org()))
        .unwrap()
        .expect("in the keychain now");
    assert_eq!(kept.expose_secret(), token.expose_secret());
    let journal = f.journal().load().unwrap().unwrap();
    assert!(journal.scaleway.unwrap().token.unwrap().in_keychain);
    println!("KEYCHAIN-REFUSAL-CHECKED");
}
