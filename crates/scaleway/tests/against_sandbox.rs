//! The client over real HTTP against the loopback simulator (`scim-wizard-sandbox`), which is
//! written from the services' public documentation on its own (docs/sandbox.md). One test
//! binary, to keep link time down.

// clippy.toml allows these inside #[test] functions only; the helpers below are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use scim_wizard_sandbox::{FaultPlan, Sandbox, SandboxConfig, SeedKey, SeedKeyKind};
use scim_wizard_scaleway::scim_base::{
    AttemptOutcome, BaseUrlPattern, DiscoveryError, ScimBaseError, ScimProbe,
};
use scim_wizard_scaleway::{
    AuthDeniedReason, ClientOptions, ErrorCode, ExposeSecret, OrganizationSource, RetryPolicy,
    ScalewayClient, ScalewayError, SecretString,
};
use serde_json::Value;
use url::Url;

// ---------------------------------------------------------------------------------------------
// Helpers

async fn start_sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox starts")
}

async fn start_sandbox_with_faults(spec: &str) -> Sandbox {
    let faults: FaultPlan = spec.parse().expect("valid fault spec");
    Sandbox::start(SandboxConfig {
        faults,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts")
}

fn seed_key(sandbox: &Sandbox, kind: SeedKeyKind) -> SeedKey {
    sandbox
        .seed_data()
        .key(kind)
        .cloned()
        .unwrap_or_else(|| panic!("the seed has a {kind:?} key"))
}

fn quick_options() -> ClientOptions {
    ClientOptions::default()
        .with_retry(RetryPolicy::quick())
        .with_request_timeout(Duration::from_secs(10))
}

fn client_with_secret(sandbox: &Sandbox, secret: &str, options: ClientOptions) -> ScalewayClient {
    let base = Url::parse(&sandbox.urls().scaleway_api).expect("sandbox URL");
    ScalewayClient::with_options(base, SecretString::from(secret.to_owned()), options)
        .expect("client builds")
}

fn client_for(sandbox: &Sandbox, kind: SeedKeyKind) -> ScalewayClient {
    client_with_secret(
        sandbox,
        &seed_key(sandbox, kind).secret_key,
        quick_options(),
    )
}

fn organization_id(sandbox: &Sandbox) -> String {
    sandbox.seed_data().organization_id.clone()
}

async fn sandbox_state(sandbox: &Sandbox) -> Value {
    reqwest::get(format!("{}/state", sandbox.urls().control))
        .await
        .expect("control endpoint answers")
        .json()
        .await
        .expect("state is JSON")
}

async fn request_count(sandbox: &Sandbox, route: &str) -> u64 {
    sandbox_state(sandbox).await["request_counts"][route]
        .as_u64()
        .unwrap_or(0)
}

async fn live_token_count(sandbox: &Sandbox) -> usize {
    sandbox_state(sandbox).await["scim_tokens"]
        .as_array()
        .expect("scim_tokens array")
        .iter()
        .filter(|token| token["deleted"] == Value::Bool(false))
        .count()
}

/// Enables SCIM with the Owner key and returns the SCIM id.
async fn enabled_scim(sandbox: &Sandbox) -> String {
    client_for(sandbox, SeedKeyKind::Owner)
        .ensure_scim_enabled(&organization_id(sandbox))
        .await
        .expect("enable SCIM")
        .scim
        .id
}

fn scim_pattern(sandbox: &Sandbox) -> BaseUrlPattern {
    BaseUrlPattern::parse(&sandbox.urls().scim_base_url_pattern).expect("sandbox pattern parses")
}

fn quick_probe() -> ScimProbe {
    ScimProbe::with_options(Duration::from_secs(5), RetryPolicy::quick()).expect("probe builds")
}

// ---------------------------------------------------------------------------------------------
// SCIM configuration and tokens

#[tokio::test]
async fn enabling_is_idempotent_get_then_post_only_on_404() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox, SeedKeyKind::IamManagerApplication);
    let org = organization_id(&sandbox);

    assert_eq!(client.get_scim(&org).await.unwrap(), None);
    let first = client.ensure_scim_enabled(&org).await.unwrap();
    assert!(first.newly_enabled);
    assert!(first.scim.created_at.is_some());
    let second = client.ensure_scim_enabled(&org).await.unwrap();
    assert!(!second.newly_enabled);
    assert_eq!(second.scim, first.scim);
    assert_eq!(
        client.get_scim(&org).await.unwrap(),
        Some(first.scim.clone())
    );
    assert_eq!(request_count(&sandbox, "scaleway.enable_scim").await, 1);

    // A bare second POST is refused by the simulator (its choice for an UNVERIFIED behaviour).
    let again = client.enable_scim(&org).await.unwrap_err();
    assert_eq!(again.code(), ErrorCode::Conflict);
    assert!(again.request_id().is_some());

    client.disable_scim(&first.scim.id).await.unwrap();
    assert_eq!(client.get_scim(&org).await.unwrap(), None);
}

#[tokio::test]
async fn ensure_enabled_reads_back_when_the_enable_post_outcome_is_unknown() {
    let sandbox = start_sandbox_with_faults("scaleway.enable_scim:drop_after,nth=1").await;
    let client = client_for(&sandbox, SeedKeyKind::Owner);
    let org = organization_id(&sandbox);

    // The bare call cannot know whether SCIM got enabled.
    let error = client.enable_scim(&org).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::OutcomeUnknown);
    let scim = client
        .get_scim(&org)
        .await
        .unwrap()
        .expect("it did get enabled");
    client.disable_scim(&scim.id).await.unwrap();

    // ensure_scim_enabled resolves it by reading the configuration again, never POSTing twice.
    sandbox.set_faults("scaleway.enable_scim:drop_after,nth=1".parse().unwrap());
    let enablement = client.ensure_scim_enabled(&org).await.unwrap();
    assert!(enablement.newly_enabled);
    assert_eq!(client.get_scim(&org).await.unwrap(), Some(enablement.scim));
    assert_eq!(request_count(&sandbox, "scaleway.enable_scim").await, 2);
}

#[tokio::test]
async fn tokens_list_create_delete_and_the_cap_of_two() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox, SeedKeyKind::IamManagerApplication);
    let scim_id = enabled_scim(&sandbox).await;

    // Enabling creates no token.
    assert!(client.list_scim_tokens(&scim_id).await.unwrap().is_empty());

    let first = client.create_scim_token(&scim_id).await.unwrap();
    assert_eq!(first.token.scim_id, scim_id);
    assert!(first.token.expires_at > first.token.created_at);
    assert!(!first.bearer_token.expose_secret().is_empty());
    assert!(!format!("{first:?}").contains(first.bearer_token.expose_secret()));
    let second = client.create_scim_token(&scim_id).await.unwrap();

    let listed = client.list_scim_tokens(&scim_id).await.unwrap();
    let listed_ids: Vec<_> = listed.iter().map(|token| token.id.as_str()).collect();
    assert_eq!(
        listed_ids,
        [first.token.id.as_str(), second.token.id.as_str()]
    );

    let third = client.create_scim_token(&scim_id).await.unwrap_err();
    assert_eq!(third.code(), ErrorCode::QuotaExceeded, "{third}");
    assert!(
        !third
            .to_string()
            .contains(first.bearer_token.expose_secret())
    );

    client.delete_scim_token(&first.token.id).await.unwrap();
    let listed = client.list_scim_tokens(&scim_id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, second.token.id);
    let gone = client.delete_scim_token(&first.token.id).await.unwrap_err();
    assert_eq!(gone.code(), ErrorCode::NotFound);

    // Room again for one more.
    client.create_scim_token(&scim_id).await.unwrap();
    assert_eq!(live_token_count(&sandbox).await, 2);
}

// ---------------------------------------------------------------------------------------------
// Every error type reaches a distinct code

#[tokio::test]
async fn authentication_errors_keep_the_reason_and_request_id() {
    let sandbox = start_sandbox().await;
    let org = organization_id(&sandbox);

    let unknown_key = "0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f";
    let client = client_with_secret(&sandbox, unknown_key, quick_options());
    let error = client.get_scim(&org).await.unwrap_err();
    match &error {
        ScalewayError::AuthDenied {
            reason,
            method,
            request_id,
        } => {
            assert_eq!(*reason, AuthDeniedReason::NotFound);
            assert_eq!(method.as_deref(), Some("api_key"));
            assert!(request_id.is_some());
        }
        other => panic!("expected AuthDenied, got {other:?}"),
    }
    assert!(!error.to_string().contains(unknown_key));

    let expired = client_for(&sandbox, SeedKeyKind::Expired);
    assert!(matches!(
        expired.get_organization(&org).await.unwrap_err(),
        ScalewayError::AuthDenied {
            reason: AuthDeniedReason::Expired,
            ..
        }
    ));
}

#[tokio::test]
async fn permission_not_found_and_argument_errors() {
    let sandbox = start_sandbox().await;
    let org = organization_id(&sandbox);

    let no_rights = client_for(&sandbox, SeedKeyKind::NoIamRights);
    match no_rights.get_scim(&org).await.unwrap_err() {
        ScalewayError::PermissionDenied { denied, request_id } => {
            assert!(!denied.is_empty());
            assert!(denied[0].resource.is_some() && denied[0].action.is_some());
            assert!(request_id.is_some());
        }
        other => panic!("expected PermissionDenied, got {other:?}"),
    }

    let owner = client_for(&sandbox, SeedKeyKind::Owner);
    match owner
        .get_organization("00000000-0000-4000-8000-000000000000")
        .await
        .unwrap_err()
    {
        ScalewayError::NotFound {
            resource,
            resource_id,
            ..
        } => {
            assert_eq!(resource.as_deref(), Some("organization"));
            assert_eq!(
                resource_id.as_deref(),
                Some("00000000-0000-4000-8000-000000000000")
            );
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    // An unknown Organization is an error for get_scim too, not "SCIM not enabled".
    assert_eq!(
        owner
            .get_scim("00000000-0000-4000-8000-000000000000")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );

    match owner.get_organization("not-a-uuid").await.unwrap_err() {
        ScalewayError::InvalidArguments { arguments, .. } => {
            assert_eq!(
                arguments[0].argument_name.as_deref(),
                Some("organization_id")
            );
            assert!(arguments[0].reason.is_some());
        }
        other => panic!("expected InvalidArguments, got {other:?}"),
    }

    assert_eq!(
        owner.get_organization("  ").await.unwrap_err().code(),
        ErrorCode::InvalidInput
    );
}

#[tokio::test]
async fn injected_statuses_map_to_their_codes() {
    let sandbox = start_sandbox().await;
    let org = organization_id(&sandbox);
    let client = client_with_secret(
        &sandbox,
        &seed_key(&sandbox, SeedKeyKind::Owner).secret_key,
        quick_options().with_retry(RetryPolicy::no_retries()),
    );
    let cases = [
        ("status=405", ErrorCode::MethodNotAllowed),
        ("status=409", ErrorCode::Conflict),
        ("status=412", ErrorCode::PreconditionFailed),
        ("status=418", ErrorCode::UnexpectedResponse),
        ("status=429", ErrorCode::RateLimited),
        ("status=500,body=html", ErrorCode::ServerError),
        ("status=502,body=empty", ErrorCode::ServerError),
    ];
    let mut seen = Vec::new();
    for (action, expected) in cases {
        sandbox.set_faults(
            format!("scaleway.get_organization:{action}")
                .parse()
                .expect("valid spec"),
        );
        let error = client.get_organization(&org).await.unwrap_err();
        assert_eq!(error.code(), expected, "{action}: {error:?}");
        assert!(error.request_id().is_some(), "{action}: request id kept");
        let shown = error.to_string();
        assert!(!shown.contains('<'), "{action}: no HTML in {shown}");
        seen.push(error.code());
    }
    seen.dedup();
    assert!(seen.len() >= 6);
}

#[tokio::test]
async fn html_5xx_is_retried_on_get_then_reported_without_the_body() {
    let sandbox = start_sandbox_with_faults("scaleway.get_organization:status=502,body=html").await;
    let client = client_for(&sandbox, SeedKeyKind::Owner);
    let error = client
        .get_organization(&organization_id(&sandbox))
        .await
        .unwrap_err();
    match &error {
        ScalewayError::ServerError {
            status, message, ..
        } => {
            assert_eq!(*status, 502);
            assert_eq!(message.as_deref(), Some("Bad Gateway"));
        }
        other => panic!("expected ServerError, got {other:?}"),
    }
    assert!(!error.to_string().contains("<html"));
    assert_eq!(
        request_count(&sandbox, "scaleway.get_organization").await,
        u64::from(RetryPolicy::quick().max_attempts)
    );
}

// ---------------------------------------------------------------------------------------------
// Retries

#[tokio::test]
async fn token_post_429_with_retry_after_is_retried_and_succeeds() {
    let sandbox =
        start_sandbox_with_faults("scaleway.create_scim_token:status=429,retry_after=1,nth=1")
            .await;
    let scim_id = enabled_scim(&sandbox).await;
    let client = client_for(&sandbox, SeedKeyKind::IamManagerApplication);

    let started = Instant::now();
    let created = client.create_scim_token(&scim_id).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After: 1 was honoured ({:?})",
        started.elapsed()
    );
    assert_eq!(
        request_count(&sandbox, "scaleway.create_scim_token").await,
        2
    );
    assert_eq!(live_token_count(&sandbox).await, 1);
    assert_eq!(
        client.list_scim_tokens(&scim_id).await.unwrap()[0].id,
        created.token.id
    );
}

#[tokio::test]
async fn a_retry_after_longer_than_the_policy_allows_is_reported_not_waited() {
    let sandbox = start_sandbox_with_faults("scaleway.get_scim:status=429,retry_after=600").await;
    let client = client_for(&sandbox, SeedKeyKind::Owner);
    let started = Instant::now();
    let error = client
        .get_scim(&organization_id(&sandbox))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(matches!(
        error,
        ScalewayError::RateLimited {
            retry_after: Some(wait),
            ..
        } if wait == Duration::from_secs(600)
    ));
    assert!(error.is_retryable());
    assert_eq!(request_count(&sandbox, "scaleway.get_scim").await, 1);
}

#[tokio::test]
async fn a_post_turned_away_with_503_and_retry_after_is_retried() {
    let sandbox =
        start_sandbox_with_faults("scaleway.create_scim_token:status=503,retry_after=1,nth=1")
            .await;
    let scim_id = enabled_scim(&sandbox).await;
    let client = client_for(&sandbox, SeedKeyKind::IamManagerApplication);
    client.create_scim_token(&scim_id).await.unwrap();
    assert_eq!(
        request_count(&sandbox, "scaleway.create_scim_token").await,
        2
    );
    assert_eq!(live_token_count(&sandbox).await, 1);
}

#[tokio::test]
async fn a_post_answered_5xx_without_retry_after_may_have_been_done_and_is_not_repeated() {
    // A 503 that names no time to come back, like a 500, may come after the token was made.
    let sandbox = start_sandbox_with_faults("scaleway.create_scim_token:status=503,nth=1").await;
    let scim_id = enabled_scim(&sandbox).await;
    let client = client_for(&sandbox, SeedKeyKind::IamManagerApplication);
    let error = client.create_scim_token(&scim_id).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::OutcomeUnknown, "{error:?}");
    assert_eq!(
        request_count(&sandbox, "scaleway.create_scim_token").await,
        1
    );

    sandbox.set_faults(
        "scaleway.create_scim_token:status=500,nth=1"
            .parse()
            .unwrap(),
    );
    let error = client.create_scim_token(&scim_id).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::OutcomeUnknown, "{error:?}");
    assert_eq!(
        request_count(&sandbox, "scaleway.create_scim_token").await,
        2
    );

    sandbox.set_faults(
        "scaleway.create_scim_token:status=504,nth=1"
            .parse()
            .unwrap(),
    );
    let error = client.create_scim_token(&scim_id).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::OutcomeUnknown, "{error:?}");
    assert_eq!(
        request_count(&sandbox, "scaleway.create_scim_token").await,
        3
    );
    assert_eq!(live_token_count(&sandbox).await, 0);
}

#[tokio::test]
async fn dropped_connection_on_token_post_is_outcome_unknown_and_mints_once() {
    // The server creates the token, then the connection drops before the answer.
    let sandbox = start_sandbox_with_faults("scaleway.create_scim_token:drop_after,nth=1").await;
    let scim_id = enabled_scim(&sandbox).await;
    let client = client_for(&sandbox, SeedKeyKind::IamManagerApplication);

    let error = client.create_scim_token(&scim_id).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::OutcomeUnknown, "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(
        request_count(&sandbox, "scaleway.create_scim_token").await,
        1
    );
    // Exactly one token exists: the engine finds it by listing, and no second one was minted.
    assert_eq!(client.list_scim_tokens(&scim_id).await.unwrap().len(), 1);
    assert_eq!(live_token_count(&sandbox).await, 1);
}

#[tokio::test]
async fn dropped_connection_before_handling_is_also_outcome_unknown_for_a_post() {
    let sandbox = start_sandbox_with_faults("scaleway.create_scim_token:drop,nth=1").await;
    let scim_id = enabled_scim(&sandbox).await;
    let client = client_for(&sandbox, SeedKeyKind::IamManagerApplication);
    let error = client.create_scim_token(&scim_id).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::OutcomeUnknown);
    assert_eq!(client.list_scim_tokens(&scim_id).await.unwrap().len(), 0);
}

#[tokio::test]
async fn dropped_connections_on_idempotent_calls_are_retried() {
    let sandbox = start_sandbox_with_faults(
        "scaleway.get_scim:drop,nth=1;scaleway.list_scim_tokens:drop_after,nth=1",
    )
    .await;
    let client = client_for(&sandbox, SeedKeyKind::Owner);
    let enablement = client
        .ensure_scim_enabled(&organization_id(&sandbox))
        .await
        .unwrap();
    assert!(enablement.newly_enabled);
    assert_eq!(request_count(&sandbox, "scaleway.get_scim").await, 2);
    assert!(
        client
            .list_scim_tokens(&enablement.scim.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        request_count(&sandbox, "scaleway.list_scim_tokens").await,
        2
    );
}

#[tokio::test]
async fn unreachable_api_is_a_network_error() {
    // Bind then drop a listener: its port is then (almost certainly) closed.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = ScalewayClient::with_options(
        Url::parse(&format!("http://127.0.0.1:{port}/scaleway")).unwrap(),
        SecretString::from("0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f".to_owned()),
        quick_options(),
    )
    .unwrap();
    let error = client
        .get_scim("0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f")
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Network, "{error:?}");
    assert!(!error.to_string().contains("0f0f0f0f"));
}

// ---------------------------------------------------------------------------------------------
// Users

#[tokio::test]
async fn list_users_follows_every_page_and_finds_by_username() {
    let sandbox = start_sandbox().await;
    let org = organization_id(&sandbox);
    let small_pages = client_with_secret(
        &sandbox,
        &seed_key(&sandbox, SeedKeyKind::Owner).secret_key,
        quick_options().with_page_size(3),
    );
    let paged = small_pages.list_users(&org).await.unwrap();
    let pages_fetched = request_count(&sandbox, "scaleway.list_users").await;
    assert!(paged.len() > 3, "the seed has several pages at size 3");
    assert_eq!(pages_fetched, paged.len().div_ceil(3) as u64);
    assert!(paged.iter().all(|user| user.organization_id == org));
    assert!(
        paged
            .windows(2)
            .all(|pair| pair[0].created_at <= pair[1].created_at),
        "oldest first"
    );

    let one_page = client_for(&sandbox, SeedKeyKind::Owner);
    let all = one_page.list_users(&org).await.unwrap();
    assert_eq!(all, paged);

    let carol = one_page
        .find_user_by_username(&org, "carol")
        .await
        .unwrap()
        .expect("carol is seeded");
    assert_eq!(carol.username, "carol");
    assert_eq!(
        one_page.get_user(&carol.id).await.unwrap().username,
        "carol"
    );
    assert_eq!(
        one_page.find_user_by_username(&org, "Carol").await.unwrap(),
        None,
        "exact match only"
    );
    assert_eq!(
        one_page
            .find_user_by_username(&org, "nobody")
            .await
            .unwrap(),
        None
    );
}

// ---------------------------------------------------------------------------------------------
// Connection check

#[tokio::test]
async fn check_with_the_organization_id() {
    let sandbox = start_sandbox().await;
    let org = organization_id(&sandbox);
    let client = client_for(&sandbox, SeedKeyKind::IamManagerApplication);

    let report = client.check_credentials(Some(&org), None).await.unwrap();
    assert_eq!(report.organization_id, org);
    assert_eq!(report.organization_source, OrganizationSource::Given);
    assert_eq!(report.organization_name.as_deref(), Some("Acme"));
    assert!(report.can_manage_scim);
    assert_eq!(report.scim_enabled, None);
    assert_eq!(report.requests.len(), 2);
    assert!(
        report
            .requests
            .iter()
            .all(|request| request.request_id.is_some())
    );

    let scim_id = enabled_scim(&sandbox).await;
    let report = client.check_credentials(Some(&org), None).await.unwrap();
    assert_eq!(report.scim_enabled.map(|scim| scim.id), Some(scim_id));
}

#[tokio::test]
async fn check_resolves_the_organization_from_a_user_key() {
    let sandbox = start_sandbox().await;
    let key = seed_key(&sandbox, SeedKeyKind::IamManagerMember);
    let client = client_for(&sandbox, SeedKeyKind::IamManagerMember);
    let report = client
        .check_credentials(None, Some(&key.access_key))
        .await
        .unwrap();
    assert_eq!(report.organization_id, organization_id(&sandbox));
    assert_eq!(
        report.organization_source,
        OrganizationSource::ApiKeyUser {
            user_id: key.user_id.clone().expect("a user key")
        }
    );
    assert_eq!(report.organization_name.as_deref(), Some("Acme"));
    assert!(report.can_manage_scim);
    assert_eq!(report.requests.len(), 4);
}

#[tokio::test]
async fn check_resolves_the_organization_from_an_application_key() {
    let sandbox = start_sandbox().await;
    let key = seed_key(&sandbox, SeedKeyKind::IamManagerApplication);
    let client = client_for(&sandbox, SeedKeyKind::IamManagerApplication);
    // An empty Organization ID counts as not given.
    let report = client
        .check_credentials(Some(" "), Some(&key.access_key))
        .await
        .unwrap();
    assert_eq!(report.organization_id, organization_id(&sandbox));
    assert_eq!(
        report.organization_source,
        OrganizationSource::ApiKeyApplication {
            application_id: key.application_id.clone().expect("an application key")
        }
    );
    assert!(report.can_manage_scim);
}

#[tokio::test]
async fn check_reports_keys_that_cannot_manage_scim() {
    let sandbox = start_sandbox().await;
    let org = organization_id(&sandbox);

    let read_only = client_for(&sandbox, SeedKeyKind::IamReadOnlyApplication);
    let report = read_only.check_credentials(Some(&org), None).await.unwrap();
    assert_eq!(report.organization_name.as_deref(), Some("Acme"));
    assert!(!report.can_manage_scim);
    assert!(!report.scim_denied_permissions.is_empty());

    let no_rights = client_for(&sandbox, SeedKeyKind::NoIamRights);
    let report = no_rights.check_credentials(Some(&org), None).await.unwrap();
    assert_eq!(report.organization_name, None);
    assert!(!report.can_manage_scim);

    let expired = client_for(&sandbox, SeedKeyKind::Expired);
    let error = expired
        .check_credentials(Some(&org), None)
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::AuthDenied);

    let neither = read_only.check_credentials(None, None).await.unwrap_err();
    assert_eq!(neither.code(), ErrorCode::InvalidInput);
}

// ---------------------------------------------------------------------------------------------
// SCIM Base URL

#[tokio::test]
async fn base_url_verifies_with_a_fresh_token() {
    let sandbox = start_sandbox().await;
    let scim_id = enabled_scim(&sandbox).await;
    let client = client_for(&sandbox, SeedKeyKind::IamManagerApplication);
    let token = client.create_scim_token(&scim_id).await.unwrap();
    let base = scim_pattern(&sandbox)
        .expand(&scim_id, &organization_id(&sandbox))
        .unwrap();

    let verified = quick_probe()
        .verify(&base, &token.bearer_token)
        .await
        .unwrap();
    assert_eq!(verified.base_url, base);
    assert!(verified.request_id.is_some());

    // The same URL with a trailing slash normalizes to the same base.
    let with_slash = Url::parse(&format!("{base}/")).unwrap();
    let verified = quick_probe()
        .verify(&with_slash, &token.bearer_token)
        .await
        .unwrap();
    assert_eq!(verified.base_url, base);
}

#[tokio::test]
async fn base_url_distinguishes_refused_token_wrong_url_and_network() {
    let sandbox = start_sandbox().await;
    let scim_id = enabled_scim(&sandbox).await;
    let client = client_for(&sandbox, SeedKeyKind::IamManagerApplication);
    let token = client.create_scim_token(&scim_id).await.unwrap();
    let org = organization_id(&sandbox);
    let base = scim_pattern(&sandbox).expand(&scim_id, &org).unwrap();
    let probe = quick_probe();

    let forged = SecretString::from("Zm9yZ2VkLXRva2Vu.not-the-real-one-at-all".to_owned());
    let refused = probe.verify(&base, &forged).await.unwrap_err();
    assert!(
        matches!(refused, ScimBaseError::TokenRefused { .. }),
        "{refused:?}"
    );
    assert_eq!(refused.code(), "scim_base.token_refused");
    assert!(!refused.means_wrong_url());
    assert!(!refused.to_string().contains("not-the-real-one"));

    let wrong = Url::parse(&format!("{}/elsewhere/{scim_id}", sandbox.urls().base)).unwrap();
    let not_found = probe.verify(&wrong, &token.bearer_token).await.unwrap_err();
    assert!(
        matches!(not_found, ScimBaseError::NotFound { .. }),
        "{not_found:?}"
    );
    assert!(not_found.means_wrong_url());

    // The IAM API is not a SCIM server: it answers, but not a ListResponse.
    let iam = Url::parse(&sandbox.urls().scaleway_api).unwrap();
    let not_scim = probe.verify(&iam, &token.bearer_token).await.unwrap_err();
    assert!(not_scim.means_wrong_url(), "{not_scim:?}");

    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let closed = Url::parse(&format!("http://127.0.0.1:{port}/scim")).unwrap();
    let network = probe
        .verify(&closed, &token.bearer_token)
        .await
        .unwrap_err();
    assert_eq!(network.code(), "scim_base.network", "{network:?}");
    assert!(
        !network
            .to_string()
            .contains(token.bearer_token.expose_secret())
    );
}

#[tokio::test]
async fn a_200_that_is_not_scim_is_a_wrong_url() {
    // A captive portal or a web page: 200 with HTML.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        if let Ok((mut stream, _)) = listener.accept().await {
            let mut buffer = [0_u8; 4096];
            let _ = stream.read(&mut buffer).await;
            let body = "<html><body>Welcome</body></html>";
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
        }
    });
    let base = Url::parse(&format!("http://127.0.0.1:{port}/scim/v2")).unwrap();
    let token = SecretString::from("abcdefghijklmnopqrstuvwxyz0123456789".to_owned());
    let error = quick_probe().verify(&base, &token).await.unwrap_err();
    match &error {
        ScimBaseError::NotScim { detail, .. } => assert!(detail.contains("text/html")),
        other => panic!("expected NotScim, got {other:?}"),
    }
    assert!(!error.to_string().contains("Welcome"));
    server.await.unwrap();
}

#[tokio::test]
async fn discovery_returns_the_first_candidate_that_verifies() {
    let sandbox = start_sandbox().await;
    let scim_id = enabled_scim(&sandbox).await;
    let org = organization_id(&sandbox);
    let client = client_for(&sandbox, SeedKeyKind::IamManagerApplication);
    let token = client.create_scim_token(&scim_id).await.unwrap();
    let base = sandbox.urls().base.clone();

    let patterns = [
        BaseUrlPattern::parse(&format!("{base}/wrong/{{scim_id}}/v2")).unwrap(),
        BaseUrlPattern::parse(&format!("{base}/also-wrong/{{organization_id}}")).unwrap(),
        scim_pattern(&sandbox),
    ];
    let verified = quick_probe()
        .discover(&patterns, &scim_id, &org, &token.bearer_token)
        .await
        .unwrap();
    assert_eq!(
        verified.base_url,
        scim_pattern(&sandbox).expand(&scim_id, &org).unwrap()
    );

    let error = quick_probe()
        .discover(&patterns[..2], &scim_id, &org, &token.bearer_token)
        .await
        .unwrap_err();
    match &error {
        DiscoveryError::NoneVerified { attempts } => {
            assert_eq!(attempts.len(), 2);
            assert!(attempts.iter().all(|attempt| matches!(
                &attempt.outcome,
                AttemptOutcome::Probe(probe) if probe.means_wrong_url()
            )));
        }
        other => panic!("expected NoneVerified, got {other:?}"),
    }
    let shown = error.to_string();
    assert!(shown.contains("/wrong/{scim_id}/v2"), "{shown}");
    assert!(!shown.contains(token.bearer_token.expose_secret()));
}
