//! `PATCH /Users/{id}` operations (RFC 7644 §3.5.2) applied to a user, with Entra's habits
//! (capitalised `op`s, path-less `replace` of an object, string booleans).

use serde_json::{Map, Value};

use super::protocol::{ScimError, scim_bool};
use super::users::pick_email;
use crate::scaleway::state::UserRecord;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum PatchOp {
    Add,
    Replace,
    Remove,
}

impl PatchOp {
    /// Entra sends "Add"/"Replace"/"Remove" capitalised; RFC 7644 says lowercase. Accept both.
    pub(super) fn parse(text: &str) -> Option<PatchOp> {
        match text.to_ascii_lowercase().as_str() {
            "add" => Some(PatchOp::Add),
            "replace" => Some(PatchOp::Replace),
            "remove" => Some(PatchOp::Remove),
            _ => None,
        }
    }

    fn display_name(self) -> &'static str {
        match self {
            PatchOp::Add => "Add",
            PatchOp::Replace => "Replace",
            PatchOp::Remove => "Remove",
        }
    }
}

/// Scaleway's documented error text: "unsupported path for operation Add: displayName".
pub(super) fn unsupported_path(op: PatchOp, path: &str) -> ScimError {
    ScimError::bad_request(
        "invalidPath",
        format!(
            "unsupported path for operation {}: {path}",
            op.display_name()
        ),
    )
}

pub(super) fn invalid_value(path: &str) -> ScimError {
    ScimError::bad_request("invalidValue", format!("invalid value for {path}"))
}

fn string_value(path: &str, value: Option<&Value>) -> Result<String, ScimError> {
    value
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| invalid_value(path))
}

/// Applies one attribute change to `user`. `path` is the SCIM attribute path; the supported set
/// is what Scaleway documents as mapped (userName, name.givenName/familyName, work email,
/// active, externalId). Anything else is refused the way Scaleway refuses displayName.
fn apply_attribute(
    user: &mut UserRecord,
    op: PatchOp,
    path: &str,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    let lowered = path.to_ascii_lowercase().replace(' ', "");
    let removing = op == PatchOp::Remove;
    match lowered.as_str() {
        "username" if !removing => {
            let username = string_value(path, value)?;
            if username.trim().is_empty() {
                return Err(invalid_value(path));
            }
            user.username = username;
        }
        "active" if !removing => {
            user.locked = !scim_bool(value).ok_or_else(|| invalid_value(path))?
        }
        "externalid" => {
            user.external_id = if removing {
                None
            } else {
                Some(string_value(path, value)?)
            }
        }
        "name.givenname" => {
            user.first_name = if removing {
                String::new()
            } else {
                string_value(path, value)?
            }
        }
        "name.familyname" => {
            user.last_name = if removing {
                String::new()
            } else {
                string_value(path, value)?
            }
        }
        "name" if !removing => {
            let name = value
                .and_then(Value::as_object)
                .ok_or_else(|| invalid_value(path))?;
            for (key, part) in name {
                apply_attribute(user, op, &format!("name.{key}"), Some(part))?;
            }
        }
        "emails[type eq \"work\"].value" | "emails[typeeq\"work\"].value" => {
            user.email = if removing {
                String::new()
            } else {
                string_value(path, value)?
            };
        }
        "emails" if !removing => {
            user.email = value
                .and_then(pick_email)
                .ok_or_else(|| invalid_value(path))?
        }
        _ => return Err(unsupported_path(op, path)),
    }
    Ok(())
}

/// The `op` of one PatchOp operation.
pub(super) fn operation_op(operation: &Value) -> Result<PatchOp, ScimError> {
    operation
        .get("op")
        .and_then(Value::as_str)
        .and_then(PatchOp::parse)
        .ok_or_else(|| {
            ScimError::bad_request(
                "invalidSyntax",
                "each operation needs an op of add, replace or remove",
            )
        })
}

/// The `Operations` array of a PatchOp body.
pub(super) fn operations(body: &Value) -> Result<&Vec<Value>, ScimError> {
    body.get("Operations")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ScimError::bad_request("invalidSyntax", "a PatchOp body needs an Operations array")
        })
}

pub(super) fn apply_operation(user: &mut UserRecord, operation: &Value) -> Result<(), ScimError> {
    let op = operation_op(operation)?;
    let value = operation.get("value");
    match operation.get("path").and_then(Value::as_str) {
        Some(path) => apply_attribute(user, op, path, value),
        None if op == PatchOp::Remove => Err(ScimError::bad_request(
            "noTarget",
            "a remove operation needs a path",
        )),
        // No path: the value is an object of attribute → value (Entra does this for `active`).
        None => {
            let attributes: &Map<String, Value> = value
                .and_then(Value::as_object)
                .ok_or_else(|| invalid_value("value"))?;
            for (path, attribute_value) in attributes {
                apply_attribute(user, op, path, Some(attribute_value))?;
            }
            Ok(())
        }
    }
}
