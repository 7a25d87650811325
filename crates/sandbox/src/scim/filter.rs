//! The `filter` query parameter of `GET /Users` and `GET /Groups`: the `eq` forms Entra uses
//! for matching.

use super::protocol::{SCHEMA_GROUP, SCHEMA_USER, ScimError};

/// The filters Entra uses for matching: `userName eq "x"` and `externalId eq "x"`.
pub(super) enum UserFilter {
    UserName(String),
    ExternalId(String),
}

/// `attrPath eq "value"` (RFC 7644 §3.4.2.2) with `attrPath` one of `known` (case-insensitive,
/// optionally qualified by `schema`): the known name as given in `known`, and the value.
fn parse_eq(filter: &str, schema: &str, known: &[&'static str]) -> Option<(&'static str, String)> {
    // `attrPath SP compareOp SP compValue`; runs of spaces are tolerated between the three, and
    // the value (a JSON string) keeps its own spaces.
    let (attribute, rest) = filter.trim().split_once(char::is_whitespace)?;
    let (operator, value) = rest.trim_start().split_once(char::is_whitespace)?;
    if !operator.eq_ignore_ascii_case("eq") {
        return None;
    }
    let value: String = serde_json::from_str(value.trim()).ok()?;
    // Attribute names are case-insensitive (RFC 7644 §3.4.2.2), optionally schema-qualified.
    let attribute = attribute
        .strip_prefix(schema)
        .map_or(attribute, |rest| rest.trim_start_matches(':'));
    known
        .iter()
        .find(|name| name.eq_ignore_ascii_case(attribute))
        .map(|name| (*name, value))
}

pub(super) fn parse_filter(filter: &str) -> Result<UserFilter, ScimError> {
    match parse_eq(filter, SCHEMA_USER, &["userName", "externalId"]) {
        Some(("userName", value)) => Ok(UserFilter::UserName(value)),
        Some((_, value)) => Ok(UserFilter::ExternalId(value)),
        None => Err(ScimError::bad_request(
            "invalidFilter",
            format!(
                "unsupported filter `{filter}`: only `userName eq \"…\"` and `externalId eq \"…\"` are supported"
            ),
        )),
    }
}

/// The filter of `GET /Groups`: `displayName eq "x"` (what Entra matches groups on). Groups
/// keep no `externalId` here (see `unverified::GROUP_ATTRIBUTES`), so it cannot be filtered on.
pub(super) fn parse_group_filter(filter: &str) -> Result<String, ScimError> {
    parse_eq(filter, SCHEMA_GROUP, &["displayName"])
        .map(|(_, value)| value)
        .ok_or_else(|| {
            ScimError::bad_request(
                "invalidFilter",
                format!("unsupported filter `{filter}`: only `displayName eq \"…\"` is supported"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_name(filter: &str) -> Option<String> {
        match parse_filter(filter) {
            Ok(UserFilter::UserName(name)) => Some(name),
            _ => None,
        }
    }

    #[test]
    fn the_user_name_filter_reads_like_rfc_7644() {
        assert_eq!(user_name(r#"userName eq "jane""#).as_deref(), Some("jane"));
        // Attribute and operator are case-insensitive; the attribute may be schema-qualified.
        assert_eq!(user_name(r#"USERNAME EQ "jane""#).as_deref(), Some("jane"));
        assert_eq!(
            user_name(&format!(r#"{SCHEMA_USER}:userName eq "jane""#)).as_deref(),
            Some("jane")
        );
        // The value is a JSON string: spaces kept, escapes decoded; runs of spaces between parts.
        assert_eq!(
            user_name(r#"userName  eq   "a \"b\" c\\d""#).as_deref(),
            Some(r#"a "b" c\d"#)
        );
        for refused in [
            r#"userName eq jane"#,
            r#"userName co "j""#,
            "userName eq",
            "",
        ] {
            assert!(parse_filter(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn the_group_filter_takes_only_display_name() {
        assert_eq!(
            parse_group_filter(r#"displayName eq "Sales team""#).ok(),
            Some("Sales team".to_string())
        );
        assert_eq!(
            parse_group_filter(&format!(r#"{SCHEMA_GROUP}:DISPLAYNAME eq "x""#)).ok(),
            Some("x".to_string())
        );
        assert!(parse_group_filter(r#"externalId eq "x""#).is_err());
        assert!(parse_group_filter(r#"userName eq "x""#).is_err());
    }
}
