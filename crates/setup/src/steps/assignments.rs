//! Assignments: the users and groups the admin chose, given the app's "User" role (Entra
//! provisions only who is assigned).
//!
//! - observe: who the names stand for in the directory, and who is assigned already;
//! - decide: assign, or already assigned, for each;
//! - run: one assignment each, in parallel; a lost or refused answer is checked by listing
//!   before it counts as a failure, and what exists is journaled before an error is said.

use chrono::Utc;
use scim_wizard_entra::GraphClient;
use scim_wizard_entra::graph::{Assignment, DirectoryGroup, GraphError, user_role_id};
use tokio::task::JoinSet;

use super::impact::{UsersReader, refuse_collisions};
use super::{AppState, EntraCtx, plan_item};
use crate::engine::SetupEngine;
use crate::failure::SetupError;
use crate::journal::AssignmentRecord;
use crate::messages::{PlanMessage, ProgressMessage};
use crate::progress::{CancellationToken, Step};
use crate::report::{
    AssignmentOutcome, GroupChoice, PeopleSearch, PersonChoice, PlanAction, PlanItem, PrincipalRef,
};

/// A user or group found in the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResolvedPrincipal {
    pub(crate) id: String,
    /// `User` or `Group`.
    pub(crate) kind: &'static str,
    pub(crate) display_name: Option<String>,
    pub(crate) user_principal_name: Option<String>,
    /// A user's email and names, as Entra would send them (the impact view compares them).
    pub(crate) mail: Option<String>,
    pub(crate) given_name: Option<String>,
    pub(crate) surname: Option<String>,
}

impl ResolvedPrincipal {
    fn label(&self) -> String {
        self.user_principal_name
            .clone()
            .or_else(|| self.display_name.clone())
            .unwrap_or_else(|| self.id.clone())
    }
}

/// The plan's lines: each principal, assigned already (`assigned` lists who is) or to assign.
pub(crate) fn plan(principals: &[ResolvedPrincipal], assigned: &[Assignment]) -> Vec<PlanItem> {
    principals
        .iter()
        .map(|principal| {
            let done = assigned
                .iter()
                .any(|a| a.principal_id.eq_ignore_ascii_case(&principal.id));
            if done {
                plan_item(
                    Step::Assignments,
                    PlanAction::Nothing,
                    PlanMessage::AlreadyAssigned {
                        name: principal.label(),
                    },
                )
            } else {
                plan_item(
                    Step::Assignments,
                    PlanAction::Create,
                    PlanMessage::Assign {
                        principal_type: principal.kind.to_owned(),
                        name: principal.label(),
                    },
                )
            }
        })
        .collect()
}

pub(crate) fn finished_message(outcomes: &[AssignmentOutcome]) -> ProgressMessage {
    let created = outcomes.iter().filter(|o| o.created).count();
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    ProgressMessage::Assigned {
        created: count(created),
        reused: count(outcomes.len() - created),
    }
}

impl EntraCtx<'_> {
    /// Finds the users (UPN or id) and groups (exact name or id) the admin named, concurrently.
    pub(crate) async fn resolve_principals(
        &self,
        principals: &[PrincipalRef],
    ) -> Result<Vec<ResolvedPrincipal>, SetupError> {
        let mut tasks = JoinSet::new();
        for (index, principal) in principals.iter().cloned().enumerate() {
            let graph = self.graph().clone();
            tasks.spawn(async move { (index, resolve_one(&graph, principal).await) });
        }
        let mut resolved: Vec<(usize, ResolvedPrincipal)> = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            let (index, result) = joined
                .map_err(|error| SetupError::Internal(format!("a lookup task failed: {error}")))?;
            resolved.push((index, result?));
        }
        resolved.sort_by_key(|(index, _)| *index);
        let mut unique: Vec<ResolvedPrincipal> = Vec::new();
        for (_, principal) in resolved {
            if !unique
                .iter()
                .any(|p| p.id.eq_ignore_ascii_case(&principal.id))
            {
                unique.push(principal);
            }
        }
        Ok(unique)
    }

    /// One assignment per principal to the app's "User" role, reused when it exists.
    pub(crate) async fn ensure_assignments(
        &self,
        app: &AppState,
        principals: &[ResolvedPrincipal],
    ) -> Result<Vec<AssignmentOutcome>, SetupError> {
        if principals.is_empty() {
            return Ok(Vec::new());
        }
        let sp = app.record.service_principal_id.clone();
        let client = if app.created_now {
            self.after_create()
        } else {
            self.client_for(app.record.recorded_at)
        };
        let role_id = match user_role_id(&app.roles) {
            Some(id) => id,
            None => client.service_principal_user_role_id(&sp).await?,
        };
        // A service principal created a moment ago has no assignment: skip the list.
        let existing = if app.created_now {
            Vec::new()
        } else {
            client.list_assignments(&sp).await?
        };
        self.reporter.checkpoint()?;
        let find = |list: &[Assignment], principal: &str| {
            list.iter()
                .find(|a| {
                    a.principal_id.eq_ignore_ascii_case(principal)
                        && a.app_role_id.eq_ignore_ascii_case(&role_id)
                })
                .cloned()
        };
        let mut outcomes: Vec<(ResolvedPrincipal, Assignment, bool)> = Vec::new();
        let mut tasks = JoinSet::new();
        for principal in principals {
            if let Some(found) = find(&existing, &principal.id) {
                outcomes.push((principal.clone(), found, false));
                continue;
            }
            let (client, sp, role_id, principal) = (
                client.clone(),
                sp.clone(),
                role_id.clone(),
                principal.clone(),
            );
            tasks.spawn(async move {
                let result = client.assign(&sp, &principal.id, &role_id).await;
                (principal, result)
            });
        }
        let mut relist = Vec::new();
        let mut first_error = None;
        while let Some(joined) = tasks.join_next().await {
            let (principal, result) = joined.map_err(|error| {
                SetupError::Internal(format!("an assignment task failed: {error}"))
            })?;
            match result {
                Ok(assignment) => outcomes.push((principal, assignment, true)),
                // A duplicate answers 400/409; a lost answer may have created it: list again.
                Err(
                    error @ (GraphError::OutcomeUnknown { .. }
                    | GraphError::BadRequest { .. }
                    | GraphError::Conflict { .. }),
                ) => relist.push((principal, error)),
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        if !relist.is_empty() {
            let listed = client.list_assignments(&sp).await?;
            for (principal, error) in relist {
                match find(&listed, &principal.id) {
                    Some(found) => {
                        let created = matches!(error, GraphError::OutcomeUnknown { .. });
                        outcomes.push((principal, found, created));
                    }
                    None => {
                        first_error.get_or_insert(error);
                    }
                }
            }
        }
        // Journal what exists before reporting an error, so a rollback can find it.
        let now = Utc::now();
        let records: Vec<AssignmentRecord> = outcomes
            .iter()
            .map(|(principal, assignment, created)| AssignmentRecord {
                principal_id: principal.id.clone(),
                principal_type: principal.kind.to_owned(),
                display_name: principal.display_name.clone(),
                user_principal_name: principal.user_principal_name.clone(),
                assignment_id: assignment.id.clone(),
                created_by_us: *created,
                recorded_at: now,
            })
            .collect();
        self.update(|entra| {
            for mut record in records {
                if let Some(known) = entra.assignments.iter_mut().find(|known| {
                    known
                        .principal_id
                        .eq_ignore_ascii_case(&record.principal_id)
                }) {
                    // Keep "created by us" from the run that created it.
                    record.created_by_us |=
                        known.created_by_us && known.assignment_id == record.assignment_id;
                    *known = record;
                } else {
                    entra.assignments.push(record);
                }
            }
        })?;
        if let Some(error) = first_error {
            return Err(error.into());
        }
        Ok(principals
            .iter()
            .filter_map(|principal| {
                let (_, assignment, created_now) =
                    outcomes.iter().find(|(p, _, _)| p.id == principal.id)?;
                Some(AssignmentOutcome {
                    principal_id: principal.id.clone(),
                    principal_type: principal.kind.to_owned(),
                    display_name: principal.display_name.clone(),
                    assignment_id: assignment.id.clone(),
                    created: *created_now,
                })
            })
            .collect())
    }
}

fn looks_like_guid(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(part, len)| part.len() == len && part.chars().all(|c| c.is_ascii_hexdigit()))
}

async fn resolve_one(
    graph: &GraphClient,
    principal: PrincipalRef,
) -> Result<ResolvedPrincipal, SetupError> {
    match principal {
        PrincipalRef::User(query) => match graph.get_user(query.trim()).await {
            Ok(user) => Ok(ResolvedPrincipal {
                id: user.id,
                kind: "User",
                display_name: user.display_name,
                user_principal_name: user.user_principal_name,
                mail: user.mail,
                given_name: user.given_name,
                surname: user.surname,
            }),
            Err(GraphError::NotFound { .. }) => Err(SetupError::PrincipalNotFound {
                kind: "user",
                query,
            }),
            Err(error) => Err(error.into()),
        },
        PrincipalRef::Group(query) => {
            let wanted = query.trim();
            // There is no group-by-id read in the Graph client: an id is matched in the list.
            let candidates: Vec<DirectoryGroup> = if looks_like_guid(wanted) {
                graph.search_groups("", 999).await?
            } else {
                graph.search_groups(wanted, 100).await?
            };
            candidates
                .into_iter()
                .find(|group| {
                    group.id.eq_ignore_ascii_case(wanted)
                        || group
                            .display_name
                            .as_deref()
                            .is_some_and(|name| name.eq_ignore_ascii_case(wanted))
                })
                .map(|group| ResolvedPrincipal {
                    id: group.id,
                    kind: "Group",
                    display_name: group.display_name,
                    user_principal_name: None,
                    mail: None,
                    given_name: None,
                    surname: None,
                })
                .ok_or(SetupError::PrincipalNotFound {
                    kind: "group",
                    query,
                })
        }
    }
}

impl SetupEngine {
    /// Users and groups whose name starts with `query`, for the picker (at most 25 of each).
    pub async fn search_people(&self, query: &str) -> Result<PeopleSearch, SetupError> {
        let graph = self.entra.graph();
        let (users, groups) = tokio::join!(
            graph.search_users(query, 25),
            graph.search_groups(query, 25)
        );
        let users = users?
            .into_iter()
            .map(|user| PersonChoice {
                id: user.id,
                display_name: user.display_name,
                user_principal_name: user.user_principal_name,
                mail: user.mail,
            })
            .collect();
        let (groups, groups_unavailable) = match groups {
            Ok(groups) => (
                groups
                    .into_iter()
                    .map(|group| GroupChoice {
                        id: group.id,
                        display_name: group.display_name,
                        description: group.description,
                    })
                    .collect(),
                false,
            ),
            // Without Group.Read.All the picker still offers users.
            Err(GraphError::Forbidden { .. }) => (Vec::new(), true),
            Err(error) => return Err(error.into()),
        };
        Ok(PeopleSearch {
            users,
            groups,
            groups_unavailable,
        })
    }

    /// Assigns users and groups to the app's "User" role (one assignment each, reused if it
    /// exists), and adds them to the options for the rest of the setup.
    pub async fn assign(
        &mut self,
        principals: &[PrincipalRef],
        cancel: &CancellationToken,
    ) -> Result<Vec<AssignmentOutcome>, SetupError> {
        for principal in principals {
            if !self.options.principals.contains(principal) {
                self.options.principals.push(principal.clone());
            }
        }
        let r = self.reporter(cancel);
        r.checkpoint()?;
        let app = self.current_app(&r).await?;
        let ctx = self.ctx(&r);
        let users = UsersReader::of(&self.scaleway).await?;
        let outcomes = r
            .step(Step::Assignments, ProgressMessage::Assigning, async {
                let (resolved, existing) = tokio::join!(
                    ctx.resolve_principals(principals),
                    self.impact_reads.scaleway_users(&users)
                );
                let resolved = resolved?;
                // Nobody is assigned while two people would get one Scaleway username.
                refuse_collisions(
                    &self.impact_reads,
                    ctx.graph(),
                    &existing?,
                    &resolved,
                    &self.options.mapping,
                )
                .await?;
                r.checkpoint()?;
                ctx.ensure_assignments(&app, &resolved).await
            })
            .await?;
        r.finished(Step::Assignments, finished_message(&outcomes));
        Ok(outcomes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_recognised() {
        assert!(looks_like_guid("18d14569-c3bd-439b-9a66-3a2aee01d14f"));
        assert!(!looks_like_guid("Scaleway users"));
        assert!(!looks_like_guid("18d14569-c3bd-439b-9a66"));
    }
}
