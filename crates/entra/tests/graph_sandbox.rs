//! The Graph client against the sandbox's Graph simulator over real HTTP: the whole of steps 2–4
//! of the guide plus assignments, start, provision on demand, status and rollback; replication
//! lag, throttling, lost answers and a missing role.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use scim_wizard_entra::graph::{
    GraphClient, GraphError, JobStatusCode, RetryPolicy, RetryWindow, SCIM_TEMPLATE_ID, Secrets,
    StaticToken, user_role_id,
};
use scim_wizard_entra::schema::{
    ChangeKind, MappingOptions, USERNAME_EXPRESSION, edit_schema, user_rule_id, verify_schema,
};
use scim_wizard_entra::{Cloud, Endpoints, SecretString};
use scim_wizard_sandbox::{Sandbox, SandboxConfig, SeedKeyKind};
use serde_json::{Value, json};

const SCOPES: &[&str] = &[
    "Application.ReadWrite.All",
    "Synchronization.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
    "User.ReadBasic.All",
    "Group.Read.All",
];

struct Env {
    sandbox: Sandbox,
    http: reqwest::Client,
}

impl Env {
    async fn start(config: SandboxConfig) -> Env {
        let sandbox = Sandbox::start(config).await.expect("sandbox starts");
        Env {
            sandbox,
            http: reqwest::Client::new(),
        }
    }

    fn control(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.urls().control)
    }

    async fn token_for(&self, upn: &str) -> SecretString {
        let response = self
            .http
            .post(self.control("/login/token-for"))
            .json(&json!({"upn": upn, "scopes": SCOPES}))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        let body: Value = response.json().await.unwrap();
        SecretString::from(body["access_token"].as_str().unwrap().to_owned())
    }

    async fn graph_as(&self, upn: &str) -> GraphClient {
        let token = self.token_for(upn).await;
        GraphClient::new(&self.sandbox.urls().graph, StaticToken(token))
            .unwrap()
            .with_retry_policy(RetryPolicy::fast())
    }

    async fn admin(&self) -> GraphClient {
        let upn = self.sandbox.seed_data().tenant.admin_upn.clone();
        self.graph_as(&upn).await
    }

    fn template_id(&self) -> String {
        Endpoints::for_cloud(Cloud::Global).non_gallery_template_id
    }

    fn iam(&self, path: &str) -> String {
        format!("{}/iam/v1alpha1{path}", self.sandbox.urls().scaleway_api)
    }

    /// Enables SCIM on the seeded organization and mints a token with the IAMManager application
    /// key, as the wizard's step 1 does; returns (SCIM base URL, bearer token).
    async fn scaleway_scim(&self) -> (String, SecretString) {
        let seed = self.sandbox.seed_data();
        let key = seed
            .key(SeedKeyKind::IamManagerApplication)
            .unwrap()
            .secret_key
            .clone();
        let org = seed.organization_id.clone();
        let response = self
            .http
            .post(self.iam(&format!("/organizations/{org}/scim")))
            .header("X-Auth-Token", &key)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        let scim: Value = response.json().await.unwrap();
        let scim_id = scim["id"].as_str().unwrap().to_owned();
        let response = self
            .http
            .post(self.iam(&format!("/scim/{scim_id}/tokens")))
            .header("X-Auth-Token", &key)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        let token: Value = response.json().await.unwrap();
        let base = self
            .sandbox
            .urls()
            .scim_base_url_pattern
            .replace("{scim_id}", &scim_id)
            .replace("{organization_id}", &org);
        (
            base,
            SecretString::from(token["bearer_token"].as_str().unwrap().to_owned()),
        )
    }

    async fn control_json(&self, path: &str) -> Value {
        self.http
            .get(self.control(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    async fn scim_users(&self, base: &str, token: &SecretString) -> Value {
        use scim_wizard_entra::ExposeSecret;
        self.http
            .get(format!("{base}/Users"))
            .bearer_auth(token.expose_secret())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

fn unique_name(label: &str) -> String {
    format!(
        "Scaleway SCIM {label} {}",
        &uuid::Uuid::new_v4().to_string()[..8]
    )
}

#[tokio::test]
async fn the_whole_setup_against_the_sandbox() {
    let env =
        Env::start(SandboxConfig::default().with_replication_lag(Duration::from_secs(2))).await;
    let graph = env.admin().await;
    let name = unique_name("e2e");

    // Step 2: create the enterprise app, then wait out replication.
    let app = graph
        .instantiate_non_gallery(&env.template_id(), &name)
        .await
        .unwrap();
    assert_eq!(app.display_name, name);
    assert!(user_role_id(&app.app_roles).is_some());
    let replication = graph
        .wait_until_replicated(
            &app.application_object_id,
            &app.service_principal_id,
            Duration::from_secs(30),
        )
        .await
        .unwrap();
    assert!(
        replication.waited >= Duration::from_millis(1500),
        "{replication:?}"
    );
    assert!(replication.polls >= 2);
    let sp = app.service_principal_id.as_str();

    // Recovery lookups find exactly this app.
    let found = graph
        .find_applications_by_display_name(&name)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, app.application_object_id);
    let found_sp = graph
        .find_service_principal_by_app_id(&app.app_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found_sp.id, sp);

    // Step 3: test connection before anything is saved, good and bad.
    let (base, token) = env.scaleway_scim().await;
    graph
        .validate_credentials_unsaved(sp, SCIM_TEMPLATE_ID, &base, &token)
        .await
        .unwrap();
    let error = graph
        .validate_credentials_unsaved(
            sp,
            SCIM_TEMPLATE_ID,
            &base,
            &SecretString::from("not-a-scaleway-token"),
        )
        .await
        .unwrap_err();
    let GraphError::CredentialsRejected {
        scaleway_message, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    let scaleway_message = scaleway_message.clone().unwrap_or_default();
    assert!(!scaleway_message.is_empty(), "{error:?}");
    assert_eq!(scaleway_message, "invalid bearer token", "{error:?}");
    assert_eq!(error.code(), "graph.credentials_rejected");
    assert!(error.to_string().starts_with("Scaleway refused the token"));
    assert!(!error.to_string().contains("not-a-scaleway-token"));
    println!("bad token → {error}");

    // The job: twice → one job.
    let (job, created) = graph.ensure_scim_job(sp).await.unwrap();
    assert!(created);
    assert_eq!(job.template_id.as_deref(), Some("scim"));
    assert!(job.id.starts_with("scim."), "{}", job.id);
    let (again, created_again) = graph.ensure_scim_job(sp).await.unwrap();
    assert!(!created_again);
    assert_eq!(again.id, job.id);
    assert_eq!(graph.list_jobs(sp).await.unwrap().len(), 1);
    let job_id = job.id.as_str();

    graph
        .put_secrets(
            sp,
            &Secrets {
                base_address: base.clone(),
                secret_token: token.clone(),
                sync_all: false,
                notification_email: None,
            },
        )
        .await
        .unwrap();
    graph.validate_credentials_saved(sp, job_id).await.unwrap();
    // What Graph stored: the complete set, SyncAll a string, notifications JSON in a string.
    let state = env.control_json("/graph/state").await;
    let saved = state["secrets"][sp].as_array().unwrap();
    let keys: Vec<&str> = saved
        .iter()
        .map(|pair| pair["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "BaseAddress",
            "SecretToken",
            "SyncNotificationSettings",
            "SyncAll"
        ]
    );
    assert_eq!(saved[0]["value"], json!(base));
    assert_eq!(
        saved[2]["value"],
        json!("{\"Enabled\":false,\"DeleteThresholdEnabled\":false}")
    );
    assert_eq!(saved[3]["value"], json!("false"));

    // Step 4: schema GET → edit → PUT → GET → verify.
    let schema = graph.get_schema(sp, job_id).await.unwrap();
    let parsed = graph
        .parse_expression_with_test(
            sp,
            job_id,
            USERNAME_EXPRESSION,
            None,
            &[("userPrincipalName", "jane.doe@contoso.com")],
        )
        .await
        .unwrap();
    assert_eq!(
        parsed.evaluation_result.as_deref(),
        Some(&["jane.doe".to_owned()][..])
    );
    let parsed_plain = graph
        .parse_expression(sp, job_id, USERNAME_EXPRESSION, None)
        .await
        .unwrap();
    assert_eq!(parsed_plain, parsed.source);
    let options = MappingOptions::default();
    let edit = edit_schema(&schema, &options, Some(&parsed.source)).unwrap();
    let kinds: Vec<ChangeKind> = edit.changes.iter().map(|change| change.what).collect();
    assert_eq!(
        kinds,
        vec![
            ChangeKind::GroupProvisioning,
            ChangeKind::NameFormatted,
            ChangeKind::DisplayName,
            ChangeKind::UserName
        ]
    );
    for change in &edit.changes {
        println!("{}", change.describe());
    }
    graph.put_schema(sp, job_id, &edit.schema).await.unwrap();
    let read_back = graph.get_schema(sp, job_id).await.unwrap();
    assert_eq!(verify_schema(&read_back, &options), Ok(()));
    assert!(
        edit_schema(&read_back, &options, Some(&parsed.source))
            .unwrap()
            .changes
            .is_empty()
    );
    let rule_id = user_rule_id(&read_back).unwrap();

    // Assign a user with the SP's own "User" role (idempotently).
    let role_id = user_role_id(&graph.service_principal_app_roles(sp).await.unwrap()).unwrap();
    let users = graph.search_users("adele", 5).await.unwrap();
    assert_eq!(users.len(), 1, "{users:?}");
    let adele = users[0].clone();
    let by_upn = graph.search_users("alex.w", 5).await.unwrap();
    assert_eq!(by_upn.len(), 1, "{by_upn:?}");
    let fetched = graph
        .get_user(adele.user_principal_name.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(fetched.id, adele.id);
    let (assignment, created) = graph
        .ensure_assignment(sp, &adele.id, &role_id)
        .await
        .unwrap();
    assert!(created);
    assert_eq!(assignment.principal_id, adele.id);
    let (same, created) = graph
        .ensure_assignment(sp, &adele.id, &role_id)
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(same.id, assignment.id);
    assert_eq!(graph.list_assignments(sp).await.unwrap().len(), 1);
    let groups = graph.search_groups("Scaleway", 5).await.unwrap();
    assert_eq!(groups.len(), 1, "{groups:?}");

    // Start, provision one user on demand, and see it in Scaleway.
    graph.start_job(sp, job_id).await.unwrap();
    let result = graph
        .provision_on_demand(sp, job_id, &rule_id, &adele.id)
        .await
        .unwrap();
    assert!(result.succeeded(), "{result:?}");
    let scim = env.scim_users(&base, &token).await;
    let user_names: Vec<&str> = scim["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|user| user["userName"].as_str())
        .collect();
    assert!(user_names.contains(&"adele.vance"), "{scim}");
    let journal = env.control_json("/graph/provisioning").await.to_string();
    assert!(journal.contains("adele.vance"), "{journal}");
    assert!(!journal.contains("name.formatted"));

    let status = graph.get_job(sp, job_id).await.unwrap();
    let code = &status.status.as_ref().unwrap().code;
    assert!(
        matches!(code, JobStatusCode::NotRun | JobStatusCode::Active),
        "{code:?}"
    );
    assert!(!status.is_quarantined());
    assert_eq!(
        status.schedule.as_ref().unwrap().state.as_deref(),
        Some("Active")
    );

    // Rollback.
    assert!(graph.remove_assignment(sp, &assignment.id).await.unwrap());
    assert!(!graph.remove_assignment(sp, &assignment.id).await.unwrap());
    assert!(graph.delete_job(sp, job_id).await.unwrap());
    assert!(
        graph
            .delete_application(&app.application_object_id)
            .await
            .unwrap()
    );
    assert!(
        !graph
            .delete_application(&app.application_object_id)
            .await
            .unwrap()
    );
    let error = graph
        .get_application(&app.application_object_id)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "graph.not_found");
    assert!(error.support_reference().unwrap().contains("request-id"));
}

#[tokio::test]
async fn calls_right_after_a_create_ride_out_replication_lag_in_their_window() {
    let env =
        Env::start(SandboxConfig::default().with_replication_lag(Duration::from_secs(2))).await;
    let graph = env.admin().await;
    let app = graph
        .instantiate_non_gallery(&env.template_id(), &unique_name("lag"))
        .await
        .unwrap();
    let sp = app.service_principal_id.as_str();
    // Without a window the lag is a plain error…
    let error = graph.list_jobs(sp).await.unwrap_err();
    assert_eq!(error.code(), "graph.not_found");
    // …inside one, reads (404) and writes (403, then 409) are retried until the objects appear.
    let after_create = graph.with_retry_window(RetryWindow::AfterCreate(Duration::from_secs(20)));
    let started = Instant::now();
    let (job, created) = after_create.ensure_scim_job(sp).await.unwrap();
    assert!(created);
    assert!(started.elapsed() >= Duration::from_millis(1000));
    assert!(job.id.starts_with("scim."));
}

#[tokio::test]
async fn an_injected_429_is_retried_after_retry_after() {
    let env = Env::start(SandboxConfig::default()).await;
    let graph = env.admin().await;
    let app = graph
        .instantiate_non_gallery(&env.template_id(), &unique_name("429"))
        .await
        .unwrap();
    let sp = app.service_principal_id.clone();
    env.sandbox.set_faults(
        "graph.list_jobs:status=429,retry_after=1,nth=1"
            .parse()
            .unwrap(),
    );
    let started = Instant::now();
    let jobs = graph.list_jobs(&sp).await.unwrap();
    assert!(jobs.is_empty());
    assert!(started.elapsed() >= Duration::from_secs(1));
    let log: Value = env
        .http
        .get(env.control("/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let list_calls = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["route"] == "graph.list_jobs")
        .count();
    assert_eq!(list_calls, 2, "{log}");
}

#[tokio::test]
async fn a_lost_instantiate_answer_is_recovered_by_name_without_a_twin() {
    let env = Env::start(SandboxConfig::default()).await;
    let graph = env.admin().await;
    let name = unique_name("lost");
    env.sandbox
        .set_faults("graph.instantiate:drop_after,nth=1".parse().unwrap());
    let error = graph
        .instantiate_non_gallery(&env.template_id(), &name)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "graph.outcome_unknown", "{error:?}");
    // What the engine does next: look it up by its unique name; it exists, so no new create.
    let found = graph
        .find_applications_by_display_name(&name)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    let sp = graph
        .find_service_principal_by_app_id(&found[0].app_id)
        .await
        .unwrap();
    assert!(sp.is_some());
}

#[tokio::test]
async fn a_user_without_the_role_is_told_which_role_is_missing() {
    let env = Env::start(SandboxConfig::default()).await;
    let plain_upn = env.sandbox.seed_data().tenant.plain_user_upn.clone();
    let plain = env.graph_as(&plain_upn).await;
    let error = plain
        .instantiate_non_gallery(&env.template_id(), &unique_name("denied"))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "graph.forbidden");
    let GraphError::Forbidden { missing_role, .. } = &error else {
        panic!("{error:?}")
    };
    assert!(missing_role.contains("Cloud Application Administrator"));
    assert!(missing_role.contains("Application Administrator"));
    assert!(
        error
            .to_string()
            .contains("Cloud Application Administrator")
    );
    assert!(error.support_reference().is_some());

    // Same on the synchronization API of an app the admin made.
    let admin = env.admin().await;
    let app = admin
        .instantiate_non_gallery(&env.template_id(), &unique_name("admin"))
        .await
        .unwrap();
    let error = plain
        .list_jobs(&app.service_principal_id)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "graph.forbidden");
}

#[tokio::test]
async fn instantiate_answering_404_after_creating_is_recovered_by_name() {
    let env = Env::start(SandboxConfig::default()).await;
    let graph = env.admin().await;
    let response = env
        .http
        .post(env.control("/graph/quirks"))
        .json(&json!({"instantiate_lies": 1}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let name = unique_name("lie");
    let error = graph
        .instantiate_non_gallery(&env.template_id(), &name)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "graph.outcome_unknown", "{error:?}");
    let found = graph
        .find_applications_by_display_name(&name)
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "the app exists although Graph said 404");
    let state = env.control_json("/graph/state").await;
    assert_eq!(state["applications"].as_array().unwrap().len(), 1);
}
