//! The deterministic seed: the demo organization ("Acme"), a second one ("Globex"), their
//! people, groups and applications, one fake API key per [`SeedKeyKind`], and the simulated
//! Entra tenant. The same seed always gives the same ids, names and keys.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use super::state::{
    ApiKeyRecord, ApplicationRecord, GroupRecord, ManagedGroup, OrganizationRecord, PermissionSet,
    ScalewayState, UserRecord, UserType,
};
use super::unverified::{ALL_APPLICATIONS_DESCRIPTION, ALL_USERS_DESCRIPTION};
use crate::tenant::TenantSeed;

/// Mixed into the seed for the tenant's own RNG stream.
const TENANT_SEED_SALT: u64 = 0x5eed_e27a_0000_0001;
/// Mixed into the seed for the IAM groups' own RNG stream (so groups shift no other id).
const GROUPS_SEED_SALT: u64 = 0x5eed_960b_0000_0002;

/// The ordinary group Acme already has before any setup (its name is also an Entra group's, so
/// a scope check can find the clash). Members: bob and carol.
pub(crate) const SEEDED_ACME_GROUP: &str = "Marketing";

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

/// Builds the seeded Scaleway side, dated back from `now`; the same `seed` always gives the
/// same ids, names and keys (and the same tenant, drawn from its own stream).
pub(crate) fn seeded(seed: u64, now: DateTime<Utc>) -> (ScalewayState, SeedData) {
    let mut rng = StdRng::seed_from_u64(seed);
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
    let read_only_app = add_application(&mut rng, "iam-auditor", "IAMReadOnly", vec![IamReadOnly]);
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

    // A member made by hand whose username is what Entra will send for the tenant's admin Inès
    // Admin (the UPN's local part): a setup that assigns her takes this account over. Drawn
    // last, so the ids above stay as they were.
    add_user(
        &mut rng,
        &acme.id,
        "ines.admin",
        "Ines",
        "Admin",
        false,
        150,
        vec![ProjectManager],
    );

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

    let groups = seeded_groups(
        &mut StdRng::seed_from_u64(seed ^ GROUPS_SEED_SALT),
        &[(&acme.id, 400), (&globex.id, 500)],
        &users,
        &acme.id,
        days_ago,
    );

    let state = ScalewayState {
        rng,
        organizations: vec![acme, globex],
        users,
        groups,
        applications,
        api_keys,
        scim_configs: Vec::new(),
        scim_tokens: Vec::new(),
    };
    (state, seed_data)
}

/// Every Organization's two managed groups ("All Users", "All Applications"), dated from the
/// Organization's creation, and Acme's one ordinary group ([`SEEDED_ACME_GROUP`]).
fn seeded_groups(
    rng: &mut StdRng,
    organizations: &[(&String, i64)],
    users: &[UserRecord],
    acme_id: &str,
    days_ago: impl Fn(i64) -> DateTime<Utc>,
) -> Vec<GroupRecord> {
    let mut groups = Vec::new();
    for (organization_id, age_days) in organizations {
        for (name, description, managed) in [
            ("All Users", ALL_USERS_DESCRIPTION, ManagedGroup::AllUsers),
            (
                "All Applications",
                ALL_APPLICATIONS_DESCRIPTION,
                ManagedGroup::AllApplications,
            ),
        ] {
            groups.push(GroupRecord {
                id: new_uuid(rng),
                organization_id: (*organization_id).clone(),
                name: name.to_string(),
                description: description.to_string(),
                created_at: days_ago(*age_days),
                updated_at: days_ago(*age_days),
                user_ids: Vec::new(),
                application_ids: Vec::new(),
                managed: Some(managed),
                provisioned_by_scim: false,
            });
        }
    }
    let member = |username: &str| {
        users
            .iter()
            .find(|user| user.organization_id == acme_id && user.username == username)
            .map(|user| user.id.clone())
    };
    groups.push(GroupRecord {
        id: new_uuid(rng),
        organization_id: acme_id.to_string(),
        name: SEEDED_ACME_GROUP.to_string(),
        description: "Created in the console before SCIM".to_string(),
        created_at: days_ago(150),
        updated_at: days_ago(150),
        user_ids: ["bob", "carol"].into_iter().filter_map(member).collect(),
        application_ids: Vec::new(),
        managed: None,
        provisioned_by_scim: false,
    });
    groups
}
