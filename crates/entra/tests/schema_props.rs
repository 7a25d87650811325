//! Property tests of the schema editor on generated schemas: idempotence, nothing else changed,
//! never a panic on arbitrary JSON.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use proptest::sample::SizeRange;
use scim_wizard_entra::schema::{
    ChangeKind, GROUP_ATTRIBUTES, MappingOptions, SchemaError, USERNAME_EXPRESSION, edit_schema,
    render_source, user_rule_id, verify_schema,
};
use serde_json::{Map, Value, json};

const ENTRA: &str = "Azure Active Directory";

fn attribute(name: &str) -> Value {
    json!({"expression": format!("[{name}]"), "name": name, "parameters": [], "type": "Attribute"})
}

fn constant(value: &str) -> Value {
    json!({"expression": format!("\"{value}\""), "name": value, "parameters": [], "type": "Constant"})
}

fn parsed_username() -> Value {
    json!({
        "expression": USERNAME_EXPRESSION, "name": "Item", "type": "Function",
        "parameters": [
            {"key": "source", "value": {
                "expression": "Split([userPrincipalName], \"@\")", "name": "Split", "type": "Function",
                "parameters": [
                    {"key": "source", "value": attribute("userPrincipalName")},
                    {"key": "delimiter", "value": constant("@")}
                ]}},
            {"key": "index", "value": constant("1")}
        ]
    })
}

/// Small JSON leaves and shallow containers for "unknown" fields.
fn arb_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        "[a-zA-Z0-9 .@\"'-]{0,12}".prop_map(Value::String),
    ]
}

fn arb_json() -> impl Strategy<Value = Value> {
    arb_leaf().prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,10}", inner, 0..5)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Unknown fields, named so they never collide with the fields the editor reads.
fn extra_fields(size: impl Into<SizeRange>) -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map("x[A-Za-z]{1,8}", arb_json(), size)
        .prop_map(|map| map.into_iter().collect())
}

fn arb_source() -> impl Strategy<Value = Value> {
    let name = "[a-zA-Z]{1,10}";
    prop_oneof![
        Just(Value::Null),
        name.prop_map(|name| attribute(&name)),
        name.prop_map(|name| constant(&name)),
        (name, prop::collection::vec(name, 0..3)).prop_map(|(function, args)| {
            let parameters: Vec<Value> = args
                .iter()
                .map(|arg| json!({"key": "source", "value": attribute(arg)}))
                .collect();
            json!({"name": function, "type": "Function", "parameters": parameters})
        }),
    ]
}

fn attribute_mapping(target: String, source: Value, extra: Map<String, Value>) -> Value {
    let mut object = extra;
    object.insert("targetAttributeName".into(), Value::String(target));
    object.insert("source".into(), source);
    object.insert("flowType".into(), json!("Always"));
    object.insert("matchingPriority".into(), json!(0));
    Value::Object(object)
}

/// Attribute mappings besides userName and name.formatted (a user mapping's displayName is removed too).
fn other_attributes() -> impl Strategy<Value = Vec<Value>> {
    let target = prop_oneof![
        Just("displayName".to_owned()),
        Just("title".to_owned()),
        Just("emails[type eq \"work\"].value".to_owned()),
        Just("name.givenName".to_owned()),
        Just("name.familyName".to_owned()),
        "attr[a-z]{1,6}",
    ];
    prop::collection::vec((target, arb_source(), extra_fields(0..2)), 0..6).prop_map(|items| {
        items
            .into_iter()
            .map(|(target, source, extra)| attribute_mapping(target, source, extra))
            .collect()
    })
}

fn username_source() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(attribute("userPrincipalName")),
        Just(parsed_username()),
        Just(json!({"name": "userPrincipalName", "type": "Attribute"})),
        "[a-zA-Z]{1,8}".prop_map(|name| attribute(&name)),
    ]
}

fn user_object_mapping() -> impl Strategy<Value = Value> {
    (
        other_attributes(),
        prop::collection::vec((username_source(), extra_fields(0..2)), 1..3),
        prop::collection::vec((arb_source(), extra_fields(0..2)), 0..3),
        extra_fields(0..3),
        any::<prop::sample::Index>(),
    )
        .prop_flat_map(|(others, user_names, formatted, extra, _)| {
            let mut attributes = others;
            for (source, extra) in user_names {
                let mut mapping = attribute_mapping("userName".into(), source, extra);
                mapping["matchingPriority"] = json!(1);
                attributes.push(mapping);
            }
            for (source, extra) in formatted {
                attributes.push(attribute_mapping("name.formatted".into(), source, extra));
            }
            (Just(attributes).prop_shuffle(), Just(extra))
        })
        .prop_map(|(attributes, extra)| {
            let mut object = extra;
            object.insert("name".into(), json!("Provision Microsoft Entra ID Users"));
            object.insert("enabled".into(), json!(true));
            object.insert("sourceObjectName".into(), json!("User"));
            object.insert(
                "targetObjectName".into(),
                json!("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
            );
            object.insert("attributeMappings".into(), Value::Array(attributes));
            Value::Object(object)
        })
}

fn group_object_mapping() -> impl Strategy<Value = Value> {
    (
        prop_oneof![Just(None), any::<bool>().prop_map(Some)],
        other_attributes(),
        extra_fields(0..3),
    )
        .prop_map(|(enabled, attributes, extra)| {
            let mut object = extra;
            if let Some(enabled) = enabled {
                object.insert("enabled".into(), Value::Bool(enabled));
            }
            object.insert("sourceObjectName".into(), json!("Group"));
            object.insert(
                "targetObjectName".into(),
                json!("urn:ietf:params:scim:schemas:core:2.0:Group"),
            );
            // A group mapping's own name.formatted-like rows are not the user mapping's.
            object.insert("attributeMappings".into(), Value::Array(attributes));
            Value::Object(object)
        })
}

fn other_object_mapping() -> impl Strategy<Value = Value> {
    (other_attributes(), extra_fields(0..2)).prop_map(|(attributes, extra)| {
        let mut object = extra;
        object.insert("sourceObjectName".into(), json!("Contact"));
        object.insert("attributeMappings".into(), Value::Array(attributes));
        Value::Object(object)
    })
}

fn arb_schema() -> impl Strategy<Value = Value> {
    (
        user_object_mapping(),
        prop::option::of(group_object_mapping()),
        prop::collection::vec(other_object_mapping(), 0..2),
        prop::option::of(user_object_mapping()),
        extra_fields(0..3),
        extra_fields(0..3),
        any::<bool>(),
    )
        .prop_flat_map(|(user, group, others, inbound_user, rule_extra, schema_extra, inbound_first)| {
            let mut mappings = vec![user];
            mappings.extend(group);
            mappings.extend(others);
            (
                Just(mappings).prop_shuffle(),
                Just(inbound_user),
                Just(rule_extra),
                Just(schema_extra),
                Just(inbound_first),
            )
        })
        .prop_map(|(mappings, inbound_user, rule_extra, schema_extra, inbound_first)| {
            let mut rule = rule_extra;
            rule.insert("id".into(), json!("rule-entra"));
            rule.insert("sourceDirectoryName".into(), json!(ENTRA));
            rule.insert("targetDirectoryName".into(), json!("customappsso"));
            rule.insert("objectMappings".into(), Value::Array(mappings));
            let mut rules = vec![Value::Object(rule)];
            if let Some(user) = inbound_user {
                // A rule from the app back to Entra: must never be touched.
                let inbound = json!({"id": "rule-inbound", "sourceDirectoryName": "customappsso",
                    "targetDirectoryName": ENTRA, "objectMappings": [user]});
                if inbound_first {
                    rules.insert(0, inbound);
                } else {
                    rules.push(inbound);
                }
            }
            let mut schema = schema_extra;
            schema.insert("id".into(), json!("scim"));
            schema.insert("directories".into(), json!([{"name": ENTRA}, {"name": "customappsso"}]));
            schema.insert("synchronizationRules".into(), Value::Array(rules));
            Value::Object(schema)
        })
}

fn arb_options() -> impl Strategy<Value = MappingOptions> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(groups, upn, flag)| MappingOptions {
        provision_groups: groups,
        keep_full_upn: upn,
        scim_compat_flag: flag,
    })
}

/// The schema with the targets taken out of the Entra rule (what the editor may touch): the
/// group mapping's `enabled`, and with groups on, its attributes other than [`GROUP_ATTRIBUTES`];
/// the user mapping's `name.formatted` and `userName` source.
/// The user attributes the edit removes.
const NOT_SENT: [&str; 2] = ["name.formatted", "displayName"];

fn without_targets(schema: &Value, options: &MappingOptions) -> Value {
    let mut schema = schema.clone();
    for rule in schema["synchronizationRules"].as_array_mut().unwrap() {
        if rule["sourceDirectoryName"] != ENTRA {
            continue;
        }
        for mapping in rule["objectMappings"].as_array_mut().unwrap() {
            match mapping["sourceObjectName"].as_str() {
                Some("Group") => {
                    mapping.as_object_mut().unwrap().remove("enabled");
                    if options.provision_groups
                        && let Some(attributes) = mapping["attributeMappings"].as_array_mut()
                    {
                        attributes.retain(|attribute| {
                            GROUP_ATTRIBUTES
                                .iter()
                                .any(|kept| attribute["targetAttributeName"] == *kept)
                        });
                    }
                }
                Some("User") => {
                    let attributes = mapping["attributeMappings"].as_array_mut().unwrap();
                    attributes.retain(|attribute| {
                        !NOT_SENT
                            .iter()
                            .any(|removed| attribute["targetAttributeName"] == *removed)
                    });
                    for attribute in attributes {
                        if attribute["targetAttributeName"] == "userName" {
                            attribute.as_object_mut().unwrap().remove("source");
                        }
                    }
                }
                _ => {}
            }
        }
    }
    schema
}

fn has_group_mapping(schema: &Value) -> bool {
    schema["synchronizationRules"]
        .as_array()
        .unwrap()
        .iter()
        .any(|rule| {
            rule["sourceDirectoryName"] == ENTRA
                && rule["objectMappings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|mapping| mapping["sourceObjectName"] == "Group")
        })
}

/// Every path (as a list of keys/indices) to a node of `value`.
fn paths(value: &Value, prefix: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    out.push(prefix.clone());
    match value {
        Value::Object(object) => {
            for (key, inner) in object {
                prefix.push(PathStep::Key(key.clone()));
                paths(inner, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(array) => {
            for (index, inner) in array.iter().enumerate() {
                prefix.push(PathStep::Index(index));
                paths(inner, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn replace_at(value: &mut Value, path: &[PathStep], replacement: Value) {
    let mut current = value;
    for step in path {
        current = match step {
            PathStep::Key(key) => current.get_mut(key.as_str()).unwrap(),
            PathStep::Index(index) => current.get_mut(*index).unwrap(),
        };
    }
    *current = replacement;
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn edit_is_idempotent_and_touches_only_its_targets(schema in arb_schema(), options in arb_options()) {
        let parsed = parsed_username();
        let result = edit_schema(&schema, &options, Some(&parsed));
        if options.provision_groups && !has_group_mapping(&schema) {
            prop_assert_eq!(result.unwrap_err(), SchemaError::NoGroupMapping);
            return Ok(());
        }
        let edit = result.unwrap();

        // Idempotent: same document, no changes reported.
        let again = edit_schema(&edit.schema, &options, Some(&parsed)).unwrap();
        prop_assert!(again.changes.is_empty(), "second run changed: {:?}", again.changes);
        prop_assert_eq!(&again.schema, &edit.schema);

        // Nothing else changed (unknown fields, array order, other rules and mappings).
        prop_assert_eq!(without_targets(&edit.schema, &options), without_targets(&schema, &options));

        // The result satisfies the options, and every change is described.
        prop_assert_eq!(verify_schema(&edit.schema, &options), Ok(()));
        for change in &edit.changes {
            prop_assert!(change.describe().contains(" → "));
            prop_assert_ne!(&change.before, &change.after);
        }
        for (kind, target) in [(ChangeKind::NameFormatted, NOT_SENT[0]), (ChangeKind::DisplayName, NOT_SENT[1])] {
            let reported = edit.changes.iter().filter(|c| c.what == kind).count();
            let in_schema = schema["synchronizationRules"].as_array().unwrap().iter()
                .filter(|rule| rule["sourceDirectoryName"] == ENTRA)
                .flat_map(|rule| rule["objectMappings"].as_array().unwrap().iter())
                .filter(|mapping| mapping["sourceObjectName"] == "User")
                .flat_map(|mapping| mapping["attributeMappings"].as_array().unwrap().iter())
                .filter(|attribute| attribute["targetAttributeName"] == target)
                .count();
            prop_assert_eq!(reported, in_schema, "{}", target);
        }
        let rule_id = user_rule_id(&edit.schema);
        prop_assert_eq!(rule_id.as_deref(), Some("rule-entra"));
    }

    #[test]
    fn never_panics_on_arbitrary_json(value in arb_json(), options in arb_options()) {
        let _ = edit_schema(&value, &options, Some(&value));
        let _ = edit_schema(&value, &options, None);
        let _ = verify_schema(&value, &options);
        let _ = user_rule_id(&value);
        let _ = render_source(&value);
    }

    #[test]
    fn never_panics_on_a_schema_with_a_subtree_replaced(
        schema in arb_schema(),
        options in arb_options(),
        junk in arb_json(),
        pick in any::<prop::sample::Index>(),
    ) {
        let mut all = Vec::new();
        paths(&schema, &mut Vec::new(), &mut all);
        let path = pick.get(&all).clone();
        let mut broken = schema.clone();
        replace_at(&mut broken, &path, junk);
        let parsed = parsed_username();
        if let Ok(edit) = edit_schema(&broken, &options, Some(&parsed)) {
            // Whatever it accepted, a second run is still a no-op.
            let again = edit_schema(&edit.schema, &options, Some(&parsed)).unwrap();
            prop_assert!(again.changes.is_empty());
        }
        let _ = verify_schema(&broken, &options);
        let _ = user_rule_id(&broken);
    }
}
