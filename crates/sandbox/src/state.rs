//! The simulated world (organizations, principals, API keys, SCIM configuration and tokens,
//! users, the request log) and the deterministic seed it starts from.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::clock::{SandboxClock, timestamp};
use crate::tenant::TenantSeed;

/// Mixed into the seed for the tenant's own RNG stream.
const TENANT_SEED_SALT: u64 = 0x5eed_e27a_0000_0001;

/// The demo organization and its fake API keys. Deterministic for a given seed.
///
/// These are **sandbox-only credentials**: they authenticate against this simulator and nothing
/// else. `Debug` redacts the secret keys anyway, because leak tests grep logs for them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedData {
    pub organization_id: String,
    /// "Acme".
    pub organization_name: String,
    /// A second organization ("Globex") that only the `OtherOrganization` key belongs to.
    pub other_organization_id: String,
    pub keys: Vec<SeedKey>,
    /// The simulated Entra ID tenant (directory users, groups, roles, known client ids).
    pub tenant: TenantSeed,
}

/// One fake API key of the seed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedKey {
    pub label: SeedKeyKind,
    /// `SCW` + 17 uppercase alphanumerics, like a real access key.
    pub access_key: String,
    /// A UUIDv4 string, like a real secret key: the value of `X-Auth-Token`.
    pub secret_key: String,
    /// Set when the key belongs to a user (exactly one of `user_id` / `application_id` is set).
    pub user_id: Option<String>,
    pub application_id: Option<String>,
}

/// What a seed key is for: who owns it and which rights it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedKeyKind {
    /// The Owner's own key: may do everything.
    Owner,
    /// A member user ("alice") with IAMManager. SCIM can lock or delete her, which kills her key.
    IamManagerMember,
    /// An application with IAMManager: the recommended key for the wizard.
    IamManagerApplication,
    /// An application with OrganizationManager.
    OrganizationManagerApplication,
    /// An application with IAMReadOnly: may read users and the organization, not manage SCIM.
    IamReadOnlyApplication,
    /// An application with ProjectManager only: no IAM rights at all.
    NoIamRights,
    /// An IAMManager application key whose `expires_at` is in the past: 401 `expired`.
    Expired,
    /// The Owner key of another organization ("Globex").
    OtherOrganization,
}

impl SeedData {
    /// The key of the given kind (every kind is seeded, so this is `Some` for a real seed).
    pub fn key(&self, kind: SeedKeyKind) -> Option<&SeedKey> {
        self.keys.iter().find(|key| key.label == kind)
    }
}

impl fmt::Debug for SeedData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeedData")
            .field("organization_id", &self.organization_id)
            .field("organization_name", &self.organization_name)
            .field("other_organization_id", &self.other_organization_id)
            .field("keys", &self.keys)
            .field("tenant", &self.tenant)
            .finish()
    }
}

impl fmt::Debug for SeedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeedKey")
            .field("label", &self.label)
            .field("access_key", &self.access_key)
            .field("secret_key", &"[redacted]")
            .field("user_id", &self.user_id)
            .field("application_id", &self.application_id)
            .finish()
    }
}

/// Permission sets a principal can hold (Owner status is modelled as one more set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum PermissionSet {
    OwnerStatus,
    IamManager,
    OrganizationManager,
    IamReadOnly,
    ProjectManager,
}

#[derive(Debug, Clone)]
pub(crate) struct OrganizationRecord {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) alias: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Copy)]
pub(crate) enum UserType {
    Owner,
    Member,
}

impl UserType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            UserType::Owner => "owner",
            UserType::Member => "member",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct UserRecord {
    pub(crate) id: String,
    pub(crate) organization_id: String,
    pub(crate) email: String,
    pub(crate) username: String,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    pub(crate) locale: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) last_login_at: Option<DateTime<Utc>>,
    pub(crate) user_type: UserType,
    pub(crate) mfa: bool,
    pub(crate) account_root_user_id: String,
    pub(crate) locked: bool,
    pub(crate) permission_sets: Vec<PermissionSet>,
    /// SCIM `externalId` (Entra's objectId), kept only by the SCIM side.
    pub(crate) external_id: Option<String>,
    pub(crate) provisioned_by_scim: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct ApplicationRecord {
    pub(crate) id: String,
    pub(crate) organization_id: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) permission_sets: Vec<PermissionSet>,
}

#[derive(Debug, Clone)]
pub(crate) struct ApiKeyRecord {
    pub(crate) kind: SeedKeyKind,
    pub(crate) access_key: String,
    pub(crate) secret_key: String,
    pub(crate) user_id: Option<String>,
    pub(crate) application_id: Option<String>,
    pub(crate) description: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) expires_at: Option<DateTime<Utc>>,
    pub(crate) default_project_id: String,
}

#[derive(Debug, Clone)]
pub(crate) struct ScimRecord {
    pub(crate) id: String,
    pub(crate) organization_id: String,
    pub(crate) created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub(crate) struct ScimTokenRecord {
    pub(crate) id: String,
    pub(crate) scim_id: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) expires_at: DateTime<Utc>,
    pub(crate) bearer_token: String,
    pub(crate) deleted: bool,
}

/// One entry of `GET /_sandbox/requests`. Credentials in headers are already redacted.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RequestLogEntry {
    pub(crate) request_id: String,
    pub(crate) time: String,
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) route: Option<String>,
    /// None when the connection was dropped before any answer.
    pub(crate) status: Option<u16>,
    /// `handled`, `injected_status`, `dropped` or `dropped_after_handling`.
    pub(crate) outcome: &'static str,
    pub(crate) duration_ms: u64,
    pub(crate) headers: BTreeMap<String, String>,
}

/// A SCIM request body as received, so tests can assert what a client sent (or never sent).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ReceivedScimBody {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) body: Value,
}

/// Keeps a long-running practice sandbox from growing without bound.
const REQUEST_LOG_CAPACITY: usize = 10_000;

#[derive(Debug)]
pub(crate) struct World {
    pub(crate) clock: SandboxClock,
    /// Ids and secrets minted at run time come from here, so a scripted session is reproducible.
    pub(crate) rng: StdRng,
    pub(crate) organizations: Vec<OrganizationRecord>,
    pub(crate) users: Vec<UserRecord>,
    pub(crate) applications: Vec<ApplicationRecord>,
    pub(crate) api_keys: Vec<ApiKeyRecord>,
    pub(crate) scim_configs: Vec<ScimRecord>,
    pub(crate) scim_tokens: Vec<ScimTokenRecord>,
    pub(crate) scim_bodies: Vec<ReceivedScimBody>,
    pub(crate) request_log: VecDeque<RequestLogEntry>,
    pub(crate) request_counts: BTreeMap<String, u64>,
}

pub(crate) fn new_uuid(rng: &mut StdRng) -> String {
    uuid::Builder::from_random_bytes(rng.random())
        .into_uuid()
        .to_string()
}

fn new_access_key(rng: &mut StdRng) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let suffix: String = (0..17)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("SCW{suffix}")
}

/// A short, non-reversible tag of a secret, for logs and state dumps.
pub(crate) fn fingerprint(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    let hex: String = digest
        .iter()
        .take(4)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("sha256:{hex}")
}

impl World {
    /// Builds the seeded world; the same `seed` always gives the same ids, names and keys.
    pub(crate) fn seeded(seed: u64) -> (World, SeedData) {
        let mut rng = StdRng::seed_from_u64(seed);
        let clock = SandboxClock::default();
        let now = clock.now();
        let days_ago = |days: i64| now - Duration::days(days);

        let acme = OrganizationRecord {
            id: new_uuid(&mut rng),
            name: "Acme".into(),
            alias: "acme".into(),
        };
        let globex = OrganizationRecord {
            id: new_uuid(&mut rng),
            name: "Globex".into(),
            alias: "globex".into(),
        };

        let mut users = Vec::new();
        let mut add_user = |rng: &mut StdRng,
                            org: &str,
                            username: &str,
                            first: &str,
                            last: &str,
                            owner: bool,
                            age_days: i64,
                            sets: Vec<PermissionSet>| {
            let id = new_uuid(rng);
            let user = UserRecord {
                id: id.clone(),
                organization_id: org.to_string(),
                email: format!(
                    "{username}@{}.example",
                    if org == acme.id { "acme" } else { "globex" }
                ),
                username: username.to_string(),
                first_name: first.to_string(),
                last_name: last.to_string(),
                locale: "en_US".into(),
                created_at: days_ago(age_days),
                updated_at: days_ago(age_days),
                last_login_at: owner.then(|| days_ago(1)),
                user_type: if owner {
                    UserType::Owner
                } else {
                    UserType::Member
                },
                mfa: owner,
                account_root_user_id: new_uuid(rng),
                locked: false,
                permission_sets: sets,
                external_id: None,
                provisioned_by_scim: false,
            };
            users.push(user);
            id
        };
        use PermissionSet::*;
        let owner_id = add_user(
            &mut rng,
            &acme.id,
            "olivia.owner",
            "Olivia",
            "Owner",
            true,
            400,
            vec![OwnerStatus],
        );
        let alice_id = add_user(
            &mut rng,
            &acme.id,
            "alice",
            "Alice",
            "Admin",
            false,
            300,
            vec![IamManager],
        );
        // Enough plain members that paging through `GET /users` takes several pages at size 3.
        for (index, (username, first, last)) in [
            ("bob", "Bob", "Builder"),
            ("carol", "Carol", "Cloud"),
            ("dave", "Dave", "Devops"),
            ("erin", "Erin", "Engineer"),
            ("frank", "Frank", "Finance"),
        ]
        .into_iter()
        .enumerate()
        {
            add_user(
                &mut rng,
                &acme.id,
                username,
                first,
                last,
                false,
                200 - index as i64 * 10,
                vec![ProjectManager],
            );
        }
        let globex_owner_id = add_user(
            &mut rng,
            &globex.id,
            "gina.globex",
            "Gina",
            "Globex",
            true,
            500,
            vec![OwnerStatus],
        );

        let mut applications = Vec::new();
        let mut add_application =
            |rng: &mut StdRng, name: &str, description: &str, sets: Vec<PermissionSet>| {
                let id = new_uuid(rng);
                applications.push(ApplicationRecord {
                    id: id.clone(),
                    organization_id: acme.id.clone(),
                    name: name.to_string(),
                    description: description.to_string(),
                    created_at: days_ago(100),
                    permission_sets: sets,
                });
                id
            };
        let iam_manager_app = add_application(
            &mut rng,
            "scim-wizard",
            "IAMManager: may manage SCIM",
            vec![IamManager],
        );
        let org_manager_app = add_application(
            &mut rng,
            "org-admin",
            "OrganizationManager",
            vec![OrganizationManager],
        );
        let read_only_app =
            add_application(&mut rng, "iam-auditor", "IAMReadOnly", vec![IamReadOnly]);
        let no_iam_app = add_application(
            &mut rng,
            "ci-deployer",
            "ProjectManager only",
            vec![ProjectManager],
        );
        let expired_app = add_application(
            &mut rng,
            "old-automation",
            "IAMManager, key expired",
            vec![IamManager],
        );

        let project_id = new_uuid(&mut rng);
        let globex_project_id = new_uuid(&mut rng);
        let mut api_keys = Vec::new();
        let owners: [(SeedKeyKind, Option<&String>, Option<&String>); 8] = [
            (SeedKeyKind::Owner, Some(&owner_id), None),
            (SeedKeyKind::IamManagerMember, Some(&alice_id), None),
            (
                SeedKeyKind::IamManagerApplication,
                None,
                Some(&iam_manager_app),
            ),
            (
                SeedKeyKind::OrganizationManagerApplication,
                None,
                Some(&org_manager_app),
            ),
            (
                SeedKeyKind::IamReadOnlyApplication,
                None,
                Some(&read_only_app),
            ),
            (SeedKeyKind::NoIamRights, None, Some(&no_iam_app)),
            (SeedKeyKind::Expired, None, Some(&expired_app)),
            (SeedKeyKind::OtherOrganization, Some(&globex_owner_id), None),
        ];
        for (kind, user_id, application_id) in owners {
            let access_key = new_access_key(&mut rng);
            let secret_key = new_uuid(&mut rng);
            api_keys.push(ApiKeyRecord {
                kind,
                access_key,
                secret_key,
                user_id: user_id.cloned(),
                application_id: application_id.cloned(),
                description: format!("sandbox {kind:?} key"),
                created_at: days_ago(90),
                expires_at: (kind == SeedKeyKind::Expired).then(|| days_ago(1)),
                default_project_id: if kind == SeedKeyKind::OtherOrganization {
                    globex_project_id.clone()
                } else {
                    project_id.clone()
                },
            });
        }

        let seed_data = SeedData {
            organization_id: acme.id.clone(),
            organization_name: acme.name.clone(),
            other_organization_id: globex.id.clone(),
            keys: api_keys
                .iter()
                .map(|key| SeedKey {
                    label: key.kind,
                    access_key: key.access_key.clone(),
                    secret_key: key.secret_key.clone(),
                    user_id: key.user_id.clone(),
                    application_id: key.application_id.clone(),
                })
                .collect(),
            // A separate RNG stream, so adding tenant data never shifts the Scaleway ids.
            tenant: TenantSeed::seeded(&mut StdRng::seed_from_u64(seed ^ TENANT_SEED_SALT)),
        };

        let world = World {
            clock,
            rng,
            organizations: vec![acme, globex],
            users,
            applications,
            api_keys,
            scim_configs: Vec::new(),
            scim_tokens: Vec::new(),
            scim_bodies: Vec::new(),
            request_log: VecDeque::new(),
            request_counts: BTreeMap::new(),
        };
        (world, seed_data)
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub(crate) fn log_request(&mut self, entry: RequestLogEntry) {
        if self.request_log.len() >= REQUEST_LOG_CAPACITY {
            self.request_log.pop_front();
        }
        self.request_log.push_back(entry);
    }

    pub(crate) fn count_request(&mut self, route: &str) {
        *self.request_counts.entry(route.to_string()).or_default() += 1;
    }

    pub(crate) fn organization(&self, id: &str) -> Option<&OrganizationRecord> {
        self.organizations.iter().find(|org| org.id == id)
    }

    pub(crate) fn user(&self, id: &str) -> Option<&UserRecord> {
        self.users.iter().find(|user| user.id == id)
    }

    pub(crate) fn scim_for_organization(&self, organization_id: &str) -> Option<&ScimRecord> {
        self.scim_configs
            .iter()
            .find(|scim| scim.organization_id == organization_id)
    }

    pub(crate) fn scim(&self, scim_id: &str) -> Option<&ScimRecord> {
        self.scim_configs.iter().find(|scim| scim.id == scim_id)
    }

    /// The whole state for `GET /_sandbox/state`. Secrets appear only as fingerprints.
    pub(crate) fn dump(&self, fault_spec: &str) -> Value {
        let now = self.now();
        json!({
            "clock": {"now": timestamp(now), "offset_seconds": self.clock.offset_seconds()},
            "organizations": self.organizations.iter().map(|org| json!({
                "id": org.id, "name": org.name, "alias": org.alias,
            })).collect::<Vec<_>>(),
            "scim": self.scim_configs.iter().map(|scim| json!({
                "id": scim.id, "organization_id": scim.organization_id,
                "created_at": timestamp(scim.created_at),
            })).collect::<Vec<_>>(),
            "scim_tokens": self.scim_tokens.iter().map(|token| json!({
                "id": token.id,
                "scim_id": token.scim_id,
                "created_at": timestamp(token.created_at),
                "expires_at": timestamp(token.expires_at),
                "deleted": token.deleted,
                "expired": token.expires_at <= now,
                "bearer_token_fingerprint": fingerprint(&token.bearer_token),
            })).collect::<Vec<_>>(),
            "iam_users": self.users.iter().map(|user| json!({
                "id": user.id,
                "organization_id": user.organization_id,
                "username": user.username,
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "type": user.user_type.as_str(),
                "locked": user.locked,
                "permission_sets": user.permission_sets,
                "external_id": user.external_id,
                "provisioned_by_scim": user.provisioned_by_scim,
            })).collect::<Vec<_>>(),
            "scim_users": self.users.iter().filter(|user| user.provisioned_by_scim).map(|user| json!({
                "id": user.id, "userName": user.username, "externalId": user.external_id,
                "active": !user.locked,
            })).collect::<Vec<_>>(),
            "applications": self.applications.iter().map(|app| json!({
                "id": app.id, "name": app.name, "organization_id": app.organization_id,
                "permission_sets": app.permission_sets,
            })).collect::<Vec<_>>(),
            "api_keys": self.api_keys.iter().map(|key| json!({
                "kind": key.kind,
                "access_key": key.access_key,
                "secret_key_fingerprint": fingerprint(&key.secret_key),
                "user_id": key.user_id,
                "application_id": key.application_id,
                "expires_at": key.expires_at.map(timestamp),
            })).collect::<Vec<_>>(),
            "scim_request_bodies": self.scim_bodies,
            "request_counts": self.request_counts,
            "faults": fault_spec,
        })
    }
}
