//! Arguments as the IAM API checks them: ids in paths, and the query string of list calls
//! (paging, ordering, filters). Every problem found is reported at once, in an
//! `invalid_arguments` error.

use super::errors::{ArgumentProblem, ScwError};
use super::unverified::DEFAULT_PAGE_SIZE;

pub(super) fn uuid_problem(argument_name: &str, value: &str) -> Option<ArgumentProblem> {
    // Scaleway ids are canonical hyphenated UUIDs; uuid's parser also takes braces, `urn:` and
    // bare hex, which the API would not, hence the length check.
    let canonical = value.len() == 36 && uuid::Uuid::try_parse(value).is_ok();
    (!canonical).then(|| ArgumentProblem {
        argument_name: argument_name.to_string(),
        reason: "format",
        help_message: format!("{argument_name} must be a valid UUID"),
    })
}

pub(super) fn require_uuid(argument_name: &str, value: &str) -> Result<(), ScwError> {
    match uuid_problem(argument_name, value) {
        Some(problem) => Err(ScwError::InvalidArguments(vec![problem])),
        None => Ok(()),
    }
}

/// Query string as ordered pairs (repeated keys kept, e.g. `user_ids=a&user_ids=b`).
pub(super) struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    pub(super) fn parse(raw: Option<&str>) -> Self {
        QueryParams(
            url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        )
    }

    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub(super) fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }
}

pub(super) struct Paging {
    page: u32,
    page_size: u32,
}

impl Paging {
    pub(super) fn slice<T>(&self, items: Vec<T>) -> Vec<T> {
        let skip = (self.page as usize - 1).saturating_mul(self.page_size as usize);
        items
            .into_iter()
            .skip(skip)
            .take(self.page_size as usize)
            .collect()
    }
}

/// `page` ≥ 1 and `page_size` 1..=100, as the API documents them; problems are appended.
pub(super) fn parse_paging(query: &QueryParams, problems: &mut Vec<ArgumentProblem>) -> Paging {
    let mut number = |name: &str, default: u32, min: u32, max: u32| -> u32 {
        let Some(text) = query.get(name) else {
            return default;
        };
        match text.parse::<i64>() {
            Ok(value) if value >= i64::from(min) && value <= i64::from(max) => value as u32,
            Ok(_) => {
                problems.push(ArgumentProblem {
                    argument_name: name.to_string(),
                    reason: "constraint",
                    help_message: if max == u32::MAX {
                        format!("{name} must be greater than or equal to {min}")
                    } else {
                        format!("{name} must be between {min} and {max}")
                    },
                });
                default
            }
            Err(_) => {
                problems.push(ArgumentProblem {
                    argument_name: name.to_string(),
                    reason: "format",
                    help_message: format!("{name} must be an integer"),
                });
                default
            }
        }
    };
    let page = number("page", 1, 1, u32::MAX);
    let page_size = number("page_size", DEFAULT_PAGE_SIZE, 1, 100);
    Paging { page, page_size }
}

pub(super) fn parse_order_by<'a>(
    query: &'a QueryParams,
    allowed: &[&'a str],
    problems: &mut Vec<ArgumentProblem>,
) -> &'a str {
    let default = allowed.first().copied().unwrap_or_default();
    match query.get("order_by") {
        None => default,
        Some(value) if allowed.contains(&value) => value,
        Some(_) => {
            problems.push(ArgumentProblem {
                argument_name: "order_by".into(),
                reason: "constraint",
                help_message: format!("order_by must be one of: {}", allowed.join(", ")),
            });
            default
        }
    }
}

pub(super) fn access_key_problem(value: &str) -> Option<ArgumentProblem> {
    let well_formed = value.len() == 20
        && value.starts_with("SCW")
        && value[3..]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    (!well_formed).then(|| ArgumentProblem {
        argument_name: "access_key".into(),
        reason: "format",
        help_message: "access_key must be a valid access key (SCW followed by 17 characters)"
            .into(),
    })
}
