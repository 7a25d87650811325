//! The attribute-mapping editor: step 4 of Scaleway's guide as a pure function over the
//! `synchronizationSchema` JSON (docs/services.md, "Graph: the mappings (schema)").
//!
//! The caller GETs the schema, asks Graph to parse [`USERNAME_EXPRESSION`]
//! (`GraphClient::parse_expression`), calls [`edit_schema`], shows [`SchemaEdit::changes`], PUTs
//! the whole [`SchemaEdit::schema`], GETs it again and checks it with [`verify_schema`].
//!
//! Mappings are found by what they map (`sourceObjectName`, `targetAttributeName`), never by
//! display names, which Microsoft has renamed over time. Everything else in the document is left
//! exactly as it was: unknown fields, array order, the untouched rules and directories.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// The userName expression of Scaleway's guide: the UPN's local part (`Item` is 1-based).
pub const USERNAME_EXPRESSION: &str = "Item(Split([userPrincipalName], \"@\"), 1)";

/// The Tenant URL flag that switches Entra to RFC-compliant SCIM PATCH for non-gallery apps
/// (docs/services.md). It does not work with provision on demand.
pub const SCIM_COMPAT_FLAG: &str = "aadOptscim062020";

/// Source directory names of the Entra side of a rule (renamed over time, docs/services.md).
const ENTRA_DIRECTORY_NAMES: &[&str] = &[
    "Azure Active Directory",
    "Microsoft Entra ID",
    "Microsoft Entra",
    "Entra ID",
    "AzureActiveDirectory",
    "AAD",
];

/// What the admin chose for step 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MappingOptions {
    /// Push groups too. Scaleway's SCIM serves groups since 2026-08-18 and its current guide
    /// turns group provisioning on; the engine decides after asking the Organization's SCIM
    /// service (`false` here, the type's default, is "off"). With it off, assigned groups' direct
    /// members are still provisioned as users.
    pub provision_groups: bool,
    /// Keep `userName = userPrincipalName` instead of the UPN's local part.
    pub keep_full_upn: bool,
    /// Add [`SCIM_COMPAT_FLAG`] to the Tenant URL. Not a schema change: see
    /// [`MappingOptions::tenant_url`].
    pub scim_compat_flag: bool,
}

impl MappingOptions {
    /// The Tenant URL (BaseAddress) to save for these options: `base` with the compat flag added
    /// or removed.
    pub fn tenant_url(&self, base: &str) -> String {
        if self.scim_compat_flag {
            tenant_url_with_compat_flag(base)
        } else {
            tenant_url_without_compat_flag(base)
        }
    }

    /// The expression userName must carry.
    pub fn username_expression(&self) -> &'static str {
        if self.keep_full_upn {
            "[userPrincipalName]"
        } else {
            USERNAME_EXPRESSION
        }
    }
}

/// Which edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// The Group object mapping's `enabled`.
    GroupProvisioning,
    /// The `name.formatted` attribute mapping of the User object mapping.
    NameFormatted,
    /// The `displayName` attribute mapping of the User object mapping.
    DisplayName,
    /// The `source` of the `userName` attribute mapping.
    UserName,
    /// The attributes of the Group object mapping: only [`GROUP_ATTRIBUTES`] go to Scaleway.
    GroupAttributes,
}

/// What a group carries to Scaleway when groups are provisioned: its name and its members.
/// Scaleway's guide names no other group attribute, and its SCIM server refuses attributes it
/// does not support ("unsupported path"), so the others the template maps (`externalId`) are
/// removed. Which group attributes Scaleway accepts is not documented: docs/services.md.
pub const GROUP_ATTRIBUTES: [&str; 2] = ["displayName", "members"];

/// The user attributes not sent to Scaleway, each with the change that removes its mapping.
/// `name.formatted`: Scaleway's guide deletes it (Scaleway builds the name from first and last
/// name). `displayName`: Scaleway refuses it ("unsupported path for operation Add: displayName",
/// the guide's troubleshooting, whose fix is deleting that mapping). Entra sends it whenever it
/// updates a user (a renamed person, or a user it matched in Scaleway rather than created), so
/// it is removed before it can fail: docs/services.md, "Scaleway's SCIM server".
const USER_ATTRIBUTES_NOT_SENT: [(&str, ChangeKind); 2] = [
    ("name.formatted", ChangeKind::NameFormatted),
    ("displayName", ChangeKind::DisplayName),
];

impl ChangeKind {
    fn label(self) -> &'static str {
        match self {
            ChangeKind::GroupProvisioning => "Group provisioning",
            ChangeKind::NameFormatted => "name.formatted",
            ChangeKind::DisplayName => "displayName",
            ChangeKind::UserName => "userName",
            ChangeKind::GroupAttributes => "Group attributes",
        }
    }
}

/// One change, in plain language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub what: ChangeKind,
    pub before: String,
    pub after: String,
}

impl Change {
    /// E.g. `Group provisioning: on → off`, `userName: [userPrincipalName] → Item(…)`.
    pub fn describe(&self) -> String {
        format!("{}: {} → {}", self.what.label(), self.before, self.after)
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// The edited schema (to PUT whole) and what changed (empty when it was already right).
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaEdit {
    pub schema: Value,
    pub changes: Vec<Change>,
}

/// Why a schema cannot be edited. Never a panic: any JSON gives either an edit or one of these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    #[error("The provisioning schema is not a JSON object")]
    NotAnObject,
    #[error("The provisioning schema has no synchronization rules")]
    NoRules,
    #[error(
        "The provisioning schema has no mapping of Entra users (source directories seen: {})",
        if .source_directories.is_empty() { "none".to_owned() } else { .source_directories.join(", ") }
    )]
    NoUserMapping { source_directories: Vec<String> },
    #[error("The provisioning schema has no group mapping to turn on")]
    NoGroupMapping,
    #[error("The user mapping has no userName attribute")]
    NoUserNameMapping,
    #[error("The provisioning schema has an unexpected shape at {path}: expected {expected}")]
    UnexpectedShape {
        path: String,
        expected: &'static str,
    },
    #[error("The parsed userName expression is needed (ask Graph to parse it first)")]
    MissingParsedExpression,
    #[error("Graph parsed the userName expression into something else: {found}")]
    UnexpectedParsedExpression { found: String },
}

impl SchemaError {
    /// Stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            SchemaError::NotAnObject => "schema.not_an_object",
            SchemaError::NoRules => "schema.no_rules",
            SchemaError::NoUserMapping { .. } => "schema.no_user_mapping",
            SchemaError::NoGroupMapping => "schema.no_group_mapping",
            SchemaError::NoUserNameMapping => "schema.no_username_mapping",
            SchemaError::UnexpectedShape { .. } => "schema.unexpected_shape",
            SchemaError::MissingParsedExpression => "schema.parsed_expression_missing",
            SchemaError::UnexpectedParsedExpression { .. } => "schema.parsed_expression_unexpected",
        }
    }
}

/// A way a schema read back after the PUT does not match the options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// The schema could not even be read.
    Unreadable(SchemaError),
    /// One of the edits is not in place.
    Field {
        what: ChangeKind,
        expected: String,
        found: String,
    },
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::Unreadable(error) => write!(f, "{error}"),
            Mismatch::Field {
                what,
                expected,
                found,
            } => write!(f, "{}: expected {expected}, found {found}", what.label()),
        }
    }
}

/// Applies the edits of the guide (as chosen by `options`) to a copy of `schema`.
///
/// `parsed_username_expression` is Graph's `parsedExpression` for [`USERNAME_EXPRESSION`]; it is
/// needed only when userName does not already carry that expression (and not with
/// `keep_full_upn`). Idempotent: editing the result again reports no changes.
pub fn edit_schema(
    schema: &Value,
    options: &MappingOptions,
    parsed_username_expression: Option<&Value>,
) -> Result<SchemaEdit, SchemaError> {
    let analysis = analyse(schema, options)?;
    let mut edited = schema.clone();
    let mut changes = Vec::new();

    // 1. Group object mappings.
    for group in &analysis.groups {
        if group.enabled == options.provision_groups {
            continue;
        }
        let mapping = object_mapping_mut(&mut edited, group.at)?;
        mapping.insert("enabled".to_owned(), Value::Bool(options.provision_groups));
        changes.push(Change {
            what: ChangeKind::GroupProvisioning,
            before: on_off(group.enabled).to_owned(),
            after: on_off(options.provision_groups).to_owned(),
        });
    }
    // Groups on: only the attributes Scaleway takes (removed from the back: indices stay valid).
    for group in analysis.groups.iter().filter(|_| options.provision_groups) {
        if group.extra.is_empty() {
            continue;
        }
        let attributes = attribute_mappings_mut(&mut edited, group.at)?;
        for &index in group.extra.iter().rev() {
            if index < attributes.len() {
                attributes.remove(index);
            }
        }
        let kept: Vec<&str> = group
            .targets
            .iter()
            .enumerate()
            .filter(|(index, _)| !group.extra.contains(index))
            .map(|(_, target)| target.as_str())
            .collect();
        changes.push(Change {
            what: ChangeKind::GroupAttributes,
            before: group.targets.join(", "),
            after: kept.join(", "),
        });
    }

    // 3 before 2 in the document (indices stay valid), reported in the guide's order below.
    let mut username_changes = Vec::new();
    let wanted = options.username_expression();
    for user_name in analysis.user_names.iter().filter(|entry| !entry.matches) {
        let source = if options.keep_full_upn {
            json!({
                "expression": "[userPrincipalName]",
                "name": "userPrincipalName",
                "parameters": [],
                "type": "Attribute",
            })
        } else {
            let parsed = parsed_username_expression.ok_or(SchemaError::MissingParsedExpression)?;
            check_parsed_expression(parsed)?;
            parsed.clone()
        };
        let attribute = attribute_mapping_mut(&mut edited, user_name.at, user_name.index)?;
        attribute.insert("source".to_owned(), source);
        username_changes.push(Change {
            what: ChangeKind::UserName,
            before: user_name.rendered.clone(),
            after: wanted.to_owned(),
        });
    }

    // 2. name.formatted and displayName, removed from the back so earlier indices stay valid.
    let mut removals: Vec<&AttributeAt> = analysis.not_sent.iter().map(|(_, at)| at).collect();
    removals.sort_by_key(|removal| std::cmp::Reverse((removal.at, removal.index)));
    for removal in removals {
        let attributes = attribute_mappings_mut(&mut edited, removal.at)?;
        if removal.index < attributes.len() {
            attributes.remove(removal.index);
        }
    }
    // Reported name.formatted first (the guide's edit), then displayName.
    for (_, kind) in USER_ATTRIBUTES_NOT_SENT {
        for (_, removal) in analysis.not_sent.iter().filter(|(found, _)| *found == kind) {
            changes.push(Change {
                what: kind,
                before: format!("sent ({})", removal.rendered),
                after: "not sent".to_owned(),
            });
        }
    }
    changes.extend(username_changes);

    Ok(SchemaEdit {
        schema: edited,
        changes,
    })
}

/// Checks that a schema (read back after the PUT) carries the edits for `options`.
pub fn verify_schema(schema: &Value, options: &MappingOptions) -> Result<(), Vec<Mismatch>> {
    let analysis = analyse(schema, options).map_err(|error| vec![Mismatch::Unreadable(error)])?;
    let mut mismatches = Vec::new();
    for group in &analysis.groups {
        if group.enabled != options.provision_groups {
            mismatches.push(Mismatch::Field {
                what: ChangeKind::GroupProvisioning,
                expected: on_off(options.provision_groups).to_owned(),
                found: on_off(group.enabled).to_owned(),
            });
        }
        if options.provision_groups && !group.extra.is_empty() {
            mismatches.push(Mismatch::Field {
                what: ChangeKind::GroupAttributes,
                expected: GROUP_ATTRIBUTES.join(", "),
                found: group.targets.join(", "),
            });
        }
    }
    for (kind, removal) in &analysis.not_sent {
        mismatches.push(Mismatch::Field {
            what: *kind,
            expected: "not sent".to_owned(),
            found: format!("sent ({})", removal.rendered),
        });
    }
    for user_name in analysis.user_names.iter().filter(|entry| !entry.matches) {
        mismatches.push(Mismatch::Field {
            what: ChangeKind::UserName,
            expected: options.username_expression().to_owned(),
            found: user_name.rendered.clone(),
        });
    }
    if mismatches.is_empty() {
        Ok(())
    } else {
        Err(mismatches)
    }
}

/// The id of the rule holding the Entra → app User mapping: provisionOnDemand's `ruleId`.
pub fn user_rule_id(schema: &Value) -> Option<String> {
    rule_id_for(schema, "User")
}

/// The id of the rule holding the Group mapping (provisionOnDemand for a group).
pub fn group_rule_id(schema: &Value) -> Option<String> {
    rule_id_for(schema, "Group")
}

fn rule_id_for(schema: &Value, source_object: &str) -> Option<String> {
    let rules = schema.get("synchronizationRules")?.as_array()?;
    candidate_rules(rules)
        .into_iter()
        .filter_map(|index| rules.get(index))
        .find(|rule| {
            object_mappings(rule)
                .iter()
                .any(|mapping| source_object_is(mapping, source_object))
        })
        .and_then(|rule| match rule.get("id")? {
            Value::String(id) => Some(id.clone()),
            Value::Number(id) => Some(id.to_string()),
            _ => None,
        })
}

/// Prints an `attributeMappingSource` back as an expression: its `expression` when Graph gave
/// one, else rebuilt from `type`/`name`/`parameters` (`[attr]`, `"constant"`, `Fn(a, b)`).
pub fn render_source(source: &Value) -> String {
    render(source, 0)
}

fn render(source: &Value, depth: usize) -> String {
    if depth > 32 {
        return "…".to_owned();
    }
    match source {
        Value::Null => "(no source)".to_owned(),
        Value::String(text) => text.clone(),
        Value::Object(object) => {
            if let Some(expression) = object
                .get("expression")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|expression| !expression.is_empty())
            {
                return expression.to_owned();
            }
            let name = object.get("name").and_then(Value::as_str).unwrap_or("");
            let kind = object.get("type").and_then(Value::as_str).unwrap_or("");
            if kind.eq_ignore_ascii_case("Attribute") {
                format!("[{name}]")
            } else if kind.eq_ignore_ascii_case("Constant") {
                format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
            } else if kind.eq_ignore_ascii_case("Function") {
                let arguments = object
                    .get("parameters")
                    .and_then(Value::as_array)
                    .map(|parameters| {
                        parameters
                            .iter()
                            .map(|parameter| {
                                render(parameter.get("value").unwrap_or(&Value::Null), depth + 1)
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
                format!("{name}({arguments})")
            } else if !name.is_empty() {
                name.to_owned()
            } else {
                "(unknown source)".to_owned()
            }
        }
        other => other.to_string(),
    }
}

/// The Tenant URL with [`SCIM_COMPAT_FLAG`] as a query flag: `?aadOptscim062020`, or
/// `&aadOptscim062020` when there is already a query. Idempotent.
pub fn tenant_url_with_compat_flag(base: &str) -> String {
    let base = base.trim();
    let (without_fragment, fragment) = match base.find('#') {
        Some(at) => base.split_at(at),
        None => (base, ""),
    };
    if has_compat_flag(without_fragment) {
        return base.to_owned();
    }
    let joined = match without_fragment.find('?') {
        None => format!("{without_fragment}?{SCIM_COMPAT_FLAG}"),
        Some(_) if without_fragment.ends_with('?') || without_fragment.ends_with('&') => {
            format!("{without_fragment}{SCIM_COMPAT_FLAG}")
        }
        Some(_) => format!("{without_fragment}&{SCIM_COMPAT_FLAG}"),
    };
    format!("{joined}{fragment}")
}

/// The Tenant URL without [`SCIM_COMPAT_FLAG`] (the inverse of [`tenant_url_with_compat_flag`]).
pub fn tenant_url_without_compat_flag(base: &str) -> String {
    let base = base.trim();
    let (without_fragment, fragment) = match base.find('#') {
        Some(at) => base.split_at(at),
        None => (base, ""),
    };
    let Some((path, query)) = without_fragment.split_once('?') else {
        return base.to_owned();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.is_empty() && !is_flag_pair(pair))
        .collect();
    if kept.is_empty() {
        format!("{path}{fragment}")
    } else {
        format!("{path}?{}{fragment}", kept.join("&"))
    }
}

fn has_compat_flag(url: &str) -> bool {
    url.split_once('?')
        .is_some_and(|(_, query)| query.split('&').any(is_flag_pair))
}

fn is_flag_pair(pair: &str) -> bool {
    pair.split('=')
        .next()
        .is_some_and(|key| key.eq_ignore_ascii_case(SCIM_COMPAT_FLAG))
}

// ---------------------------------------------------------------------------------------------
// Analysis: where the edited targets are and whether each is already as wanted.

/// (rule index, object mapping index)
type At = (usize, usize);

#[derive(Debug)]
struct GroupMapping {
    at: At,
    enabled: bool,
    /// The target attributes it maps, in order, and the indices of those Scaleway does not take.
    targets: Vec<String>,
    extra: Vec<usize>,
}

#[derive(Debug, Clone)]
struct AttributeAt {
    at: At,
    index: usize,
    rendered: String,
}

#[derive(Debug)]
struct UserNameAt {
    at: At,
    index: usize,
    rendered: String,
    matches: bool,
}

#[derive(Debug)]
struct Analysis {
    groups: Vec<GroupMapping>,
    /// User attribute mappings to remove ([`USER_ATTRIBUTES_NOT_SENT`]), in document order.
    not_sent: Vec<(ChangeKind, AttributeAt)>,
    user_names: Vec<UserNameAt>,
}

fn analyse(schema: &Value, options: &MappingOptions) -> Result<Analysis, SchemaError> {
    if !schema.is_object() {
        return Err(SchemaError::NotAnObject);
    }
    let rules = match schema.get("synchronizationRules") {
        Some(Value::Array(rules)) if !rules.is_empty() => rules,
        Some(Value::Array(_)) | None | Some(Value::Null) => return Err(SchemaError::NoRules),
        Some(_) => {
            return Err(SchemaError::UnexpectedShape {
                path: "synchronizationRules".to_owned(),
                expected: "an array",
            });
        }
    };
    let mut analysis = Analysis {
        groups: Vec::new(),
        not_sent: Vec::new(),
        user_names: Vec::new(),
    };
    let mut user_mappings = 0;
    for rule_index in candidate_rules(rules) {
        let Some(rule) = rules.get(rule_index) else {
            continue;
        };
        let mappings = match rule.get("objectMappings") {
            Some(Value::Array(mappings)) => mappings,
            None | Some(Value::Null) => continue,
            Some(_) => {
                return Err(SchemaError::UnexpectedShape {
                    path: format!("synchronizationRules[{rule_index}].objectMappings"),
                    expected: "an array",
                });
            }
        };
        for (mapping_index, mapping) in mappings.iter().enumerate() {
            let at = (rule_index, mapping_index);
            let path =
                format!("synchronizationRules[{rule_index}].objectMappings[{mapping_index}]");
            if source_object_is(mapping, "Group") {
                let targets: Vec<String> = mapping
                    .get("attributeMappings")
                    .and_then(Value::as_array)
                    .map(|attributes| {
                        attributes
                            .iter()
                            .map(|a| {
                                a.get("targetAttributeName")
                                    .and_then(Value::as_str)
                                    .unwrap_or_default()
                                    .trim()
                                    .to_owned()
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let extra = targets
                    .iter()
                    .enumerate()
                    .filter(|(_, target)| {
                        !GROUP_ATTRIBUTES
                            .iter()
                            .any(|kept| kept.eq_ignore_ascii_case(target))
                    })
                    .map(|(index, _)| index)
                    .collect();
                analysis.groups.push(GroupMapping {
                    at,
                    enabled: enabled_flag(mapping, &path)?,
                    targets,
                    extra,
                });
            } else if source_object_is(mapping, "User") {
                user_mappings += 1;
                analyse_user_mapping(mapping, at, &path, options, &mut analysis)?;
            }
        }
    }
    if user_mappings == 0 {
        let mut source_directories: Vec<String> = rules
            .iter()
            .filter_map(|rule| rule.get("sourceDirectoryName").and_then(Value::as_str))
            .map(str::to_owned)
            .collect();
        source_directories.dedup();
        return Err(SchemaError::NoUserMapping { source_directories });
    }
    if options.provision_groups && analysis.groups.is_empty() {
        return Err(SchemaError::NoGroupMapping);
    }
    Ok(analysis)
}

fn analyse_user_mapping(
    mapping: &Value,
    at: At,
    path: &str,
    options: &MappingOptions,
    analysis: &mut Analysis,
) -> Result<(), SchemaError> {
    let attributes = match mapping.get("attributeMappings") {
        Some(Value::Array(attributes)) => attributes,
        _ => {
            return Err(SchemaError::UnexpectedShape {
                path: format!("{path}.attributeMappings"),
                expected: "an array",
            });
        }
    };
    let wanted = normalize_expression(options.username_expression());
    let mut found_user_name = false;
    for (index, attribute) in attributes.iter().enumerate() {
        let Some(target) = attribute.get("targetAttributeName").and_then(Value::as_str) else {
            continue;
        };
        if let Some(&(_, kind)) = USER_ATTRIBUTES_NOT_SENT
            .iter()
            .find(|(name, _)| target.trim().eq_ignore_ascii_case(name))
        {
            analysis.not_sent.push((
                kind,
                AttributeAt {
                    at,
                    index,
                    rendered: render_attribute_value(attribute),
                },
            ));
        } else if target.trim().eq_ignore_ascii_case("userName") {
            found_user_name = true;
            let source = attribute.get("source").unwrap_or(&Value::Null);
            let rendered = render_source(source);
            let matches = !source.is_null() && normalize_expression(&rendered) == wanted;
            analysis.user_names.push(UserNameAt {
                at,
                index,
                rendered,
                matches,
            });
        }
    }
    if !found_user_name {
        return Err(SchemaError::NoUserNameMapping);
    }
    Ok(())
}

/// What an attribute mapping sends: its source, or its constant default when it has none.
fn render_attribute_value(attribute: &Value) -> String {
    match attribute.get("source") {
        Some(source) if !source.is_null() => render_source(source),
        _ => match attribute.get("defaultValue").and_then(Value::as_str) {
            Some(default) => format!("the constant \"{default}\""),
            None => "no source".to_owned(),
        },
    }
}

/// Indices of the rules whose source is Entra ID. When no rule names a known Entra directory
/// (a rename we don't know yet), every rule is a candidate.
fn candidate_rules(rules: &[Value]) -> Vec<usize> {
    let entra: Vec<usize> = rules
        .iter()
        .enumerate()
        .filter(|(_, rule)| {
            rule.get("sourceDirectoryName")
                .and_then(Value::as_str)
                .is_some_and(is_entra_directory)
        })
        .map(|(index, _)| index)
        .collect();
    if entra.is_empty() {
        (0..rules.len()).collect()
    } else {
        entra
    }
}

fn is_entra_directory(name: &str) -> bool {
    let name = name.trim();
    ENTRA_DIRECTORY_NAMES
        .iter()
        .any(|known| known.eq_ignore_ascii_case(name))
}

fn object_mappings(rule: &Value) -> &[Value] {
    rule.get("objectMappings")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn source_object_is(mapping: &Value, name: &str) -> bool {
    mapping
        .get("sourceObjectName")
        .and_then(Value::as_str)
        .is_some_and(|source| source.trim().eq_ignore_ascii_case(name))
}

/// `enabled` of an object mapping: absent or null means enabled (Graph's default).
fn enabled_flag(mapping: &Value, path: &str) -> Result<bool, SchemaError> {
    match mapping.get("enabled") {
        None | Some(Value::Null) => Ok(true),
        Some(Value::Bool(enabled)) => Ok(*enabled),
        Some(Value::String(text)) if text.eq_ignore_ascii_case("true") => Ok(true),
        Some(Value::String(text)) if text.eq_ignore_ascii_case("false") => Ok(false),
        Some(_) => Err(SchemaError::UnexpectedShape {
            path: format!("{path}.enabled"),
            expected: "true or false",
        }),
    }
}

fn on_off(enabled: bool) -> &'static str {
    if enabled { "on" } else { "off" }
}

/// The parsed expression must be an object rendering to [`USERNAME_EXPRESSION`].
fn check_parsed_expression(parsed: &Value) -> Result<(), SchemaError> {
    let rendered = render_source(parsed);
    if parsed.is_object()
        && normalize_expression(&rendered) == normalize_expression(USERNAME_EXPRESSION)
    {
        Ok(())
    } else {
        Err(SchemaError::UnexpectedParsedExpression { found: rendered })
    }
}

/// Compares expressions loosely: whitespace outside string literals is dropped, and a string
/// literal holding only digits is the same as the bare number (`"1"` ≡ `1`).
fn normalize_expression(expression: &str) -> String {
    let mut out = String::with_capacity(expression.len());
    let mut chars = expression.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            let mut literal = String::new();
            while let Some(inner) = chars.next() {
                if inner == '\\' {
                    if let Some(escaped) = chars.next() {
                        literal.push('\\');
                        literal.push(escaped);
                    }
                } else if inner == '"' {
                    break;
                } else {
                    literal.push(inner);
                }
            }
            if !literal.is_empty() && literal.chars().all(|c| c.is_ascii_digit()) {
                out.push_str(&literal);
            } else {
                out.push('"');
                out.push_str(&literal);
                out.push('"');
            }
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Mutable access by position (positions come from `analyse` on the same document).

fn shape(path: String) -> SchemaError {
    SchemaError::UnexpectedShape {
        path,
        expected: "the shape read a moment ago",
    }
}

fn object_mapping_mut(schema: &mut Value, at: At) -> Result<&mut Map<String, Value>, SchemaError> {
    schema
        .get_mut("synchronizationRules")
        .and_then(Value::as_array_mut)
        .and_then(|rules| rules.get_mut(at.0))
        .and_then(|rule| rule.get_mut("objectMappings"))
        .and_then(Value::as_array_mut)
        .and_then(|mappings| mappings.get_mut(at.1))
        .and_then(Value::as_object_mut)
        .ok_or_else(|| {
            shape(format!(
                "synchronizationRules[{}].objectMappings[{}]",
                at.0, at.1
            ))
        })
}

fn attribute_mappings_mut(schema: &mut Value, at: At) -> Result<&mut Vec<Value>, SchemaError> {
    object_mapping_mut(schema, at)?
        .get_mut("attributeMappings")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| {
            shape(format!(
                "synchronizationRules[{}].objectMappings[{}].attributeMappings",
                at.0, at.1
            ))
        })
}

fn attribute_mapping_mut(
    schema: &mut Value,
    at: At,
    index: usize,
) -> Result<&mut Map<String, Value>, SchemaError> {
    attribute_mappings_mut(schema, at)?
        .get_mut(index)
        .and_then(Value::as_object_mut)
        .ok_or_else(|| {
            shape(format!(
                "synchronizationRules[{}].objectMappings[{}].attributeMappings[{index}]",
                at.0, at.1
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribute(name: &str) -> Value {
        json!({"expression": format!("[{name}]"), "name": name, "parameters": [], "type": "Attribute"})
    }

    fn constant(value: &str) -> Value {
        json!({"expression": format!("\"{value}\""), "name": value, "parameters": [], "type": "Constant"})
    }

    fn mapping(target: &str, source: Value) -> Value {
        json!({
            "defaultValue": null, "exportMissingReferences": false, "flowBehavior": "FlowWhenChanged",
            "flowType": "Always", "matchingPriority": 0, "source": source, "targetAttributeName": target
        })
    }

    /// The parsed shape expected from parseExpression (inferred, unverified: docs/services.md).
    pub(crate) fn parsed_username() -> Value {
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

    /// A `scim` job schema with the portal's documented default mappings (docs/services.md).
    pub(crate) fn default_schema() -> Value {
        let join = json!({
            "expression": "Join(\" \", [givenName], [surname])", "name": "Join", "type": "Function",
            "parameters": [
                {"key": "separator", "value": constant(" ")},
                {"key": "source", "value": attribute("givenName")},
                {"key": "source", "value": attribute("surname")}
            ]
        });
        let mut user_name = mapping("userName", attribute("userPrincipalName"));
        user_name["matchingPriority"] = json!(1);
        json!({
            "id": "scim",
            "version": "Date:2026-08-20T10:00:00Z~###",
            "directories": [{"id": "AAD", "name": "Azure Active Directory", "objects": []},
                            {"id": "customappsso", "name": "customappsso", "objects": []}],
            "synchronizationRules": [{
                "id": "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8",
                "name": "USER_OUTBOUND_USER",
                "editable": true,
                "priority": 1,
                "sourceDirectoryName": "Azure Active Directory",
                "targetDirectoryName": "customappsso",
                "metadata": [{"key": "supportsProvisionOnDemand", "value": "true"}],
                "objectMappings": [
                    {
                        "name": "Provision Microsoft Entra ID Users", "enabled": true,
                        "flowTypes": "Add, Update, Delete", "sourceObjectName": "User",
                        "targetObjectName": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
                        "scope": null, "metadata": [],
                        "attributeMappings": [
                            user_name,
                            mapping("active", json!({"expression": "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")", "name": "Switch", "type": "Function", "parameters": []})),
                            mapping("displayName", attribute("displayName")),
                            mapping("name.givenName", attribute("givenName")),
                            mapping("name.familyName", attribute("surname")),
                            mapping("name.formatted", join),
                            mapping("externalId", attribute("mailNickname"))
                        ]
                    },
                    {
                        "name": "Provision Microsoft Entra ID Groups", "enabled": true,
                        "flowTypes": "Add, Update, Delete", "sourceObjectName": "Group",
                        "targetObjectName": "urn:ietf:params:scim:schemas:core:2.0:Group",
                        "scope": null, "metadata": [],
                        "attributeMappings": [mapping("displayName", attribute("displayName"))]
                    }
                ]
            }]
        })
    }

    #[test]
    fn the_three_edits_with_a_plain_language_diff() {
        let schema = default_schema();
        let edit = edit_schema(
            &schema,
            &MappingOptions::default(),
            Some(&parsed_username()),
        )
        .unwrap();
        let described: Vec<String> = edit.changes.iter().map(Change::describe).collect();
        assert_eq!(
            described,
            vec![
                "Group provisioning: on → off".to_owned(),
                "name.formatted: sent (Join(\" \", [givenName], [surname])) → not sent".to_owned(),
                "displayName: sent ([displayName]) → not sent".to_owned(),
                "userName: [userPrincipalName] → Item(Split([userPrincipalName], \"@\"), 1)"
                    .to_owned(),
            ]
        );
        let rule = &edit.schema["synchronizationRules"][0];
        assert_eq!(rule["objectMappings"][1]["enabled"], json!(false));
        let attributes = rule["objectMappings"][0]["attributeMappings"]
            .as_array()
            .unwrap();
        let targets: Vec<&str> = attributes
            .iter()
            .filter_map(|a| a["targetAttributeName"].as_str())
            .collect();
        assert_eq!(
            targets,
            [
                "userName",
                "active",
                "name.givenName",
                "name.familyName",
                "externalId"
            ]
        );
        assert_eq!(attributes[0]["source"], parsed_username());
        assert_eq!(attributes[0]["matchingPriority"], json!(1));
        assert_eq!(
            verify_schema(&edit.schema, &MappingOptions::default()),
            Ok(())
        );
        // Everything else is as it was.
        assert_eq!(edit.schema["directories"], schema["directories"]);
        assert_eq!(edit.schema["version"], schema["version"]);
        // Idempotent.
        let again = edit_schema(
            &edit.schema,
            &MappingOptions::default(),
            Some(&parsed_username()),
        )
        .unwrap();
        assert!(again.changes.is_empty());
        assert_eq!(again.schema, edit.schema);
        // Without the parsed expression too, once it is in place.
        assert!(
            edit_schema(&edit.schema, &MappingOptions::default(), None)
                .unwrap()
                .changes
                .is_empty()
        );
    }

    #[test]
    fn options_groups_on_and_full_upn() {
        let options = MappingOptions {
            provision_groups: true,
            keep_full_upn: true,
            scim_compat_flag: false,
        };
        let edit = edit_schema(&default_schema(), &options, None).unwrap();
        let kinds: Vec<ChangeKind> = edit.changes.iter().map(|c| c.what).collect();
        assert_eq!(kinds, [ChangeKind::NameFormatted, ChangeKind::DisplayName]);
        assert_eq!(verify_schema(&edit.schema, &options), Ok(()));
        // Undoing a previous run: groups back on, userName back to the UPN.
        let default_edit = edit_schema(
            &default_schema(),
            &MappingOptions::default(),
            Some(&parsed_username()),
        )
        .unwrap();
        let back = edit_schema(&default_edit.schema, &options, None).unwrap();
        let described: Vec<String> = back.changes.iter().map(Change::describe).collect();
        assert_eq!(
            described,
            vec![
                "Group provisioning: off → on".to_owned(),
                "userName: Item(Split([userPrincipalName], \"@\"), 1) → [userPrincipalName]"
                    .to_owned(),
            ]
        );
        assert_eq!(
            back.schema["synchronizationRules"][0]["objectMappings"][0]["attributeMappings"][0]["source"],
            attribute("userPrincipalName")
        );
    }

    #[test]
    fn groups_on_send_only_the_name_and_the_members() {
        // Entra's scim template maps displayName, externalId and members for a group.
        let mut schema = default_schema();
        schema["synchronizationRules"][0]["objectMappings"][1]["attributeMappings"] = json!([
            mapping("displayName", attribute("displayName")),
            mapping("externalId", attribute("objectId")),
            mapping("members", attribute("members")),
        ]);
        let options = MappingOptions {
            provision_groups: true,
            ..MappingOptions::default()
        };
        assert!(verify_schema(&schema, &options).is_err());
        let edit = edit_schema(&schema, &options, Some(&parsed_username())).unwrap();
        let described: Vec<String> = edit.changes.iter().map(Change::describe).collect();
        assert!(
            described.contains(
                &"Group attributes: displayName, externalId, members → displayName, members"
                    .to_owned()
            ),
            "{described:?}"
        );
        let kept: Vec<&str> =
            edit.schema["synchronizationRules"][0]["objectMappings"][1]["attributeMappings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["targetAttributeName"].as_str().unwrap())
                .collect();
        assert_eq!(kept, GROUP_ATTRIBUTES);
        assert_eq!(verify_schema(&edit.schema, &options), Ok(()));
        // Idempotent; and with groups off, the group's attributes are left as they are.
        assert!(
            edit_schema(&edit.schema, &options, None)
                .unwrap()
                .changes
                .is_empty()
        );
        let off = edit_schema(
            &schema,
            &MappingOptions::default(),
            Some(&parsed_username()),
        )
        .unwrap();
        assert!(
            off.changes
                .iter()
                .all(|c| c.what != ChangeKind::GroupAttributes)
        );
    }

    #[test]
    fn verify_reports_each_mismatch() {
        let mismatches = verify_schema(&default_schema(), &MappingOptions::default()).unwrap_err();
        let text: Vec<String> = mismatches.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 4, "{text:?}");
        assert!(text[0].starts_with("Group provisioning: expected off, found on"));
        assert!(text[1].starts_with("displayName: expected not sent"));
        assert!(text[2].starts_with("name.formatted: expected not sent"));
        assert!(text[3].contains("expected Item(Split"));
        assert!(matches!(
            verify_schema(&json!([]), &MappingOptions::default()).unwrap_err()[0],
            Mismatch::Unreadable(SchemaError::NotAnObject)
        ));
    }

    #[test]
    fn errors_instead_of_panics() {
        let options = MappingOptions::default();
        let parsed = parsed_username();
        let cases = [
            (json!(null), "schema.not_an_object"),
            (json!({}), "schema.no_rules"),
            (json!({"synchronizationRules": []}), "schema.no_rules"),
            (
                json!({"synchronizationRules": 3}),
                "schema.unexpected_shape",
            ),
            (
                json!({"synchronizationRules": [{"objectMappings": 1}]}),
                "schema.unexpected_shape",
            ),
            (
                json!({"synchronizationRules": [{"sourceDirectoryName": "X", "objectMappings": []}]}),
                "schema.no_user_mapping",
            ),
            (
                json!({"synchronizationRules": [{"objectMappings": [{"sourceObjectName": "User"}]}]}),
                "schema.unexpected_shape",
            ),
            (
                json!({"synchronizationRules": [{"objectMappings": [{"sourceObjectName": "User", "attributeMappings": []}]}]}),
                "schema.no_username_mapping",
            ),
            (
                json!({"synchronizationRules": [{"objectMappings": [{"sourceObjectName": "Group", "enabled": 3}, {"sourceObjectName": "User", "attributeMappings": []}]}]}),
                "schema.unexpected_shape",
            ),
        ];
        for (schema, code) in cases {
            let error = edit_schema(&schema, &options, Some(&parsed)).unwrap_err();
            assert_eq!(error.code(), code, "{schema}");
        }
        let error = edit_schema(&default_schema(), &options, None).unwrap_err();
        assert_eq!(error, SchemaError::MissingParsedExpression);
        let error = edit_schema(&default_schema(), &options, Some(&attribute("mail"))).unwrap_err();
        assert_eq!(error.code(), "schema.parsed_expression_unexpected");
        let mut no_groups = default_schema();
        no_groups["synchronizationRules"][0]["objectMappings"]
            .as_array_mut()
            .unwrap()
            .pop();
        let groups_on = MappingOptions {
            provision_groups: true,
            ..options
        };
        assert_eq!(
            edit_schema(&no_groups, &groups_on, Some(&parsed)).unwrap_err(),
            SchemaError::NoGroupMapping
        );
        // Groups off with no group mapping is fine.
        assert_eq!(
            edit_schema(&no_groups, &options, Some(&parsed))
                .unwrap()
                .changes
                .len(),
            3
        );
    }

    #[test]
    fn finds_mappings_by_what_they_map_not_names() {
        let mut schema = default_schema();
        let rule = &mut schema["synchronizationRules"][0];
        rule["sourceDirectoryName"] = json!("Microsoft Entra ID");
        rule["objectMappings"][0]["name"] = json!("Something renamed");
        rule["objectMappings"][1]["name"] = json!("Renamed groups");
        // An inbound rule (source = the app) with its own User mapping is left alone.
        let mut inbound = schema["synchronizationRules"][0].clone();
        inbound["id"] = json!("inbound");
        inbound["sourceDirectoryName"] = json!("customappsso");
        schema["synchronizationRules"]
            .as_array_mut()
            .unwrap()
            .insert(0, inbound.clone());
        let edit = edit_schema(
            &schema,
            &MappingOptions::default(),
            Some(&parsed_username()),
        )
        .unwrap();
        assert_eq!(edit.changes.len(), 4);
        assert_eq!(edit.schema["synchronizationRules"][0], inbound);
        assert_eq!(
            user_rule_id(&edit.schema).as_deref(),
            Some("03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8")
        );
    }

    #[test]
    fn user_rule_id_falls_back_and_tolerates_junk() {
        assert_eq!(
            user_rule_id(&default_schema()).as_deref(),
            Some("03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8")
        );
        assert_eq!(user_rule_id(&json!({"synchronizationRules": [{"id": 7, "sourceDirectoryName": "New name", "objectMappings": [{"sourceObjectName": "user"}]}]})).as_deref(), Some("7"));
        assert_eq!(user_rule_id(&json!(null)), None);
        assert_eq!(
            user_rule_id(&json!({"synchronizationRules": [{"id": "x"}]})),
            None
        );
    }

    #[test]
    fn render_source_prints_expressions() {
        assert_eq!(render_source(&parsed_username()), USERNAME_EXPRESSION);
        let mut bare = parsed_username();
        strip_expressions(&mut bare);
        assert_eq!(
            render_source(&bare),
            "Item(Split([userPrincipalName], \"@\"), \"1\")"
        );
        assert_eq!(
            normalize_expression(&render_source(&bare)),
            normalize_expression(USERNAME_EXPRESSION)
        );
        assert_eq!(
            render_source(&json!({"name": "mail", "type": "Attribute"})),
            "[mail]"
        );
        assert_eq!(
            render_source(&json!({"name": "a\"b", "type": "Constant"})),
            "\"a\\\"b\""
        );
        assert_eq!(render_source(&Value::Null), "(no source)");
        assert_eq!(render_source(&json!(4)), "4");
        assert_eq!(render_source(&json!({})), "(unknown source)");
        // A parsed expression without `expression` fields is accepted (it renders the same).
        let edit = edit_schema(&default_schema(), &MappingOptions::default(), Some(&bare)).unwrap();
        assert_eq!(edit.changes.len(), 4);
        assert!(
            edit_schema(&edit.schema, &MappingOptions::default(), None)
                .unwrap()
                .changes
                .is_empty()
        );
    }

    fn strip_expressions(value: &mut Value) {
        if let Some(object) = value.as_object_mut() {
            object.remove("expression");
            for (_, inner) in object.iter_mut() {
                strip_expressions(inner);
            }
        } else if let Some(array) = value.as_array_mut() {
            array.iter_mut().for_each(strip_expressions);
        }
    }

    #[test]
    fn normalize_ignores_spacing_and_quoted_digits() {
        assert_eq!(
            normalize_expression("Item( Split([userPrincipalName],\"@\") , \"1\" )"),
            normalize_expression(USERNAME_EXPRESSION)
        );
        assert_ne!(
            normalize_expression("Item(Split([userPrincipalName], \" @\"), 1)"),
            normalize_expression(USERNAME_EXPRESSION)
        );
        assert_ne!(
            normalize_expression("Item(Split([userPrincipalName], \"@\"), 2)"),
            normalize_expression(USERNAME_EXPRESSION)
        );
    }

    #[test]
    fn compat_flag_is_added_once_and_removed() {
        let cases = [
            (
                "https://api.scaleway.com/scim/v2",
                "https://api.scaleway.com/scim/v2?aadOptscim062020",
            ),
            ("https://x/scim?a=1", "https://x/scim?a=1&aadOptscim062020"),
            ("https://x/scim?", "https://x/scim?aadOptscim062020"),
            (
                "https://x/scim?aadOptscim062020",
                "https://x/scim?aadOptscim062020",
            ),
            (
                "https://x/scim?a=1&aadoptscim062020",
                "https://x/scim?a=1&aadoptscim062020",
            ),
            (
                "https://x/scim#frag",
                "https://x/scim?aadOptscim062020#frag",
            ),
            ("  https://x/scim  ", "https://x/scim?aadOptscim062020"),
        ];
        for (base, expected) in cases {
            assert_eq!(tenant_url_with_compat_flag(base), expected, "{base}");
            assert_eq!(tenant_url_with_compat_flag(expected), expected.trim());
        }
        assert_eq!(
            tenant_url_without_compat_flag("https://x/scim?aadOptscim062020"),
            "https://x/scim"
        );
        assert_eq!(
            tenant_url_without_compat_flag("https://x/scim?a=1&aadOptscim062020"),
            "https://x/scim?a=1"
        );
        assert_eq!(
            tenant_url_without_compat_flag("https://x/scim"),
            "https://x/scim"
        );
        let on = MappingOptions {
            scim_compat_flag: true,
            ..MappingOptions::default()
        };
        assert_eq!(
            on.tenant_url("https://x/scim"),
            "https://x/scim?aadOptscim062020"
        );
        assert_eq!(
            MappingOptions::default().tenant_url("https://x/scim?aadOptscim062020"),
            "https://x/scim"
        );
        // A different parameter that merely starts with the flag's name is not the flag.
        assert_eq!(
            tenant_url_with_compat_flag("https://x/s?aadOptscim062020x=1"),
            "https://x/s?aadOptscim062020x=1&aadOptscim062020"
        );
    }
}
