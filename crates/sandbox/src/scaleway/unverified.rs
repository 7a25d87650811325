//! Every Scaleway IAM behaviour the public documentation and SDKs leave open, each decided in
//! exactly one constant or function below, with what was assumed. A run against the real API
//! should check these first; `docs/sandbox.md` lists them. (A few more are decided where they
//! are used, each marked UNVERIFIED.)

use axum::body::Bytes;
use axum::http::{HeaderMap, header};
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::auth::IamAction;
use super::errors::{ArgumentProblem, ScwError};
use super::state::{GroupRecord, PermissionSet, ScimTokenRecord};

/// UNVERIFIED: "at most two active tokens" is documented; the error for a third one is not.
pub(super) const MAX_LIVE_SCIM_TOKENS: usize = 2;

/// UNVERIFIED: whether expired tokens count toward the cap of two is not documented.
/// The documentation speaks of two *active* tokens, so an expired (but not deleted) token does
/// not count here; it is still listed until someone deletes it.
pub(super) fn counts_toward_token_cap(token: &ScimTokenRecord, now: DateTime<Utc>) -> bool {
    !token.deleted && token.expires_at > now
}

/// UNVERIFIED: the error for a third token is undocumented (likely 400, 403
/// `quotas_exceeded`, or 412 `precondition_failed`). Scaleway reports per-resource limits as
/// `quotas_exceeded` elsewhere, and the SDK maps that type to 403, so that is what we answer.
pub(super) fn too_many_scim_tokens(current: usize) -> ScwError {
    ScwError::QuotasExceeded {
        resource: "iam_scim_token",
        quota: MAX_LIVE_SCIM_TOKENS as u64,
        current: current as u64,
    }
}

/// UNVERIFIED: what a second enable POST answers is untested (Terraform refuses it itself).
/// A second configuration for one organization is a conflict on a unique resource, and the SDK
/// tests show `conflict` with 409, so that is the most likely answer.
pub(super) fn scim_already_enabled() -> ScwError {
    ScwError::Conflict("SCIM is already enabled for this organization".into())
}

/// UNVERIFIED: whether `DELETE /scim/{id}` cascades to its tokens is unknown.
/// Tokens belong to a SCIM configuration and cannot be listed or used without one, so disabling
/// SCIM deletes them: a re-enabled configuration starts with no token, as a fresh one does.
pub(super) const DISABLING_SCIM_DELETES_ITS_TOKENS: bool = true;

/// UNVERIFIED: `scw init` calls `GET /api-keys/{own access key}` whatever the key's rights.
/// Looking up one's own API key or own user therefore needs no IAM permission.
pub(super) const SELF_LOOKUP_NEEDS_NO_PERMISSION: bool = true;

/// UNVERIFIED: the SDK sends no default page size. Scaleway list calls commonly default to 20
/// items per page.
pub(super) const DEFAULT_PAGE_SIZE: u32 = 20;

/// UNVERIFIED: what the enable POST accepts as a body. The SDKs always send `{}` with
/// `Content-Type: application/json`; a body that is not a JSON object, or a missing JSON
/// content type, is rejected as an invalid argument, the way a JSON gateway refuses a body it
/// cannot decode. Unknown fields in the object are ignored.
pub(super) fn enable_body_problem(headers: &HeaderMap, body: &Bytes) -> Option<ArgumentProblem> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
    let is_object = serde_json::from_slice::<Value>(body).is_ok_and(|value| value.is_object());
    (!is_json || !is_object).then(|| ArgumentProblem {
        argument_name: "body".into(),
        reason: "format",
        help_message: "the request body must be a JSON object (`{}`) sent with \
                       Content-Type: application/json"
            .into(),
    })
}

/// The permission table, in one place.
///
/// UNVERIFIED: which permission set authorizes the SCIM endpoints is not documented. Assumed:
/// Owner status, IAMManager and OrganizationManager may do everything here; IAMReadOnly may read
/// the organization, users, applications and API keys but not SCIM (whose token list is
/// security-sensitive); anything else (e.g. ProjectManager) has no IAM rights.
pub(super) fn permission_sets_allow(sets: &[PermissionSet], action: IamAction) -> bool {
    sets.iter().any(|set| match set {
        PermissionSet::OwnerStatus
        | PermissionSet::IamManager
        | PermissionSet::OrganizationManager => true,
        PermissionSet::IamReadOnly => matches!(
            action,
            IamAction::ReadOrganization
                | IamAction::ReadUsers
                | IamAction::ReadApplications
                | IamAction::ReadApiKeys
                | IamAction::ReadGroups
        ),
        PermissionSet::ProjectManager => false,
    })
}

/// UNVERIFIED: the IAM FAQ says an Organization can have up to 50 groups; that page may be out
/// of date (the 2026 figure is unconfirmed). Groups SCIM creates count, as any IAM group does.
pub(crate) const MAX_GROUPS_PER_ORGANIZATION: usize = 50;

/// UNVERIFIED: whether the two Scaleway-managed groups count toward the group quota. They are
/// IAM groups of the Organization like any other (the API lists them), so they are counted.
pub(crate) fn counts_toward_group_quota(group: &GroupRecord) -> bool {
    let _ = group;
    true
}

/// UNVERIFIED: the descriptions of the managed groups "All Users" and "All Applications" (the
/// names are from the changelog of 2026-09-02; their descriptions are in no public source).
pub(super) const ALL_USERS_DESCRIPTION: &str = "All the users of the Organization";
pub(super) const ALL_APPLICATIONS_DESCRIPTION: &str = "All the applications of the Organization";

/// UNVERIFIED: how `GET /groups?name=…` matches. The SDK only says "name of group to find";
/// Scaleway's other `name` list filters match a part of the name, so a group matches when its
/// name contains the filter, ignoring case. Clients must compare names exactly themselves.
pub(super) fn group_name_matches(name: &str, filter: &str) -> bool {
    name.to_lowercase().contains(&filter.to_lowercase())
}

/// UNVERIFIED: whether `all_users` / `all_applications` (added to the Go SDK's `Group` in
/// 2026, next to `managed`) are sent for every group. The API serialises proto3 booleans even
/// when false (as `managed: false` on applications shows), so every group carries both.
pub(super) const GROUP_FLAGS_ALWAYS_SENT: bool = true;
