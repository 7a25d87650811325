//! Source objects as the mapping expressions see them, SCIM attribute paths, the values a
//! mapping computes, and the PATCH operations and POST bodies built from them.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{SCHEMA_CORE_GROUP, SCHEMA_CORE_USER, SCHEMA_ENTERPRISE_USER};
use crate::graph::directory;
use crate::graph::expressions::{self, Val};
use crate::graph::schema::ObjectMapping;
use crate::tenant::{TenantGroup, TenantUser};

/// A source object with its attributes (lowercased names) as the expressions see them.
#[derive(Debug, Clone)]
pub(super) struct Source {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) type_name: &'static str,
    pub(super) attributes: BTreeMap<String, Val>,
}

impl Source {
    fn lookup(&self, name: &str) -> Val {
        self.attributes
            .get(&name.to_ascii_lowercase())
            .cloned()
            .unwrap_or(Val::Null)
    }
}

fn text(value: &str) -> Val {
    if value.is_empty() {
        Val::Null
    } else {
        Val::One(value.to_string())
    }
}

pub(super) fn user_source(user: &TenantUser, roles: Vec<String>) -> Source {
    let mut attributes = BTreeMap::new();
    for (name, value) in [
        ("objectid", text(&user.id)),
        ("userprincipalname", text(&user.user_principal_name)),
        ("displayname", text(&user.display_name)),
        ("givenname", text(&user.given_name)),
        ("surname", text(&user.surname)),
        ("mail", text(&user.mail)),
        (
            "mailnickname",
            text(directory::mail_nickname(&user.user_principal_name)),
        ),
        ("issoftdeleted", text("False")),
        ("accountenabled", text("True")),
        (
            "approleassignments",
            if roles.is_empty() {
                Val::Null
            } else {
                Val::Many(roles)
            },
        ),
    ] {
        attributes.insert(name.to_string(), value);
    }
    Source {
        id: user.id.clone(),
        name: user.user_principal_name.clone(),
        type_name: "User",
        attributes,
    }
}

pub(super) fn group_source(group: &TenantGroup) -> Source {
    let mut attributes = BTreeMap::new();
    attributes.insert("objectid".to_string(), text(&group.id));
    attributes.insert("displayname".to_string(), text(&group.display_name));
    attributes.insert(
        "mailnickname".to_string(),
        text(&group.display_name.replace(' ', "-").to_lowercase()),
    );
    attributes.insert("issoftdeleted".to_string(), text("False"));
    attributes.insert("members".to_string(), Val::Many(group.members.clone()));
    Source {
        id: group.id.clone(),
        name: group.display_name.clone(),
        type_name: "Group",
        attributes,
    }
}

/// `emails[type eq "work"].value` → (`emails`, `type`, `work`, `value`).
fn filtered_path(path: &str) -> Option<(&str, &str, String, &str)> {
    let (attribute, rest) = path.split_once('[')?;
    let (inside, after) = rest.split_once(']')?;
    let sub = after.strip_prefix('.')?;
    let mut words = inside.splitn(3, char::is_whitespace);
    let key = words.next()?;
    if !words.next()?.eq_ignore_ascii_case("eq") {
        return None;
    }
    let value = words.next()?.trim().trim_matches('"').to_string();
    Some((attribute, key, value, sub))
}

fn is_active(path: &str) -> bool {
    path.eq_ignore_ascii_case("active")
}

/// A group's `members`: sent as member operations of their own, never as a value to replace.
pub(super) fn is_members(path: &str) -> bool {
    path.eq_ignore_ascii_case("members")
}

/// Member ids as a watermark keeps them (`flat` of the list: ids joined by commas).
pub(super) fn member_list(flat: Option<&String>) -> Option<Vec<String>> {
    flat.map(|text| {
        text.split(',')
            .filter(|id| !id.is_empty())
            .map(str::to_string)
            .collect()
    })
}

/// Entra's member operations (documented in Microsoft's SCIM guide: "Update Group [Add
/// Members]" / "[Remove Members]"): `{"op":"Add","path":"members","value":[{"$ref":null,
/// "value":id}]}` and the same with `Remove`, lowercase with the RFC flag. `old` is what Entra
/// believes the target has (`None`: unknown, e.g. a group matched on the target, whose members
/// Entra does not read): then only additions are sent, as with `add_only` (provision on demand
/// adds the chosen members and removes no one). Returns the operations and the
/// modifiedProperties entry.
pub(super) fn member_operations(
    new: &[String],
    old: Option<&[String]>,
    add_only: bool,
    rfc: bool,
) -> (Vec<Value>, Option<Value>) {
    let known = old.unwrap_or_default();
    let added: Vec<&String> = new.iter().filter(|id| !known.contains(id)).collect();
    let removed: Vec<&String> = if add_only || old.is_none() {
        Vec::new()
    } else {
        known.iter().filter(|id| !new.contains(id)).collect()
    };
    let entries = |ids: &[&String]| -> Value {
        Value::Array(
            ids.iter()
                .map(|id| json!({"$ref": null, "value": id}))
                .collect(),
        )
    };
    let mut operations = Vec::new();
    if !added.is_empty() {
        let op = if rfc { "add" } else { "Add" };
        operations.push(json!({"op": op, "path": "members", "value": entries(&added)}));
    }
    if !removed.is_empty() {
        let op = if rfc { "remove" } else { "Remove" };
        operations.push(json!({"op": op, "path": "members", "value": entries(&removed)}));
    }
    let modified = (!operations.is_empty()).then(|| {
        json!({"displayName": "members", "oldValue": old.map(|ids| ids.join(",")),
               "newValue": new.join(",")})
    });
    (operations, modified)
}

fn field<'a>(object: &'a Value, name: &str) -> Option<&'a Value> {
    object
        .as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Bool(true) => Some("True".to_string()),
        Value::Bool(false) => Some("False".to_string()),
        Value::Number(number) => Some(number.to_string()),
        Value::Object(_) => field(value, "value").and_then(as_text),
        _ => None,
    }
}

/// Reads a mapping target out of a SCIM resource (for comparing with the source).
pub(super) fn get_path(resource: &Value, path: &str) -> Option<String> {
    if let Some(attribute) = path
        .strip_prefix(SCHEMA_ENTERPRISE_USER)
        .and_then(|rest| rest.strip_prefix(':'))
    {
        return field(resource, SCHEMA_ENTERPRISE_USER)
            .and_then(|extension| field(extension, attribute))
            .and_then(as_text);
    }
    if let Some((attribute, key, wanted, sub)) = filtered_path(path) {
        return field(resource, attribute)?
            .as_array()?
            .iter()
            .find(|entry| {
                field(entry, key)
                    .and_then(Value::as_str)
                    .is_some_and(|value| value.eq_ignore_ascii_case(&wanted))
            })
            .and_then(|entry| field(entry, sub))
            .and_then(as_text);
    }
    if let Some((parent, child)) = path.split_once('.') {
        return field(resource, parent)
            .and_then(|parent| field(parent, child))
            .and_then(as_text);
    }
    field(resource, path).and_then(as_text)
}

/// The JSON a value is sent as: booleans for `active` on create, `{"value": id}` lists for
/// multi-valued references.
fn create_value(path: &str, value: &Val) -> Value {
    match value {
        Val::Many(items) => Value::Array(items.iter().map(|item| json!({"value": item})).collect()),
        Val::One(text) if is_active(path) => Value::Bool(text.eq_ignore_ascii_case("true")),
        Val::One(text) => Value::String(text.clone()),
        Val::Null => Value::Null,
    }
}

fn set_path(resource: &mut Map<String, Value>, path: &str, value: &Val) {
    let json_value = create_value(path, value);
    if let Some(attribute) = path
        .strip_prefix(SCHEMA_ENTERPRISE_USER)
        .and_then(|rest| rest.strip_prefix(':'))
    {
        let extension = resource
            .entry(SCHEMA_ENTERPRISE_USER)
            .or_insert_with(|| json!({}));
        if let Some(extension) = extension.as_object_mut() {
            let json_value = if attribute == "manager" {
                json!({"value": json_value})
            } else {
                json_value
            };
            extension.insert(attribute.to_string(), json_value);
        }
        return;
    }
    if let Some((attribute, key, wanted, sub)) = filtered_path(path) {
        let list = resource
            .entry(attribute.to_string())
            .or_insert_with(|| json!([]));
        if let Some(list) = list.as_array_mut() {
            let position = list
                .iter()
                .position(|entry| entry.get(key).and_then(Value::as_str) == Some(wanted.as_str()));
            let index = position.unwrap_or_else(|| {
                let mut entry = json!({ key: wanted });
                if attribute == "emails" {
                    entry["primary"] = json!(true);
                }
                list.push(entry);
                list.len() - 1
            });
            if let Some(entry) = list.get_mut(index).and_then(Value::as_object_mut) {
                entry.insert(sub.to_string(), json_value);
            }
        }
        return;
    }
    if let Some((parent, child)) = path.split_once('.') {
        let parent = resource
            .entry(parent.to_string())
            .or_insert_with(|| json!({}));
        if let Some(parent) = parent.as_object_mut() {
            parent.insert(child.to_string(), json_value);
        }
        return;
    }
    resource.insert(path.to_string(), json_value);
}

pub(super) fn flat(value: &Val) -> String {
    match value {
        Val::Null => String::new(),
        Val::One(text) => text.clone(),
        Val::Many(items) => items.join(","),
    }
}

/// One computed attribute: target, whether it flows on updates, value.
pub(super) struct Computed {
    pub(super) target: String,
    pub(super) on_update: bool,
    pub(super) value: Val,
}

pub(super) fn compute(mapping: &ObjectMapping, source: &Source) -> Result<Vec<Computed>, String> {
    let lookup = |name: &str| source.lookup(name);
    let mut computed = Vec::new();
    for attribute in &mapping.attribute_mappings {
        let value = match &attribute.source {
            Some(expression) => expressions::evaluate(expression, &lookup).map_err(|error| {
                format!(
                    "the expression for '{}' could not be evaluated: {error}",
                    attribute.target
                )
            })?,
            None => attribute.default_value.as_deref().map_or(Val::Null, text),
        };
        if value == Val::Null {
            continue;
        }
        computed.push(Computed {
            target: attribute.target.clone(),
            on_update: !attribute.flow_type.eq_ignore_ascii_case("ObjectAddOnly"),
            value,
        });
    }
    Ok(computed)
}

/// Entra's PATCH operations for what changed, and the modifiedProperties to log.
pub(super) fn diff(
    computed: &[Computed],
    current: &dyn Fn(&str) -> Option<String>,
    rfc: bool,
) -> (Vec<Value>, Vec<Value>) {
    let mut operations = Vec::new();
    let mut modified = Vec::new();
    for item in computed
        .iter()
        .filter(|item| item.on_update && !is_members(&item.target))
    {
        let new = flat(&item.value);
        let old = current(&item.target);
        let same = old.as_deref().is_some_and(|old| {
            if is_active(&item.target) {
                old.eq_ignore_ascii_case(&new)
            } else {
                old == new
            }
        });
        if same {
            continue;
        }
        let op = match (&old, rfc) {
            (Some(_), false) => "Replace",
            (None, false) => "Add",
            (Some(_), true) => "replace",
            (None, true) => "add",
        };
        let value = match &item.value {
            Val::One(text) if is_active(&item.target) && rfc => {
                Value::Bool(text.eq_ignore_ascii_case("true"))
            }
            // Entra's non-standard booleans: "True" / "False" strings.
            Val::One(text) if is_active(&item.target) => Value::String(
                if text.eq_ignore_ascii_case("true") {
                    "True"
                } else {
                    "False"
                }
                .to_string(),
            ),
            other => create_value(&item.target, other),
        };
        operations.push(json!({"op": op, "path": item.target, "value": value}));
        modified.push(json!({"displayName": item.target, "oldValue": old, "newValue": new}));
    }
    (operations, modified)
}

/// The POST body. A group is created without its members, which follow in a PATCH, as
/// Entra does ("Create Group" then "Update Group [Add Members]" in Microsoft's SCIM guide).
pub(super) fn create_body(mapping: &ObjectMapping, computed: &[Computed], group: bool) -> Value {
    let mut resource = Map::new();
    let schemas = if group {
        json!([SCHEMA_CORE_GROUP])
    } else {
        json!([SCHEMA_CORE_USER, SCHEMA_ENTERPRISE_USER])
    };
    resource.insert("schemas".into(), schemas);
    for item in computed
        .iter()
        .filter(|item| !(group && is_members(&item.target)))
    {
        set_path(&mut resource, &item.target, &item.value);
    }
    let _ = mapping;
    resource.insert(
        "meta".into(),
        json!({"resourceType": if group { "Group" } else { "User" }}),
    );
    Value::Object(resource)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn scim_paths_are_written_and_read_back() {
        let mut resource = Map::new();
        for (path, value) in [
            ("userName", "jane"),
            ("active", "True"),
            ("name.givenName", "Jane"),
            ("emails[type eq \"work\"].value", "jane@contoso.example"),
            ("phoneNumbers[type eq \"mobile\"].value", "+33 6"),
            (
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
                "Ops",
            ),
        ] {
            set_path(&mut resource, path, &Val::One(value.to_string()));
            assert_eq!(
                get_path(&Value::Object(resource.clone()), path).as_deref(),
                Some(value)
            );
        }
        let resource = Value::Object(resource);
        assert_eq!(resource["active"], json!(true));
        assert_eq!(
            resource["emails"],
            json!([{"type": "work", "primary": true, "value": "jane@contoso.example"}])
        );
    }

    #[test]
    fn diff_uses_entra_style_operations_unless_the_flag_is_set() {
        let computed = vec![
            Computed {
                target: "active".into(),
                on_update: true,
                value: Val::One("False".into()),
            },
            Computed {
                target: "displayName".into(),
                on_update: true,
                value: Val::One("Jane".into()),
            },
            Computed {
                target: "userName".into(),
                on_update: true,
                value: Val::One("jane".into()),
            },
        ];
        let current = |path: &str| match path {
            "active" => Some("True".to_string()),
            "userName" => Some("jane".to_string()),
            _ => None,
        };
        let (operations, _) = diff(&computed, &current, false);
        assert_eq!(
            operations,
            vec![
                json!({"op": "Replace", "path": "active", "value": "False"}),
                json!({"op": "Add", "path": "displayName", "value": "Jane"}),
            ]
        );
        let (operations, _) = diff(&computed, &current, true);
        assert_eq!(
            operations[0],
            json!({"op": "replace", "path": "active", "value": false})
        );
    }

    #[test]
    fn member_operations_add_and_remove_what_changed() {
        let ids = |list: &[&str]| list.iter().map(|id| id.to_string()).collect::<Vec<_>>();
        let (operations, modified) =
            member_operations(&ids(&["a", "b"]), Some(&ids(&["b", "c"])), false, false);
        assert_eq!(
            operations,
            vec![
                json!({"op": "Add", "path": "members", "value": [{"$ref": null, "value": "a"}]}),
                json!({"op": "Remove", "path": "members", "value": [{"$ref": null, "value": "c"}]}),
            ]
        );
        assert!(modified.is_some());
        // Unknown target members, or add-only: nothing is removed.
        let (operations, _) = member_operations(&ids(&["a"]), None, false, true);
        assert_eq!(
            operations,
            vec![json!({"op": "add", "path": "members", "value": [{"$ref": null, "value": "a"}]})]
        );
        let (operations, _) = member_operations(&ids(&["a"]), Some(&ids(&["a", "c"])), true, false);
        assert!(operations.is_empty());
    }
}
