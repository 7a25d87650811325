//! Every behaviour of Scaleway's SCIM server that no public source settles, each decided in
//! exactly one constant or function below, with what was assumed (`docs/sandbox.md` lists
//! them). The Base URL itself is [`super::DEFAULT_SCIM_MOUNT_PATTERN`]; a few more choices are
//! marked UNVERIFIED where they are made.

use axum::http::StatusCode;

use super::protocol::ScimError;
use crate::scaleway::state::{GroupRecord, UserRecord, UserType};

/// UNVERIFIED: whether `/ServiceProviderConfig` needs the bearer token. RFC 7644 allows either;
/// Scaleway's SCIM is token-scoped, so we require it like every other SCIM call.
pub(super) const SERVICE_PROVIDER_CONFIG_NEEDS_AUTH: bool = true;

/// UNVERIFIED: whether SCIM can touch the Organization Owner (who is `deletable: false` in IAM).
/// The Owner is visible to SCIM (so Entra can match it) but SCIM may not modify or delete it:
/// 403.
pub(super) fn scim_may_modify(user: &UserRecord) -> bool {
    user.user_type != UserType::Owner
}

/// UNVERIFIED: new SCIM users get this locale (Scaleway's default for new members is unknown).
pub(super) const DEFAULT_LOCALE: &str = "en_US";

// ---------------------------------------------------------------------------------------------
// Groups (served since 2026-08-18: IAM groups created, updated and deleted over SCIM, members
// added and removed, nested groups not supported; nothing else about them is documented).

/// UNVERIFIED: which attributes a group may carry. Scaleway's IAM group has a name (and a
/// description and tags, which SCIM has no standard attribute for) and members, so a SCIM group
/// takes `displayName` and `members`, plus the envelope (`schemas`, and `id` / `meta` echoed
/// back). Anything else, `externalId` first (Entra's default group mapping sends it), is
/// refused with 400, the way Scaleway is documented to refuse an attribute it does not support
/// on users ("unsupported path …"), rather than silently dropped: Entra's default mapping must
/// be edited (its `externalId` row deleted) before groups provision.
const GROUP_ATTRIBUTES: &[&str] = &["schemas", "id", "meta", "displayName", "members"];

pub(super) fn group_attribute_accepted(name: &str) -> bool {
    GROUP_ATTRIBUTES
        .iter()
        .any(|known| known.eq_ignore_ascii_case(name))
}

/// UNVERIFIED: the answer to a POST/PUT body carrying an attribute groups do not keep.
pub(super) fn unsupported_group_attribute(name: &str) -> ScimError {
    ScimError::bad_request(
        "invalidValue",
        format!(
            "unsupported attribute for a group: {name} (only displayName and members are supported)"
        ),
    )
}

/// UNVERIFIED: SCIM sees every IAM group of the Organization (the two managed ones and groups
/// made in the console included), as it sees every IAM user: Entra's `displayName eq` matching
/// finds an existing group of the same name, and `totalResults` counts toward the quota.
pub(super) const SCIM_SEES_EVERY_IAM_GROUP: bool = true;

/// UNVERIFIED: group names are unique in an Organization (the SDK says so of `name`); SCIM's
/// `displayName` is not case-exact, so names that differ only by case clash too.
pub(super) fn group_names_clash(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// UNVERIFIED (the most likely answer, RFC 7644 §3.3): a displayName already taken → 409.
pub(super) fn group_name_taken(name: &str) -> ScimError {
    ScimError::new(
        StatusCode::CONFLICT,
        Some("uniqueness"),
        format!("a group with displayName {name:?} already exists"),
    )
}

/// UNVERIFIED: the answer to a member that is a group (nesting is documented as unsupported;
/// the status and text are not): 400 `invalidValue`.
pub(super) fn nested_group_member(id: &str) -> ScimError {
    ScimError::bad_request(
        "invalidValue",
        format!("member {id} is a group: nested groups are not supported"),
    )
}

/// UNVERIFIED: the answer to a member that is no user of this Organization: 400 `invalidValue`.
pub(super) fn unknown_member(id: &str) -> ScimError {
    ScimError::bad_request(
        "invalidValue",
        format!("member {id} is not a user of this Organization"),
    )
}

/// UNVERIFIED: whether SCIM may change or delete a group. The two Scaleway-managed groups ("All
/// Users", "All Applications") are not editable or deletable in IAM, so SCIM may not touch them
/// either (they can still be read and matched); the answer is 403, as for the Owner.
pub(super) fn scim_may_modify_group(group: &GroupRecord) -> bool {
    group.managed.is_none()
}

pub(super) fn managed_group_refused(group: &GroupRecord) -> ScimError {
    ScimError::forbidden(format!(
        "the group {:?} is managed by Scaleway and cannot be modified or deleted over SCIM",
        group.name
    ))
}

/// UNVERIFIED: what SCIM answers when the Organization already has its quota of groups (the
/// quota itself is `scaleway::unverified::MAX_GROUPS_PER_ORGANIZATION`). IAM reports quotas as
/// 403 `quotas_exceeded`; the SCIM server is assumed to keep the status and carry IAM's words in
/// a SCIM error.
pub(super) fn group_quota_exceeded(quota: usize, current: usize) -> ScimError {
    ScimError::forbidden(format!(
        "quotas_exceeded: quota(s) exceeded for this resource: iam_group (quota: {quota}, current: {current})"
    ))
}
