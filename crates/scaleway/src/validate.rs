//! Pure checks of what an admin types or pastes, with messages in plain words.
//!
//! Every validator trims surrounding whitespace first (pasting often brings a trailing newline),
//! never panics, and never repeats a secret back in its error.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

/// Which input a [`ValidationError`] is about, named as the admin sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    OrganizationId,
    AccessKey,
    SecretKey,
    ScimToken,
    BaseUrl,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::OrganizationId => "Organization ID",
            Self::AccessKey => "access key",
            Self::SecretKey => "secret key",
            Self::ScimToken => "SCIM token",
            Self::BaseUrl => "URL",
        })
    }
}

/// Shortest SCIM bearer token we accept. Real ones are ~120 characters (docs/services.md); the
/// floor only catches a truncated paste, since the shape is deliberately not parsed.
pub const SCIM_TOKEN_MIN_LEN: usize = 16;
/// Longest SCIM bearer token we accept: far above anything observed, below header-size limits.
pub const SCIM_TOKEN_MAX_LEN: usize = 4096;

/// What is wrong with an input. The messages are meant to be shown to the admin as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    #[error("The {field} is empty.")]
    Empty { field: Field },
    #[error(
        "The {field} should look like 123e4567-e89b-12d3-a456-426614174000: 32 hexadecimal digits \
         in groups of 8-4-4-4-12 separated by dashes."
    )]
    NotUuid { field: Field },
    #[error(
        "The access key should be \"SCW\" followed by 17 capital letters or digits \
         (20 characters in all), for example SCWXXXXXXXXXXXXXXXXX."
    )]
    AccessKeyFormat,
    #[error(
        "The SCIM token is too short ({length} characters, at least {SCIM_TOKEN_MIN_LEN} expected): \
         it was probably cut off when copied."
    )]
    TokenTooShort { length: usize },
    #[error("The SCIM token is too long ({length} characters, at most {SCIM_TOKEN_MAX_LEN}).")]
    TokenTooLong { length: usize },
    #[error("The SCIM token contains spaces or line breaks; copy it again without them.")]
    TokenHasWhitespace,
    #[error(
        "The SCIM token contains characters other than plain letters, digits and punctuation; \
         copy it again from the Scaleway console."
    )]
    TokenNotPrintable,
    #[error("The URL is not a valid web address.")]
    UrlUnparsable,
    #[error("The URL must start with https:// (it starts with {scheme}://).")]
    UrlScheme { scheme: String },
    #[error(
        "The URL must use https://; plain http:// is allowed only for this computer \
         (localhost or 127.0.0.1), and this one points to {host}."
    )]
    UrlInsecureHttp { host: String },
    #[error("The URL has no host name.")]
    UrlNoHost,
    #[error("The URL must not contain a user name or password before the host.")]
    UrlHasUserinfo,
    #[error("The URL must not contain a query (the part after \"?\").")]
    UrlHasQuery,
    #[error("The URL must not contain a fragment (the part after \"#\").")]
    UrlHasFragment,
}

impl ValidationError {
    /// The input this error is about.
    pub fn field(&self) -> Field {
        match self {
            Self::Empty { field } | Self::NotUuid { field } => *field,
            Self::AccessKeyFormat => Field::AccessKey,
            Self::TokenTooShort { .. }
            | Self::TokenTooLong { .. }
            | Self::TokenHasWhitespace
            | Self::TokenNotPrintable => Field::ScimToken,
            Self::UrlUnparsable
            | Self::UrlScheme { .. }
            | Self::UrlInsecureHttp { .. }
            | Self::UrlNoHost
            | Self::UrlHasUserinfo
            | Self::UrlHasQuery
            | Self::UrlHasFragment => Field::BaseUrl,
        }
    }
}

/// Checks an Organization ID (a UUID) and returns it in the lowercase form Scaleway uses.
pub fn organization_id(value: &str) -> Result<String, ValidationError> {
    let trimmed = non_empty(value, Field::OrganizationId)?;
    if !is_hyphenated_uuid(trimmed) {
        return Err(ValidationError::NotUuid {
            field: Field::OrganizationId,
        });
    }
    Ok(trimmed.to_ascii_lowercase())
}

/// Checks a secret key (a UUID, as in the Scaleway SDK's `IsSecretKey`) and returns the trimmed
/// slice. The case is left alone: we never rewrite a secret.
pub fn secret_key(value: &str) -> Result<&str, ValidationError> {
    let trimmed = non_empty(value, Field::SecretKey)?;
    if !is_hyphenated_uuid(trimmed) {
        return Err(ValidationError::NotUuid {
            field: Field::SecretKey,
        });
    }
    Ok(trimmed)
}

/// Checks an access key against the Scaleway SDK's rule `^SCW[A-Z0-9]{17}$`.
pub fn access_key(value: &str) -> Result<&str, ValidationError> {
    let trimmed = non_empty(value, Field::AccessKey)?;
    let well_formed = trimmed.len() == 20
        && trimmed.starts_with("SCW")
        && trimmed
            .bytes()
            .skip(3)
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if well_formed {
        Ok(trimmed)
    } else {
        Err(ValidationError::AccessKeyFormat)
    }
}

/// Checks a SCIM bearer token pasted by the admin. The token is opaque: only what any bearer
/// token must satisfy to travel in an `Authorization` header is checked, never its shape.
pub fn scim_bearer_token(value: &str) -> Result<&str, ValidationError> {
    let trimmed = non_empty(value, Field::ScimToken)?;
    if trimmed.chars().any(char::is_whitespace) {
        return Err(ValidationError::TokenHasWhitespace);
    }
    if !trimmed.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ValidationError::TokenNotPrintable);
    }
    let length = trimmed.len();
    if length < SCIM_TOKEN_MIN_LEN {
        return Err(ValidationError::TokenTooShort { length });
    }
    if length > SCIM_TOKEN_MAX_LEN {
        return Err(ValidationError::TokenTooLong { length });
    }
    Ok(trimmed)
}

/// Checks a base URL (the Scaleway API base or a SCIM base URL) and returns it normalized.
///
/// Rules: https, or http only towards this computer (the sandbox), because a secret travels
/// with every request; a host; no user name or password; no query or fragment, since paths are
/// appended to it; a trailing slash is removed so that appending `/Users` gives one slash.
pub fn base_url(value: &str) -> Result<Url, ValidationError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ValidationError::Empty {
            field: Field::BaseUrl,
        });
    }
    let mut url = Url::parse(trimmed).map_err(|_| ValidationError::UrlUnparsable)?;
    let host = url.host().map(|host| host.to_owned());
    match url.scheme() {
        "https" => {}
        "http" => match &host {
            Some(host) if is_loopback(host) => {}
            Some(host) => {
                return Err(ValidationError::UrlInsecureHttp {
                    host: shorten(&host.to_string(), 100),
                });
            }
            None => return Err(ValidationError::UrlNoHost),
        },
        other => {
            return Err(ValidationError::UrlScheme {
                scheme: shorten(other, 20),
            });
        }
    }
    if host.is_none() {
        return Err(ValidationError::UrlNoHost);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ValidationError::UrlHasUserinfo);
    }
    if url.query().is_some() {
        return Err(ValidationError::UrlHasQuery);
    }
    if url.fragment().is_some() {
        return Err(ValidationError::UrlHasFragment);
    }
    let without_trailing_slashes = url.path().trim_end_matches('/').to_owned();
    url.set_path(&without_trailing_slashes);
    Ok(url)
}

/// True for `localhost`, 127.0.0.0/8 and ::1: the only hosts plain http may reach.
pub fn is_loopback(host: &Host<String>) -> bool {
    match host {
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(address) => Ipv4Addr::is_loopback(address),
        Host::Ipv6(address) => Ipv6Addr::is_loopback(address),
    }
}

/// True when `value` is exactly a hyphenated UUID (8-4-4-4-12 hex digits), nothing around it.
pub(crate) fn is_hyphenated_uuid(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(index, byte)| match index {
            8 | 13 | 18 | 23 => *byte == b'-',
            _ => byte.is_ascii_hexdigit(),
        })
}

fn non_empty(value: &str, field: Field) -> Result<&str, ValidationError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        Err(ValidationError::Empty { field })
    } else {
        Ok(trimmed)
    }
}

/// Cuts a value we echo back (a scheme or host, never a secret) to a readable length.
fn shorten(value: &str, max_chars: usize) -> String {
    if value.chars().count() <= max_chars {
        value.to_owned()
    } else {
        let mut cut: String = value.chars().take(max_chars).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ORG: &str = "4d0a3a50-1b2c-4d5e-8f90-3f9e14238cbe";

    #[test]
    fn organization_id_is_trimmed_and_lowercased() {
        assert_eq!(
            organization_id(&format!("  {}\n", ORG.to_uppercase())).unwrap(),
            ORG
        );
        assert_eq!(
            organization_id(""),
            Err(ValidationError::Empty {
                field: Field::OrganizationId
            })
        );
        for bad in [
            "4d0a3a504d5e8f903f9e14238cbe1b2c",
            "{4d0a3a50-1b2c-4d5e-8f90-3f9e14238cbe}",
            "urn:uuid:4d0a3a50-1b2c-4d5e-8f90-3f9e14238cbe",
            "4d0a3a50-1b2c-4d5e-8f90-3f9e14238cbz",
            "x4d0a3a50-1b2c-4d5e-8f90-3f9e14238cbe",
        ] {
            assert!(organization_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn secret_key_errors_never_echo_the_value() {
        let error = secret_key("not-a-secret-but-pretend").unwrap_err();
        assert!(!error.to_string().contains("pretend"));
        assert_eq!(error.field(), Field::SecretKey);
    }

    #[test]
    fn access_key_follows_the_sdk_rule() {
        assert_eq!(
            access_key(" SCW1234567890ABCDEFG ").unwrap(),
            "SCW1234567890ABCDEFG"
        );
        assert!(access_key("SCW1234567890ABCDEF").is_err());
        assert!(access_key("SCW1234567890ABCDEFGH").is_err());
        assert!(access_key("scw1234567890ABCDEFG").is_err());
        assert!(access_key("SCW1234567890abcdefg").is_err());
        assert!(access_key("SCWÉ234567890ABCDEFG").is_err());
    }

    #[test]
    fn bearer_token_rules() {
        let real_shaped = "NGQwYTNhNTAtMWIyYy00ZDVlLThmOTAtM2Y5ZTE0MjM4Y2Jl.a1b2c3d4e5f6-_";
        assert_eq!(
            scim_bearer_token(&format!("{real_shaped}\n")).unwrap(),
            real_shaped
        );
        assert_eq!(
            scim_bearer_token("abc def ghi jkl mno"),
            Err(ValidationError::TokenHasWhitespace)
        );
        assert_eq!(
            scim_bearer_token("short"),
            Err(ValidationError::TokenTooShort { length: 5 })
        );
        assert_eq!(
            scim_bearer_token("ééééééééééééééééééé"),
            Err(ValidationError::TokenNotPrintable)
        );
        assert!(matches!(
            scim_bearer_token(&"a".repeat(SCIM_TOKEN_MAX_LEN + 1)),
            Err(ValidationError::TokenTooLong { .. })
        ));
    }

    #[test]
    fn base_url_rules() {
        assert_eq!(
            base_url("https://api.scaleway.com/").unwrap().as_str(),
            "https://api.scaleway.com/"
        );
        assert_eq!(
            base_url(" https://api.scaleway.com/iam/v1alpha1/scim/x/v2/ ")
                .unwrap()
                .as_str(),
            "https://api.scaleway.com/iam/v1alpha1/scim/x/v2"
        );
        assert_eq!(
            base_url("http://127.0.0.1:8080/scaleway/")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:8080/scaleway"
        );
        assert!(base_url("http://localhost:1/x").is_ok());
        assert!(base_url("http://[::1]:1/x").is_ok());
        assert!(base_url("http://127.8.9.10/").is_ok());
        assert_eq!(
            base_url("http://api.scaleway.com"),
            Err(ValidationError::UrlInsecureHttp {
                host: "api.scaleway.com".to_owned()
            })
        );
        assert_eq!(
            base_url("ftp://example.com"),
            Err(ValidationError::UrlScheme {
                scheme: "ftp".to_owned()
            })
        );
        assert_eq!(
            base_url("https://user:pw@example.com"),
            Err(ValidationError::UrlHasUserinfo)
        );
        assert_eq!(
            base_url("https://example.com/?a=1"),
            Err(ValidationError::UrlHasQuery)
        );
        assert_eq!(
            base_url("https://example.com/?"),
            Err(ValidationError::UrlHasQuery)
        );
        assert_eq!(
            base_url("https://example.com/#x"),
            Err(ValidationError::UrlHasFragment)
        );
        assert_eq!(base_url("example.com"), Err(ValidationError::UrlUnparsable));
        assert_eq!(
            base_url("mailto:someone@example.com"),
            Err(ValidationError::UrlScheme {
                scheme: "mailto".to_owned()
            })
        );
        assert_eq!(
            base_url("  "),
            Err(ValidationError::Empty {
                field: Field::BaseUrl
            })
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn validators_never_panic(input in any::<String>()) {
            let _ = organization_id(&input);
            let _ = secret_key(&input);
            let _ = access_key(&input);
            let _ = scim_bearer_token(&input);
            let _ = base_url(&input);
        }

        #[test]
        fn url_like_inputs_never_panic(input in "(https?|ftp|file)://[ -~]{0,60}") {
            let _ = base_url(&input);
        }

        #[test]
        fn any_uuid_is_accepted(
            uuid in "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
            padding in "[ \t\n]{0,3}",
        ) {
            let padded = format!("{padding}{uuid}{padding}");
            prop_assert_eq!(organization_id(&padded).unwrap(), uuid.to_ascii_lowercase());
            prop_assert_eq!(secret_key(&padded).unwrap(), uuid.as_str());
        }

        #[test]
        fn any_sdk_shaped_access_key_is_accepted(key in "SCW[A-Z0-9]{17}") {
            prop_assert_eq!(access_key(&key).unwrap(), key.as_str());
        }

        #[test]
        fn access_keys_of_other_lengths_are_refused(key in "SCW[A-Z0-9]{0,16}|SCW[A-Z0-9]{18,30}") {
            prop_assert_eq!(access_key(&key), Err(ValidationError::AccessKeyFormat));
        }

        #[test]
        fn printable_tokens_are_accepted(token in "[!-~]{16,300}") {
            prop_assert_eq!(scim_bearer_token(&token).unwrap(), token.as_str());
        }

        #[test]
        fn tokens_with_inner_whitespace_are_refused(
            left in "[!-~]{8,40}", gap in "[ \t\r\n]{1,3}", right in "[!-~]{8,40}",
        ) {
            let token = format!("{left}{gap}{right}");
            prop_assert_eq!(scim_bearer_token(&token), Err(ValidationError::TokenHasWhitespace));
        }

        #[test]
        fn https_urls_are_accepted_and_normalization_is_stable(
            host in "[a-z][a-z0-9]{0,10}(\\.[a-z][a-z0-9]{0,10}){1,3}",
            path in "(/[A-Za-z0-9_.~-]{1,10}){0,4}/?",
        ) {
            let url = base_url(&format!("https://{host}{path}")).unwrap();
            prop_assert!(!url.path().ends_with('/') || url.path() == "/");
            let again = base_url(url.as_str()).unwrap();
            prop_assert_eq!(again, url);
        }

        #[test]
        fn plain_http_is_refused_off_loopback(
            host in "[a-z][a-z0-9]{0,10}\\.(com|net|org|example)",
        ) {
            let refused = matches!(
                base_url(&format!("http://{host}/")),
                Err(ValidationError::UrlInsecureHttp { .. })
            );
            prop_assert!(refused);
        }
    }
}
