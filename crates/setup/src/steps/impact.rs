//! Before anyone is assigned: who the setup will create in Scaleway, who it will take over, who
//! would collide, and who it leaves alone.
//!
//! Scaleway's SCIM server matches the people Entra sends to its users by username only
//! (docs/services.md, "Users"), so an existing member whose username equals what Entra will send
//! becomes managed by Entra, and two people whose UPNs share a local part would both land on one
//! account under the guide's `userName` expression. Everything here is read, nothing written.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use scim_wizard_entra::MappingOptions;
use scim_wizard_entra::graph::GroupMember;
use scim_wizard_scaleway::scim_base::ScimProbe;
use scim_wizard_scaleway::{ScalewayClient, UserType};
use serde::Serialize;
use tokio::task::JoinSet;
use url::Url;

use crate::engine::SetupEngine;
use crate::failure::SetupError;
use crate::report::PrincipalRef;
use crate::scaleway_step::ScalewaySide;
use crate::secret::Secret;
use crate::steps::assignments::ResolvedPrincipal;
use crate::steps::proof::expected_username;

/// Users per Organization, as Scaleway's IAM FAQ says (no API tells it: docs/services.md).
pub const USER_QUOTA: u32 = 50;

/// Someone Entra will create in Scaleway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewUser {
    pub upn: String,
    pub username: String,
}

/// A detail of an existing Scaleway user that will follow Entra from now on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DetailChange {
    /// `name` or `email`.
    pub field: ChangedDetail,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ChangedDetail {
    Name,
    Email,
}

/// An existing Scaleway user whose username equals what Entra will send: managed by Entra from
/// now on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TakenOver {
    pub upn: String,
    pub username: String,
    pub user_id: String,
    /// What will change on their Scaleway account (empty: nothing visible).
    pub changes: Vec<DetailChange>,
}

/// Two or more people who would get the same Scaleway username.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UsernameCollision {
    pub username: String,
    pub upns: Vec<String>,
}

/// A Scaleway user nobody in scope maps to: left as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Untouched {
    pub username: String,
    pub user_id: String,
    /// The Organization's Owner (said apart).
    pub owner: bool,
}

/// The Organization would hold more users than it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserQuota {
    pub existing: u32,
    pub adding: u32,
    pub limit: u32,
}

/// The four groups, with the user quota beside them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Impact {
    pub create: Vec<NewUser>,
    #[serde(rename = "match")]
    pub take_over: Vec<TakenOver>,
    pub collisions: Vec<UsernameCollision>,
    pub untouched: Vec<Untouched>,
    /// Set when the start would pass the Organization's user quota.
    pub over_quota: Option<UserQuota>,
    /// Usernames keep the domain (`jane@contoso.com`) instead of the guide's local part.
    pub keep_full_upn: bool,
}

impl Impact {
    /// Whether a collision stops the start.
    pub fn blocked(&self) -> bool {
        !self.collisions.is_empty()
    }
}

/// Someone in scope: assigned directly, or a user member of an assigned group (transitively).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InScope {
    pub(crate) id: String,
    pub(crate) upn: String,
    pub(crate) mail: Option<String>,
    pub(crate) given_name: Option<String>,
    pub(crate) surname: Option<String>,
}

impl InScope {
    fn from_member(member: GroupMember) -> Option<Self> {
        if !member.is_user() {
            return None;
        }
        Some(Self {
            upn: member.user_principal_name?,
            id: member.id,
            mail: member.mail,
            given_name: member.given_name,
            surname: member.surname,
        })
    }

    fn from_principal(principal: &ResolvedPrincipal) -> Option<Self> {
        (principal.kind == "User").then_some(())?;
        Some(Self {
            id: principal.id.clone(),
            upn: principal.user_principal_name.clone()?,
            mail: principal.mail.clone(),
            given_name: principal.given_name.clone(),
            surname: principal.surname.clone(),
        })
    }

    fn full_name(&self) -> String {
        join_name(self.given_name.as_deref(), self.surname.as_deref())
    }
}

/// A Scaleway user as the impact needs it (from the IAM users API, or SCIM with a token alone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExistingUser {
    pub(crate) id: String,
    pub(crate) username: String,
    pub(crate) email: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) owner: bool,
}

fn join_name(first: Option<&str>, last: Option<&str>) -> String {
    [first, last]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn non_empty(text: String) -> Option<String> {
    (!text.trim().is_empty()).then_some(text)
}

/// Usernames are compared ignoring case: SCIM's `userName` is not case-exact (RFC 7643 §4.1.1)
/// and Scaleway's matching is assumed to follow it (docs/services.md).
fn username_key(username: &str) -> String {
    username.to_lowercase()
}

/// Sorts the people in scope and Scaleway's users into the four groups (pure: what was read in,
/// the impact out).
pub(crate) fn sort_impact(
    people: &[InScope],
    existing: &[ExistingUser],
    mapping: &MappingOptions,
) -> Impact {
    let mut by_username: BTreeMap<String, Vec<&InScope>> = BTreeMap::new();
    for person in people {
        let key = username_key(&expected_username(&person.upn, mapping));
        let same = by_username.entry(key).or_default();
        if !same.iter().any(|p| p.id == person.id) {
            same.push(person);
        }
    }
    let existing_by_username: BTreeMap<String, &ExistingUser> = existing
        .iter()
        .map(|user| (username_key(&user.username), user))
        .collect();

    let mut impact = Impact {
        keep_full_upn: mapping.keep_full_upn,
        ..Impact::default()
    };
    for (key, same) in &by_username {
        let Some(first) = same.first() else { continue };
        let username = expected_username(&first.upn, mapping);
        if same.len() > 1 {
            let mut upns: Vec<String> = same.iter().map(|p| p.upn.clone()).collect();
            upns.sort();
            impact.collisions.push(UsernameCollision { username, upns });
            continue;
        }
        match existing_by_username.get(key) {
            Some(user) => impact.take_over.push(TakenOver {
                upn: first.upn.clone(),
                username,
                user_id: user.id.clone(),
                changes: detail_changes(first, user),
            }),
            None => impact.create.push(NewUser {
                upn: first.upn.clone(),
                username,
            }),
        }
    }
    for user in existing {
        if !by_username.contains_key(&username_key(&user.username)) {
            impact.untouched.push(Untouched {
                username: user.username.clone(),
                user_id: user.id.clone(),
                owner: user.owner,
            });
        }
    }
    impact
        .untouched
        .sort_by(|a, b| b.owner.cmp(&a.owner).then(a.username.cmp(&b.username)));

    let existing_count = u32::try_from(existing.len()).unwrap_or(u32::MAX);
    let adding = u32::try_from(impact.create.len()).unwrap_or(u32::MAX);
    if existing_count.saturating_add(adding) > USER_QUOTA {
        impact.over_quota = Some(UserQuota {
            existing: existing_count,
            adding,
            limit: USER_QUOTA,
        });
    }
    impact
}

/// What Entra's default mappings will overwrite on a taken-over account: the name
/// (`name.givenName`, `name.familyName`) and the work email (from `mail`). What Entra does not
/// send is not said to change.
fn detail_changes(person: &InScope, user: &ExistingUser) -> Vec<DetailChange> {
    let mut changes = Vec::new();
    let after = person.full_name();
    let before = join_name(user.first_name.as_deref(), user.last_name.as_deref());
    if !after.is_empty() && after != before {
        changes.push(DetailChange {
            field: ChangedDetail::Name,
            before,
            after,
        });
    }
    if let Some(mail) = person.mail.as_deref().filter(|m| !m.trim().is_empty()) {
        let before = user.email.clone().unwrap_or_default();
        if !before.eq_ignore_ascii_case(mail) {
            changes.push(DetailChange {
                field: ChangedDetail::Email,
                before,
                after: mail.to_owned(),
            });
        }
    }
    changes
}

/// What reads Scaleway's users: the IAM users API with a key, SCIM's user list with the token
/// alone (where the Owner cannot be told apart). Taken from the session up front, so the read
/// runs beside the steps that change it.
pub(crate) enum UsersReader {
    Iam {
        client: ScalewayClient,
        organization_id: String,
    },
    Scim {
        probe: ScimProbe,
        base_url: Url,
        token: Secret,
    },
}

impl UsersReader {
    pub(crate) async fn of(side: &ScalewaySide) -> Result<Self, SetupError> {
        Ok(match side {
            ScalewaySide::Keyed(session) => Self::Iam {
                client: session.client().clone(),
                organization_id: session.organization_id().to_owned(),
            },
            ScalewaySide::TokenOnly(session) => {
                let (probe, base_url, token) = session.user_reader().await?;
                Self::Scim {
                    probe,
                    base_url,
                    token,
                }
            }
        })
    }

    pub(crate) async fn read(&self) -> Result<Vec<ExistingUser>, SetupError> {
        match self {
            Self::Iam {
                client,
                organization_id,
            } => Ok(client
                .list_users(organization_id)
                .await?
                .into_iter()
                .map(|user| ExistingUser {
                    owner: user.user_type == UserType::Owner,
                    id: user.id,
                    username: user.username,
                    email: non_empty(user.email),
                    first_name: non_empty(user.first_name),
                    last_name: non_empty(user.last_name),
                })
                .collect()),
            Self::Scim {
                probe,
                base_url,
                token,
            } => Ok(probe
                .list_all_users(base_url, token)
                .await?
                .into_iter()
                .map(|user| ExistingUser {
                    id: user.id,
                    username: user.user_name,
                    email: user.email,
                    first_name: user.given_name,
                    last_name: user.family_name,
                    owner: false,
                })
                .collect()),
        }
    }
}

/// How long what the impact read stays good: the Users screen asks again on every change of
/// the selection, and the CLI's `apply` says the impact just before its gate checks it. Within
/// this window neither reads Scaleway's users nor a group's members a second time; past it (an
/// admin who waited at a prompt), they are read again.
const READS_FRESH_FOR: Duration = Duration::from_secs(120);

/// What the impact read last: Scaleway's users, and the people in each assigned group. Forgotten
/// once the gate lets assignments go ahead, since assigning and provisioning change them. Boxed:
/// the engine it lives in is moved around whole.
#[derive(Default)]
pub(crate) struct ImpactReads(Box<Mutex<Kept>>);

#[derive(Default)]
struct Kept {
    scaleway_users: Option<(Instant, Vec<ExistingUser>)>,
    members: HashMap<String, (Instant, Vec<InScope>)>,
}

fn fresh<T: Clone>(kept: Option<&(Instant, T)>) -> Option<T> {
    kept.filter(|(at, _)| at.elapsed() < READS_FRESH_FOR)
        .map(|(_, value)| value.clone())
}

impl ImpactReads {
    fn kept(&self) -> MutexGuard<'_, Kept> {
        // Nothing here can be left half-written: a poisoned lock still holds whole reads.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Scaleway's users, read through `reader` unless read a moment ago.
    pub(crate) async fn scaleway_users(
        &self,
        reader: &UsersReader,
    ) -> Result<Vec<ExistingUser>, SetupError> {
        let kept = fresh(self.kept().scaleway_users.as_ref());
        if let Some(users) = kept {
            return Ok(users);
        }
        let users = reader.read().await?;
        self.kept().scaleway_users = Some((Instant::now(), users.clone()));
        Ok(users)
    }

    /// The people in scope: the users assigned, and the user members of the groups assigned,
    /// through nested groups too (Graph's `transitiveMembers`, one call per group not read a
    /// moment ago, all at once).
    async fn people_in_scope(
        &self,
        graph: &scim_wizard_entra::GraphClient,
        chosen: &[ResolvedPrincipal],
    ) -> Result<Vec<InScope>, SetupError> {
        let mut people: Vec<InScope> = chosen.iter().filter_map(InScope::from_principal).collect();
        let mut tasks = JoinSet::new();
        for group in chosen.iter().filter(|p| p.kind == "Group") {
            let kept = fresh(self.kept().members.get(&group.id));
            if let Some(members) = kept {
                people.extend(members);
                continue;
            }
            let graph = graph.clone();
            let id = group.id.clone();
            tasks.spawn(async move {
                let members = graph.group_transitive_members(&id).await;
                (id, members)
            });
        }
        while let Some(joined) = tasks.join_next().await {
            let (id, members) = joined.map_err(|error| {
                SetupError::Internal(format!("a member lookup failed: {error}"))
            })?;
            let members: Vec<InScope> = members?
                .into_iter()
                .filter_map(InScope::from_member)
                .collect();
            self.kept()
                .members
                .insert(id, (Instant::now(), members.clone()));
            people.extend(members);
        }
        Ok(people)
    }

    fn forget(&self) {
        *self.kept() = Kept::default();
    }
}

/// The gate before anyone is assigned: who the chosen people are in Scaleway's terms, refused
/// while two of them would get the same username (the second would be matched to the first
/// one's Scaleway account).
pub(crate) async fn refuse_collisions(
    reads: &ImpactReads,
    graph: &scim_wizard_entra::GraphClient,
    existing: &[ExistingUser],
    chosen: &[ResolvedPrincipal],
    mapping: &MappingOptions,
) -> Result<Impact, SetupError> {
    let people = reads.people_in_scope(graph, chosen).await?;
    let impact = sort_impact(&people, existing, mapping);
    if impact.blocked() {
        return Err(SetupError::UsernameCollision {
            collisions: impact.collisions.clone(),
        });
    }
    reads.forget();
    Ok(impact)
}

impl SetupEngine {
    /// Who the chosen users and groups will create, take over, collide or leave alone in
    /// Scaleway, with the usernames the mapping in force will give them (reads only).
    pub async fn impact(&self, principals: &[PrincipalRef]) -> Result<Impact, SetupError> {
        let r = self.reporter(&crate::progress::CancellationToken::new());
        let ctx = self.ctx(&r);
        let mapping = self.options().mapping;
        let reader = UsersReader::of(&self.scaleway).await?;
        let (people, existing) = tokio::join!(
            async {
                let chosen = ctx.resolve_principals(principals).await?;
                self.impact_reads
                    .people_in_scope(ctx.graph(), &chosen)
                    .await
            },
            self.impact_reads.scaleway_users(&reader)
        );
        Ok(sort_impact(&people?, &existing?, &mapping))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, upn: &str) -> InScope {
        InScope {
            id: id.into(),
            upn: upn.into(),
            mail: Some(upn.into()),
            given_name: Some("Jane".into()),
            surname: Some("Doe".into()),
        }
    }

    fn user(id: &str, username: &str, owner: bool) -> ExistingUser {
        ExistingUser {
            id: id.into(),
            username: username.into(),
            email: Some(format!("{username}@old.example")),
            first_name: Some("Old".into()),
            last_name: Some("Name".into()),
            owner,
        }
    }

    #[test]
    fn the_four_groups_come_from_the_usernames_the_mapping_gives() {
        let people = [
            person("1", "jane@contoso.com"),
            person("2", "jane@fabrikam.com"),
            person("3", "bob@contoso.com"),
            person("4", "new@contoso.com"),
            // Assigned directly and through a group: one person.
            person("4", "new@contoso.com"),
        ];
        let existing = [
            user("s1", "Bob", false),
            user("s2", "olivia", true),
            user("s3", "zed", false),
        ];
        let impact = sort_impact(&people, &existing, &MappingOptions::default());
        assert_eq!(
            impact.collisions,
            vec![UsernameCollision {
                username: "jane".into(),
                upns: vec!["jane@contoso.com".into(), "jane@fabrikam.com".into()],
            }]
        );
        assert!(impact.blocked());
        assert_eq!(impact.take_over.len(), 1);
        assert_eq!(impact.take_over[0].user_id, "s1");
        let fields: Vec<ChangedDetail> = impact.take_over[0]
            .changes
            .iter()
            .map(|c| c.field)
            .collect();
        assert_eq!(fields, vec![ChangedDetail::Name, ChangedDetail::Email]);
        assert_eq!(
            impact.create,
            vec![NewUser {
                upn: "new@contoso.com".into(),
                username: "new".into()
            }]
        );
        // The Owner first, said apart.
        let untouched: Vec<(&str, bool)> = impact
            .untouched
            .iter()
            .map(|u| (u.username.as_str(), u.owner))
            .collect();
        assert_eq!(untouched, vec![("olivia", true), ("zed", false)]);
        assert_eq!(impact.over_quota, None);

        // Keeping the domain resolves the collision.
        let mapping = MappingOptions {
            keep_full_upn: true,
            ..MappingOptions::default()
        };
        let impact = sort_impact(&people, &existing, &mapping);
        assert!(!impact.blocked());
        assert_eq!(impact.create.len(), 4);
        assert!(impact.take_over.is_empty());
    }

    #[test]
    fn the_quota_warns_past_fifty_users() {
        let existing: Vec<ExistingUser> = (0..49)
            .map(|i| user(&format!("s{i}"), &format!("u{i}"), false))
            .collect();
        let people = [person("1", "a@x.com"), person("2", "b@x.com")];
        let impact = sort_impact(&people, &existing, &MappingOptions::default());
        assert_eq!(
            impact.over_quota,
            Some(UserQuota {
                existing: 49,
                adding: 2,
                limit: USER_QUOTA
            })
        );
    }
}
