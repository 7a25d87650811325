//! The Microsoft Graph simulator over real HTTP: identity, directory queries, tokens, scopes and
//! roles, instantiate and replication lag, assignments, synchronization jobs, secrets, schema and
//! parseExpression, and the simulated provisioning service writing to the Scaleway SCIM sandbox.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use reqwest::{Client, Method, StatusCode};
use scim_wizard_sandbox::{Sandbox, SandboxConfig, SeedKeyKind};
use serde_json::{Value, json};

const CUSTOM_TEMPLATE: &str = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";
const ROLE_USER: &str = "18d14569-c3bd-439b-9a66-3a2aee01d14f";
const ROLE_MSIAM: &str = "b9632174-c057-4f7e-951b-be3adc52bfe6";
const CLOUD_APP_ADMIN: &str = "158c047a-c907-4556-b7ef-446551a6b5f7";
const ADMIN_SCOPES: &str = "openid profile offline_access User.Read Application.ReadWrite.All \
    Synchronization.ReadWrite.All AppRoleAssignment.ReadWrite.All User.ReadBasic.All \
    Group.Read.All AuditLog.Read.All Directory.Read.All";
const ENTERPRISE_USER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const USERNAME_EXPRESSION: &str = r#"Item(Split([userPrincipalName], "@"), 1)"#;

/// A running sandbox, an HTTP client, and an admin access token.
struct Graph {
    sandbox: Sandbox,
    client: Client,
    admin: String,
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

struct CreatedApp {
    app_object_id: String,
    app_id: String,
    sp_id: String,
}

impl Graph {
    async fn start() -> Graph {
        Graph::with_config(SandboxConfig::default()).await
    }

    async fn with_config(config: SandboxConfig) -> Graph {
        let sandbox = Sandbox::start(config).await.unwrap();
        let client = Client::builder()
            .pool_max_idle_per_host(0)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut graph = Graph {
            sandbox,
            client,
            admin: String::new(),
        };
        let admin_upn = graph.sandbox.seed_data().tenant.admin_upn.clone();
        graph.admin = graph.token(&admin_upn, ADMIN_SCOPES).await;
        graph
    }

    fn base(&self) -> String {
        self.sandbox.urls().base.clone()
    }

    fn url(&self, path: &str) -> String {
        format!("{}/v1.0{path}", self.sandbox.urls().graph)
    }

    async fn token_response(&self, upn: &str, scopes: &str, expires_in: i64) -> String {
        let response = self
            .client
            .post(format!("{}/graph/token-for", self.sandbox.urls().control))
            .json(&json!({"upn": upn, "scopes": scopes, "expires_in": expires_in}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_string()
    }

    async fn token(&self, upn: &str, scopes: &str) -> String {
        self.token_response(upn, scopes, 3600).await
    }

    async fn call_as(
        &self,
        token: Option<&str>,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            self.url(path)
        };
        let mut request = self.client.request(method, url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text:?}"))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.call_as(Some(&self.admin), method, path, body, &[])
            .await
    }

    async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(body)).await
    }

    async fn instantiate(&self, name: &str) -> CreatedApp {
        let reply = self
            .post(
                &format!("/applicationTemplates/{CUSTOM_TEMPLATE}/instantiate"),
                json!({"displayName": name}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        CreatedApp {
            app_object_id: reply.body["application"]["id"].as_str().unwrap().into(),
            app_id: reply.body["application"]["appId"].as_str().unwrap().into(),
            sp_id: reply.body["servicePrincipal"]["id"]
                .as_str()
                .unwrap()
                .into(),
        }
    }

    async fn create_job(&self, sp_id: &str) -> String {
        let reply = self
            .post(
                &format!("/servicePrincipals/{sp_id}/synchronization/jobs"),
                json!({"templateId": "scim"}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        reply.body["id"].as_str().unwrap().to_string()
    }

    fn user_id(&self, local: &str) -> String {
        let tenant = &self.sandbox.seed_data().tenant;
        tenant
            .user_by_upn(&format!("{local}@{}", tenant.domain))
            .unwrap()
            .id
            .clone()
    }

    fn group_id(&self, name: &str) -> String {
        let tenant = &self.sandbox.seed_data().tenant;
        tenant
            .groups
            .iter()
            .find(|group| group.display_name == name)
            .unwrap()
            .id
            .clone()
    }

    async fn assign(&self, sp_id: &str, principal_id: &str) -> Reply {
        self.post(
            &format!("/servicePrincipals/{sp_id}/appRoleAssignedTo"),
            json!({"principalId": principal_id, "resourceId": sp_id, "appRoleId": ROLE_USER}),
        )
        .await
    }

    /// Enables SCIM on the Scaleway side over its IAM API and mints a token:
    /// (SCIM base URL, bearer token).
    async fn scaleway_scim(&self) -> (String, String) {
        let seed = self.sandbox.seed_data();
        let owner = seed.key(SeedKeyKind::Owner).unwrap().secret_key.clone();
        let iam = format!("{}/iam/v1alpha1", self.sandbox.urls().scaleway_api);
        let response = self
            .client
            .post(format!("{iam}/organizations/{}/scim", seed.organization_id))
            .header("X-Auth-Token", &owner)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let scim: Value = response.json().await.unwrap();
        let scim_id = scim["id"].as_str().unwrap().to_string();
        let response = self
            .client
            .post(format!("{iam}/scim/{scim_id}/tokens"))
            .header("X-Auth-Token", &owner)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let token: Value = response.json().await.unwrap();
        let base = self
            .sandbox
            .urls()
            .scim_base_url_pattern
            .replace("{scim_id}", &scim_id)
            .replace("{organization_id}", &seed.organization_id);
        (base, token["bearer_token"].as_str().unwrap().to_string())
    }

    /// Usernames of the Scaleway organization's IAM users (the IAM Users API).
    async fn scaleway_usernames(&self) -> Vec<String> {
        let seed = self.sandbox.seed_data();
        let owner = seed.key(SeedKeyKind::Owner).unwrap().secret_key.clone();
        let response = self
            .client
            .get(format!(
                "{}/iam/v1alpha1/users?organization_id={}&page_size=100",
                self.sandbox.urls().scaleway_api,
                seed.organization_id
            ))
            .header("X-Auth-Token", owner)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        body["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|user| user["username"].as_str().unwrap().to_string())
            .collect()
    }

    async fn control_get(&self, path: &str) -> Value {
        self.client
            .get(format!("{}{path}", self.sandbox.urls().control))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    async fn time_travel(&self, seconds: i64) {
        let response = self
            .client
            .post(format!("{}/time-travel", self.sandbox.urls().control))
            .json(&json!({"seconds": seconds}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }

    /// Polls the job until a cycle has completed (lastExecution set) or 10 s pass.
    async fn wait_for_cycle(&self, sp_id: &str, job_id: &str, cycles_before: usize) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let runs = self
                .control_get(&format!("/graph/provisioning?jobId={job_id}"))
                .await;
            let cycles = runs["runs"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|run| run["trigger"] == "cycle")
                .count();
            if cycles > cycles_before {
                let job = self
                    .get(&format!(
                        "/servicePrincipals/{sp_id}/synchronization/jobs/{job_id}"
                    ))
                    .await;
                return job.body;
            }
            assert!(Instant::now() < deadline, "no provisioning cycle ran");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sets up an app, a job and saved credentials against the Scaleway SCIM sandbox.
    async fn configured_job(&self, token_override: Option<&str>) -> (CreatedApp, String) {
        let (base, token) = self.scaleway_scim().await;
        let app = self.instantiate("Scaleway SCIM").await;
        let job_id = self.create_job(&app.sp_id).await;
        let token = token_override.map_or(token, str::to_string);
        let reply = self
            .call(
                Method::PUT,
                &format!("/servicePrincipals/{}/synchronization/secrets", app.sp_id),
                Some(json!({"value": [
                    {"key": "BaseAddress", "value": base},
                    {"key": "SecretToken", "value": token},
                    {"key": "SyncNotificationSettings", "value": "{\"Enabled\":false,\"DeleteThresholdEnabled\":false}"},
                    {"key": "SyncAll", "value": "false"},
                ]})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);
        (app, job_id)
    }
}

fn assert_graph_error(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    let error = &reply.body["error"];
    assert_eq!(error["code"], code, "{}", reply.body);
    assert!(error["message"].is_string());
    let inner = &error["innerError"];
    let request_id = reply.headers["request-id"].to_str().unwrap();
    assert_eq!(inner["request-id"], request_id);
    assert!(inner["client-request-id"].is_string());
    assert_eq!(inner["date"].as_str().unwrap().len(), 19, "{inner}");
}

// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn identity_routes_answer_graph_shapes_and_headers() {
    let graph = Graph::start().await;
    let me = graph
        .call_as(
            Some(&graph.admin),
            Method::GET,
            "/me",
            None,
            &[("client-request-id", "my-correlation-id")],
        )
        .await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.headers["client-request-id"], "my-correlation-id");
    assert!(uuid::Uuid::parse_str(me.headers["request-id"].to_str().unwrap()).is_ok());
    assert!(me.headers.contains_key("x-ms-ags-diagnostic"));
    assert!(
        me.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let tenant = &graph.sandbox.seed_data().tenant;
    assert_eq!(me.body["userPrincipalName"], tenant.admin_upn.as_str());
    assert!(
        me.body["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("/v1.0/$metadata#users/$entity")
    );

    let roles = graph
        .get("/me/transitiveMemberOf/microsoft.graph.directoryRole")
        .await;
    assert_eq!(roles.status, StatusCode::OK);
    let role = &roles.body["value"][0];
    assert_eq!(role["@odata.type"], "#microsoft.graph.directoryRole");
    assert_eq!(role["roleTemplateId"], CLOUD_APP_ADMIN);
    assert_eq!(role["displayName"], "Cloud Application Administrator");

    let organization = graph.get("/organization").await;
    assert_eq!(organization.status, StatusCode::OK);
    let organization = &organization.body["value"][0];
    assert_eq!(organization["id"], tenant.tenant_id.as_str());
    assert_eq!(organization["displayName"], tenant.display_name.as_str());
    assert_eq!(
        organization["verifiedDomains"][0]["name"],
        tenant.domain.as_str()
    );
    assert_eq!(organization["verifiedDomains"][0]["isInitial"], true);

    // Unknown segments answer Graph's own error.
    let unknown = graph.get("/nothingHere").await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.body["error"]["code"], "BadRequest");
    assert_eq!(
        unknown.body["error"]["message"],
        "Resource not found for the segment 'nothingHere'."
    );
}

#[tokio::test]
async fn users_and_groups_support_filter_search_select_top_and_paging() {
    let graph = Graph::start().await;
    let filtered = graph
        .get("/users?$filter=startswith(displayName,'ade') or startswith(userPrincipalName,'meg')&$select=id,userPrincipalName")
        .await;
    assert_eq!(filtered.status, StatusCode::OK, "{}", filtered.body);
    let upns: Vec<&str> = filtered.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|user| user["userPrincipalName"].as_str().unwrap())
        .collect();
    assert_eq!(
        upns,
        [
            "adele.vance@contoso.onmicrosoft.com",
            "megan.bowen@contoso.onmicrosoft.com"
        ]
    );
    assert_eq!(
        filtered.body["value"][0].as_object().unwrap().len(),
        2,
        "$select keeps only the selected properties"
    );

    // $search needs ConsistencyLevel: eventual.
    let refused = graph.get("/users?$search=\"displayName:vance\"").await;
    assert_graph_error(
        &refused,
        StatusCode::BAD_REQUEST,
        "Request_UnsupportedQuery",
    );
    let searched = graph
        .call_as(
            Some(&graph.admin),
            Method::GET,
            "/users?$search=\"displayName:vance\"&$count=true",
            None,
            &[("ConsistencyLevel", "eventual")],
        )
        .await;
    assert_eq!(searched.status, StatusCode::OK, "{}", searched.body);
    assert_eq!(searched.body["@odata.count"], 1);
    assert_eq!(searched.body["value"][0]["displayName"], "Adele Vance");

    // Paging: $top with @odata.nextLink until the end.
    let mut next = Some(graph.url("/users?$top=3"));
    let mut seen = Vec::new();
    while let Some(url) = next {
        let page = graph
            .call_as(Some(&graph.admin), Method::GET, &url, None, &[])
            .await;
        assert_eq!(page.status, StatusCode::OK);
        seen.extend(
            page.body["value"]
                .as_array()
                .unwrap()
                .iter()
                .map(|user| user["id"].as_str().unwrap().to_string()),
        );
        next = page.body["@odata.nextLink"].as_str().map(str::to_string);
    }
    assert_eq!(seen.len(), graph.sandbox.seed_data().tenant.users.len());

    let by_upn = graph
        .get("/users/adele.vance@contoso.onmicrosoft.com")
        .await;
    assert_eq!(by_upn.status, StatusCode::OK);
    assert_eq!(by_upn.body["id"], graph.user_id("adele.vance").as_str());
    let missing = graph.get("/users/nobody@contoso.onmicrosoft.com").await;
    assert_graph_error(&missing, StatusCode::NOT_FOUND, "Request_ResourceNotFound");
    assert_eq!(
        missing.body["error"]["message"],
        "Resource 'nobody@contoso.onmicrosoft.com' does not exist or one of its queried reference-property objects are not present."
    );
    let bad_top = graph.get("/users?$top=1000").await;
    assert_eq!(bad_top.status, StatusCode::BAD_REQUEST);
    let bad_filter = graph.get("/users?$filter=jobTitle eq 'x'").await;
    assert_graph_error(
        &bad_filter,
        StatusCode::BAD_REQUEST,
        "Request_UnsupportedQuery",
    );

    let groups = graph
        .call_as(
            Some(&graph.admin),
            Method::GET,
            "/groups?$search=\"displayName:scaleway\"",
            None,
            &[("ConsistencyLevel", "eventual")],
        )
        .await;
    assert_eq!(groups.status, StatusCode::OK, "{}", groups.body);
    assert_eq!(groups.body["value"][0]["displayName"], "Scaleway users");
}

#[tokio::test]
async fn tokens_scopes_and_roles_are_enforced_with_graph_errors() {
    let graph = Graph::start().await;
    let instantiate = format!("/applicationTemplates/{CUSTOM_TEMPLATE}/instantiate");
    let body = json!({"displayName": "x"});

    let none = graph
        .call_as(None, Method::POST, &instantiate, Some(body.clone()), &[])
        .await;
    assert_graph_error(
        &none,
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
    );
    assert_eq!(none.body["error"]["message"], "Access token is empty.");
    assert!(
        none.headers["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );

    let garbage = graph
        .call_as(Some("garbage"), Method::GET, "/me", None, &[])
        .await;
    assert_graph_error(
        &garbage,
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
    );
    assert!(
        garbage.body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("IDX14100: JWT is not well formed")
    );

    let admin_upn = graph.sandbox.seed_data().tenant.admin_upn.clone();
    let expired = graph.token_response(&admin_upn, ADMIN_SCOPES, 60).await;
    graph.time_travel(120).await;
    let late = graph
        .call_as(Some(&expired), Method::GET, "/me", None, &[])
        .await;
    assert_graph_error(
        &late,
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
    );
    assert_eq!(
        late.body["error"]["message"],
        "Access token has expired or is not yet valid."
    );

    // Right scopes, no directory role: 403 on instantiate and on synchronization.
    let plain_upn = graph.sandbox.seed_data().tenant.plain_user_upn.clone();
    let plain = graph.token(&plain_upn, ADMIN_SCOPES).await;
    let denied = graph
        .call_as(
            Some(&plain),
            Method::POST,
            &instantiate,
            Some(body.clone()),
            &[],
        )
        .await;
    assert_graph_error(
        &denied,
        StatusCode::FORBIDDEN,
        "Authorization_RequestDenied",
    );
    assert_eq!(
        denied.body["error"]["message"],
        "Insufficient privileges to complete the operation."
    );
    // …but reading their own roles works (the wizard's preflight).
    let roles = graph
        .call_as(
            Some(&plain),
            Method::GET,
            "/me/transitiveMemberOf/microsoft.graph.directoryRole",
            None,
            &[],
        )
        .await;
    assert_eq!(roles.status, StatusCode::OK);
    assert_eq!(roles.body["value"], json!([]));

    // Admin role, missing scope: 403.
    let narrow = graph.token(&admin_upn, "User.Read").await;
    let denied = graph
        .call_as(Some(&narrow), Method::POST, &instantiate, Some(body), &[])
        .await;
    assert_graph_error(
        &denied,
        StatusCode::FORBIDDEN,
        "Authorization_RequestDenied",
    );
    let app = graph.instantiate("Scopes").await;
    let read_only = graph
        .token(&admin_upn, "Synchronization.Read.All Application.Read.All")
        .await;
    let jobs = format!("/servicePrincipals/{}/synchronization/jobs", app.sp_id);
    let listed = graph
        .call_as(Some(&read_only), Method::GET, &jobs, None, &[])
        .await;
    assert_eq!(listed.status, StatusCode::OK);
    let refused = graph
        .call_as(
            Some(&read_only),
            Method::POST,
            &jobs,
            Some(json!({"templateId": "scim"})),
            &[],
        )
        .await;
    assert_graph_error(
        &refused,
        StatusCode::FORBIDDEN,
        "Authorization_RequestDenied",
    );
    let users = graph
        .call_as(Some(&read_only), Method::GET, "/users", None, &[])
        .await;
    assert_graph_error(&users, StatusCode::FORBIDDEN, "Authorization_RequestDenied");
}

#[tokio::test]
async fn instantiate_creates_the_documented_app_and_service_principal() {
    let graph = Graph::start().await;
    let reply = graph
        .post(
            &format!("/applicationTemplates/{CUSTOM_TEMPLATE}/instantiate"),
            json!({"displayName": "Scaleway SCIM"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert!(
        reply.body["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("$metadata#microsoft.graph.applicationServicePrincipal")
    );
    let application = &reply.body["application"];
    let sp = &reply.body["servicePrincipal"];
    assert_eq!(application["applicationTemplateId"], CUSTOM_TEMPLATE);
    assert_eq!(sp["applicationTemplateId"], CUSTOM_TEMPLATE);
    assert_eq!(application["displayName"], "Scaleway SCIM");
    assert_eq!(sp["appId"], application["appId"]);
    assert_ne!(sp["id"], application["id"]);
    assert_eq!(sp["appRoleAssignmentRequired"], true);
    assert_eq!(
        sp["tags"],
        json!([
            "WindowsAzureActiveDirectoryIntegratedApp",
            "WindowsAzureActiveDirectoryCustomSingleSignOnApplication"
        ])
    );
    let roles = sp["appRoles"].as_array().unwrap();
    let role = |name: &str| {
        roles
            .iter()
            .find(|role| role["displayName"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(role("User")["id"], ROLE_USER);
    assert_eq!(role("msiam_access")["id"], ROLE_MSIAM);
    assert_eq!(role("User")["allowedMemberTypes"], json!(["User"]));
    assert_eq!(role("User")["value"], Value::Null);

    let unknown = graph
        .post(
            "/applicationTemplates/00000000-1111-2222-3333-444444444444/instantiate",
            json!({"displayName": "x"}),
        )
        .await;
    assert_graph_error(&unknown, StatusCode::NOT_FOUND, "Request_ResourceNotFound");
    let nameless = graph
        .post(
            &format!("/applicationTemplates/{CUSTOM_TEMPLATE}/instantiate"),
            json!({}),
        )
        .await;
    assert_graph_error(&nameless, StatusCode::BAD_REQUEST, "Request_BadRequest");

    // Entra allows two apps with one name: a client must look up a unique name.
    let second = graph.instantiate("Scaleway SCIM").await;
    let same_name = graph
        .get("/applications?$filter=displayName eq 'Scaleway SCIM'")
        .await;
    assert_eq!(same_name.body["value"].as_array().unwrap().len(), 2);
    let by_app_id = graph
        .get(&format!(
            "/servicePrincipals?$filter=appId eq '{}'",
            second.app_id
        ))
        .await;
    assert_eq!(by_app_id.body["value"][0]["id"], second.sp_id.as_str());
    let got = graph
        .get(&format!(
            "/applications/{}?$select=id,appId,displayName",
            second.app_object_id
        ))
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body["appId"], second.app_id.as_str());

    // Delete: 204; the service principal and its job go with it.
    let job_id = graph.create_job(&second.sp_id).await;
    let deleted = graph
        .call(
            Method::DELETE,
            &format!("/applications/{}", second.app_object_id),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = graph
        .get(&format!("/servicePrincipals/{}", second.sp_id))
        .await;
    assert_graph_error(&gone, StatusCode::NOT_FOUND, "Request_ResourceNotFound");
    let state = graph.control_get("/graph/state").await;
    assert!(
        !state["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|job| job["job"]["id"] == job_id.as_str())
    );
    assert_eq!(state["applications"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn replication_lag_hides_new_objects_then_reveals_them() {
    let graph =
        Graph::with_config(SandboxConfig::default().with_replication_lag(Duration::from_secs(30)))
            .await;
    let app = graph.instantiate("Lagging").await;
    let sp = graph
        .get(&format!("/servicePrincipals/{}", app.sp_id))
        .await;
    assert_graph_error(&sp, StatusCode::NOT_FOUND, "Request_ResourceNotFound");
    assert_eq!(
        sp.body["error"]["message"],
        format!(
            "Resource '{}' does not exist or one of its queried reference-property objects are not present.",
            app.sp_id
        )
    );
    let application = graph
        .get(&format!("/applications/{}", app.app_object_id))
        .await;
    assert_eq!(application.status, StatusCode::NOT_FOUND);
    let listed = graph
        .get("/applications?$filter=displayName eq 'Lagging'")
        .await;
    assert_eq!(listed.body["value"], json!([]));
    let jobs = format!("/servicePrincipals/{}/synchronization/jobs", app.sp_id);
    let early = graph.post(&jobs, json!({"templateId": "scim"})).await;
    assert_graph_error(&early, StatusCode::FORBIDDEN, "Authorization_RequestDenied");
    graph.time_travel(20).await;
    let later = graph.post(&jobs, json!({"templateId": "scim"})).await;
    assert_graph_error(
        &later,
        StatusCode::CONFLICT,
        "Directory_ConcurrencyViolation",
    );
    graph.time_travel(11).await;
    assert_eq!(
        graph
            .get(&format!("/servicePrincipals/{}", app.sp_id))
            .await
            .status,
        StatusCode::OK
    );
    let listed = graph
        .get("/applications?$filter=displayName eq 'Lagging'")
        .await;
    assert_eq!(listed.body["value"].as_array().unwrap().len(), 1);
    graph.create_job(&app.sp_id).await;
}

#[tokio::test]
async fn instantiate_can_create_the_app_yet_fail_for_the_client() {
    let graph = Graph::start().await;
    let path = format!("/applicationTemplates/{CUSTOM_TEMPLATE}/instantiate");
    // The documented 404-while-creating, through the quirk switch…
    let response = graph
        .client
        .post(format!("{}/graph/quirks", graph.sandbox.urls().control))
        .json(&json!({"instantiate_lies": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let lie = graph.post(&path, json!({"displayName": "Temp-1"})).await;
    assert_graph_error(&lie, StatusCode::NOT_FOUND, "UnknownError");
    let found = graph
        .get("/applications?$filter=displayName eq 'Temp-1'")
        .await;
    assert_eq!(found.body["value"].as_array().unwrap().len(), 1);

    // …and through the generic fault that handles the call then drops the connection.
    let response = graph
        .client
        .post(format!("{}/faults", graph.sandbox.urls().control))
        .body("graph.instantiate:drop_after,nth=1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let dropped = graph
        .client
        .post(graph.url(&path))
        .bearer_auth(&graph.admin)
        .json(&json!({"displayName": "Temp-2"}))
        .send()
        .await;
    assert!(dropped.is_err(), "the connection must be dropped");
    let found = graph
        .get("/applications?$filter=displayName eq 'Temp-2'")
        .await;
    assert_eq!(found.body["value"].as_array().unwrap().len(), 1);

    // Injected statuses carry Graph's envelope too.
    graph
        .client
        .post(format!("{}/faults", graph.sandbox.urls().control))
        .body("graph.get_application:status=503,retry_after=7")
        .send()
        .await
        .unwrap();
    let id = found.body["value"][0]["id"].as_str().unwrap().to_string();
    let unavailable = graph.get(&format!("/applications/{id}")).await;
    assert_graph_error(
        &unavailable,
        StatusCode::SERVICE_UNAVAILABLE,
        "ServiceUnavailable",
    );
    assert_eq!(unavailable.headers["retry-after"], "7");
}

#[tokio::test]
async fn assignments_check_the_role_the_principal_and_duplicates() {
    let graph = Graph::start().await;
    let app = graph.instantiate("Assign").await;
    let path = format!("/servicePrincipals/{}/appRoleAssignedTo", app.sp_id);
    let adele = graph.user_id("adele.vance");

    let created = graph.assign(&app.sp_id, &adele).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.body["principalType"], "User");
    assert_eq!(created.body["principalDisplayName"], "Adele Vance");
    assert_eq!(created.body["resourceId"], app.sp_id.as_str());
    assert_eq!(created.body["appRoleId"], ROLE_USER);
    let assignment_id = created.body["id"].as_str().unwrap().to_string();
    assert_eq!(assignment_id.len(), 43);

    let duplicate = graph.assign(&app.sp_id, &adele).await;
    assert_graph_error(&duplicate, StatusCode::BAD_REQUEST, "Request_BadRequest");
    assert_eq!(
        duplicate.body["error"]["message"],
        "Permission being assigned already exists on the object"
    );

    let wrong_role = graph
        .post(
            &path,
            json!({"principalId": graph.user_id("lee.gu"), "resourceId": app.sp_id,
                   "appRoleId": "00000000-0000-0000-0000-000000000000"}),
        )
        .await;
    assert_graph_error(&wrong_role, StatusCode::BAD_REQUEST, "Request_BadRequest");
    assert_eq!(
        wrong_role.body["error"]["message"],
        format!(
            "Permission being assigned was not found on application '{}'.",
            app.app_id
        )
    );
    let stranger = graph
        .post(
            &path,
            json!({"principalId": "11111111-2222-3333-4444-555555555555",
                   "resourceId": app.sp_id, "appRoleId": ROLE_USER}),
        )
        .await;
    assert_graph_error(&stranger, StatusCode::NOT_FOUND, "Request_ResourceNotFound");

    let group = graph.assign(&app.sp_id, &graph.group_id("Finance")).await;
    assert_eq!(group.status, StatusCode::CREATED);
    assert_eq!(group.body["principalType"], "Group");

    let listed = graph.get(&path).await;
    assert_eq!(listed.body["value"].as_array().unwrap().len(), 2);
    let removed = graph
        .call(Method::DELETE, &format!("{path}/{assignment_id}"), None)
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let again = graph
        .call(Method::DELETE, &format!("{path}/{assignment_id}"), None)
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn synchronization_jobs_are_created_listed_and_deleted_as_documented() {
    let graph = Graph::start().await;
    let app = graph.instantiate("Jobs").await;
    let sync = format!("/servicePrincipals/{}/synchronization", app.sp_id);

    let templates = graph.get(&format!("{sync}/templates")).await;
    assert_eq!(templates.status, StatusCode::OK);
    assert_eq!(templates.body["value"][0]["id"], "scim");

    let missing = graph.post(&format!("{sync}/jobs"), json!({})).await;
    assert_graph_error(
        &missing,
        StatusCode::BAD_REQUEST,
        "RequestMissingRequiredParameter",
    );
    let unknown = graph
        .post(&format!("{sync}/jobs"), json!({"templateId": "dataBricks"}))
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);

    let created = graph
        .post(&format!("{sync}/jobs"), json!({"templateId": "scim"}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let tenant = graph.sandbox.seed_data().tenant.tenant_id.replace('-', "");
    let job_id = created.body["id"].as_str().unwrap().to_string();
    assert_eq!(job_id, format!("scim.{tenant}.{}", app.app_id));
    assert_eq!(created.body["templateId"], "scim");
    assert_eq!(created.body["schedule"]["state"], "Disabled");
    assert_eq!(created.body["status"]["code"], "NotConfigured");
    assert_eq!(created.body["status"]["lastExecution"], Value::Null);
    assert_eq!(created.body["status"]["quarantine"], Value::Null);
    assert_eq!(
        created.body["status"]["steadyStateFirstAchievedTime"],
        "0001-01-01T00:00:00Z"
    );

    let duplicate = graph
        .post(&format!("{sync}/jobs"), json!({"templateId": "scim"}))
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    let listed = graph.get(&format!("{sync}/jobs")).await;
    assert_eq!(listed.body["value"][0]["id"], job_id.as_str());

    let deleted = graph
        .call(Method::DELETE, &format!("{sync}/jobs/{job_id}"), None)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = graph.get(&format!("{sync}/jobs/{job_id}")).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn secrets_refuse_unknown_keys_mask_tokens_and_replace_the_set() {
    let graph = Graph::start().await;
    let app = graph.instantiate("Secrets").await;
    let path = format!("/servicePrincipals/{}/synchronization/secrets", app.sp_id);
    for bad in ["BaseAdress", "baseAddress", "TenantUrl"] {
        let reply = graph
            .call(
                Method::PUT,
                &path,
                Some(json!({"value": [{"key": bad, "value": "x"}]})),
            )
            .await;
        assert_graph_error(&reply, StatusCode::INTERNAL_SERVER_ERROR, "InternalError");
        assert_eq!(
            reply.body["error"]["message"],
            format!("Requested value '{bad}' was not found.")
        );
    }
    let saved = graph
        .call(
            Method::PUT,
            &path,
            Some(json!({"value": [
                {"key": "BaseAddress", "value": "https://scim.example/v2"},
                {"key": "SecretToken", "value": "super-secret-token"},
                {"key": "SyncAll", "value": "false"},
            ]})),
        )
        .await;
    assert_eq!(saved.status, StatusCode::NO_CONTENT);
    let read = graph.get(&path).await;
    assert_eq!(
        read.body["value"],
        json!([{"key": "BaseAddress", "value": "https://scim.example/v2"},
               {"key": "SecretToken", "value": "*"},
               {"key": "SyncAll", "value": "false"}])
    );
    let state = graph.control_get("/graph/state").await;
    let text = state.to_string();
    assert!(!text.contains("super-secret-token"));
    assert!(text.contains("sha256:"));

    // A PUT replaces the whole set.
    graph
        .call(
            Method::PUT,
            &path,
            Some(json!({"value": [{"key": "SyncAll", "value": "true"}]})),
        )
        .await;
    let read = graph.get(&path).await;
    assert_eq!(
        read.body["value"],
        json!([{"key": "SyncAll", "value": "true"}])
    );
}

#[tokio::test]
async fn schema_get_put_patch_and_parse_expression() {
    let graph = Graph::start().await;
    let app = graph.instantiate("Schema").await;
    let job_id = graph.create_job(&app.sp_id).await;
    let schema_path = format!(
        "/servicePrincipals/{}/synchronization/jobs/{job_id}/schema",
        app.sp_id
    );
    let schema = graph.get(&schema_path).await;
    assert_eq!(schema.status, StatusCode::OK);
    let schema = schema.body;
    assert_eq!(schema["id"], job_id.as_str());
    assert!(schema["directories"].as_array().unwrap().len() >= 2);
    let rule = &schema["synchronizationRules"][0];
    assert_eq!(rule["sourceDirectoryName"], "Azure Active Directory");
    let mappings = rule["objectMappings"].as_array().unwrap();
    let users = mappings
        .iter()
        .find(|mapping| mapping["sourceObjectName"] == "User")
        .unwrap();
    assert_eq!(users["targetObjectName"], ENTERPRISE_USER);
    let groups = mappings
        .iter()
        .find(|mapping| mapping["sourceObjectName"] == "Group")
        .unwrap();
    assert_eq!(groups["enabled"], true);
    let attribute = |target: &str| {
        users["attributeMappings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|mapping| mapping["targetAttributeName"] == target)
            .cloned()
    };
    assert_eq!(
        attribute("userName").unwrap()["source"]["name"],
        "userPrincipalName"
    );
    assert_eq!(attribute("userName").unwrap()["matchingPriority"], 1);
    assert_eq!(
        attribute("name.formatted").unwrap()["source"]["expression"],
        "Join(\" \", [givenName], [surname])"
    );
    assert_eq!(attribute("active").unwrap()["source"]["name"], "Switch");

    // PATCH is not a schema verb: 404 from the sync service.
    let patched = graph
        .call(
            Method::PATCH,
            &schema_path,
            Some(json!({"synchronizationRules": []})),
        )
        .await;
    assert_graph_error(&patched, StatusCode::NOT_FOUND, "UnknownError");
    let inner: Value =
        serde_json::from_str(patched.body["error"]["message"].as_str().unwrap()).unwrap();
    assert!(
        inner["Message"]
            .as_str()
            .unwrap()
            .starts_with("No HTTP resource was found that matches the request URI")
    );

    // A partial PUT is refused; nothing changes.
    let partial = graph
        .call(
            Method::PUT,
            &schema_path,
            Some(json!({"synchronizationRules": schema["synchronizationRules"]})),
        )
        .await;
    assert_eq!(partial.status, StatusCode::BAD_REQUEST);

    // parseExpression gives the tree the wizard puts into the userName mapping.
    let parsed = graph
        .post(
            &format!("{schema_path}/parseExpression"),
            json!({"expression": USERNAME_EXPRESSION, "targetAttributeDefinition": null,
                   "testInputObject": {"definition": null, "properties": [
                       {"key": "userPrincipalName", "value": "jane.doe@contoso.com"}]}}),
        )
        .await;
    assert_eq!(parsed.status, StatusCode::OK, "{}", parsed.body);
    assert_eq!(parsed.body["parsingSucceeded"], true);
    assert_eq!(parsed.body["evaluationSucceeded"], true);
    assert_eq!(parsed.body["evaluationResult"], json!(["jane.doe"]));
    let tree = &parsed.body["parsedExpression"];
    assert_eq!(
        *tree,
        json!({"expression": USERNAME_EXPRESSION, "name": "Item", "type": "Function", "parameters": [
            {"key": "source", "value": {"expression": "Split([userPrincipalName], \"@\")",
                "name": "Split", "type": "Function", "parameters": [
                {"key": "source", "value": {"expression": "[userPrincipalName]",
                    "name": "userPrincipalName", "type": "Attribute", "parameters": []}},
                {"key": "delimiter", "value": {"expression": "\"@\"", "name": "@",
                    "type": "Constant", "parameters": []}}]}},
            {"key": "index", "value": {"expression": "\"1\"", "name": "1",
                "type": "Constant", "parameters": []}}]})
    );
    let broken = graph
        .post(
            &format!("{schema_path}/parseExpression"),
            json!({"expression": "Item(Split([userPrincipalName], \"@\"), 1"}),
        )
        .await;
    assert_eq!(broken.status, StatusCode::OK);
    assert_eq!(broken.body["parsingSucceeded"], false);
    assert!(broken.body["error"]["message"].is_string());

    // The three edits, PUT as a whole document, read back.
    let edited = edit_schema(schema.clone(), tree.clone());
    let put = graph.call(Method::PUT, &schema_path, Some(edited)).await;
    assert_eq!(put.status, StatusCode::NO_CONTENT, "{}", put.body);
    let read = graph.get(&schema_path).await.body;
    let rules = read["synchronizationRules"][0]["objectMappings"]
        .as_array()
        .unwrap()
        .clone();
    let users = rules
        .iter()
        .find(|mapping| mapping["sourceObjectName"] == "User")
        .unwrap();
    assert!(
        !users["attributeMappings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|mapping| mapping["targetAttributeName"] == "name.formatted")
    );
    let groups = rules
        .iter()
        .find(|mapping| mapping["sourceObjectName"] == "Group")
        .unwrap();
    assert_eq!(groups["enabled"], false);
}

/// The wizard's edits with groups off: `name.formatted` removed, userName from `source`.
fn edit_schema(mut schema: Value, username_source: Value) -> Value {
    for mapping in schema["synchronizationRules"][0]["objectMappings"]
        .as_array_mut()
        .unwrap()
    {
        if mapping["sourceObjectName"] == "Group" {
            mapping["enabled"] = json!(false);
        }
        if mapping["sourceObjectName"] == "User" {
            let attributes = mapping["attributeMappings"].as_array_mut().unwrap();
            attributes.retain(|attribute| attribute["targetAttributeName"] != "name.formatted");
            for attribute in attributes {
                if attribute["targetAttributeName"] == "userName" {
                    attribute["source"] = username_source.clone();
                }
            }
        }
    }
    schema
}

#[tokio::test]
async fn validate_credentials_really_calls_the_scim_endpoint() {
    let graph = Graph::start().await;
    let (base, token) = graph.scaleway_scim().await;
    let app = graph.instantiate("Test connection").await;
    let collection = format!(
        "/servicePrincipals/{}/synchronization/jobs/validateCredentials",
        app.sp_id
    );
    let good = graph
        .post(
            &collection,
            json!({"templateId": "scim", "useSavedCredentials": false, "credentials": [
                {"key": "BaseAddress", "value": base}, {"key": "SecretToken", "value": token}]}),
        )
        .await;
    assert_eq!(good.status, StatusCode::NO_CONTENT, "{}", good.body);
    let journal = graph.control_get("/graph/provisioning").await;
    let exchange = &journal["exchanges"][0];
    assert_eq!(exchange["origin"], "test_connection");
    assert_eq!(exchange["method"], "GET");
    assert_eq!(exchange["status"], 200);
    let url = url::Url::parse(exchange["url"].as_str().unwrap()).unwrap();
    assert_eq!(
        url.path(),
        format!("{}/Users", url::Url::parse(&base).unwrap().path())
    );
    let filter = url
        .query_pairs()
        .find(|(key, _)| key == "filter")
        .unwrap()
        .1
        .into_owned();
    assert!(filter.starts_with("userName eq \""), "{filter}");
    assert!(
        !journal.to_string().contains(&token),
        "the token is never journaled"
    );

    let bad = graph
        .post(
            &collection,
            json!({"templateId": "scim", "useSavedCredentials": false, "credentials": [
                {"key": "BaseAddress", "value": base}, {"key": "SecretToken", "value": "wrong"}]}),
        )
        .await;
    assert_graph_error(
        &bad,
        StatusCode::BAD_REQUEST,
        "CredentialValidationUnavailable",
    );
    let inner: Value =
        serde_json::from_str(bad.body["error"]["message"].as_str().unwrap()).unwrap();
    let message = inner["Message"].as_str().unwrap();
    assert!(message.contains("HTTP/401 Unauthorized"), "{message}");
    assert!(message.contains("invalid bearer token"), "{message}");

    let wrong_url = graph
        .post(
            &collection,
            json!({"templateId": "scim", "credentials": [
                {"key": "BaseAddress", "value": format!("{}/scaleway/iam/v1alpha1/scim", graph.base())},
                {"key": "SecretToken", "value": token}]}),
        )
        .await;
    assert_graph_error(
        &wrong_url,
        StatusCode::BAD_REQUEST,
        "CredentialValidationUnavailable",
    );

    let no_template = graph
        .post(
            &collection,
            json!({"credentials": [{"key": "BaseAddress", "value": base}]}),
        )
        .await;
    assert_graph_error(
        &no_template,
        StatusCode::BAD_REQUEST,
        "RequestMissingRequiredParameter",
    );
    let bad_key = graph
        .post(
            &collection,
            json!({"templateId": "scim", "credentials": [{"key": "TenantURL", "value": base}]}),
        )
        .await;
    assert_graph_error(&bad_key, StatusCode::INTERNAL_SERVER_ERROR, "InternalError");

    // Job level, with the saved credentials.
    let job_id = graph.create_job(&app.sp_id).await;
    let secrets = format!("/servicePrincipals/{}/synchronization/secrets", app.sp_id);
    graph
        .call(
            Method::PUT,
            &secrets,
            Some(json!({"value": [{"key": "BaseAddress", "value": base},
                                  {"key": "SecretToken", "value": token}]})),
        )
        .await;
    let saved = graph
        .post(
            &format!(
                "/servicePrincipals/{}/synchronization/jobs/{job_id}/validateCredentials",
                app.sp_id
            ),
            json!({"useSavedCredentials": true}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::NO_CONTENT, "{}", saved.body);
}

#[tokio::test]
async fn end_to_end_the_edited_mapping_provisions_users_into_scaleway() {
    let graph = Graph::start().await;
    let (app, job_id) = graph.configured_job(None).await;
    let job_path = format!(
        "/servicePrincipals/{}/synchronization/jobs/{job_id}",
        app.sp_id
    );
    let schema = graph.get(&format!("{job_path}/schema")).await.body;
    let parsed = graph
        .post(
            &format!("{job_path}/schema/parseExpression"),
            json!({"expression": USERNAME_EXPRESSION}),
        )
        .await;
    let edited = edit_schema(schema, parsed.body["parsedExpression"].clone());
    assert_eq!(
        graph
            .call(Method::PUT, &format!("{job_path}/schema"), Some(edited))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    // One user directly, and a group whose member must come in as a user (groups are off).
    assert_eq!(
        graph
            .assign(&app.sp_id, &graph.user_id("adele.vance"))
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(
        graph
            .assign(&app.sp_id, &graph.group_id("Finance"))
            .await
            .status,
        StatusCode::CREATED
    );
    let before = graph.get(&job_path).await.body;
    assert_eq!(before["status"]["code"], "NotRun");

    let started = graph
        .call(Method::POST, &format!("{job_path}/start"), None)
        .await;
    assert_eq!(started.status, StatusCode::NO_CONTENT);
    let job = graph.wait_for_cycle(&app.sp_id, &job_id, 0).await;
    assert_eq!(job["status"]["code"], "Active", "{job}");
    assert_eq!(job["schedule"]["state"], "Active");
    assert_eq!(job["schedule"]["interval"], "PT40M");
    let execution = &job["status"]["lastExecution"];
    assert_eq!(execution["state"], "Succeeded", "{execution}");
    assert_eq!(execution["countEntitled"], 2);
    assert_eq!(execution["countExported"], 2);
    assert_eq!(execution["error"], Value::Null);
    assert_ne!(
        job["status"]["steadyStateFirstAchievedTime"],
        "0001-01-01T00:00:00Z"
    );

    let usernames = graph.scaleway_usernames().await;
    assert!(
        usernames.contains(&"adele.vance".to_string()),
        "{usernames:?}"
    );
    assert!(
        usernames.contains(&"megan.bowen".to_string()),
        "{usernames:?}"
    );
    assert!(!usernames.iter().any(|name| name.contains("alex")));

    let journal = graph
        .control_get(&format!("/graph/provisioning?jobId={job_id}"))
        .await;
    let exchanges = journal["exchanges"].as_array().unwrap();
    assert!(
        exchanges
            .iter()
            .all(|exchange| !exchange["url"].as_str().unwrap().contains("/Groups")),
        "group provisioning is disabled"
    );
    let creates: Vec<&Value> = exchanges
        .iter()
        .filter(|exchange| exchange["method"] == "POST")
        .collect();
    assert_eq!(creates.len(), 2);
    let adele = creates
        .iter()
        .find(|exchange| exchange["requestBody"]["userName"] == "adele.vance")
        .unwrap();
    let body = &adele["requestBody"];
    assert_eq!(
        body["name"],
        json!({"givenName": "Adele", "familyName": "Vance"})
    );
    assert!(
        body["name"].get("formatted").is_none(),
        "name.formatted was deleted"
    );
    assert_eq!(body["active"], true);
    assert_eq!(body["externalId"], "adele.vance");
    assert_eq!(
        body["emails"],
        json!([{"type": "work", "primary": true, "value": "adele.vance@contoso.example"}])
    );
    assert_eq!(
        body["schemas"],
        json!([
            "urn:ietf:params:scim:schemas:core:2.0:User",
            ENTERPRISE_USER
        ])
    );
    // Matching came first, with Entra's filter.
    let matched = exchanges
        .iter()
        .find(|exchange| exchange["method"] == "GET")
        .unwrap();
    assert!(
        matched["url"]
            .as_str()
            .unwrap()
            .contains("filter=userName+eq+%22")
    );
    let logs = graph.get("/auditLogs/provisioning").await;
    assert_eq!(logs.status, StatusCode::OK);
    assert_eq!(logs.body["value"].as_array().unwrap().len(), 2);
    assert_eq!(
        logs.body["value"][0]["provisioningStatusInfo"]["status"],
        "success"
    );

    // Filtered as the app asks: this app's entries since a date; another app's, or the future,
    // none; a property the list does not filter on is refused as Graph does.
    let since = |sp: &str, at: &str| {
        format!(
            "/auditLogs/provisioning?$filter={}&$top=500",
            urlencoding(&format!(
                "servicePrincipal/id eq '{sp}' and activityDateTime gt {at}"
            ))
        )
    };
    let ours = graph.get(&since(&app.sp_id, "2000-01-01T00:00:00Z")).await;
    assert_eq!(ours.status, StatusCode::OK, "{}", ours.body);
    assert_eq!(ours.body["value"].as_array().unwrap().len(), 2);
    let other = graph
        .get(&since(
            "00000000-0000-0000-0000-000000000000",
            "2000-01-01T00:00:00Z",
        ))
        .await;
    assert_eq!(other.body["value"], json!([]));
    let later = graph.get(&since(&app.sp_id, "2999-01-01T00:00:00Z")).await;
    assert_eq!(later.body["value"], json!([]));
    let refused = graph
        .get(&format!(
            "/auditLogs/provisioning?$filter={}",
            urlencoding("changeId eq 'x'")
        ))
        .await;
    assert_graph_error(
        &refused,
        StatusCode::BAD_REQUEST,
        "Request_UnsupportedQuery",
    );
}

fn urlencoding(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn the_default_mapping_sends_name_formatted_and_groups() {
    let graph = Graph::start().await;
    let (app, job_id) = graph.configured_job(None).await;
    graph.assign(&app.sp_id, &graph.group_id("Finance")).await;
    graph
        .call(
            Method::POST,
            &format!(
                "/servicePrincipals/{}/synchronization/jobs/{job_id}/start",
                app.sp_id
            ),
            None,
        )
        .await;
    let job = graph.wait_for_cycle(&app.sp_id, &job_id, 0).await;
    let journal = graph
        .control_get(&format!("/graph/provisioning?jobId={job_id}"))
        .await;
    let exchanges = journal["exchanges"].as_array().unwrap();
    let create = exchanges
        .iter()
        .find(|exchange| exchange["method"] == "POST")
        .unwrap();
    assert_eq!(
        create["requestBody"]["userName"],
        "megan.bowen@contoso.onmicrosoft.com"
    );
    assert_eq!(create["requestBody"]["name"]["formatted"], "Megan Bowen");
    // The sandbox's Scaleway SCIM has no /Groups: an entry-level error, not a quarantine.
    assert!(
        exchanges
            .iter()
            .any(|exchange| exchange["url"].as_str().unwrap().contains("/Groups"))
    );
    assert_eq!(job["status"]["lastExecution"]["state"], "EntryLevelErrors");
    assert_eq!(job["status"]["quarantine"], Value::Null);

    // A second, forced cycle re-matches the existing user and sends only what Scaleway lacks,
    // Entra-style: Scaleway refuses `Add` on the paths it does not support (as documented).
    graph
        .call(
            Method::POST,
            &format!(
                "/servicePrincipals/{}/synchronization/jobs/{job_id}/restart",
                app.sp_id
            ),
            Some(json!({"criteria": {"resetScope": "Full"}})),
        )
        .await;
    graph.wait_for_cycle(&app.sp_id, &job_id, 1).await;
    let journal = graph
        .control_get(&format!("/graph/provisioning?jobId={job_id}"))
        .await;
    let patch = journal["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|exchange| exchange["method"] == "PATCH")
        .unwrap()
        .clone();
    let operations = patch["requestBody"]["Operations"].as_array().unwrap();
    assert!(
        operations
            .iter()
            .any(|operation| operation["op"] == "Add" && operation["path"] == "displayName"),
        "{operations:?}"
    );
    assert_eq!(patch["status"], 400);
}

#[tokio::test]
async fn bad_credentials_quarantine_the_job_until_fixed_and_restarted() {
    let graph = Graph::start().await;
    let (app, job_id) = graph.configured_job(Some("not-the-token")).await;
    graph.assign(&app.sp_id, &graph.user_id("lee.gu")).await;
    let job_path = format!(
        "/servicePrincipals/{}/synchronization/jobs/{job_id}",
        app.sp_id
    );
    graph
        .call(Method::POST, &format!("{job_path}/start"), None)
        .await;
    let job = graph.wait_for_cycle(&app.sp_id, &job_id, 0).await;
    let status = &job["status"];
    assert_eq!(status["code"], "Quarantine", "{job}");
    assert_eq!(
        status["quarantine"]["reason"],
        "EncounteredQuarantineException"
    );
    assert_eq!(
        status["quarantine"]["error"]["code"],
        "SystemForCrossDomainIdentityManagementInvalidCredentials"
    );
    assert_eq!(status["lastExecution"]["state"], "Failed");
    assert_eq!(
        status["lastExecution"]["error"]["code"],
        "SystemForCrossDomainIdentityManagementInvalidCredentials"
    );
    assert_eq!(status["countSuccessiveCompleteFailures"], 1);
    assert!(
        !graph
            .scaleway_usernames()
            .await
            .contains(&"lee.gu".to_string())
    );

    // Recovery as MS-SCIM does it: fix the credentials, restart (full), start.
    let (base, token) = {
        // Mint a fresh token on the existing SCIM configuration.
        let seed = graph.sandbox.seed_data();
        let owner = seed.key(SeedKeyKind::Owner).unwrap().secret_key.clone();
        let iam = format!("{}/iam/v1alpha1", graph.sandbox.urls().scaleway_api);
        let scim: Value = graph
            .client
            .get(format!("{iam}/organizations/{}/scim", seed.organization_id))
            .header("X-Auth-Token", &owner)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let scim_id = scim["id"].as_str().unwrap().to_string();
        let token: Value = graph
            .client
            .post(format!("{iam}/scim/{scim_id}/tokens"))
            .header("X-Auth-Token", &owner)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (
            graph
                .sandbox
                .urls()
                .scim_base_url_pattern
                .replace("{scim_id}", &scim_id),
            token["bearer_token"].as_str().unwrap().to_string(),
        )
    };
    graph
        .call(
            Method::PUT,
            &format!("/servicePrincipals/{}/synchronization/secrets", app.sp_id),
            Some(json!({"value": [{"key": "BaseAddress", "value": base},
                                  {"key": "SecretToken", "value": token},
                                  {"key": "SyncAll", "value": "false"}]})),
        )
        .await;
    graph
        .post(
            &format!("{job_path}/restart"),
            json!({"criteria": {"resetScope": "Full"}}),
        )
        .await;
    let job = graph.wait_for_cycle(&app.sp_id, &job_id, 1).await;
    assert_eq!(job["status"]["code"], "Active", "{job}");
    assert_eq!(job["status"]["quarantine"], Value::Null);
    assert_eq!(job["status"]["countSuccessiveCompleteFailures"], 0);
    assert!(
        graph
            .scaleway_usernames()
            .await
            .contains(&"lee.gu@contoso.onmicrosoft.com".to_string())
    );
}

#[tokio::test]
async fn provision_on_demand_checks_the_rule_scope_and_rate_limit() {
    let graph = Graph::start().await;
    let (app, job_id) = graph.configured_job(None).await;
    let path = format!(
        "/servicePrincipals/{}/synchronization/jobs/{job_id}/provisionOnDemand",
        app.sp_id
    );
    let body = |rule: &str, user: &str| json!({"parameters": [{"ruleId": rule, "subjects": [{"objectId": user, "objectTypeName": "User"}]}]});
    let alex = graph.user_id("alex.wilber");

    let wrong_rule = graph.post(&path, body("nope", &alex)).await;
    assert_eq!(
        wrong_rule.status,
        StatusCode::BAD_REQUEST,
        "{}",
        wrong_rule.body
    );

    let rule = "USERGROUP_OUTBOUND_USERGROUP";
    let unassigned = graph.post(&path, body(rule, &alex)).await;
    assert_eq!(unassigned.status, StatusCode::OK, "{}", unassigned.body);
    let key: Value = serde_json::from_str(unassigned.body["key"].as_str().unwrap()).unwrap();
    assert_eq!(key["result"], "Skipped");
    assert_eq!(key["details"]["errorCode"], "NotEffectivelyEntitled");

    graph.assign(&app.sp_id, &alex).await;
    let provisioned = graph.post(&path, body(rule, &alex)).await;
    assert_eq!(provisioned.status, StatusCode::OK);
    let key: Value = serde_json::from_str(provisioned.body["key"].as_str().unwrap()).unwrap();
    assert_eq!(key["result"], "Success", "{}", provisioned.body);
    let value: Value = serde_json::from_str(provisioned.body["value"].as_str().unwrap()).unwrap();
    assert_eq!(value["targetSystem"]["name"], "customappsso");
    assert!(
        graph
            .scaleway_usernames()
            .await
            .contains(&"alex.wilber@contoso.onmicrosoft.com".to_string())
    );
    // Calls 1–5 within 10 s are accepted; the 6th is throttled.
    graph.post(&path, body(rule, &alex)).await;
    graph.post(&path, body(rule, &alex)).await;
    let throttled = graph.post(&path, body(rule, &alex)).await;
    assert_graph_error(&throttled, StatusCode::TOO_MANY_REQUESTS, "TooManyRequests");
    let retry_after: u64 = throttled.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=10).contains(&retry_after));
}
