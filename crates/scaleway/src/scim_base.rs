//! The SCIM Base URL that Entra's "Tenant URL" needs.
//!
//! **Its format is UNVERIFIED** (docs/services.md): no API response carries it and no public
//! source documents it; the console shows it once. So the wizard keeps an ordered list of
//! candidate patterns here, and the only thing it trusts is a live check with the freshly
//! minted token: `GET {base}/Users?count=1` must return a SCIM ListResponse. If no candidate
//! verifies, the admin pastes the URL from the console and it is checked the same way.
//! A wrong URL must never reach Entra.
//!
//! The same bearer-token client also answers "is this user in Scaleway?" over SCIM
//! ([`ScimProbe::find_user_by_user_name`]): when the admin gave only a SCIM token (no API key),
//! that is the only way the wizard can see Scaleway's users.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use serde_json::Value;
use url::Url;
use zeroize::Zeroizing;

use crate::error::{NetworkFailure, clean_text, describe_body};
use crate::retry::{Idempotency, RetryPolicy, TransportFailure, send_with_retry};
use crate::secret::{ExposeSecret, SecretString};
use crate::validate::{self, ValidationError};

/// One guessed pattern and why it is worth a try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CandidatePattern {
    pub pattern: &'static str,
    pub why: &'static str,
}

/// The built-in guesses, tried in this order. Every one stays on a `scaleway.com` host: the
/// bearer token is sent to each, so a guess must never point anywhere else.
///
/// When the real format is confirmed on a live organization (docs/services.md, "To check on a
/// live Organization and tenant"), put it first, say so in its `why`, and add a test.
pub const CANDIDATE_PATTERNS: &[CandidatePattern] = &[
    CandidatePattern {
        pattern: "https://api.scaleway.com/iam/v1alpha1/scim/{scim_id}/v2",
        why: "GUESS: the SCIM configuration lives at /iam/v1alpha1/scim/{scim_id} in the IAM \
              API, and SCIM servers usually add /v2; the reference names this exact guess",
    },
    CandidatePattern {
        pattern: "https://api.scaleway.com/iam/v1alpha1/scim/{scim_id}",
        why: "GUESS: the same resource path without a version suffix",
    },
    CandidatePattern {
        pattern: "https://api.scaleway.com/iam/v1alpha1/organizations/{organization_id}/scim/v2",
        why: "GUESS: the configuration is read at /organizations/{organization_id}/scim, and the \
              docs say the Base URL 'locates your Scaleway account', which may mean the org",
    },
    CandidatePattern {
        pattern: "https://api.scaleway.com/iam/v1alpha1/organizations/{organization_id}/scim",
        why: "GUESS: the organization path without a version suffix",
    },
    CandidatePattern {
        pattern: "https://scim.scaleway.com/{scim_id}/v2",
        why: "GUESS: a dedicated SCIM host, as several providers use; no public source names it",
    },
];

/// The SCIM ListResponse schema URN (RFC 7644 §3.4.2).
pub const LIST_RESPONSE_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/// Why a pattern cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PatternError {
    #[error(
        "The URL pattern uses the unknown placeholder {{{name}}}; only {{scim_id}} and \
         {{organization_id}} are known."
    )]
    UnknownPlaceholder { name: String },
    #[error("The URL pattern has a \"{{\" that is never closed.")]
    UnclosedBrace,
    #[error("The URL pattern has a \"}}\" with no \"{{\" before it.")]
    StrayClosingBrace,
    #[error(
        "The {which} to put in the URL pattern is empty or has characters other than letters, digits and dashes."
    )]
    InvalidIdentifier { which: &'static str },
    #[error("The URL pattern does not give a usable URL: {0}")]
    InvalidUrl(ValidationError),
}

impl PatternError {
    /// A stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownPlaceholder { .. } => "scim_base.pattern_unknown_placeholder",
            Self::UnclosedBrace | Self::StrayClosingBrace => "scim_base.pattern_syntax",
            Self::InvalidIdentifier { .. } => "scim_base.pattern_invalid_identifier",
            Self::InvalidUrl(_) => "scim_base.pattern_invalid_url",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    ScimId,
    OrganizationId,
}

/// A parsed Base URL pattern with `{scim_id}` and `{organization_id}` placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrlPattern {
    source: String,
    parts: Vec<Part>,
}

impl BaseUrlPattern {
    /// Parses a pattern; unknown placeholders and unbalanced braces are refused.
    pub fn parse(pattern: &str) -> Result<Self, PatternError> {
        let source = pattern.trim().to_owned();
        let mut parts = Vec::new();
        let mut rest = source.as_str();
        while !rest.is_empty() {
            let next_open = rest.find('{');
            let next_close = rest.find('}');
            match (next_open, next_close) {
                (None, None) => {
                    parts.push(Part::Literal(rest.to_owned()));
                    break;
                }
                (None, Some(_)) => return Err(PatternError::StrayClosingBrace),
                (Some(open), Some(close)) if close < open => {
                    return Err(PatternError::StrayClosingBrace);
                }
                (Some(_), None) => return Err(PatternError::UnclosedBrace),
                (Some(open), Some(close)) => {
                    if open > 0 {
                        parts.push(Part::Literal(rest[..open].to_owned()));
                    }
                    let name = &rest[open + 1..close];
                    parts.push(match name {
                        "scim_id" => Part::ScimId,
                        "organization_id" => Part::OrganizationId,
                        other if other.contains('{') => return Err(PatternError::UnclosedBrace),
                        other => {
                            return Err(PatternError::UnknownPlaceholder {
                                name: clean_text(other, 40),
                            });
                        }
                    });
                    rest = &rest[close + 1..];
                }
            }
        }
        Ok(Self { source, parts })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Fills the placeholders and checks the result is a usable base URL (https, or http to
    /// loopback; no query, fragment or credentials; no trailing slash).
    pub fn expand(&self, scim_id: &str, organization_id: &str) -> Result<Url, PatternError> {
        let mut expanded = String::with_capacity(self.source.len() + 72);
        for part in &self.parts {
            match part {
                Part::Literal(text) => expanded.push_str(text),
                Part::ScimId => expanded.push_str(identifier("SCIM id", scim_id)?),
                Part::OrganizationId => {
                    expanded.push_str(identifier("Organization ID", organization_id)?);
                }
            }
        }
        validate::base_url(&expanded).map_err(PatternError::InvalidUrl)
    }
}

impl FromStr for BaseUrlPattern {
    type Err = PatternError;

    fn from_str(pattern: &str) -> Result<Self, Self::Err> {
        Self::parse(pattern)
    }
}

impl fmt::Display for BaseUrlPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// Identifiers go into a URL unescaped, so they are held to letters, digits and dashes (what
/// Scaleway's UUIDs are made of); anything else could change the host or the path.
fn identifier<'a>(which: &'static str, value: &'a str) -> Result<&'a str, PatternError> {
    let value = value.trim();
    let usable = !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if usable {
        Ok(value)
    } else {
        Err(PatternError::InvalidIdentifier { which })
    }
}

/// The patterns to try: only the override when one is set (the admin, a sovereign cloud or the
/// sandbox says exactly where; the token must not also go to the built-in guesses), else the
/// built-in candidates in order.
pub fn patterns_to_try(
    override_pattern: Option<&str>,
) -> Result<Vec<BaseUrlPattern>, PatternError> {
    match override_pattern.map(str::trim).filter(|p| !p.is_empty()) {
        Some(pattern) => Ok(vec![BaseUrlPattern::parse(pattern)?]),
        None => CANDIDATE_PATTERNS
            .iter()
            .map(|candidate| BaseUrlPattern::parse(candidate.pattern))
            .collect(),
    }
}

/// A Base URL that answered a SCIM ListResponse to the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedBase {
    pub base_url: Url,
    /// `totalResults` of the probe: how many users the SCIM server already knows.
    pub total_results: u64,
    pub request_id: Option<String>,
    /// Scaleway's clock when it answered (the `Date` header): with a token only, a token's days
    /// left are counted on it, since Scaleway's clock is the one that will refuse the token.
    pub server_now: Option<DateTime<Utc>>,
}

/// Why a Base URL did not verify. Never includes the token or the response body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScimBaseError {
    #[error("{0}")]
    InvalidUrl(ValidationError),
    #[error("The SCIM token cannot be sent: {0}")]
    InvalidToken(ValidationError),
    #[error("The SCIM server at {url} refused the token (HTTP 401).")]
    TokenRefused { url: String },
    #[error("The SCIM server at {url} accepted the token but denied access (HTTP 403).")]
    Forbidden { url: String },
    #[error("Nothing answers at {url} (HTTP 404): this is not the SCIM Base URL.")]
    NotFound { url: String },
    #[error("{url} answered, but not as a SCIM server ({detail}): this is not the SCIM Base URL.")]
    NotScim { url: String, detail: String },
    #[error("{url} answered HTTP {status}.")]
    UnexpectedStatus { url: String, status: u16 },
    /// HTTP 400 to `GET /Users?filter=userName eq "…"`: the server does not take the filter
    /// Entra itself relies on to match users (filter support is UNVERIFIED: docs/services.md).
    #[error("The SCIM server at {url} did not accept a search by userName (HTTP 400).")]
    FilterRejected { url: String },
    #[error("There is no user name to look for.")]
    EmptyUserName,
    #[error("Could not reach {url}: {failure} ({detail}).")]
    Network {
        url: String,
        failure: NetworkFailure,
        detail: String,
    },
    #[error("The HTTP client could not start.")]
    ClientSetup,
}

impl ScimBaseError {
    /// A stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidUrl(_) => "scim_base.invalid_url",
            Self::InvalidToken(_) => "scim_base.invalid_token",
            Self::TokenRefused { .. } => "scim_base.token_refused",
            Self::Forbidden { .. } => "scim_base.forbidden",
            Self::NotFound { .. } => "scim_base.not_found",
            Self::NotScim { .. } => "scim_base.not_scim",
            Self::UnexpectedStatus { .. } => "scim_base.unexpected_status",
            Self::FilterRejected { .. } => "scim_base.filter_rejected",
            Self::EmptyUserName => "scim_base.empty_user_name",
            Self::Network { .. } => "scim_base.network",
            Self::ClientSetup => "scim_base.client_setup",
        }
    }

    /// True when the answer says the URL is wrong (as opposed to the token, or the network).
    pub fn means_wrong_url(&self) -> bool {
        matches!(
            self,
            Self::NotFound { .. } | Self::NotScim { .. } | Self::InvalidUrl(_)
        )
    }
}

/// One candidate tried during discovery and what it got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveryAttempt {
    pub pattern: String,
    /// The expanded URL, when the pattern could be expanded.
    pub url: Option<Url>,
    pub outcome: AttemptOutcome,
}

/// What one discovery attempt got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    Pattern(PatternError),
    Probe(ScimBaseError),
}

impl fmt::Display for AttemptOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Pattern(error) => error.fmt(f),
            Self::Probe(error) => error.fmt(f),
        }
    }
}

/// No candidate verified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DiscoveryError {
    #[error("There is no Base URL pattern to try.")]
    NoCandidates,
    #[error(
        "None of the {} candidate SCIM Base URLs answered as expected; paste the Base URL \
         shown in the Scaleway console.{}",
        attempts.len(),
        AttemptList(attempts)
    )]
    NoneVerified { attempts: Vec<DiscoveryAttempt> },
    #[error("The SCIM token cannot be sent: {0}")]
    InvalidToken(ValidationError),
    #[error("The HTTP client could not start.")]
    ClientSetup,
}

impl DiscoveryError {
    /// A stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoCandidates => "scim_base.no_candidates",
            Self::NoneVerified { .. } => "scim_base.none_verified",
            Self::InvalidToken(_) => "scim_base.invalid_token",
            Self::ClientSetup => "scim_base.client_setup",
        }
    }
}

struct AttemptList<'a>(&'a [DiscoveryAttempt]);

impl fmt::Display for AttemptList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for attempt in self.0 {
            write!(f, "\n- {}: {}", attempt.pattern, attempt.outcome)?;
        }
        Ok(())
    }
}

/// A user as Scaleway's SCIM server shows it: what the proof and the impact view need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimUser {
    /// The SCIM resource id.
    pub id: String,
    pub user_name: String,
    /// `active` (false: locked in Scaleway), when the server says.
    pub active: Option<bool>,
    /// `name.givenName` and `name.familyName`, when the server says.
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// The primary email (else the first), when the server says.
    pub email: Option<String>,
}

impl ScimUser {
    /// A `Resources` item with at least `id` and `userName`; anything else is passed over.
    fn from_resource(resource: &Value) -> Option<Self> {
        Some(Self {
            id: resource.get("id")?.as_str()?.to_owned(),
            user_name: resource.get("userName")?.as_str()?.to_owned(),
            active: match resource.get("active") {
                Some(Value::Bool(active)) => Some(*active),
                // Some SCIM servers (and Entra) write booleans as "True"/"False".
                Some(Value::String(text)) if text.eq_ignore_ascii_case("true") => Some(true),
                Some(Value::String(text)) if text.eq_ignore_ascii_case("false") => Some(false),
                _ => None,
            },
            given_name: text_at(resource, &["name", "givenName"]),
            family_name: text_at(resource, &["name", "familyName"]),
            email: resource
                .get("emails")
                .and_then(Value::as_array)
                .and_then(|emails| {
                    emails
                        .iter()
                        .find(|email| email.get("primary") == Some(&Value::Bool(true)))
                        .or_else(|| emails.first())
                })
                .and_then(|email| email.get("value"))
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
    }
}

/// The string at `path` in a SCIM resource, if it is one.
fn text_at(resource: &Value, path: &[&str]) -> Option<String> {
    path.iter()
        .try_fold(resource, |value, key| value.get(key))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Users asked per page of the SCIM user list (RFC 7644 lets a server answer fewer).
const USER_PAGE: u64 = 100;
/// A bound on the pages read, far above an Organization's user quota.
const MAX_USER_PAGES: usize = 100;

/// A group as Scaleway's SCIM server shows it: its id, name and user members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimGroup {
    pub id: String,
    pub display_name: String,
    /// The SCIM ids of its members.
    pub member_ids: Vec<String>,
}

impl ScimGroup {
    fn from_resource(resource: &Value) -> Option<Self> {
        Some(Self {
            id: resource.get("id")?.as_str()?.to_owned(),
            display_name: resource.get("displayName")?.as_str()?.to_owned(),
            member_ids: resource
                .get("members")
                .and_then(Value::as_array)
                .map(|members| {
                    members
                        .iter()
                        .filter_map(|m| m.get("value")?.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
        })
    }
}

/// Whether an Organization's SCIM service takes groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupsSupport {
    /// `GET {base}/Groups` answers a SCIM ListResponse.
    Supported,
    /// It answers 404, or something that is not a SCIM list: groups are not served here.
    NotSupported,
}

/// A ListResponse from `GET {base}/Users` or `/Groups`.
struct ListedUsers {
    base_url: Url,
    total_results: u64,
    resources: Vec<Value>,
    request_id: Option<String>,
    /// The server's clock when it answered (its `Date` header), when it said it.
    date: Option<DateTime<Utc>>,
}

/// `filter=userName eq "…"` as a query string, or `None` for an empty name.
///
/// Percent-encoded throughout, with spaces as `%20` rather than `+`: a `+` means a space only in
/// form encoding, which a strict RFC 3986 server would read as a literal plus.
fn filter_query(attribute: &str, value: &str) -> Option<String> {
    if value.trim().is_empty() {
        return None;
    }
    // A SCIM filter's compValue is a JSON string literal; serializing a &str cannot fail.
    let literal = serde_json::to_string(value).ok()?;
    let filter = format!("{attribute} eq {literal}");
    // byte_serialize turns a literal '+' into %2B and a space into '+': every '+' left is a space.
    let encoded: String = url::form_urlencoded::byte_serialize(filter.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    Some(format!("filter={encoded}"))
}

/// Checks SCIM Base URLs with a bearer token.
#[derive(Debug, Clone)]
pub struct ScimProbe {
    http: reqwest::Client,
    retry: RetryPolicy,
}

impl ScimProbe {
    /// A probe with a 15 s timeout per attempt and the default retry policy.
    pub fn new() -> Result<Self, ScimBaseError> {
        Self::with_options(Duration::from_secs(15), RetryPolicy::default())
    }

    /// A probe with explicit limits (tests use [`RetryPolicy::quick`]).
    pub fn with_options(timeout: Duration, retry: RetryPolicy) -> Result<Self, ScimBaseError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("scim-wizard/", env!("CARGO_PKG_VERSION")))
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            // A redirect means this is not the Base URL Entra will call; and the token must
            // not follow it elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|_| ScimBaseError::ClientSetup)?;
        Ok(Self { http, retry })
    }

    /// `GET {base_url}/Users?count=1` with the token. Success only on a SCIM ListResponse.
    pub async fn verify(
        &self,
        base_url: &Url,
        bearer: &SecretString,
    ) -> Result<VerifiedBase, ScimBaseError> {
        let listed = self.list_users(base_url, bearer, "count=1").await?;
        Ok(VerifiedBase {
            base_url: listed.base_url,
            total_results: listed.total_results,
            request_id: listed.request_id,
            server_now: listed.date,
        })
    }

    /// The user whose `userName` is `user_name`, asked the way Entra matches users:
    /// `GET {base_url}/Users?filter=userName eq "…"` with the token (RFC 7644 §3.4.2.2; the
    /// value is a JSON string literal, so quotes and backslashes in it are escaped).
    ///
    /// `userName` is case-insensitive in the SCIM core schema (RFC 7643 §4.1.1), so a resource
    /// matches when it equals `user_name` ignoring ASCII case; resources that do not match (a
    /// server that ignored the filter) are passed over rather than taken for the user.
    pub async fn find_user_by_user_name(
        &self,
        base_url: &Url,
        bearer: &SecretString,
        user_name: &str,
    ) -> Result<Option<ScimUser>, ScimBaseError> {
        let query = filter_query("userName", user_name).ok_or(ScimBaseError::EmptyUserName)?;
        let listed = self.list_users(base_url, bearer, &query).await?;
        Ok(listed
            .resources
            .iter()
            .filter_map(ScimUser::from_resource)
            .find(|user| user.user_name.eq_ignore_ascii_case(user_name)))
    }

    /// Every user of the SCIM service, page by page (`startIndex`, `count`), stopping at
    /// `totalResults`, at an empty page, or after [`MAX_USER_PAGES`].
    pub async fn list_all_users(
        &self,
        base_url: &Url,
        bearer: &SecretString,
    ) -> Result<Vec<ScimUser>, ScimBaseError> {
        let mut users = Vec::new();
        let mut start = 1_u64;
        for _ in 0..MAX_USER_PAGES {
            let listed = self
                .list_users(
                    base_url,
                    bearer,
                    &format!("startIndex={start}&count={USER_PAGE}"),
                )
                .await?;
            let page = listed.resources.len() as u64;
            users.extend(listed.resources.iter().filter_map(ScimUser::from_resource));
            start += page;
            if page == 0 || start > listed.total_results {
                break;
            }
        }
        Ok(users)
    }

    /// Whether this SCIM service takes groups: `GET {base_url}/Groups?count=1` with the token.
    ///
    /// Scaleway's SCIM server serves groups since 2026-08-18 (its changelog; docs/services.md);
    /// an Organization whose service does not (an older deployment, a restricted one: neither is
    /// documented, so this is asked, not assumed) answers 404 or something that is not a SCIM
    /// ListResponse. A refused token is the token's problem, said as such.
    pub async fn groups_support(
        &self,
        base_url: &Url,
        bearer: &SecretString,
    ) -> Result<GroupsSupport, ScimBaseError> {
        match self
            .list_resources(base_url, bearer, "Groups", "count=1")
            .await
        {
            Ok(_) => Ok(GroupsSupport::Supported),
            Err(
                ScimBaseError::NotFound { .. }
                | ScimBaseError::NotScim { .. }
                | ScimBaseError::UnexpectedStatus { .. }
                | ScimBaseError::FilterRejected { .. },
            ) => Ok(GroupsSupport::NotSupported),
            Err(other) => Err(other),
        }
    }

    /// How many groups the SCIM service holds (`totalResults` of `GET {base_url}/Groups?count=1`).
    pub async fn count_groups(
        &self,
        base_url: &Url,
        bearer: &SecretString,
    ) -> Result<u64, ScimBaseError> {
        Ok(self
            .list_resources(base_url, bearer, "Groups", "count=1")
            .await?
            .total_results)
    }

    /// The group whose `displayName` is `display_name` (`filter=displayName eq "…"`), with its
    /// members.
    pub async fn find_group_by_display_name(
        &self,
        base_url: &Url,
        bearer: &SecretString,
        display_name: &str,
    ) -> Result<Option<ScimGroup>, ScimBaseError> {
        let query =
            filter_query("displayName", display_name).ok_or(ScimBaseError::EmptyUserName)?;
        let listed = self
            .list_resources(base_url, bearer, "Groups", &query)
            .await?;
        Ok(listed
            .resources
            .iter()
            .filter_map(ScimGroup::from_resource)
            .find(|group| group.display_name == display_name))
    }

    /// `GET {base_url}/Users?{query}` with the token; the answer must be a SCIM ListResponse.
    async fn list_users(
        &self,
        base_url: &Url,
        bearer: &SecretString,
        query: &str,
    ) -> Result<ListedUsers, ScimBaseError> {
        self.list_resources(base_url, bearer, "Users", query).await
    }

    /// `GET {base_url}/{resource}?{query}` with the token; the answer must be a SCIM
    /// ListResponse.
    async fn list_resources(
        &self,
        base_url: &Url,
        bearer: &SecretString,
        resource: &str,
        query: &str,
    ) -> Result<ListedUsers, ScimBaseError> {
        let base_url = validate::base_url(base_url.as_str()).map_err(ScimBaseError::InvalidUrl)?;
        let authorization = bearer_header(bearer).map_err(ScimBaseError::InvalidToken)?;
        let shown_url = base_url.to_string();
        let mut users_url = base_url.clone();
        users_url
            .path_segments_mut()
            .map_err(|()| ScimBaseError::InvalidUrl(ValidationError::UrlUnparsable))?
            .pop_if_empty()
            .push(resource);
        users_url.set_query(Some(query));

        let build = || {
            self.http
                .get(users_url.clone())
                .header(AUTHORIZATION, authorization.clone())
                .header(ACCEPT, "application/scim+json, application/json;q=0.9")
        };
        let response = send_with_retry(&self.retry, Idempotency::Idempotent, build)
            .await
            .map_err(|failure| match failure {
                TransportFailure::Network { failure, detail } => ScimBaseError::Network {
                    url: shown_url.clone(),
                    failure,
                    detail,
                },
                TransportFailure::OutcomeUnknown { detail } => ScimBaseError::Network {
                    url: shown_url.clone(),
                    failure: NetworkFailure::Interrupted,
                    detail,
                },
                TransportFailure::BodyTooLarge { .. } => ScimBaseError::NotScim {
                    url: shown_url.clone(),
                    detail: "the response is far too large".to_owned(),
                },
            })?;
        match response.status.as_u16() {
            200 => {}
            // Only a filtered search can be refused as a bad request: the plain probe sends
            // nothing a SCIM server could reject.
            400 if query.starts_with("filter=") => {
                return Err(ScimBaseError::FilterRejected { url: shown_url });
            }
            401 => return Err(ScimBaseError::TokenRefused { url: shown_url }),
            403 => return Err(ScimBaseError::Forbidden { url: shown_url }),
            404 => return Err(ScimBaseError::NotFound { url: shown_url }),
            status => {
                return Err(ScimBaseError::UnexpectedStatus {
                    url: shown_url,
                    status,
                });
            }
        }
        let (total_results, resources) =
            read_list_response(response.content_type.as_deref(), &response.body).map_err(
                |detail| ScimBaseError::NotScim {
                    url: shown_url.clone(),
                    detail,
                },
            )?;
        Ok(ListedUsers {
            base_url,
            total_results,
            resources,
            request_id: response.request_id,
            date: response.date.map(DateTime::<Utc>::from),
        })
    }

    /// Expands each pattern with the ids, verifies it, and returns the first that verifies.
    /// Stops at the first success; the token goes to no URL after that.
    pub async fn discover(
        &self,
        patterns: &[BaseUrlPattern],
        scim_id: &str,
        organization_id: &str,
        bearer: &SecretString,
    ) -> Result<VerifiedBase, DiscoveryError> {
        if patterns.is_empty() {
            return Err(DiscoveryError::NoCandidates);
        }
        bearer_header(bearer).map_err(DiscoveryError::InvalidToken)?;
        let mut attempts = Vec::with_capacity(patterns.len());
        for pattern in patterns {
            let url = match pattern.expand(scim_id, organization_id) {
                Ok(url) => url,
                Err(error) => {
                    attempts.push(DiscoveryAttempt {
                        pattern: pattern.to_string(),
                        url: None,
                        outcome: AttemptOutcome::Pattern(error),
                    });
                    continue;
                }
            };
            match self.verify(&url, bearer).await {
                Ok(verified) => return Ok(verified),
                Err(error) => {
                    tracing::debug!(
                        pattern = pattern.as_str(),
                        code = error.code(),
                        "SCIM base candidate failed"
                    );
                    attempts.push(DiscoveryAttempt {
                        pattern: pattern.to_string(),
                        url: Some(url),
                        outcome: AttemptOutcome::Probe(error),
                    });
                }
            }
        }
        Err(DiscoveryError::NoneVerified { attempts })
    }
}

/// [`ScimProbe::verify`] with a default probe.
pub async fn verify_scim_base(
    base_url: &Url,
    bearer: &SecretString,
) -> Result<VerifiedBase, ScimBaseError> {
    ScimProbe::new()?.verify(base_url, bearer).await
}

/// [`ScimProbe::discover`] with a default probe.
pub async fn discover_scim_base(
    patterns: &[BaseUrlPattern],
    scim_id: &str,
    organization_id: &str,
    bearer: &SecretString,
) -> Result<VerifiedBase, DiscoveryError> {
    let probe = ScimProbe::new().map_err(|_| DiscoveryError::ClientSetup)?;
    probe
        .discover(patterns, scim_id, organization_id, bearer)
        .await
}

/// `Bearer <token>` as a sensitive header value; the token is validated first.
fn bearer_header(bearer: &SecretString) -> Result<HeaderValue, ValidationError> {
    let token = validate::scim_bearer_token(bearer.expose_secret())?;
    let text = Zeroizing::new(format!("Bearer {token}"));
    let mut value = HeaderValue::from_str(&text).map_err(|_| ValidationError::TokenNotPrintable)?;
    value.set_sensitive(true);
    Ok(value)
}

/// `totalResults` and the `Resources` items of a 200 answer to `GET {base}/Users`, or why it is
/// not a SCIM ListResponse (never quoting the body).
fn read_list_response(
    content_type: Option<&str>,
    body: &[u8],
) -> Result<(u64, Vec<Value>), String> {
    let mut parsed: Value = serde_json::from_slice(body)
        .map_err(|_| format!("got {} instead of JSON", describe_body(content_type, body)))?;
    let total_results = list_response_total(&parsed)
        .ok_or("the JSON is not a SCIM ListResponse (schemas, totalResults)")?;
    // `Resources` may be left out when nothing matched (RFC 7644 §3.4.2).
    match parsed.get_mut("Resources").map(Value::take) {
        None | Some(Value::Null) => Ok((total_results, Vec::new())),
        Some(Value::Array(items)) => Ok((total_results, items)),
        Some(_) => Err("the ListResponse's Resources is not a list".to_owned()),
    }
}

/// `totalResults` when `body` is a SCIM ListResponse.
fn list_response_total(body: &Value) -> Option<u64> {
    let is_list_response = body
        .get("schemas")?
        .as_array()?
        .iter()
        .any(|schema| schema.as_str() == Some(LIST_RESPONSE_SCHEMA));
    if !is_list_response {
        return None;
    }
    body.get("totalResults")?.as_u64()
}

#[cfg(test)]
#[path = "scim_base_fuzz.rs"]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    const SCIM: &str = "4d0a3a50-1b2c-4d5e-8f90-3f9e14238cbe";
    const ORG: &str = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

    #[test]
    fn every_candidate_parses_expands_and_stays_on_scaleway() {
        for candidate in CANDIDATE_PATTERNS {
            let pattern = BaseUrlPattern::parse(candidate.pattern).unwrap();
            let url = pattern.expand(SCIM, ORG).unwrap();
            assert_eq!(url.scheme(), "https");
            let host = url.host_str().unwrap();
            assert!(
                host == "scaleway.com" || host.ends_with(".scaleway.com"),
                "{host}"
            );
            assert!(candidate.why.starts_with("GUESS"));
        }
        assert_eq!(
            patterns_to_try(None).unwrap()[0]
                .expand(SCIM, ORG)
                .unwrap()
                .as_str(),
            format!("https://api.scaleway.com/iam/v1alpha1/scim/{SCIM}/v2")
        );
    }

    #[test]
    fn override_replaces_the_candidates() {
        let patterns = patterns_to_try(Some("http://127.0.0.1:4000/scim/{scim_id}/v2/")).unwrap();
        assert_eq!(patterns.len(), 1);
        assert_eq!(
            patterns[0].expand(SCIM, ORG).unwrap().as_str(),
            format!("http://127.0.0.1:4000/scim/{SCIM}/v2")
        );
        assert_eq!(
            patterns_to_try(Some("  ")).unwrap().len(),
            CANDIDATE_PATTERNS.len()
        );
    }

    #[test]
    fn pattern_syntax_errors() {
        assert_eq!(
            BaseUrlPattern::parse("https://x/{tenant}"),
            Err(PatternError::UnknownPlaceholder {
                name: "tenant".to_owned()
            })
        );
        assert_eq!(
            BaseUrlPattern::parse("https://x/{scim_id"),
            Err(PatternError::UnclosedBrace)
        );
        assert_eq!(
            BaseUrlPattern::parse("https://x/scim_id}"),
            Err(PatternError::StrayClosingBrace)
        );
        assert_eq!(
            BaseUrlPattern::parse("https://x/{{scim_id}}"),
            Err(PatternError::UnclosedBrace)
        );
        assert_eq!(
            BaseUrlPattern::parse("https://x/{}"),
            Err(PatternError::UnknownPlaceholder {
                name: String::new()
            })
        );
        // No placeholder at all: a fixed URL is a valid pattern.
        let fixed = BaseUrlPattern::parse("https://scim.example.com/v2").unwrap();
        assert_eq!(
            fixed.expand(SCIM, ORG).unwrap().as_str(),
            "https://scim.example.com/v2"
        );
    }

    #[test]
    fn expansion_refuses_unsafe_ids_and_urls() {
        let pattern =
            BaseUrlPattern::parse("https://{scim_id}.example.com/{organization_id}").unwrap();
        assert_eq!(
            pattern.expand("evil.com/x", ORG),
            Err(PatternError::InvalidIdentifier { which: "SCIM id" })
        );
        assert_eq!(
            pattern.expand(SCIM, "a@b"),
            Err(PatternError::InvalidIdentifier {
                which: "Organization ID"
            })
        );
        let insecure = BaseUrlPattern::parse("http://scim.example.com/{scim_id}").unwrap();
        assert!(matches!(
            insecure.expand(SCIM, ORG),
            Err(PatternError::InvalidUrl(
                ValidationError::UrlInsecureHttp { .. }
            ))
        ));
    }

    #[test]
    fn list_response_recognition() {
        let good = serde_json::json!({
            "schemas": [LIST_RESPONSE_SCHEMA], "totalResults": 3, "Resources": []
        });
        assert_eq!(list_response_total(&good), Some(3));
        for bad in [
            serde_json::json!({"schemas": ["urn:other"], "totalResults": 3}),
            serde_json::json!({"schemas": [LIST_RESPONSE_SCHEMA], "totalResults": "3"}),
            serde_json::json!({"schemas": [LIST_RESPONSE_SCHEMA]}),
            serde_json::json!({"totalResults": 3}),
            serde_json::json!([1, 2]),
            serde_json::json!({"scim_tokens": [], "total_count": 0}),
        ] {
            assert_eq!(list_response_total(&bad), None, "{bad}");
        }
    }

    #[test]
    fn the_user_name_filter_is_a_json_literal_percent_encoded_with_percent_20() {
        assert_eq!(
            filter_query("userName", "adele.vance").as_deref(),
            Some("filter=userName%20eq%20%22adele.vance%22")
        );
        // Quotes and backslashes are escaped as JSON; '+', '&' and '=' cannot break the query.
        let tricky = filter_query("userName", "a\"b\\c+d&e=f g").unwrap();
        let decoded: Vec<(String, String)> =
            url::form_urlencoded::parse(tricky.replace("%20", "+").as_bytes())
                .into_owned()
                .collect();
        assert_eq!(
            decoded,
            vec![(
                "filter".to_owned(),
                r#"userName eq "a\"b\\c+d&e=f g""#.to_owned()
            )]
        );
        assert!(!tricky.contains(' ') && !tricky[7..].contains('+'));
        assert_eq!(filter_query("userName", "  "), None);
    }

    #[test]
    fn scim_users_are_read_from_resources() {
        let user = ScimUser::from_resource(&serde_json::json!({
            "id": "u1", "userName": "adele.vance", "active": "False"
        }))
        .unwrap();
        assert_eq!(user.user_name, "adele.vance");
        assert_eq!(user.active, Some(false));
        assert!(ScimUser::from_resource(&serde_json::json!({"id": "u1"})).is_none());
    }

    #[test]
    fn bearer_header_is_sensitive_and_validated() {
        let header =
            bearer_header(&SecretString::from("abcdefghijklmnopqrstuvwxyz".to_owned())).unwrap();
        assert!(header.is_sensitive());
        assert!(!format!("{header:?}").contains("abcdef"));
        assert!(bearer_header(&SecretString::from("has space inside it ok".to_owned())).is_err());
    }

    #[test]
    fn none_verified_lists_attempts_without_secrets() {
        let error = DiscoveryError::NoneVerified {
            attempts: vec![DiscoveryAttempt {
                pattern: "https://a.scaleway.com/{scim_id}".to_owned(),
                url: None,
                outcome: AttemptOutcome::Probe(ScimBaseError::NotFound {
                    url: "https://a.scaleway.com/x".to_owned(),
                }),
            }],
        };
        let shown = error.to_string();
        assert!(
            shown.contains("https://a.scaleway.com/{scim_id}: Nothing answers"),
            "{shown}"
        );
        assert_eq!(error.code(), "scim_base.none_verified");
    }
}
