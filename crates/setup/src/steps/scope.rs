//! Before anything is assigned: what the chosen groups will do in Scaleway. A nested group's
//! sub-groups do not go (Scaleway's SCIM has no nested groups, and Entra provisions a group's
//! direct members only); a group named like one Scaleway manages, or like one the Organization
//! already has, would meet it there; and an Organization holds a limited number of groups.

use scim_wizard_entra::graph::GroupMember;
use serde::Serialize;

use crate::engine::SetupEngine;
use crate::failure::SetupError;
use crate::options::GroupsChoice;
use crate::report::PrincipalRef;
use crate::scaleway_step::ScalewaySide;

/// The groups Scaleway manages itself in every Organization (its changelog of 2026-09-02).
/// Whether Scaleway refuses an Entra group of the same name is not documented: never aim at one.
pub const SCALEWAY_MANAGED_GROUPS: [&str; 2] = ["All Users", "All Applications"];

/// Groups per Organization, as Scaleway's IAM FAQ says (no API tells it: docs/services.md).
pub const GROUP_QUOTA: u32 = 50;

/// A chosen group with groups inside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NestedGroup {
    pub group: String,
    /// The groups in it, which will not appear in Scaleway (nor their members, unless assigned).
    pub subgroups: Vec<String>,
}

/// What a chosen group's name meets in Scaleway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum NameClash {
    /// A group Scaleway manages ("All Users", "All Applications").
    ManagedByScaleway,
    /// A group the Organization already has: Entra's group would take it over.
    ExistingGroup,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GroupClash {
    pub group: String,
    pub clash: NameClash,
}

/// The Organization would hold more groups than it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GroupQuota {
    pub existing: u32,
    pub adding: u32,
    pub limit: u32,
}

/// What the chosen groups will do in Scaleway, said before the start.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GroupScope {
    /// Groups go to Scaleway (else only their direct members, as users).
    pub groups_provisioned: bool,
    pub nested: Vec<NestedGroup>,
    pub clashes: Vec<GroupClash>,
    pub over_quota: Option<GroupQuota>,
}

impl GroupScope {
    pub fn is_clear(&self) -> bool {
        self.nested.is_empty() && self.clashes.is_empty() && self.over_quota.is_none()
    }
}

/// What Scaleway has: the names of its groups (`None` with a token only: asked name by name)
/// and how many.
struct ScalewayGroups {
    names: Option<Vec<String>>,
    count: u32,
}

async fn scaleway_groups(side: &ScalewaySide) -> Result<ScalewayGroups, SetupError> {
    match side {
        ScalewaySide::Keyed(session) => {
            let groups = session
                .client()
                .list_groups(session.organization_id())
                .await?;
            Ok(ScalewayGroups {
                count: u32::try_from(groups.len()).unwrap_or(u32::MAX),
                names: Some(groups.into_iter().map(|group| group.name).collect()),
            })
        }
        ScalewaySide::TokenOnly(session) => Ok(ScalewayGroups {
            names: None,
            count: u32::try_from(session.count_groups().await?).unwrap_or(u32::MAX),
        }),
    }
}

impl SetupEngine {
    /// What the chosen groups will do in Scaleway (reads Entra and Scaleway; writes nothing).
    pub async fn group_scope(&self, principals: &[PrincipalRef]) -> Result<GroupScope, SetupError> {
        let r = self.reporter(&crate::progress::CancellationToken::new());
        let ctx = self.ctx(&r);
        let chosen = ctx.resolve_principals(principals).await?;
        let groups: Vec<_> = chosen.iter().filter(|p| p.kind == "Group").collect();
        if groups.is_empty() {
            return Ok(GroupScope::default());
        }
        let (mapping, members) = tokio::join!(
            self.mapping(),
            members_of(ctx.graph(), groups.iter().map(|g| g.id.clone()).collect())
        );
        let groups_provisioned = match mapping {
            Ok(mapping) => mapping.provision_groups,
            // Before the token exists (the CLI says the scope before applying), Scaleway cannot
            // be asked whether it takes groups: the scope is said for groups going, as the guide
            // has them, unless the admin kept them off.
            Err(SetupError::NotReady(_)) => self.options().groups != GroupsChoice::Off,
            Err(error) => return Err(error),
        };
        let mut scope = GroupScope {
            groups_provisioned,
            ..GroupScope::default()
        };
        for (group, members) in groups.iter().zip(members?) {
            let name = group
                .display_name
                .clone()
                .unwrap_or_else(|| group.id.clone());
            let subgroups: Vec<String> = members
                .into_iter()
                .filter(|member| member.is_group())
                .map(|member| member.display_name.unwrap_or(member.id))
                .collect();
            if !subgroups.is_empty() {
                scope.nested.push(NestedGroup {
                    group: name,
                    subgroups,
                });
            }
        }
        if !groups_provisioned {
            return Ok(scope);
        }
        let existing = scaleway_groups(&self.scaleway).await?;
        let mut adding = 0;
        for group in &groups {
            let name = group
                .display_name
                .clone()
                .unwrap_or_else(|| group.id.clone());
            let clash = if SCALEWAY_MANAGED_GROUPS
                .iter()
                .any(|managed| managed.eq_ignore_ascii_case(&name))
            {
                Some(NameClash::ManagedByScaleway)
            } else if match &existing.names {
                Some(names) => names.iter().any(|n| n == &name),
                None => match self.scaleway.token_only() {
                    Some(session) => session.find_group(&name).await?.is_some(),
                    None => false,
                },
            } {
                Some(NameClash::ExistingGroup)
            } else {
                None
            };
            match clash {
                Some(clash) => scope.clashes.push(GroupClash { group: name, clash }),
                None => adding += 1,
            }
        }
        if existing.count.saturating_add(adding) > GROUP_QUOTA {
            scope.over_quota = Some(GroupQuota {
                existing: existing.count,
                adding,
                limit: GROUP_QUOTA,
            });
        }
        Ok(scope)
    }
}

/// Each group's direct members, read side by side.
async fn members_of(
    graph: &scim_wizard_entra::GraphClient,
    ids: Vec<String>,
) -> Result<Vec<Vec<GroupMember>>, SetupError> {
    let mut tasks = tokio::task::JoinSet::new();
    for (index, id) in ids.into_iter().enumerate() {
        let graph = graph.clone();
        tasks.spawn(async move { (index, graph.group_members(&id).await) });
    }
    let mut read = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (index, members) = joined
            .map_err(|error| SetupError::Internal(format!("a group lookup failed: {error}")))?;
        read.push((index, members?));
    }
    read.sort_by_key(|(index, _)| *index);
    Ok(read.into_iter().map(|(_, members)| members).collect())
}
