//! Fuzzing of the `scw` configuration reader, as property tests: any file content, any profile
//! name, any environment.
//!
//! Why proptest and not `cargo fuzz`: measured, see `crates/entra/src/auth/loopback_fuzz.rs`.
//!
//! What they check: no file panics the reader; every file ends as credentials or a typed error;
//! a parse error never quotes the file (it holds the secret key); the reader never reads more
//! than its bound, even from a file that never ends; no file within the bound keeps the YAML
//! parser busy for long.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::time::Instant;

use proptest::prelude::*;

use super::*;
use crate::client::fuzz::{edit, mutate};

/// Cases per property: all of this module runs in a few seconds in a debug build.
const CASES: u32 = 512;

/// The secret key planted in the samples.
const SECRET: &str = "5ec4e7e5-0000-4000-8000-9147ed5ec4e7";

const CODES: &[&str] = &[
    "credentials.config_not_found",
    "credentials.no_config_location",
    "credentials.unreadable",
    "credentials.invalid_yaml",
    "credentials.unknown_profile",
    "credentials.no_secret_key",
];

fn samples() -> Vec<Vec<u8>> {
    [
        format!(
            "# scw config\naccess_key: SCWTOPTOPTOPTOPTOPTO\nsecret_key: {SECRET}\n\
             default_organization_id: aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa\n\
             default_region: fr-par\nsend_telemetry: true\nactive_profile: dev\nprofiles:\n  \
             dev:\n    secret_key: {SECRET}\n    api_url: https://api.scaleway.com\n  prod:\n    \
             access_key: SCWPRODPRODPRODPRODP\n"
        ),
        format!("secret_key: \"{SECRET}\"\nprofiles: {{dev: {{secret_key: '{SECRET}'}}}}\n"),
        format!("---\nsecret_key: &key {SECRET}\nprofiles:\n  dev:\n    secret_key: *key\n"),
        String::new(),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect()
}

/// Reads `content` as the configuration, the way `scw` would find it through `SCW_CONFIG_PATH`.
fn import(content: &[u8], profile: Option<&str>) -> Result<ImportedCredentials, CredentialsError> {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(content).unwrap();
    file.flush().unwrap();
    let env = Environment::from_pairs([(ENV_CONFIG_PATH, file.path().to_str().unwrap())]);
    import_credentials(None, &env, profile)
}

/// What every outcome must give: a known code, and neither a parse error nor the `Debug` of
/// imported credentials showing the secret key.
fn check(outcome: &Result<ImportedCredentials, CredentialsError>) {
    match outcome {
        Ok(imported) => {
            assert!(!imported.secret_key.expose_secret().trim().is_empty());
            assert!(!format!("{imported:?}").contains(SECRET));
        }
        Err(error) => {
            assert!(CODES.contains(&error.code()), "{}", error.code());
            if matches!(
                error,
                CredentialsError::InvalidYaml { .. } | CredentialsError::Unreadable { .. }
            ) {
                assert!(!error.to_string().contains(SECRET), "{error}");
                assert!(!format!("{error:?}").contains(SECRET));
            }
        }
    }
}

fn profile_name() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("dev".to_owned())),
        Just(Some("default".to_owned())),
        Just(Some(String::new())),
        any::<String>().prop_map(Some),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn configs_of_any_bytes(
        content in prop::collection::vec(any::<u8>(), 0..2048),
        profile in profile_name(),
    ) {
        check(&import(&content, profile.as_deref()));
    }

    #[test]
    fn mutated_configs(
        sample in 0..4_usize,
        edits in prop::collection::vec(edit(), 0..12),
        profile in profile_name(),
    ) {
        check(&import(&mutate(&samples()[sample], &edits), profile.as_deref()));
    }

    /// Values of any type where strings are expected, at the top level and in a profile.
    #[test]
    fn configs_with_values_of_any_type(
        key in prop::sample::select(vec!["access_key", "secret_key", "default_organization_id",
            "default_project_id", "api_url", "active_profile", "profiles"]),
        value in prop_oneof![
            Just("~"), Just("[]"), Just("{}"), Just("[a, b]"), Just("{a: b}"), Just("12"),
            Just("-.inf"), Just("0x1F"), Just("true"), Just("!!binary aGVsbG8="),
            Just("\"\\0\\x01\\u2028\""), Just("|\n    multi\n    line"), Just("&a x"), Just("*a"),
            Just("!custom x"), Just("2001-12-14t21:59:43.10-05:00"),
        ],
        in_profile in any::<bool>(),
    ) {
        let text = if in_profile {
            format!("secret_key: {SECRET}\nprofiles:\n  dev:\n    {key}: {value}\n")
        } else {
            format!("{key}: {value}\nprofiles:\n  dev:\n    secret_key: {SECRET}\n")
        };
        check(&import(text.as_bytes(), Some("dev")));
        check(&import(text.as_bytes(), None));
    }

    /// Any profile name and environment values (NUL, blanks, non-ASCII): never a panic, and the
    /// environment's secret key wins when it is set.
    #[test]
    fn any_profile_and_environment(
        profile in profile_name(),
        env_profile in any::<String>(),
        secret in any::<String>(),
        api_url in any::<String>(),
    ) {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(&samples()[0]).unwrap();
        let env = Environment::from_pairs([
            (ENV_CONFIG_PATH, file.path().to_str().unwrap().to_owned()),
            (ENV_PROFILE, env_profile),
            (ENV_SECRET_KEY, secret.clone()),
            (ENV_API_URL, api_url),
        ]);
        let outcome = import_credentials(None, &env, profile.as_deref());
        if let Ok(imported) = &outcome
            && !secret.trim().is_empty()
        {
            prop_assert_eq!(imported.secret_key.expose_secret(), secret.trim());
        }
        if let Err(error) = &outcome {
            prop_assert!(CODES.contains(&error.code()));
        }
    }
}

#[test]
fn the_samples_are_valid() {
    let samples = samples();
    for (index, sample) in samples.iter().take(3).enumerate() {
        let imported = import(sample, Some("dev")).unwrap();
        assert_eq!(
            imported.secret_key.expose_secret(),
            SECRET,
            "sample {index}"
        );
    }
    assert_eq!(
        import(&samples[3], None).unwrap_err().code(),
        "credentials.no_secret_key"
    );
}

/// The reader stops at its bound: a larger file, and a "file" that never ends, give at most one
/// byte more than the bound (which is how "too large" is told), never everything.
#[test]
fn the_reader_stops_at_its_bound() {
    let bound = MAX_CONFIG_BYTES as usize;
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(&vec![b'#'; 3 * bound]).unwrap();
    file.flush().unwrap();
    assert_eq!(read_bounded(file.path()).unwrap().len(), bound + 1);
    let error = import(&vec![b'#'; bound + 1], None).unwrap_err();
    assert!(error.to_string().contains("too large"), "{error}");

    // The checks on the path refuse devices before this reader is reached; it is bounded all
    // the same.
    #[cfg(unix)]
    {
        let zero = std::path::Path::new("/dev/zero");
        assert_eq!(read_bounded(zero).unwrap().len(), bound + 1);
        let env = Environment::from_pairs([(ENV_CONFIG_PATH, "/dev/zero")]);
        let error = import_credentials(None, &env, None).unwrap_err();
        assert_eq!(error.code(), "credentials.unreadable");
    }
}

/// Aliases that expand exponentially ("billion laughs", 9 levels of 10 in under 1 KB), where
/// a value is skipped and where one is read: no expansion blows up.
#[test]
fn exponential_aliases_are_not_expanded_without_bound() {
    let mut laughs = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        let items = [previous.as_str(); 10].join(", ");
        laughs.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    let started = Instant::now();
    let skipped = format!("{laughs}secret_key: {SECRET}\nextra: *a9\n");
    let outcome = import(skipped.as_bytes(), None);
    check(&outcome);
    assert_eq!(outcome.unwrap().secret_key.expose_secret(), SECRET);
    let read = format!("{laughs}secret_key: {SECRET}\nprofiles: {{dev: {{secret_key: *a9}}}}\n");
    let outcome = import(read.as_bytes(), Some("dev"));
    check(&outcome);
    assert_eq!(outcome.unwrap_err().code(), "credentials.invalid_yaml");
    let took = started.elapsed();
    assert!(took.as_secs() < 10, "took {took:?}");
}

/// Regression: the YAML scanner's work grows with the nesting of `[`/`{` times the size of the
/// file, so a 1 MB file of `[` would have kept the import busy for minutes (a 256 KB one took
/// 46 s in a release build). More brackets than a configuration has are refused before parsing,
/// and the worst that is still parsed (all of them nested, then 1 MB of items) stays quick.
#[test]
fn deep_nesting_is_refused_before_parsing() {
    let bound = MAX_CONFIG_BYTES as usize;
    let started = Instant::now();
    for text in [
        "[".repeat(bound),
        format!(
            "profiles: {}x{}\n",
            "{a: ".repeat(50_000),
            "}".repeat(50_000)
        ),
        format!(
            "secret_key: {SECRET}\n# {}\n",
            "{".repeat(MAX_FLOW_BRACKETS + 1)
        ),
    ] {
        let outcome = import(text.as_bytes(), None);
        check(&outcome);
        let error = outcome.unwrap_err();
        assert_eq!(error.code(), "credentials.unreadable");
        assert!(error.to_string().contains("more [ and {"), "{error}");
    }
    let items = (bound - 2 * MAX_FLOW_BRACKETS - 20) / 2;
    let widest = format!(
        "other: {}{}{}\n",
        "[".repeat(MAX_FLOW_BRACKETS),
        "a,".repeat(items),
        "]".repeat(MAX_FLOW_BRACKETS)
    );
    assert!(widest.len() as u64 <= MAX_CONFIG_BYTES);
    assert_eq!(
        import(widest.as_bytes(), None).unwrap_err().code(),
        "credentials.no_secret_key"
    );
    let took = started.elapsed();
    assert!(took.as_secs() < 20, "took {took:?}");

    // Block nesting is not limited that way: the scanner's work stays linear.
    let block = format!(
        "secret_key: {SECRET}\nprofiles:\n{}",
        "- \n".repeat(200_000)
    );
    assert_eq!(
        import(block.as_bytes(), None).unwrap_err().code(),
        "credentials.invalid_yaml"
    );
}

/// Flow style within the limit is still a configuration.
#[test]
fn flow_style_profiles_are_read() {
    let profiles: Vec<String> = (0..62)
        .map(|i| format!("p{i}: {{secret_key: s{i}}}"))
        .collect();
    let text = format!(
        "secret_key: {SECRET}\nprofiles: {{{}}}\n# [\n",
        profiles.join(", ")
    );
    assert_eq!(
        text.bytes().filter(|b| matches!(b, b'[' | b'{')).count(),
        MAX_FLOW_BRACKETS
    );
    let imported = import(text.as_bytes(), Some("p61")).unwrap();
    assert_eq!(imported.secret_key.expose_secret(), "s61");
}

/// A configuration just under the bound, most of it one long value: read and parsed.
#[test]
fn a_config_at_the_bound_is_read() {
    let head = format!("secret_key: {SECRET}\napi_url: ");
    let padding = MAX_CONFIG_BYTES as usize - head.len() - 1;
    let text = format!("{head}{}\n", "x".repeat(padding));
    assert_eq!(text.len() as u64, MAX_CONFIG_BYTES);
    let imported = import(text.as_bytes(), None).unwrap();
    assert_eq!(imported.api_url.map(|url| url.len()), Some(padding));
}
