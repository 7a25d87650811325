//! The simulated Entra ID tenant: its id and domain, the people in its directory, their
//! directory roles, and its groups. Read-only after seeding; the login and Graph simulators
//! both read it (the login simulator to know who signs in, Graph for `/me`, `/users`, `/groups`
//! and the provisioning simulator's source data).

use rand::Rng;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

/// Well-known directory role template ids (the same in every tenant), from Microsoft's
/// "Microsoft Entra built-in roles" list.
pub(crate) const ROLE_GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";
pub(crate) const ROLE_APPLICATION_ADMINISTRATOR: &str = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3";
pub(crate) const ROLE_CLOUD_APPLICATION_ADMINISTRATOR: &str =
    "158c047a-c907-4556-b7ef-446551a6b5f7";

/// Microsoft Graph Command Line Tools: the default public client the wizard signs in with.
pub(crate) const GRAPH_CLI_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

/// A person in the simulated directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantUser {
    pub id: String,
    pub user_principal_name: String,
    pub display_name: String,
    pub given_name: String,
    pub surname: String,
    pub mail: String,
    /// Directory role template ids the user holds.
    pub directory_roles: Vec<String>,
}

/// A security group of the simulated directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantGroup {
    pub id: String,
    pub display_name: String,
    /// Ids of the direct member users. Only these are in scope through the group and sent as
    /// its members when groups are provisioned.
    pub members: Vec<String>,
    /// Ids of the direct member groups (nested groups). Graph lists them as members; Entra's
    /// provisioning skips them (and their members), and Scaleway has no nested groups.
    #[serde(default)]
    pub member_groups: Vec<String>,
}

/// What `/_sandbox/seed` and [`crate::Sandbox::seed_data`] say about the tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantSeed {
    pub tenant_id: String,
    pub display_name: String,
    /// The initial verified domain, e.g. `contoso.onmicrosoft.com`.
    pub domain: String,
    /// Public client ids the login simulator knows (others get `AADSTS700016`).
    pub client_ids: Vec<String>,
    /// The admin who signs in by default (Cloud Application Administrator).
    pub admin_upn: String,
    /// A user without any directory role, for the "missing role" preflight path.
    pub plain_user_upn: String,
    pub users: Vec<TenantUser>,
    pub groups: Vec<TenantGroup>,
}

/// The group of the people [`TenantSeed::add_staff`] generates.
pub const STAFF_GROUP: &str = "Staff";

/// The tenant's second verified domain (its first is [`TenantSeed::domain`]).
pub const SECOND_DOMAIN: &str = "fabrikam.example";

impl TenantSeed {
    /// Adds `count` generated people (`staff.00001@…`), all in the group [`STAFF_GROUP`]: a
    /// large directory, drawn from its own RNG stream so the seeded ids stay as they were.
    pub(crate) fn add_staff(&mut self, count: usize, seed: u64) {
        if count == 0 {
            return;
        }
        let mut rng = StdRng::seed_from_u64(seed ^ 0x5747_4146_4600_0001);
        let mut members = Vec::with_capacity(count);
        for index in 1..=count {
            let local = format!("staff.{index:05}");
            let user = TenantUser {
                id: guid(&mut rng),
                user_principal_name: format!("{local}@{}", self.domain),
                display_name: format!("Staff {index:05}"),
                given_name: "Staff".to_string(),
                surname: format!("{index:05}"),
                mail: format!("{local}@contoso.example"),
                directory_roles: Vec::new(),
            };
            members.push(user.id.clone());
            self.users.push(user);
        }
        self.groups.push(TenantGroup {
            id: guid(&mut rng),
            display_name: STAFF_GROUP.to_string(),
            members,
            member_groups: Vec::new(),
        });
    }

    pub fn user_by_upn(&self, upn: &str) -> Option<&TenantUser> {
        self.users
            .iter()
            .find(|user| user.user_principal_name.eq_ignore_ascii_case(upn))
    }

    pub fn user_by_id(&self, id: &str) -> Option<&TenantUser> {
        self.users.iter().find(|user| user.id == id)
    }

    pub fn group_by_id(&self, id: &str) -> Option<&TenantGroup> {
        self.groups.iter().find(|group| group.id == id)
    }

    pub fn group_by_name(&self, display_name: &str) -> Option<&TenantGroup> {
        self.groups
            .iter()
            .find(|group| group.display_name == display_name)
    }

    /// Seeds the tenant from the sandbox's RNG, so ids are the same for the same seed.
    pub(crate) fn seeded(rng: &mut StdRng) -> TenantSeed {
        let tenant_id = guid(rng);
        let domain = "contoso.onmicrosoft.com".to_string();
        let person = |rng: &mut StdRng, local: &str, given: &str, surname: &str, roles: &[&str]| {
            TenantUser {
                id: guid(rng),
                user_principal_name: format!("{local}@{domain}"),
                display_name: format!("{given} {surname}"),
                given_name: given.to_string(),
                surname: surname.to_string(),
                mail: format!("{local}@contoso.example"),
                directory_roles: roles.iter().map(|role| (*role).to_string()).collect(),
            }
        };
        let users = vec![
            person(
                rng,
                "ines.admin",
                "Inès",
                "Admin",
                &[ROLE_CLOUD_APPLICATION_ADMINISTRATOR],
            ),
            person(rng, "paul.plain", "Paul", "Plain", &[]),
            person(rng, "adele.vance", "Adele", "Vance", &[]),
            person(rng, "alex.wilber", "Alex", "Wilber", &[]),
            person(rng, "megan.bowen", "Megan", "Bowen", &[]),
            person(rng, "lee.gu", "Lee", "Gu", &[]),
            person(
                rng,
                "gloria.global",
                "Gloria",
                "Global",
                &[ROLE_GLOBAL_ADMINISTRATOR],
            ),
        ];
        let group = |rng: &mut StdRng, name: &str, members: &[usize]| TenantGroup {
            id: guid(rng),
            display_name: name.to_string(),
            members: members
                .iter()
                .map(|index| users[*index].id.clone())
                .collect(),
            member_groups: Vec::new(),
        };
        // Drawn in this order so earlier groups keep their ids when groups are added.
        let mut groups = vec![
            group(rng, "Scaleway users", &[2, 3]),
            group(rng, "Finance", &[4]),
            // Two users.
            group(rng, "Sales", &[3, 5]),
            // Two users and the nested group "Platform".
            group(rng, "Engineering", &[2, 4]),
            // Nested in "Engineering": Paul is a member of Engineering only through it.
            group(rng, "Platform", &[1]),
            // Same name as the ordinary group the Scaleway seed's Acme already has.
            group(rng, "Marketing", &[6]),
        ];
        let platform = groups[4].id.clone();
        groups[3].member_groups.push(platform);
        // Two people whose UPNs share a local part in the tenant's two domains: the guide's
        // userName expression gives both "jordan.lee". Drawn after the groups, so the ids above
        // stay as they were; both are in "Support".
        let mut users = users;
        for domain in [&domain, &SECOND_DOMAIN.to_string()] {
            users.push(TenantUser {
                id: guid(rng),
                user_principal_name: format!("jordan.lee@{domain}"),
                display_name: "Jordan Lee".to_string(),
                given_name: "Jordan".to_string(),
                surname: "Lee".to_string(),
                mail: format!("jordan.lee@{domain}"),
                directory_roles: Vec::new(),
            });
        }
        let support = TenantGroup {
            id: guid(rng),
            display_name: "Support".to_string(),
            members: users[users.len() - 2..]
                .iter()
                .map(|user| user.id.clone())
                .collect(),
            member_groups: Vec::new(),
        };
        groups.push(support);
        TenantSeed {
            tenant_id,
            display_name: "Contoso".to_string(),
            admin_upn: users[0].user_principal_name.clone(),
            plain_user_upn: users[1].user_principal_name.clone(),
            domain,
            client_ids: vec![GRAPH_CLI_CLIENT_ID.to_string()],
            users,
            groups,
        }
    }
}

/// A lowercase GUID drawn from the seeded RNG.
pub(crate) fn guid(rng: &mut StdRng) -> String {
    let bytes: [u8; 16] = rng.random();
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}
