//! The `scim` job's synchronization schema: the default document a new job gets, the checks a `PUT`
//! must pass, and a typed view of the object mappings for the provisioning simulator.

use serde_json::{Map, Value};

use super::expressions::{self, Expr};
use super::respond::GraphError;

/// UNVERIFIED: the exact `synchronizationRules[]` layout of a `scim` job (never captured from a
/// real tenant). Built from the documented default-mapping table: one rule
/// `USERGROUP_OUTBOUND_USERGROUP` (modelled on Microsoft's SCIM gallery template) holding the Group
/// mapping first, then the User mapping (`User` →
/// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`), source directory "Azure Active
/// Directory", target directory "customappsso".
const DEFAULT_SCHEMA: &str = include_str!("default_scim_schema.json");

/// The rule id provisionOnDemand must name with the default schema.
#[cfg(test)]
pub(crate) const DEFAULT_RULE_ID: &str = "USERGROUP_OUTBOUND_USERGROUP";

/// A fresh job's schema, its `id` set to the job id.
pub(crate) fn default_schema(job_id: &str) -> Value {
    let mut schema: Value = serde_json::from_str(DEFAULT_SCHEMA).unwrap_or_default();
    if let Some(object) = schema.as_object_mut() {
        object.insert("id".into(), Value::String(job_id.to_string()));
    }
    schema
}

/// UNVERIFIED: the sync service's code and wording for a schema it refuses.
fn invalid_schema(message: impl Into<String>) -> GraphError {
    GraphError::bad_request("BadRequest", message)
}

/// Checks a `PUT …/schema` body and returns what to store. The PUT replaces the whole schema,
/// so a body without `directories` or `synchronizationRules` (a partial, PATCH-style body) is
/// refused rather than silently wiping the rest.
pub(crate) fn validate_put(mut body: Map<String, Value>) -> Result<Value, GraphError> {
    body.retain(|key, _| !key.starts_with("@odata"));
    for required in ["directories", "synchronizationRules"] {
        if !body.get(required).is_some_and(Value::is_array) {
            return Err(invalid_schema(format!(
                "The schema is missing the required property '{required}'. PUT replaces the whole schema: send the complete document returned by GET."
            )));
        }
    }
    let schema = Value::Object(body);
    let mappings = object_mappings(&schema).map_err(invalid_schema)?;
    for mapping in mappings
        .iter()
        .filter(|mapping| mapping.enabled && mapping.source_object.eq_ignore_ascii_case("User"))
    {
        if !mapping
            .attribute_mappings
            .iter()
            .any(|attribute| attribute.matching_priority > 0)
        {
            return Err(invalid_schema(format!(
                "The object mapping '{}' must have at least one matching attribute (matchingPriority > 0).",
                mapping.name
            )));
        }
    }
    Ok(schema)
}

/// Ids of the schema's synchronization rules.
pub(crate) fn rule_ids(schema: &Value) -> Vec<String> {
    schema
        .get("synchronizationRules")
        .and_then(Value::as_array)
        .map(|rules| {
            rules
                .iter()
                .filter_map(|rule| rule.get("id").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// One attribute mapping, read for evaluation.
#[derive(Debug, Clone)]
pub(crate) struct AttributeMapping {
    pub(crate) target: String,
    /// `None`: the mapping is a constant given by `default_value`.
    pub(crate) source: Option<Expr>,
    pub(crate) default_value: Option<String>,
    /// `Always`, `ObjectAddOnly`, …
    pub(crate) flow_type: String,
    pub(crate) matching_priority: i64,
}

/// One object mapping of a rule.
#[derive(Debug, Clone)]
pub(crate) struct ObjectMapping {
    pub(crate) rule_id: String,
    pub(crate) name: String,
    pub(crate) enabled: bool,
    pub(crate) source_object: String,
    pub(crate) target_object: String,
    pub(crate) attribute_mappings: Vec<AttributeMapping>,
}

fn text<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

/// Reads every object mapping of every rule, or says what is malformed.
pub(crate) fn object_mappings(schema: &Value) -> Result<Vec<ObjectMapping>, String> {
    let rules = schema
        .get("synchronizationRules")
        .and_then(Value::as_array)
        .ok_or("synchronizationRules must be an array")?;
    let mut result = Vec::new();
    for rule in rules {
        let rule_id = text(rule, "id")
            .ok_or("every synchronization rule needs an 'id'")?
            .to_string();
        let mappings = rule
            .get("objectMappings")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("the rule '{rule_id}' needs an 'objectMappings' array"))?;
        for mapping in mappings {
            let name = text(mapping, "name").unwrap_or_default().to_string();
            let source_object = text(mapping, "sourceObjectName")
                .ok_or_else(|| format!("the object mapping '{name}' needs a 'sourceObjectName'"))?
                .to_string();
            let target_object = text(mapping, "targetObjectName")
                .ok_or_else(|| format!("the object mapping '{name}' needs a 'targetObjectName'"))?
                .to_string();
            let enabled = match mapping.get("enabled") {
                Some(Value::Bool(flag)) => *flag,
                None | Some(Value::Null) => true,
                Some(_) => {
                    return Err(format!(
                        "'enabled' of the object mapping '{name}' must be a boolean"
                    ));
                }
            };
            let attributes = mapping
                .get("attributeMappings")
                .and_then(Value::as_array)
                .ok_or_else(|| {
                    format!("the object mapping '{name}' needs an 'attributeMappings' array")
                })?;
            let mut attribute_mappings = Vec::new();
            for attribute in attributes {
                let target = text(attribute, "targetAttributeName")
                    .filter(|target| !target.is_empty())
                    .ok_or_else(|| {
                        format!("every attribute mapping of '{name}' needs a 'targetAttributeName'")
                    })?
                    .to_string();
                let source = match attribute.get("source") {
                    None | Some(Value::Null) => None,
                    Some(source) => Some(expressions::from_source(source).map_err(|error| {
                        format!(
                            "the source of the mapping to '{target}' is invalid: {}",
                            error.message
                        )
                    })?),
                };
                attribute_mappings.push(AttributeMapping {
                    target,
                    source,
                    default_value: text(attribute, "defaultValue").map(str::to_string),
                    flow_type: text(attribute, "flowType").unwrap_or("Always").to_string(),
                    matching_priority: attribute
                        .get("matchingPriority")
                        .and_then(Value::as_i64)
                        .unwrap_or(0),
                });
            }
            result.push(ObjectMapping {
                rule_id: rule_id.clone(),
                name,
                enabled,
                source_object,
                target_object,
                attribute_mappings,
            });
        }
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn default_schema_is_well_formed_and_its_function_sources_match_the_parser() {
        let schema = default_schema("scim.x.y");
        assert_eq!(schema["id"], "scim.x.y");
        assert_eq!(rule_ids(&schema), vec![DEFAULT_RULE_ID.to_string()]);
        let mappings = object_mappings(&schema).unwrap();
        assert_eq!(mappings.len(), 2);
        let users = mappings.iter().find(|m| m.source_object == "User").unwrap();
        assert_eq!(
            users.target_object,
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
        );
        assert!(
            users
                .attribute_mappings
                .iter()
                .any(|a| a.target == "name.formatted")
        );
        // Every Function source in the file is exactly what parseExpression would produce.
        let rules = schema["synchronizationRules"].as_array().unwrap();
        for mapping in rules[0]["objectMappings"].as_array().unwrap() {
            for attribute in mapping["attributeMappings"].as_array().unwrap() {
                let source = &attribute["source"];
                let reparsed = expressions::parse(source["expression"].as_str().unwrap()).unwrap();
                assert_eq!(&expressions::to_source(&reparsed), source);
            }
        }
        validate_put(schema.as_object().unwrap().clone()).unwrap();
    }

    #[test]
    fn partial_schemas_are_refused() {
        let error = validate_put(
            json!({"synchronizationRules": []})
                .as_object()
                .unwrap()
                .clone(),
        )
        .unwrap_err();
        assert_eq!(error.status, 400);
        assert!(error.message.contains("directories"));
    }
}
