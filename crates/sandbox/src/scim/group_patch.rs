//! `PATCH /Groups/{id}` operations (RFC 7644 §3.5.2) applied to a draft of the group, with
//! Entra's habits (capitalised `op`s, member lists as `[{"value": id, "$ref": null}]`):
//!
//! - `add` / `replace` of `displayName` (remove: it is required);
//! - `add` of `members` (adds), `replace` (sets), `remove` with a value (removes those),
//!   without a value (removes every member), and `remove` of `members[value eq "id"]`;
//! - a path-less `add` / `replace` whose value is an object of those attributes.
//!
//! Any other attribute (`externalId`, …) is refused as `/Users` refuses displayName:
//! "unsupported path for operation Add: externalId".

use serde_json::Value;

use super::patch::{PatchOp, invalid_value, operation_op, unsupported_path};
use super::protocol::ScimError;

/// What a PATCH may change: the name and the member user ids, in order.
#[derive(Debug, Clone)]
pub(super) struct GroupDraft {
    pub(super) name: String,
    pub(super) user_ids: Vec<String>,
}

/// Checks a member id: `Ok` with the IAM user id, or the error for a group (nesting) or for an
/// id that is no user of the Organization.
pub(super) type ResolveMember<'a> = &'a dyn Fn(&str) -> Result<String, ScimError>;

/// The member ids of a `members` value: a list of `{"value": id, …}` (or one such object).
pub(super) fn member_values(
    path: &str,
    value: Option<&Value>,
    resolve: ResolveMember<'_>,
) -> Result<Vec<String>, ScimError> {
    let entries: Vec<&Value> = match value {
        Some(Value::Array(entries)) => entries.iter().collect(),
        Some(entry @ Value::Object(_)) => vec![entry],
        _ => return Err(invalid_value(path)),
    };
    let mut ids = Vec::new();
    for entry in entries {
        let id = entry
            .get("value")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .ok_or_else(|| {
                ScimError::bad_request(
                    "invalidValue",
                    format!("each entry of {path} needs a value (the id of a user)"),
                )
            })?;
        let id = resolve(id)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// `members[value eq "id"]` → `id`.
fn member_filter(path: &str) -> Option<String> {
    let lowered = path.to_ascii_lowercase();
    if !lowered.starts_with("members[") || !path.ends_with(']') {
        return None;
    }
    let inside = path.get("members[".len()..path.len() - 1)?.trim();
    let (attribute, rest) = inside.split_once(char::is_whitespace)?;
    let (operator, value) = rest.trim_start().split_once(char::is_whitespace)?;
    if !attribute.eq_ignore_ascii_case("value") || !operator.eq_ignore_ascii_case("eq") {
        return None;
    }
    serde_json::from_str::<String>(value.trim()).ok()
}

fn apply_attribute(
    draft: &mut GroupDraft,
    op: PatchOp,
    path: &str,
    value: Option<&Value>,
    resolve: ResolveMember<'_>,
) -> Result<(), ScimError> {
    let trimmed = path.trim();
    if trimmed.eq_ignore_ascii_case("displayName") {
        if op == PatchOp::Remove {
            return Err(ScimError::bad_request(
                "mutability",
                "displayName is required and cannot be removed",
            ));
        }
        let name = value
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .ok_or_else(|| invalid_value(path))?;
        draft.name = name.to_string();
        return Ok(());
    }
    if trimmed.eq_ignore_ascii_case("members") {
        match op {
            PatchOp::Add => {
                for id in member_values(path, value, resolve)? {
                    if !draft.user_ids.contains(&id) {
                        draft.user_ids.push(id);
                    }
                }
            }
            PatchOp::Replace => draft.user_ids = member_values(path, value, resolve)?,
            PatchOp::Remove => match value {
                // RFC 7644 §3.5.2.2: no filter and no value removes every member.
                None | Some(Value::Null) => draft.user_ids.clear(),
                // Entra's form: the members to remove as a value list. Ids that are not
                // members (or not users) are simply not there to remove.
                Some(_) => {
                    let removed = member_values(path, value, &|id: &str| Ok(id.to_string()))?;
                    draft.user_ids.retain(|id| !removed.contains(id));
                }
            },
        }
        return Ok(());
    }
    if let Some(id) = member_filter(trimmed) {
        if op != PatchOp::Remove {
            return Err(unsupported_path(op, path));
        }
        draft.user_ids.retain(|member| member != &id);
        return Ok(());
    }
    Err(unsupported_path(op, path))
}

/// Applies one PatchOp operation to `draft`.
pub(super) fn apply_group_operation(
    draft: &mut GroupDraft,
    operation: &Value,
    resolve: ResolveMember<'_>,
) -> Result<(), ScimError> {
    let op = operation_op(operation)?;
    let value = operation.get("value");
    match operation.get("path").and_then(Value::as_str) {
        Some(path) => apply_attribute(draft, op, path, value, resolve),
        None if op == PatchOp::Remove => Err(ScimError::bad_request(
            "noTarget",
            "a remove operation needs a path",
        )),
        None => {
            let attributes = value
                .and_then(Value::as_object)
                .ok_or_else(|| invalid_value("value"))?;
            for (path, attribute_value) in attributes {
                if path.eq_ignore_ascii_case("schemas") {
                    continue;
                }
                apply_attribute(draft, op, path, Some(attribute_value), resolve)?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use serde_json::json;

    use super::*;

    fn draft() -> GroupDraft {
        GroupDraft {
            name: "Sales".into(),
            user_ids: vec!["a".into(), "b".into()],
        }
    }

    fn resolve(id: &str) -> Result<String, ScimError> {
        match id {
            "g" => Err(ScimError::bad_request("invalidValue", "nested")),
            _ => Ok(id.to_string()),
        }
    }

    #[test]
    fn member_operations_follow_rfc_7644_and_entra() {
        let mut group = draft();
        let add = json!({"op": "Add", "path": "members", "value": [{"$ref": null, "value": "c"}, {"value": "a"}]});
        apply_group_operation(&mut group, &add, &resolve).unwrap();
        assert_eq!(group.user_ids, ["a", "b", "c"]);
        let remove = json!({"op": "Remove", "path": "members", "value": [{"value": "a"}]});
        apply_group_operation(&mut group, &remove, &resolve).unwrap();
        assert_eq!(group.user_ids, ["b", "c"]);
        let filtered = json!({"op": "remove", "path": "members[value eq \"c\"]"});
        apply_group_operation(&mut group, &filtered, &resolve).unwrap();
        assert_eq!(group.user_ids, ["b"]);
        let replace = json!({"op": "replace", "value": {"displayName": "Sales EU", "members": [{"value": "d"}]}});
        apply_group_operation(&mut group, &replace, &resolve).unwrap();
        assert_eq!(
            (group.name.as_str(), group.user_ids.clone()),
            ("Sales EU", vec!["d".to_string()])
        );
        let clear = json!({"op": "remove", "path": "members"});
        apply_group_operation(&mut group, &clear, &resolve).unwrap();
        assert!(group.user_ids.is_empty());
    }

    #[test]
    fn other_attributes_and_nested_groups_are_refused() {
        let mut group = draft();
        for refused in [
            json!({"op": "Add", "path": "externalId", "value": "x"}),
            json!({"op": "Add", "path": "members", "value": [{"value": "g"}]}),
            json!({"op": "Remove", "path": "displayName"}),
            json!({"op": "Replace", "path": "members[value eq \"a\"]", "value": "x"}),
            json!({"op": "Remove"}),
            json!({"op": "Move", "path": "members"}),
        ] {
            assert!(
                apply_group_operation(&mut group, &refused, &resolve).is_err(),
                "{refused}"
            );
        }
        assert_eq!(group.user_ids, ["a", "b"]);
    }
}
