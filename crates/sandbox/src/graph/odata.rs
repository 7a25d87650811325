//! The OData query options the wizard uses on directory collections: `$filter` (`eq`,
//! `startswith`, `gt`/`lt` on date properties, joined by `and` / `or`; a property may be a path
//! such as `servicePrincipal/id`), `$search` (with `ConsistencyLevel: eventual`), `$select`,
//! `$top`, `$count` and `@odata.nextLink` paging with `$skiptoken`.

use axum::http::HeaderMap;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::respond::GraphError;
use crate::App;

/// Page size when `$top` is absent.
const DEFAULT_PAGE_SIZE: usize = 100;
/// Largest `$top` on directory collections.
const MAX_PAGE_SIZE: usize = 999;

/// Which collection is queried: names the resource in errors and lists its filterable and
/// searchable properties.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resource {
    /// `Application`, `ServicePrincipal`, `User`, `Group`.
    pub(crate) name: &'static str,
    /// `microsoft.graph.user`, …: for `$select` errors.
    pub(crate) odata_type: &'static str,
    pub(crate) filterable: &'static [&'static str],
    /// Date properties that also take `gt` and `lt` (an unquoted ISO 8601 date and time).
    pub(crate) dates: &'static [&'static str],
    /// Empty: `$search` is not supported on this collection.
    pub(crate) searchable: &'static [&'static str],
}

#[derive(Debug, Clone, PartialEq)]
enum Clause {
    Eq(String, Value),
    StartsWith(String, String),
    /// `gt` (`true`) or `lt` (`false`) on a date.
    Compare(String, bool, DateTime<Utc>),
}

/// Disjunction of conjunctions (`and` binds tighter than `or`).
#[derive(Debug, Clone, PartialEq)]
struct Filter {
    any: Vec<Vec<Clause>>,
}

#[derive(Debug, Clone, PartialEq)]
struct Search {
    /// (property, term) alternatives, joined by OR.
    any: Vec<(String, String)>,
}

/// Parsed query options.
#[derive(Debug, Clone)]
pub(crate) struct Query {
    filter: Option<Filter>,
    search: Option<Search>,
    select: Option<Vec<String>>,
    top: usize,
    skip: usize,
    count: bool,
    /// The options as given, minus `$skiptoken`, to rebuild `@odata.nextLink`.
    passthrough: Vec<(String, String)>,
}

fn option<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    // v1.0 also accepts the options without their `$`.
    let bare = name.trim_start_matches('$');
    pairs
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name) || key.eq_ignore_ascii_case(bare))
        .map(|(_, value)| value.as_str())
}

fn unsupported_filter(resource: &Resource, property: &str) -> GraphError {
    GraphError::bad_request(
        "Request_UnsupportedQuery",
        format!(
            "Unsupported or invalid query filter clause specified for property '{property}' of resource '{}'.",
            resource.name
        ),
    )
}

fn invalid_filter(text: &str) -> GraphError {
    GraphError::bad_request(
        "BadRequest",
        format!("Invalid filter clause: syntax error in '{text}'."),
    )
}

/// A tiny recursive-descent reader of the `$filter` subset.
struct FilterReader<'a> {
    text: &'a str,
    rest: &'a str,
}

impl<'a> FilterReader<'a> {
    fn skip_spaces(&mut self) {
        self.rest = self.rest.trim_start();
    }

    fn keyword(&mut self, word: &str) -> bool {
        self.skip_spaces();
        let matches = self
            .rest
            .get(..word.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(word))
            && self.rest[word.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_ascii_alphanumeric());
        if matches {
            self.rest = &self.rest[word.len()..];
        }
        matches
    }

    fn symbol(&mut self, symbol: char) -> Result<(), GraphError> {
        self.skip_spaces();
        match self.rest.strip_prefix(symbol) {
            Some(rest) => {
                self.rest = rest;
                Ok(())
            }
            None => Err(invalid_filter(self.text)),
        }
    }

    fn identifier(&mut self) -> Result<String, GraphError> {
        self.skip_spaces();
        let end = self
            .rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '/' || c == '_'))
            .unwrap_or(self.rest.len());
        if end == 0 {
            return Err(invalid_filter(self.text));
        }
        let (name, rest) = self.rest.split_at(end);
        self.rest = rest;
        Ok(name.to_string())
    }

    /// `'text'` with `''` for a quote, or a bare literal (`true`, `false`, `null`, a number).
    fn literal(&mut self) -> Result<Value, GraphError> {
        self.skip_spaces();
        if let Some(after) = self.rest.strip_prefix('\'') {
            let mut value = String::new();
            let mut chars = after.char_indices().peekable();
            while let Some((index, c)) = chars.next() {
                if c == '\'' {
                    if chars.peek().is_some_and(|(_, next)| *next == '\'') {
                        value.push('\'');
                        chars.next();
                        continue;
                    }
                    self.rest = &after[index + 1..];
                    return Ok(Value::String(value));
                }
                value.push(c);
            }
            return Err(invalid_filter(self.text));
        }
        let end = self
            .rest
            .find(|c: char| c.is_whitespace() || c == ')')
            .unwrap_or(self.rest.len());
        let (word, rest) = self.rest.split_at(end);
        self.rest = rest;
        match word.to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            "null" => Ok(Value::Null),
            _ => word
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| invalid_filter(self.text)),
        }
    }

    fn clause(&mut self, resource: &Resource) -> Result<Clause, GraphError> {
        self.skip_spaces();
        let check = |property: &str| -> Result<String, GraphError> {
            resource
                .filterable
                .iter()
                .find(|known| known.eq_ignore_ascii_case(property))
                .map(|known| (*known).to_string())
                .ok_or_else(|| unsupported_filter(resource, property))
        };
        if self.keyword("startswith") {
            self.symbol('(')?;
            let property = check(&self.identifier()?)?;
            self.symbol(',')?;
            let Value::String(prefix) = self.literal()? else {
                return Err(invalid_filter(self.text));
            };
            self.symbol(')')?;
            return Ok(Clause::StartsWith(property, prefix));
        }
        let property = check(&self.identifier()?)?;
        let is_date = resource
            .dates
            .iter()
            .any(|date| date.eq_ignore_ascii_case(&property));
        for (operator, after) in [("gt", true), ("lt", false)] {
            if is_date && self.keyword(operator) {
                return Ok(Clause::Compare(property, after, self.date()?));
            }
        }
        if !self.keyword("eq") {
            return Err(unsupported_filter(resource, &property));
        }
        Ok(Clause::Eq(property, self.literal()?))
    }

    /// An unquoted date and time, as OData writes `DateTimeOffset` literals.
    fn date(&mut self) -> Result<DateTime<Utc>, GraphError> {
        self.skip_spaces();
        let end = self
            .rest
            .find(|c: char| c.is_whitespace() || c == ')')
            .unwrap_or(self.rest.len());
        let (word, rest) = self.rest.split_at(end);
        let at = DateTime::parse_from_rfc3339(word).map_err(|_| invalid_filter(self.text))?;
        self.rest = rest;
        Ok(at.with_timezone(&Utc))
    }

    fn filter(mut self, resource: &Resource) -> Result<Filter, GraphError> {
        let mut any = vec![vec![self.clause(resource)?]];
        loop {
            if self.keyword("and") {
                let clause = self.clause(resource)?;
                if let Some(last) = any.last_mut() {
                    last.push(clause);
                }
            } else if self.keyword("or") {
                any.push(vec![self.clause(resource)?]);
            } else {
                self.skip_spaces();
                if self.rest.is_empty() {
                    return Ok(Filter { any });
                }
                return Err(invalid_filter(self.text));
            }
        }
    }
}

/// `name`, or a path of names (`servicePrincipal/id`), in `object`.
fn property<'a>(object: &'a Value, name: &str) -> Option<&'a Value> {
    name.split('/').try_fold(object, |current, part| {
        current
            .as_object()?
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(part))
            .map(|(_, value)| value)
    })
}

impl Clause {
    /// Directory string comparisons are case-insensitive.
    fn matches(&self, object: &Value) -> bool {
        match self {
            Clause::Eq(name, wanted) => match (property(object, name), wanted) {
                (Some(Value::String(actual)), Value::String(wanted)) => {
                    actual.eq_ignore_ascii_case(wanted)
                }
                (Some(Value::Array(values)), Value::String(wanted)) => values
                    .iter()
                    .filter_map(Value::as_str)
                    .any(|value| value.eq_ignore_ascii_case(wanted)),
                (None, Value::Null) => true,
                (Some(actual), wanted) => actual == wanted,
                (None, _) => false,
            },
            Clause::StartsWith(name, prefix) => property(object, name)
                .and_then(Value::as_str)
                .is_some_and(|actual| actual.to_lowercase().starts_with(&prefix.to_lowercase())),
            Clause::Compare(name, at_least, bound) => property(object, name)
                .and_then(Value::as_str)
                .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
                .is_some_and(|at| {
                    let at = at.with_timezone(&Utc);
                    if *at_least {
                        at >= *bound
                    } else {
                        at <= *bound
                    }
                }),
        }
    }
}

impl Filter {
    fn matches(&self, object: &Value) -> bool {
        self.any
            .iter()
            .any(|all| all.iter().all(|clause| clause.matches(object)))
    }
}

fn parse_search(text: &str, resource: &Resource) -> Result<Search, GraphError> {
    let invalid = || {
        GraphError::bad_request(
            "Request_UnsupportedQuery",
            format!("Syntax error: character '\"' is not valid at position 0 in '{text}'."),
        )
    };
    let mut any = Vec::new();
    for part in text.split(" OR ").map(str::trim) {
        let inner = part
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
            .ok_or_else(invalid)?;
        let (name, term) = inner.split_once(':').ok_or_else(invalid)?;
        let name = resource
            .searchable
            .iter()
            .find(|known| known.eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                GraphError::bad_request(
                    "Request_UnsupportedQuery",
                    format!(
                        "Unsupported or invalid search property '{}' of resource '{}'.",
                        name.trim(),
                        resource.name
                    ),
                )
            })?;
        any.push(((*name).to_string(), term.trim().to_lowercase()));
    }
    Ok(Search { any })
}

impl Search {
    /// Tokenized prefix match: a term matches a value when some word of it starts with the term.
    fn matches(&self, object: &Value) -> bool {
        self.any.iter().any(|(name, term)| {
            property(object, name)
                .and_then(Value::as_str)
                .is_some_and(|value| {
                    let value = value.to_lowercase();
                    value.starts_with(term.as_str())
                        || value
                            .split(|c: char| !c.is_alphanumeric())
                            .any(|word| !word.is_empty() && word.starts_with(term.as_str()))
                })
        })
    }
}

fn eventual_consistency(headers: &HeaderMap) -> bool {
    headers
        .get("consistencylevel")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim().eq_ignore_ascii_case("eventual"))
}

fn skip_of(token: &str) -> Option<usize> {
    let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
    String::from_utf8(bytes)
        .ok()?
        .strip_prefix("sandbox-skip:")?
        .parse()
        .ok()
}

/// Parses the query string of a collection request.
pub(crate) fn parse(
    raw_query: Option<&str>,
    headers: &HeaderMap,
    resource: &Resource,
) -> Result<Query, GraphError> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(raw_query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let filter = match option(&pairs, "$filter") {
        Some(text) => Some(FilterReader { text, rest: text }.filter(resource)?),
        None => None,
    };
    let search = match option(&pairs, "$search") {
        Some(_) if !eventual_consistency(headers) => {
            return Err(GraphError::bad_request(
                "Request_UnsupportedQuery",
                "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
            ));
        }
        Some(_) if resource.searchable.is_empty() => {
            return Err(GraphError::bad_request(
                "Request_UnsupportedQuery",
                format!("Search is not supported on resource '{}'.", resource.name),
            ));
        }
        Some(text) => Some(parse_search(text.trim(), resource)?),
        None => None,
    };
    let top = match option(&pairs, "$top") {
        None => DEFAULT_PAGE_SIZE,
        Some(text) => match text.trim().parse::<usize>() {
            Ok(top) if (1..=MAX_PAGE_SIZE).contains(&top) => top,
            _ => {
                return Err(GraphError::bad_request(
                    "Request_UnsupportedQuery",
                    format!(
                        "Invalid page size specified: '{text}'. Must be between 1 and {MAX_PAGE_SIZE} inclusive."
                    ),
                ));
            }
        },
    };
    let count = match option(&pairs, "$count") {
        None => false,
        Some(text) if text.eq_ignore_ascii_case("true") => {
            if !eventual_consistency(headers) {
                return Err(GraphError::bad_request(
                    "Request_BadRequest",
                    "$count is not currently supported.",
                ));
            }
            true
        }
        Some(_) => false,
    };
    let skip = match option(&pairs, "$skiptoken") {
        None => 0,
        Some(token) => skip_of(token).ok_or_else(|| {
            GraphError::bad_request("Directory_InvalidSkipToken", "The specified page token value has expired and can no longer be included in your request.")
        })?,
    };
    let select = option(&pairs, "$select").map(|text| {
        text.split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_string)
            .collect()
    });
    let passthrough = pairs
        .into_iter()
        .filter(|(key, _)| !key.eq_ignore_ascii_case("$skiptoken"))
        .collect();
    Ok(Query {
        filter,
        search,
        select,
        top,
        skip,
        count,
        passthrough,
    })
}

/// Parses only `$select` (for single-entity GETs).
pub(crate) fn parse_select(raw_query: Option<&str>) -> Option<Vec<String>> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(raw_query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    option(&pairs, "$select").map(|text| {
        text.split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_string)
            .collect()
    })
}

/// Keeps the selected properties (and `@odata.*` annotations), or Graph's error for an unknown one.
pub(crate) fn select(
    object: Value,
    select: Option<&[String]>,
    resource: &Resource,
) -> Result<Value, GraphError> {
    let (Some(names), Value::Object(fields)) = (select, &object) else {
        return Ok(object);
    };
    let mut kept = Map::new();
    for (key, value) in fields {
        if key.starts_with("@odata") {
            kept.insert(key.clone(), value.clone());
        }
    }
    for name in names {
        let (key, value) = fields
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                GraphError::bad_request(
                    "BadRequest",
                    format!(
                        "Could not find a property named '{name}' on type '{}'.",
                        resource.odata_type
                    ),
                )
            })?;
        kept.insert(key.clone(), value.clone());
    }
    Ok(Value::Object(kept))
}

/// For collections of `directoryObject`s that mix types (a group's members: users and groups):
/// a selected property must exist on one of the types (`known`), and each item keeps those it
/// has (a group has no `userPrincipalName`), with its `@odata.*` annotations.
pub(crate) fn select_known(
    object: Value,
    select: Option<&[String]>,
    known: &[String],
    odata_type: &str,
) -> Result<Value, GraphError> {
    let (Some(names), Value::Object(fields)) = (select, &object) else {
        return Ok(object);
    };
    if let Some(unknown) = names
        .iter()
        .find(|name| !known.iter().any(|known| known.eq_ignore_ascii_case(name)))
    {
        return Err(GraphError::bad_request(
            "BadRequest",
            format!("Could not find a property named '{unknown}' on type '{odata_type}'."),
        ));
    }
    let kept = fields
        .iter()
        .filter(|(key, _)| {
            key.starts_with("@odata") || names.iter().any(|name| name.eq_ignore_ascii_case(key))
        })
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    Ok(Value::Object(kept))
}

/// Applies the query to `items` and builds the collection body.
pub(crate) fn collection(
    app: &App,
    path: &str,
    context_fragment: &str,
    query: &Query,
    resource: &Resource,
    items: Vec<Value>,
) -> Result<Value, GraphError> {
    collection_with(app, path, context_fragment, query, items, |item, select| {
        self::select(item, select, resource)
    })
}

/// [`collection`] with the `$select` step given (see [`select_known`]).
pub(crate) fn collection_with(
    app: &App,
    path: &str,
    context_fragment: &str,
    query: &Query,
    items: Vec<Value>,
    select_item: impl Fn(Value, Option<&[String]>) -> Result<Value, GraphError>,
) -> Result<Value, GraphError> {
    let matching: Vec<Value> = items
        .into_iter()
        .filter(|item| {
            query
                .filter
                .as_ref()
                .is_none_or(|filter| filter.matches(item))
        })
        .filter(|item| {
            query
                .search
                .as_ref()
                .is_none_or(|search| search.matches(item))
        })
        .collect();
    let total = matching.len();
    let page: Vec<Value> = matching
        .into_iter()
        .skip(query.skip)
        .take(query.top)
        .map(|item| select_item(item, query.select.as_deref()))
        .collect::<Result<_, _>>()?;
    let mut body = Map::new();
    body.insert(
        "@odata.context".into(),
        json!(super::respond::context(app, context_fragment)),
    );
    if query.count {
        body.insert("@odata.count".into(), json!(total));
    }
    let next = query.skip + query.top;
    if next < total {
        let mut serializer = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in &query.passthrough {
            serializer.append_pair(key, value);
        }
        serializer.append_pair(
            "$skiptoken",
            &URL_SAFE_NO_PAD.encode(format!("sandbox-skip:{next}")),
        );
        body.insert(
            "@odata.nextLink".into(),
            json!(format!("{}{path}?{}", app.base_url, serializer.finish())),
        );
    }
    body.insert("value".into(), Value::Array(page));
    Ok(Value::Object(body))
}
