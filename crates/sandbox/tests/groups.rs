//! Groups over real HTTP: SCIM `/Groups` on the Scaleway side, the IAM groups API, Graph's group
//! members, and the simulated Entra provisioning of groups (cycles and provision on demand).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Harness, assert_timestamp, status_json};
use reqwest::{Method, StatusCode};
use scim_wizard_sandbox::{FaultPlan, SandboxConfig, SeedKeyKind};
use serde_json::{Value, json};

const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const CUSTOM_TEMPLATE: &str = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";
const ROLE_USER: &str = "18d14569-c3bd-439b-9a66-3a2aee01d14f";
const RULE: &str = "USERGROUP_OUTBOUND_USERGROUP";
const ADMIN_SCOPES: &str = "openid profile offline_access User.Read Application.ReadWrite.All \
    Synchronization.ReadWrite.All AppRoleAssignment.ReadWrite.All User.ReadBasic.All \
    Group.Read.All AuditLog.Read.All Directory.Read.All";
const USERNAME_EXPRESSION: &str = r#"Item(Split([userPrincipalName], "@"), 1)"#;

/// A sandbox with SCIM enabled on Acme and a bearer token.
struct Scim {
    harness: Harness,
    scim_id: String,
    bearer: String,
}

impl Scim {
    async fn start() -> Scim {
        Scim::with_config(SandboxConfig::default()).await
    }

    async fn with_config(config: SandboxConfig) -> Scim {
        let harness = Harness::with_config(config).await;
        let scim_id = harness.enable_scim().await;
        let (_, bearer) = harness.create_token(&scim_id).await;
        Scim {
            harness,
            scim_id,
            bearer,
        }
    }

    fn base(&self) -> String {
        self.harness.scim_base(&self.scim_id)
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self
            .harness
            .client
            .request(method, format!("{}{path}", self.base()))
            .bearer_auth(&self.bearer);
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/scim+json")
                .body(body.to_string());
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text:?}"))
        };
        (status, body)
    }

    async fn create_user(&self, user_name: &str) -> String {
        let (status, body) = self
            .call(
                Method::POST,
                "/Users",
                Some(json!({
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                    "userName": user_name,
                    "active": true,
                    "emails": [{"primary": true, "type": "work", "value": format!("{user_name}@contoso.example")}],
                    "name": {"givenName": "Test", "familyName": user_name},
                })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().unwrap().to_string()
    }

    async fn create_group(&self, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, "/Groups", Some(body)).await
    }

    async fn patch_group(&self, id: &str, operations: Value) -> (StatusCode, Value) {
        self.call(
            Method::PATCH,
            &format!("/Groups/{id}"),
            Some(json!({"schemas": [PATCH_SCHEMA], "Operations": operations})),
        )
        .await
    }

    /// The SCIM group named `name` (filter `displayName eq`).
    async fn group_named(&self, name: &str) -> Value {
        let filter = format!("displayName eq \"{name}\"");
        let (status, body) = self
            .call(
                Method::GET,
                &format!("/Groups?filter={}", urlencode(&filter)),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["totalResults"], 1, "{body}");
        body["Resources"][0].clone()
    }

    async fn iam_groups(&self, kind: SeedKeyKind, query: &str) -> (StatusCode, Value) {
        status_json(
            self.harness
                .iam_get(
                    kind,
                    &format!("/groups?organization_id={}{query}", self.harness.org()),
                )
                .await,
        )
        .await
    }
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn member_ids(group: &Value) -> Vec<String> {
    group["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|member| member["value"].as_str().unwrap().to_string())
        .collect()
}

fn assert_scim_error(
    status: StatusCode,
    body: &Value,
    expected: StatusCode,
    scim_type: Option<&str>,
) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(
        body["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
    );
    assert_eq!(body["status"], expected.as_u16().to_string());
    match scim_type {
        Some(kind) => assert_eq!(body["scimType"], kind, "{body}"),
        None => assert!(body.get("scimType").is_none(), "{body}"),
    }
}

// ---------------------------------------------------------------------------------------------
// SCIM /Groups

#[tokio::test]
async fn scim_groups_are_created_read_listed_and_deleted() {
    let scim = Scim::start().await;
    let alice = scim.create_user("grace").await;
    let bob = scim.create_user("linus").await;

    // No token, no groups.
    let anonymous = scim
        .harness
        .client
        .get(format!("{}/Groups", scim.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    let response = scim
        .harness
        .client
        .post(format!("{}/Groups", scim.base()))
        .bearer_auth(&scim.bearer)
        .header("Content-Type", "application/scim+json")
        .body(
            json!({"schemas": [GROUP_SCHEMA], "displayName": "Sales", "members": [{"value": alice}],
                   "meta": {"resourceType": "Group"}})
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["content-type"], "application/scim+json");
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let created: Value = response.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["schemas"], json!([GROUP_SCHEMA]));
    assert_eq!(created["displayName"], "Sales");
    assert_eq!(created["meta"]["resourceType"], "Group");
    assert_eq!(created["meta"]["location"], location.as_str());
    assert_eq!(location, format!("{}/Groups/{id}", scim.base()));
    assert_timestamp(&created["meta"]["created"]);
    assert_eq!(member_ids(&created), [alice.as_str()]);
    assert_eq!(created["members"][0]["display"], "grace");
    assert_eq!(
        created["members"][0]["$ref"],
        format!("{}/Users/{alice}", scim.base()).as_str()
    );

    let (status, fetched) = scim.call(Method::GET, &format!("/Groups/{id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, created);
    let (status, lean) = scim
        .call(
            Method::GET,
            &format!("/Groups/{id}?excludedAttributes=members"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(lean.get("members").is_none(), "{lean}");

    // The list holds every group of the Organization: the two managed ones, the one made in
    // the console, and this one; displayName matches ignoring case.
    let (status, list) = scim.call(Method::GET, "/Groups", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        list["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:ListResponse"])
    );
    assert_eq!(list["totalResults"], 4, "{list}");
    let names: Vec<&str> = list["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| group["displayName"].as_str().unwrap())
        .collect();
    for name in ["All Users", "All Applications", "Marketing", "Sales"] {
        assert!(names.contains(&name), "{names:?}");
    }
    let (_, page) = scim
        .call(Method::GET, "/Groups?startIndex=2&count=1", None)
        .await;
    assert_eq!(page["totalResults"], 4);
    assert_eq!(page["startIndex"], 2);
    assert_eq!(page["itemsPerPage"], 1);
    assert_eq!(scim.group_named("sales").await["id"], id.as_str());
    let (status, none) = scim
        .call(
            Method::GET,
            &format!(
                "/Groups?excludedAttributes=members&filter={}",
                urlencode("displayName eq \"Nobody\"")
            ),
            None,
        )
        .await;
    assert_eq!(
        (status, none["totalResults"].clone()),
        (StatusCode::OK, json!(0))
    );
    let (status, body) = scim
        .call(
            Method::GET,
            &format!("/Groups?filter={}", urlencode("externalId eq \"x\"")),
            None,
        )
        .await;
    assert_scim_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        Some("invalidFilter"),
    );

    // Refusals: a taken name (any case, managed groups too), no displayName, an attribute
    // groups do not keep, a member that is a group (nesting) or no user at all.
    for taken in ["Sales", "sales", "All Users"] {
        let (status, body) = scim
            .create_group(json!({"schemas": [GROUP_SCHEMA], "displayName": taken}))
            .await;
        assert_scim_error(status, &body, StatusCode::CONFLICT, Some("uniqueness"));
    }
    let (status, body) = scim
        .create_group(json!({"schemas": [GROUP_SCHEMA], "members": []}))
        .await;
    assert_scim_error(status, &body, StatusCode::BAD_REQUEST, Some("invalidValue"));
    let (status, body) = scim
        .create_group(json!({"schemas": [GROUP_SCHEMA], "displayName": "Ops", "externalId": "x"}))
        .await;
    assert_scim_error(status, &body, StatusCode::BAD_REQUEST, Some("invalidValue"));
    assert!(
        body["detail"].as_str().unwrap().contains("externalId"),
        "{body}"
    );
    let (status, body) = scim
        .create_group(json!({"displayName": "Ops", "members": [{"value": id}]}))
        .await;
    assert_scim_error(status, &body, StatusCode::BAD_REQUEST, Some("invalidValue"));
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("nested groups are not supported"),
        "{body}"
    );
    let stranger = "00000000-0000-4000-8000-000000000000";
    let (status, body) = scim
        .create_group(json!({"displayName": "Ops", "members": [{"value": stranger}]}))
        .await;
    assert_scim_error(status, &body, StatusCode::BAD_REQUEST, Some("invalidValue"));

    // PUT replaces the name and the members.
    let (status, replaced) = scim
        .call(
            Method::PUT,
            &format!("/Groups/{id}"),
            Some(
                json!({"schemas": [GROUP_SCHEMA], "id": id, "displayName": "Sales EU",
                        "members": [{"value": bob}]}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{replaced}");
    assert_eq!(replaced["displayName"], "Sales EU");
    assert_eq!(member_ids(&replaced), [bob.as_str()]);

    let (status, _) = scim
        .call(Method::DELETE, &format!("/Groups/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = scim.call(Method::GET, &format!("/Groups/{id}"), None).await;
    assert_scim_error(status, &body, StatusCode::NOT_FOUND, None);
    let (status, _) = scim
        .call(Method::DELETE, &format!("/Groups/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn scim_group_patch_adds_and_removes_members_and_renames() {
    let scim = Scim::start().await;
    let ada = scim.create_user("ada").await;
    let alan = scim.create_user("alan").await;
    let (status, created) = scim
        .create_group(json!({"schemas": [GROUP_SCHEMA], "displayName": "Research"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["members"], json!([]));
    let id = created["id"].as_str().unwrap().to_string();

    // Entra's form: capitalised op, a value list with `$ref: null`.
    let (status, body) = scim
        .patch_group(
            &id,
            json!([{"op": "Add", "path": "members",
                    "value": [{"$ref": null, "value": ada}, {"$ref": null, "value": alan}]}]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(member_ids(&body), [ada.clone(), alan.clone()]);
    // RFC form: a value filter in the path.
    let (status, body) = scim
        .patch_group(
            &id,
            json!([{"op": "remove", "path": format!("members[value eq \"{ada}\"]")}]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(member_ids(&body), [alan.as_str()]);
    // Entra's removal: the members to remove as a value list.
    let (status, body) = scim
        .patch_group(
            &id,
            json!([{"op": "Remove", "path": "members", "value": [{"value": alan}]},
                   {"op": "Replace", "path": "displayName", "value": "Research & Development"}]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["members"], json!([]));
    assert_eq!(body["displayName"], "Research & Development");

    // Unsupported attributes are refused like on /Users, and nothing is applied (atomic).
    let (status, body) = scim
        .patch_group(
            &id,
            json!([{"op": "Add", "path": "members", "value": [{"value": ada}]},
                   {"op": "Add", "path": "externalId", "value": "x"}]),
        )
        .await;
    assert_scim_error(status, &body, StatusCode::BAD_REQUEST, Some("invalidPath"));
    assert_eq!(
        body["detail"],
        "unsupported path for operation Add: externalId"
    );
    let (status, body) = scim
        .patch_group(
            &id,
            json!([{"op": "Add", "path": "members", "value": [{"value": id}]}]),
        )
        .await;
    assert_scim_error(status, &body, StatusCode::BAD_REQUEST, Some("invalidValue"));
    assert!(
        body["detail"].as_str().unwrap().contains("nested"),
        "{body}"
    );
    let (_, current) = scim.call(Method::GET, &format!("/Groups/{id}"), None).await;
    assert_eq!(current["members"], json!([]));

    // A name already taken.
    let (status, body) = scim
        .patch_group(
            &id,
            json!([{"op": "Replace", "path": "displayName", "value": "marketing"}]),
        )
        .await;
    assert_scim_error(status, &body, StatusCode::CONFLICT, Some("uniqueness"));

    // Deleting a user takes it out of its groups.
    scim.patch_group(
        &id,
        json!([{"op": "add", "path": "members", "value": [{"value": ada}]}]),
    )
    .await;
    let (status, _) = scim
        .call(Method::DELETE, &format!("/Users/{ada}"), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, current) = scim.call(Method::GET, &format!("/Groups/{id}"), None).await;
    assert_eq!(current["members"], json!([]));
}

#[tokio::test]
async fn managed_groups_can_be_read_but_not_changed() {
    let scim = Scim::start().await;
    scim.create_user("grace").await;
    let all_users = scim.group_named("All Users").await;
    let (_, iam_users) = status_json(
        scim.harness
            .iam_get(
                SeedKeyKind::Owner,
                &format!(
                    "/users?organization_id={}&page_size=100",
                    scim.harness.org()
                ),
            )
            .await,
    )
    .await;
    // Every user of the Organization, the one SCIM just made included.
    assert_eq!(
        all_users["members"].as_array().unwrap().len(),
        iam_users["users"].as_array().unwrap().len()
    );
    let all_applications = scim.group_named("All Applications").await;
    assert_eq!(all_applications["members"], json!([]));
    let id = all_users["id"].as_str().unwrap();
    let (status, body) = scim
        .patch_group(
            id,
            json!([{"op": "Replace", "path": "displayName", "value": "Everyone"}]),
        )
        .await;
    assert_scim_error(status, &body, StatusCode::FORBIDDEN, None);
    let (status, body) = scim
        .call(
            Method::PUT,
            &format!("/Groups/{id}"),
            Some(json!({"displayName": "Everyone"})),
        )
        .await;
    assert_scim_error(status, &body, StatusCode::FORBIDDEN, None);
    let (status, body) = scim
        .call(Method::DELETE, &format!("/Groups/{id}"), None)
        .await;
    assert_scim_error(status, &body, StatusCode::FORBIDDEN, None);
    // The console-made group is an ordinary group: SCIM may change it.
    let marketing = scim.group_named("Marketing").await;
    assert_eq!(marketing["members"].as_array().unwrap().len(), 2);
    let (status, _) = scim
        .patch_group(
            marketing["id"].as_str().unwrap(),
            json!([{"op": "Remove", "path": "members"}]),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_fifty_first_group_is_over_quota() {
    let scim = Scim::start().await;
    // Seeded: All Users, All Applications, Marketing.
    for index in 0..47 {
        let (status, body) = scim
            .create_group(json!({"displayName": format!("Team {index}")}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{index}: {body}");
    }
    let (status, body) = scim.create_group(json!({"displayName": "Team 47"})).await;
    assert_scim_error(status, &body, StatusCode::FORBIDDEN, None);
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains("quotas_exceeded") && detail.contains("quota: 50"),
        "{detail}"
    );
    let (_, list) = scim.call(Method::GET, "/Groups?count=1", None).await;
    assert_eq!(list["totalResults"], 50);
    assert_eq!(list["itemsPerPage"], 1);
}

// ---------------------------------------------------------------------------------------------
// IAM groups API

#[tokio::test]
async fn iam_lists_and_gets_groups_including_the_managed_ones() {
    let scim = Scim::start().await;
    let grace = scim.create_user("grace").await;
    let (_, created) = scim
        .create_group(json!({"displayName": "Sales", "members": [{"value": grace}]}))
        .await;
    let sales_id = created["id"].as_str().unwrap();

    let (status, body) = scim
        .iam_groups(SeedKeyKind::IamManagerApplication, "&page_size=100")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total_count"], 4);
    let groups = body["groups"].as_array().unwrap();
    let named = |name: &str| {
        groups
            .iter()
            .find(|group| group["name"] == name)
            .unwrap_or_else(|| panic!("no {name} in {body}"))
            .clone()
    };
    let all_users = named("All Users");
    for field in [
        "id",
        "created_at",
        "updated_at",
        "organization_id",
        "name",
        "description",
        "user_ids",
        "application_ids",
        "tags",
        "editable",
        "deletable",
        "managed",
        "all_users",
        "all_applications",
    ] {
        assert!(
            all_users.get(field).is_some(),
            "{field} missing: {all_users}"
        );
    }
    assert_timestamp(&all_users["created_at"]);
    assert_eq!(all_users["managed"], true);
    assert_eq!(all_users["all_users"], true);
    assert_eq!(all_users["all_applications"], false);
    assert_eq!(all_users["editable"], false);
    assert_eq!(all_users["deletable"], false);
    assert!(
        all_users["user_ids"]
            .as_array()
            .unwrap()
            .contains(&json!(grace))
    );
    let all_applications = named("All Applications");
    assert_eq!(all_applications["all_applications"], true);
    assert!(
        !all_applications["application_ids"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let marketing = named("Marketing");
    assert_eq!(marketing["managed"], false);
    assert_eq!(marketing["editable"], true);
    assert_eq!(marketing["user_ids"].as_array().unwrap().len(), 2);
    // A SCIM group is the IAM group: same id, its members as user_ids.
    let sales = named("Sales");
    assert_eq!(sales["id"], sales_id);
    assert_eq!(sales["user_ids"], json!([grace]));
    assert_eq!(sales["organization_id"], scim.harness.org().as_str());

    // Filters, paging, ordering.
    let (_, by_name) = scim
        .iam_groups(SeedKeyKind::IamReadOnlyApplication, "&name=market")
        .await;
    assert_eq!(by_name["total_count"], 1);
    assert_eq!(by_name["groups"][0]["name"], "Marketing");
    let (_, page) = scim
        .iam_groups(SeedKeyKind::Owner, "&order_by=name_asc&page=2&page_size=1")
        .await;
    assert_eq!(page["total_count"], 4);
    assert_eq!(page["groups"].as_array().unwrap().len(), 1);
    assert_eq!(page["groups"][0]["name"], "All Users");
    let (_, by_user) = scim
        .iam_groups(SeedKeyKind::Owner, &format!("&user_ids={grace}"))
        .await;
    let names: Vec<&str> = by_user["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| group["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["All Users", "Sales"]);
    let (status, bad) = scim
        .iam_groups(SeedKeyKind::Owner, "&order_by=size_asc&page_size=500")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(bad["type"], "invalid_arguments");
    assert_eq!(bad["details"].as_array().unwrap().len(), 2);

    // Rights.
    let (status, denied) = scim.iam_groups(SeedKeyKind::NoIamRights, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(denied["type"], "permissions_denied");
    assert_eq!(
        denied["details"],
        json!([{"action": "read", "resource": "iam_group"}])
    );
    let (status, _) = scim.iam_groups(SeedKeyKind::OtherOrganization, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // One group.
    let (status, one) = status_json(
        scim.harness
            .iam_get(
                SeedKeyKind::IamManagerApplication,
                &format!("/groups/{sales_id}"),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one, sales);
    let (status, missing) = status_json(
        scim.harness
            .iam_get(
                SeedKeyKind::Owner,
                "/groups/00000000-0000-4000-8000-000000000000",
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(missing["resource"], "group");
    let (status, malformed) = status_json(
        scim.harness
            .iam_get(SeedKeyKind::Owner, "/groups/not-a-uuid")
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed["details"][0]["argument_name"], "group_id");
    let (status, _) = status_json(
        scim.harness
            .iam_get(
                SeedKeyKind::OtherOrganization,
                &format!("/groups/{sales_id}"),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The state snapshot shows both views.
    let state = scim.harness.state().await;
    let scim_groups = state["scim_groups"].as_array().unwrap();
    assert_eq!(scim_groups.len(), 1);
    assert_eq!(scim_groups[0]["displayName"], "Sales");
    assert_eq!(scim_groups[0]["members"], json!([grace]));
    assert_eq!(scim_groups[0]["memberUserNames"], json!(["grace"]));
    // Acme's four and Globex's two managed ones.
    assert_eq!(state["iam_groups"].as_array().unwrap().len(), 6);
    let footprint = scim_wizard_sandbox::setup_footprint(&state, &json!({}));
    assert_eq!(footprint["iam_groups"], state["iam_groups"]);
}

#[tokio::test]
async fn group_routes_can_be_faulted_by_name() {
    let plan: FaultPlan =
        "scim.create_group:status=503,nth=1;scaleway.list_groups:status=500,nth=1"
            .parse()
            .unwrap();
    let scim = Scim::with_config(SandboxConfig::default().with_faults(plan)).await;
    let (status, body) = scim.create_group(json!({"displayName": "Ops"})).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        body["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
    );
    let (status, _) = scim.create_group(json!({"displayName": "Ops"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = scim.iam_groups(SeedKeyKind::Owner, "").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let (status, _) = scim.iam_groups(SeedKeyKind::Owner, "").await;
    assert_eq!(status, StatusCode::OK);
    for name in [
        "scim.create_group",
        "scim.list_groups",
        "scim.get_group",
        "scim.patch_group",
        "scim.replace_group",
        "scim.delete_group",
        "scaleway.list_groups",
        "scaleway.get_group",
        "graph.list_group_transitive_members",
    ] {
        assert!(scim_wizard_sandbox::route_names().contains(&name), "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// Graph and the simulated Entra provisioning

/// Graph calls as the seeded admin, on top of a SCIM-enabled sandbox.
struct Entra {
    scim: Scim,
    admin: String,
}

struct Job {
    sp_id: String,
    job_id: String,
}

impl Entra {
    async fn start() -> Entra {
        let scim = Scim::start().await;
        let admin_upn = scim.harness.sandbox.seed_data().tenant.admin_upn.clone();
        let response = scim
            .harness
            .client
            .post(scim.harness.control("/graph/token-for"))
            .json(&json!({"upn": admin_upn, "scopes": ADMIN_SCOPES}))
            .send()
            .await
            .unwrap();
        let token: Value = response.json().await.unwrap();
        Entra {
            admin: token["access_token"].as_str().unwrap().to_string(),
            scim,
        }
    }

    async fn graph(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}/v1.0{path}", self.scim.harness.sandbox.urls().graph)
        };
        let mut request = self
            .scim
            .harness
            .client
            .request(method, url)
            .bearer_auth(&self.admin);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        };
        (status, body)
    }

    fn group_id(&self, name: &str) -> String {
        self.scim
            .harness
            .sandbox
            .seed_data()
            .tenant
            .group_by_name(name)
            .unwrap()
            .id
            .clone()
    }

    fn user_id(&self, local: &str) -> String {
        let tenant = &self.scim.harness.sandbox.seed_data().tenant;
        tenant
            .user_by_upn(&format!("{local}@{}", tenant.domain))
            .unwrap()
            .id
            .clone()
    }

    /// An enterprise app with a `scim` job whose credentials point at the Scaleway SCIM
    /// endpoint, scope "assigned only"; `edit` changes the job's schema first.
    async fn job(&self, edit: impl Fn(&mut Value, &Value)) -> Job {
        let (status, created) = self
            .graph(
                Method::POST,
                &format!("/applicationTemplates/{CUSTOM_TEMPLATE}/instantiate"),
                Some(json!({"displayName": "Scaleway SCIM"})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let sp_id = created["servicePrincipal"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let (status, job) = self
            .graph(
                Method::POST,
                &format!("/servicePrincipals/{sp_id}/synchronization/jobs"),
                Some(json!({"templateId": "scim"})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{job}");
        let job_id = job["id"].as_str().unwrap().to_string();
        let (status, body) = self
            .graph(
                Method::PUT,
                &format!("/servicePrincipals/{sp_id}/synchronization/secrets"),
                Some(json!({"value": [
                    {"key": "BaseAddress", "value": self.scim.base()},
                    {"key": "SecretToken", "value": self.scim.bearer},
                    {"key": "SyncAll", "value": "false"},
                ]})),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let job_path = format!("/servicePrincipals/{sp_id}/synchronization/jobs/{job_id}");
        let (_, mut schema) = self
            .graph(Method::GET, &format!("{job_path}/schema"), None)
            .await;
        let (_, parsed) = self
            .graph(
                Method::POST,
                &format!("{job_path}/schema/parseExpression"),
                Some(json!({"expression": USERNAME_EXPRESSION})),
            )
            .await;
        edit(&mut schema, &parsed["parsedExpression"]);
        let (status, body) = self
            .graph(Method::PUT, &format!("{job_path}/schema"), Some(schema))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        Job { sp_id, job_id }
    }

    async fn assign(&self, job: &Job, principal_id: &str) {
        let (status, body) = self
            .graph(
                Method::POST,
                &format!("/servicePrincipals/{}/appRoleAssignedTo", job.sp_id),
                Some(json!({"principalId": principal_id, "resourceId": job.sp_id, "appRoleId": ROLE_USER})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }

    async fn run_cycle(&self, job: &Job) -> Value {
        let response = self
            .scim
            .harness
            .client
            .post(
                self.scim
                    .harness
                    .control(&format!("/graph/jobs/{}/run-cycle", job.job_id)),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    async fn exchanges(&self, job: &Job) -> Vec<Value> {
        let journal: Value = self
            .scim
            .harness
            .client
            .get(
                self.scim
                    .harness
                    .control(&format!("/graph/provisioning?jobId={}", job.job_id)),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        journal["exchanges"].as_array().unwrap().clone()
    }

    async fn on_demand(&self, job: &Job, subject: Value) -> (StatusCode, Value, Value) {
        let (status, body) = self
            .graph(
                Method::POST,
                &format!(
                    "/servicePrincipals/{}/synchronization/jobs/{}/provisionOnDemand",
                    job.sp_id, job.job_id
                ),
                Some(json!({"parameters": [{"ruleId": RULE, "subjects": [subject]}]})),
            )
            .await;
        if status != StatusCode::OK {
            return (status, body, Value::Null);
        }
        let key: Value = serde_json::from_str(body["key"].as_str().unwrap()).unwrap();
        let value: Value = serde_json::from_str(body["value"].as_str().unwrap()).unwrap();
        (status, key, value)
    }

    /// SCIM groups as the state snapshot shows them: name → member usernames.
    async fn scaleway_groups(&self) -> Vec<(String, Vec<String>)> {
        let state = self.scim.harness.state().await;
        state["iam_groups"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|group| group["organization_id"] == self.scim.harness.org().as_str())
            .map(|group| {
                let usernames = group["user_ids"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|id| {
                        state["iam_users"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .find(|user| &user["id"] == id)
                            .unwrap()["username"]
                            .as_str()
                            .unwrap()
                            .to_string()
                    })
                    .collect();
                (group["name"].as_str().unwrap().to_string(), usernames)
            })
            .collect()
    }
}

/// The user mapping edits (userName expression, no `name.formatted`) and, for groups, the
/// group mapping `enabled` with its `externalId` row deleted (or kept).
fn edit(groups_enabled: bool, keep_external_id: bool) -> impl Fn(&mut Value, &Value) {
    move |schema, username_source| {
        for mapping in schema["synchronizationRules"][0]["objectMappings"]
            .as_array_mut()
            .unwrap()
        {
            let is_group = mapping["sourceObjectName"] == "Group";
            if is_group {
                mapping["enabled"] = json!(groups_enabled);
            }
            let attributes = mapping["attributeMappings"].as_array_mut().unwrap();
            if is_group {
                if !keep_external_id {
                    attributes.retain(|attribute| attribute["targetAttributeName"] != "externalId");
                }
            } else {
                attributes.retain(|attribute| attribute["targetAttributeName"] != "name.formatted");
                for attribute in attributes {
                    if attribute["targetAttributeName"] == "userName" {
                        attribute["source"] = username_source.clone();
                    }
                }
            }
        }
    }
}

fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names
}

#[tokio::test]
async fn graph_lists_direct_and_transitive_members_with_their_types() {
    let entra = Entra::start().await;
    let engineering = entra.group_id("Engineering");
    let platform = entra.group_id("Platform");
    let (status, group) = entra
        .graph(
            Method::GET,
            &format!("/groups/{engineering}?$select=id,displayName"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(group["displayName"], "Engineering");

    let (status, members) = entra
        .graph(
            Method::GET,
            &format!(
                "/groups/{engineering}/members?$select=id,displayName,userPrincipalName&$top=999"
            ),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{members}");
    let items = members["value"].as_array().unwrap();
    let types: Vec<&str> = items
        .iter()
        .map(|member| member["@odata.type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "#microsoft.graph.user",
            "#microsoft.graph.user",
            "#microsoft.graph.group"
        ]
    );
    let nested = &items[2];
    assert_eq!(nested["id"], platform.as_str());
    assert_eq!(nested["displayName"], "Platform");
    assert!(nested.get("userPrincipalName").is_none(), "{nested}");
    assert!(items[0]["userPrincipalName"].is_string());
    assert!(
        items[0].get("mail").is_none(),
        "$select keeps only what was asked"
    );

    // transitiveMembers: the nested group and its member too; paged by $top.
    let mut next = Some(format!(
        "{}/v1.0/groups/{engineering}/transitiveMembers?$select=id,displayName&$top=2",
        entra.scim.harness.sandbox.urls().graph
    ));
    let mut seen = Vec::new();
    let mut pages = 0;
    while let Some(url) = next {
        let (status, page) = entra.graph(Method::GET, &url, None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        pages += 1;
        for member in page["value"].as_array().unwrap() {
            seen.push((
                member["@odata.type"].as_str().unwrap().to_string(),
                member["displayName"].as_str().unwrap().to_string(),
            ));
        }
        next = page["@odata.nextLink"].as_str().map(str::to_string);
    }
    assert_eq!(pages, 2);
    assert_eq!(seen.len(), 4, "{seen:?}");
    assert!(seen.contains(&("#microsoft.graph.group".into(), "Platform".into())));
    assert!(seen.contains(&("#microsoft.graph.user".into(), "Paul Plain".into())));

    let (status, sales) = entra
        .graph(
            Method::GET,
            &format!("/groups/{}/members", entra.group_id("Sales")),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sales["value"].as_array().unwrap().len(), 2);
    let (status, error) = entra
        .graph(
            Method::GET,
            &format!("/groups/{engineering}/members?$select=id,shoeSize"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    let (status, _) = entra
        .graph(
            Method::GET,
            "/groups/00000000-0000-4000-8000-000000000000/transitiveMembers",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_cycle_provisions_assigned_groups_with_their_direct_user_members() {
    let entra = Entra::start().await;
    let job = entra.job(edit(true, false)).await;
    entra.assign(&job, &entra.group_id("Sales")).await;
    entra.assign(&job, &entra.group_id("Engineering")).await;
    let summary = entra.run_cycle(&job).await;
    assert_eq!(summary["lastExecution"]["state"], "Succeeded", "{summary}");

    let groups = entra.scaleway_groups().await;
    let members_of = |name: &str| {
        sorted(
            groups
                .iter()
                .find(|(group, _)| group == name)
                .unwrap_or_else(|| panic!("no {name}: {groups:?}"))
                .1
                .clone(),
        )
    };
    assert_eq!(members_of("Sales"), ["alex.wilber", "lee.gu"]);
    // Direct user members only: Platform (nested) and its member Paul are skipped.
    assert_eq!(members_of("Engineering"), ["adele.vance", "megan.bowen"]);
    assert!(!groups.iter().any(|(name, _)| name == "Platform"));
    let usernames: Vec<String> = entra.scim.harness.state().await["scim_users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|user| user["userName"].as_str().unwrap().to_string())
        .collect();
    assert!(
        !usernames.contains(&"paul.plain".to_string()),
        "{usernames:?}"
    );

    // As Entra does it: match without members, create without members, then add them.
    let exchanges = entra.exchanges(&job).await;
    let group_calls: Vec<&Value> = exchanges
        .iter()
        .filter(|exchange| exchange["url"].as_str().unwrap().contains("/Groups"))
        .collect();
    let matched = group_calls[0]["url"].as_str().unwrap();
    assert!(matched.contains("excludedAttributes=members"), "{matched}");
    assert!(
        matched.contains("filter=displayName+eq+%22Sales%22"),
        "{matched}"
    );
    let create = group_calls
        .iter()
        .find(|exchange| exchange["method"] == "POST")
        .unwrap();
    assert_eq!(create["status"], 201);
    assert_eq!(create["requestBody"]["displayName"], "Sales");
    assert!(create["requestBody"].get("members").is_none());
    assert!(create["requestBody"].get("externalId").is_none());
    let add = group_calls
        .iter()
        .find(|exchange| exchange["method"] == "PATCH")
        .unwrap();
    assert_eq!(add["status"], 200);
    let operation = &add["requestBody"]["Operations"][0];
    assert_eq!(operation["op"], "Add");
    assert_eq!(operation["path"], "members");
    assert_eq!(operation["value"].as_array().unwrap().len(), 2);

    // Nothing changed: the next cycle sends nothing to the groups.
    let before = exchanges.len();
    entra.run_cycle(&job).await;
    let later = entra.exchanges(&job).await;
    assert!(
        later[before..]
            .iter()
            .all(|exchange| !exchange["url"].as_str().unwrap().contains("/Groups")),
        "{:?}",
        &later[before..]
    );
}

#[tokio::test]
async fn with_the_group_mapping_disabled_only_members_are_provisioned() {
    let entra = Entra::start().await;
    let job = entra.job(edit(false, true)).await;
    entra.assign(&job, &entra.group_id("Engineering")).await;
    let summary = entra.run_cycle(&job).await;
    assert_eq!(summary["lastExecution"]["state"], "Succeeded", "{summary}");
    let exchanges = entra.exchanges(&job).await;
    assert!(
        exchanges
            .iter()
            .all(|exchange| !exchange["url"].as_str().unwrap().contains("/Groups"))
    );
    let state = entra.scim.harness.state().await;
    assert_eq!(state["scim_groups"], json!([]));
    let usernames: Vec<&str> = state["scim_users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|user| user["userName"].as_str().unwrap())
        .collect();
    assert_eq!(
        sorted(usernames.iter().map(|name| name.to_string()).collect()),
        ["adele.vance", "megan.bowen"]
    );
}

#[tokio::test]
async fn an_external_id_mapping_left_in_place_makes_scaleway_refuse_the_group() {
    let entra = Entra::start().await;
    let job = entra.job(edit(true, true)).await;
    entra.assign(&job, &entra.group_id("Sales")).await;
    let summary = entra.run_cycle(&job).await;
    assert_eq!(
        summary["lastExecution"]["state"], "EntryLevelErrors",
        "{summary}"
    );
    assert_eq!(summary["quarantined"], false);
    let exchanges = entra.exchanges(&job).await;
    let create = exchanges
        .iter()
        .find(|exchange| {
            exchange["method"] == "POST" && exchange["url"].as_str().unwrap().ends_with("/Groups")
        })
        .unwrap();
    assert_eq!(create["status"], 400);
    assert_eq!(
        create["requestBody"]["externalId"],
        entra.group_id("Sales").as_str()
    );
    assert!(
        create["responseBody"]["detail"]
            .as_str()
            .unwrap()
            .contains("externalId")
    );
    assert_eq!(entra.scim.harness.state().await["scim_groups"], json!([]));
}

#[tokio::test]
async fn an_entra_group_named_like_an_existing_scaleway_group_is_matched_and_patched() {
    let entra = Entra::start().await;
    let job = entra.job(edit(true, false)).await;
    entra.assign(&job, &entra.group_id("Marketing")).await;
    entra.run_cycle(&job).await;
    let groups = entra.scaleway_groups().await;
    let marketing: Vec<&(String, Vec<String>)> = groups
        .iter()
        .filter(|(name, _)| name == "Marketing")
        .collect();
    assert_eq!(marketing.len(), 1, "{groups:?}");
    assert_eq!(
        sorted(marketing[0].1.clone()),
        ["bob", "carol", "gloria.global"]
    );
    let exchanges = entra.exchanges(&job).await;
    assert!(
        !exchanges.iter().any(|exchange| exchange["method"] == "POST"
            && exchange["url"].as_str().unwrap().ends_with("/Groups"))
    );
}

#[tokio::test]
async fn provision_on_demand_of_a_group_needs_its_members() {
    let entra = Entra::start().await;
    let job = entra.job(edit(true, false)).await;
    let sales = entra.group_id("Sales");
    let alex = entra.user_id("alex.wilber");
    entra.assign(&job, &sales).await;

    // Without links.members: a 200 whose result is a Failure.
    let (status, key, value) = entra
        .on_demand(&job, json!({"objectId": sales, "objectTypeName": "Group"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(key["result"], "Failure", "{key}");
    assert_eq!(key["details"]["errorCode"], "GroupMembersRequired");
    assert_eq!(value["sourceIdentity"]["id"], sales.as_str());
    assert_eq!(entra.scim.harness.state().await["scim_groups"], json!([]));

    // More than five members at once: a Failure too.
    let six: Vec<Value> = (0..6)
        .map(|_| json!({"objectId": alex, "objectTypeName": "User"}))
        .collect();
    let (_, key, _) = entra
        .on_demand(
            &job,
            json!({"objectId": sales, "objectTypeName": "Group", "links": {"members": six}}),
        )
        .await;
    assert_eq!(key["details"]["errorCode"], "TooManyGroupMembers", "{key}");

    // A group as a linked member (nesting): refused outright.
    let (status, body, _) = entra
        .on_demand(
            &job,
            json!({"objectId": sales, "objectTypeName": "Group",
                   "links": {"members": [{"objectId": entra.group_id("Platform"), "objectTypeName": "Group"}]}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    // With one member: that user first, then the group with that member only.
    let (status, key, value) = entra
        .on_demand(
            &job,
            json!({"objectId": sales, "objectTypeName": "Group",
                   "links": {"members": [{"objectId": alex, "objectTypeName": "User"}]}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(key["result"], "Success", "{key} {value}");
    assert_eq!(value["sourceIdentity"]["type"], "Group");
    assert_eq!(value["sourceIdentity"]["id"], sales.as_str());
    assert!(value["targetIdentity"]["id"].is_string());
    let groups = entra.scaleway_groups().await;
    let members = &groups.iter().find(|(name, _)| name == "Sales").unwrap().1;
    assert_eq!(members, &["alex.wilber".to_string()]);

    // The next cycle adds the other member with a PATCH, and removes no one.
    let before = entra.exchanges(&job).await.len();
    entra.run_cycle(&job).await;
    let exchanges = entra.exchanges(&job).await;
    let patch = exchanges[before..]
        .iter()
        .find(|exchange| {
            exchange["method"] == "PATCH" && exchange["url"].as_str().unwrap().contains("/Groups/")
        })
        .unwrap();
    let operations = patch["requestBody"]["Operations"].as_array().unwrap();
    assert_eq!(operations.len(), 1, "{operations:?}");
    assert_eq!(operations[0]["op"], "Add");
    assert_eq!(operations[0]["value"].as_array().unwrap().len(), 1);
    let groups = entra.scaleway_groups().await;
    let members = &groups.iter().find(|(name, _)| name == "Sales").unwrap().1;
    assert_eq!(sorted(members.clone()), ["alex.wilber", "lee.gu"]);
}
