//! Importing Scaleway credentials the way the `scw` CLI finds them (scaleway-sdk-go
//! `scw/config.go`, `scw/env.go`, `scw/path.go`):
//!
//! - config file: `$SCW_CONFIG_PATH`, else `$XDG_CONFIG_HOME/scw/config.yaml`, else
//!   `<home>/.config/scw/config.yaml`;
//! - profile: the one asked for, else `$SCW_PROFILE`, else the file's `active_profile`; the
//!   name `default` (or none) means the top-level values; a profile overrides the top-level
//!   values it sets;
//! - environment: `SCW_ACCESS_KEY`, `SCW_SECRET_KEY`, `SCW_DEFAULT_ORGANIZATION_ID`,
//!   `SCW_DEFAULT_PROJECT_ID`, `SCW_API_URL` win over the file, as in the CLI.
//!
//! Differences from the CLI, on purpose: an empty variable counts as unset; the deprecated
//! variable names (`SCW_TOKEN`, `SCALEWAY_*`) are not read.
//!
//! The home directory and the environment come in as parameters, so tests are hermetic and
//! nothing here reads global state except [`Environment::from_process`].

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use zeroize::Zeroizing;

use crate::secret::{ExposeSecret, SecretString};

pub const ENV_CONFIG_PATH: &str = "SCW_CONFIG_PATH";
pub const ENV_PROFILE: &str = "SCW_PROFILE";
pub const ENV_ACCESS_KEY: &str = "SCW_ACCESS_KEY";
pub const ENV_SECRET_KEY: &str = "SCW_SECRET_KEY";
pub const ENV_ORGANIZATION_ID: &str = "SCW_DEFAULT_ORGANIZATION_ID";
pub const ENV_PROJECT_ID: &str = "SCW_DEFAULT_PROJECT_ID";
pub const ENV_API_URL: &str = "SCW_API_URL";
const ENV_XDG_CONFIG_HOME: &str = "XDG_CONFIG_HOME";
const ENV_HOME: &str = "HOME";
const ENV_USERPROFILE: &str = "USERPROFILE";

/// The profile name that means "the top-level values".
pub const DEFAULT_PROFILE: &str = "default";

/// A config file larger than this is not a `scw` config.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;
const TOO_LARGE: &str = "it is too large to be a Scaleway CLI configuration";
/// The most `[` and `{` a config file may hold. The YAML scanner's work grows with the nesting
/// of flow collections times the length of the file (a 256 KB file of `[` took 46 s in a release
/// build), and `scw` writes its configuration in block style, with none of them.
const MAX_FLOW_BRACKETS: usize = 64;
const TOO_NESTED: &str = "it has more [ and { than a Scaleway CLI configuration can hold";

/// The variables this module reads, captured once. Values are zeroized on drop and never shown
/// by `Debug` (one of them is the secret key).
#[derive(Clone, Default)]
pub struct Environment {
    variables: BTreeMap<String, Zeroizing<String>>,
}

impl Environment {
    /// The variables of the current process that matter here (and only those).
    pub fn from_process() -> Self {
        let names = [
            ENV_CONFIG_PATH,
            ENV_PROFILE,
            ENV_ACCESS_KEY,
            ENV_SECRET_KEY,
            ENV_ORGANIZATION_ID,
            ENV_PROJECT_ID,
            ENV_API_URL,
            ENV_XDG_CONFIG_HOME,
            ENV_HOME,
            ENV_USERPROFILE,
        ];
        Self::from_pairs(names.into_iter().filter_map(|name| {
            std::env::var(name)
                .ok()
                .map(|value| (name.to_owned(), value))
        }))
    }

    /// An environment made of the given pairs (for tests, or a caller's own snapshot).
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Self {
            variables: pairs
                .into_iter()
                .map(|(name, value)| (name.into(), Zeroizing::new(value.into())))
                .collect(),
        }
    }

    /// A variable's value; empty counts as unset.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.variables
            .get(name)
            .map(|value| value.as_str())
            .filter(|value| !value.trim().is_empty())
    }
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Environment")
            .field("names", &self.variables.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// Where one imported value came from, to tell the admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueOrigin {
    Environment {
        variable: &'static str,
    },
    /// The top-level keys of the config file.
    ConfigFile,
    /// A named profile of the config file.
    ConfigProfile {
        profile: String,
    },
}

/// Credentials found on this computer. `Debug` redacts the secret key.
#[derive(Debug, Clone)]
pub struct ImportedCredentials {
    pub secret_key: SecretString,
    pub secret_key_origin: ValueOrigin,
    pub access_key: Option<String>,
    pub access_key_origin: Option<ValueOrigin>,
    pub organization_id: Option<String>,
    pub organization_id_origin: Option<ValueOrigin>,
    pub project_id: Option<String>,
    /// An API URL other than the default, when the profile or environment sets one.
    pub api_url: Option<String>,
    /// The profile used, when it is not the top level.
    pub profile: Option<String>,
    /// The config file that was read, if one was.
    pub config_path: Option<PathBuf>,
}

/// Why no credentials could be imported. Messages never include a value from the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    #[error(
        "No Scaleway CLI configuration was found at {} and SCW_SECRET_KEY is not set.",
        path.display()
    )]
    ConfigNotFound { path: PathBuf },
    #[error(
        "The Scaleway CLI configuration cannot be located: neither SCW_CONFIG_PATH, \
         XDG_CONFIG_HOME nor a home directory is known, and SCW_SECRET_KEY is not set."
    )]
    NoConfigLocation,
    #[error("The Scaleway CLI configuration at {} cannot be read: {problem}.", path.display())]
    Unreadable { path: PathBuf, problem: String },
    #[error(
        "The Scaleway CLI configuration at {} is not valid YAML{}.",
        path.display(),
        match (line, column) {
            (Some(line), Some(column)) => format!(" (line {line}, column {column})"),
            (Some(line), None) => format!(" (line {line})"),
            _ => String::new(),
        }
    )]
    InvalidYaml {
        path: PathBuf,
        line: Option<usize>,
        column: Option<usize>,
    },
    #[error(
        "The Scaleway CLI profile \"{name}\" does not exist{}.",
        if available.is_empty() {
            " (the configuration has no named profiles)".to_owned()
        } else {
            format!("; available profiles: {}", available.join(", "))
        }
    )]
    UnknownProfile {
        name: String,
        available: Vec<String>,
    },
    #[error(
        "No secret key was found{}{}; set SCW_SECRET_KEY or run `scw init`.",
        path.as_ref().map(|p| format!(" in {}", p.display())).unwrap_or_default(),
        profile.as_ref().map(|p| format!(" (profile \"{p}\")")).unwrap_or_default()
    )]
    NoSecretKey {
        path: Option<PathBuf>,
        profile: Option<String>,
    },
}

impl CredentialsError {
    /// A stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::ConfigNotFound { .. } => "credentials.config_not_found",
            Self::NoConfigLocation => "credentials.no_config_location",
            Self::Unreadable { .. } => "credentials.unreadable",
            Self::InvalidYaml { .. } => "credentials.invalid_yaml",
            Self::UnknownProfile { .. } => "credentials.unknown_profile",
            Self::NoSecretKey { .. } => "credentials.no_secret_key",
        }
    }
}

/// The path the `scw` CLI would read its configuration from.
pub fn config_path(home_dir: Option<&Path>, env: &Environment) -> Option<PathBuf> {
    if let Some(path) = env.get(ENV_CONFIG_PATH) {
        return Some(PathBuf::from(path));
    }
    if let Some(xdg) = env.get(ENV_XDG_CONFIG_HOME) {
        return Some(Path::new(xdg).join("scw").join("config.yaml"));
    }
    let home = home_dir
        .map(Path::to_path_buf)
        .or_else(|| env.get(ENV_HOME).map(PathBuf::from))
        .or_else(|| env.get(ENV_USERPROFILE).map(PathBuf::from))?;
    Some(home.join(".config").join("scw").join("config.yaml"))
}

/// Imports credentials from the `scw` configuration and the environment.
///
/// `profile` picks a profile by name (overriding `SCW_PROFILE` and `active_profile`).
pub fn import_credentials(
    home_dir: Option<&Path>,
    env: &Environment,
    profile: Option<&str>,
) -> Result<ImportedCredentials, CredentialsError> {
    let path = config_path(home_dir, env);
    let file = match &path {
        Some(path) => read_config(path)?,
        None => None,
    };

    let requested_profile = profile
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .or_else(|| env.get(ENV_PROFILE).map(str::to_owned))
        .or_else(|| {
            file.as_ref()
                .and_then(|file| file.active_profile.clone())
                .filter(|name| !name.trim().is_empty())
        })
        .filter(|name| name != DEFAULT_PROFILE);

    let file_found = file.is_some();
    let mut merged = Merged::default();
    match (file, &requested_profile) {
        (Some(file), _) => {
            let (top_level, profiles) = file.split();
            merged.apply(top_level, &ValueOrigin::ConfigFile);
            if let Some(name) = &requested_profile {
                let mut profiles = profiles.unwrap_or_default();
                let Some(chosen) = profiles.remove(name) else {
                    let mut available: Vec<String> = profiles.into_keys().collect();
                    available.sort();
                    return Err(CredentialsError::UnknownProfile {
                        name: name.clone(),
                        available,
                    });
                };
                merged.apply(
                    chosen,
                    &ValueOrigin::ConfigProfile {
                        profile: name.clone(),
                    },
                );
            }
        }
        // A named profile was asked for and there is no file to take it from (the CLI fails
        // the same way, even when SCW_SECRET_KEY is set).
        (None, Some(name)) => {
            return Err(match &path {
                Some(path) => CredentialsError::ConfigNotFound { path: path.clone() },
                None => CredentialsError::UnknownProfile {
                    name: name.clone(),
                    available: Vec::new(),
                },
            });
        }
        (None, None) => {}
    }
    merged.apply_environment(env);

    let Some((secret_key, secret_key_origin)) = merged.secret_key else {
        return Err(match (&path, file_found) {
            (Some(path), false) => CredentialsError::ConfigNotFound { path: path.clone() },
            (None, _) => CredentialsError::NoConfigLocation,
            (Some(path), true) => CredentialsError::NoSecretKey {
                path: Some(path.clone()),
                profile: requested_profile,
            },
        });
    };
    Ok(ImportedCredentials {
        secret_key,
        secret_key_origin,
        access_key: merged.access_key.as_ref().map(|(value, _)| value.clone()),
        access_key_origin: merged.access_key.map(|(_, origin)| origin),
        organization_id: merged
            .organization_id
            .as_ref()
            .map(|(value, _)| value.clone()),
        organization_id_origin: merged.organization_id.map(|(_, origin)| origin),
        project_id: merged.project_id,
        api_url: merged.api_url,
        profile: requested_profile,
        config_path: if file_found { path } else { None },
    })
}

/// One set of keys, as found at the top level of the file or in a profile.
#[derive(Default, Deserialize)]
struct ProfileKeys {
    #[serde(default)]
    access_key: Option<String>,
    #[serde(default)]
    secret_key: Option<YamlSecret>,
    #[serde(default)]
    default_organization_id: Option<String>,
    #[serde(default)]
    default_project_id: Option<String>,
    #[serde(default)]
    api_url: Option<String>,
}

/// The whole file. The top-level keys are spelled out rather than `#[serde(flatten)]`ed:
/// flattening buffers the document and the parser then loses the line of an error.
#[derive(Default, Deserialize)]
struct ConfigFile {
    #[serde(default)]
    access_key: Option<String>,
    #[serde(default)]
    secret_key: Option<YamlSecret>,
    #[serde(default)]
    default_organization_id: Option<String>,
    #[serde(default)]
    default_project_id: Option<String>,
    #[serde(default)]
    api_url: Option<String>,
    #[serde(default)]
    active_profile: Option<String>,
    #[serde(default)]
    profiles: Option<BTreeMap<String, ProfileKeys>>,
}

impl ConfigFile {
    fn split(self) -> (ProfileKeys, Option<BTreeMap<String, ProfileKeys>>) {
        let top_level = ProfileKeys {
            access_key: self.access_key,
            secret_key: self.secret_key,
            default_organization_id: self.default_organization_id,
            default_project_id: self.default_project_id,
            api_url: self.api_url,
        };
        (top_level, self.profiles)
    }
}

/// A secret read from YAML, moved into a [`SecretString`] at once (so dropped profiles zeroize
/// their keys too).
struct YamlSecret(SecretString);

impl<'de> Deserialize<'de> for YamlSecret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|value| Self(SecretString::from(value)))
    }
}

#[derive(Default)]
struct Merged {
    secret_key: Option<(SecretString, ValueOrigin)>,
    access_key: Option<(String, ValueOrigin)>,
    organization_id: Option<(String, ValueOrigin)>,
    project_id: Option<String>,
    api_url: Option<String>,
}

impl Merged {
    fn apply(&mut self, keys: ProfileKeys, origin: &ValueOrigin) {
        if let Some(YamlSecret(secret)) = keys
            .secret_key
            .filter(|s| !s.0.expose_secret().trim().is_empty())
        {
            self.secret_key = Some((trimmed_secret(secret), origin.clone()));
        }
        if let Some(value) = non_blank(keys.access_key) {
            self.access_key = Some((value, origin.clone()));
        }
        if let Some(value) = non_blank(keys.default_organization_id) {
            self.organization_id = Some((value, origin.clone()));
        }
        if let Some(value) = non_blank(keys.default_project_id) {
            self.project_id = Some(value);
        }
        if let Some(value) = non_blank(keys.api_url) {
            self.api_url = Some(value);
        }
    }

    fn apply_environment(&mut self, env: &Environment) {
        if let Some(secret) = env.get(ENV_SECRET_KEY) {
            self.secret_key = Some((
                SecretString::from(secret.trim().to_owned()),
                ValueOrigin::Environment {
                    variable: ENV_SECRET_KEY,
                },
            ));
        }
        if let Some(value) = env.get(ENV_ACCESS_KEY) {
            self.access_key = Some((
                value.trim().to_owned(),
                ValueOrigin::Environment {
                    variable: ENV_ACCESS_KEY,
                },
            ));
        }
        if let Some(value) = env.get(ENV_ORGANIZATION_ID) {
            self.organization_id = Some((
                value.trim().to_owned(),
                ValueOrigin::Environment {
                    variable: ENV_ORGANIZATION_ID,
                },
            ));
        }
        if let Some(value) = env.get(ENV_PROJECT_ID) {
            self.project_id = Some(value.trim().to_owned());
        }
        if let Some(value) = env.get(ENV_API_URL) {
            self.api_url = Some(value.trim().to_owned());
        }
    }
}

fn trimmed_secret(secret: SecretString) -> SecretString {
    let trimmed = secret.expose_secret().trim();
    if trimmed.len() == secret.expose_secret().len() {
        secret
    } else {
        SecretString::from(trimmed.to_owned())
    }
}

fn non_blank(value: Option<String>) -> Option<String> {
    value
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// Reads and parses the file; `Ok(None)` when it does not exist.
fn read_config(path: &Path) -> Result<Option<ConfigFile>, CredentialsError> {
    let unreadable = |problem: String| CredentialsError::Unreadable {
        path: path.to_path_buf(),
        problem,
    };
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(unreadable(describe_io(&error))),
    };
    if metadata.is_dir() {
        return Err(unreadable("it is a folder, not a file".to_owned()));
    }
    // A device (`/dev/zero` never ends) or a named pipe (a read waits for a writer forever)
    // is not a configuration: only a regular file is opened.
    if !metadata.is_file() {
        return Err(unreadable("it is not a regular file".to_owned()));
    }
    if metadata.len() > MAX_CONFIG_BYTES {
        return Err(unreadable(TOO_LARGE.to_owned()));
    }
    let bytes = read_bounded(path).map_err(|error| unreadable(describe_io(&error)))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        // It grew after its size was read.
        return Err(unreadable(TOO_LARGE.to_owned()));
    }
    let text =
        std::str::from_utf8(&bytes).map_err(|_| unreadable("it is not UTF-8 text".to_owned()))?;
    // Every bracket counts, quoted, commented or not: a count that skipped some could be fooled
    // into letting a deep nesting through.
    if bytes
        .iter()
        .filter(|byte| matches!(byte, b'[' | b'{'))
        .count()
        > MAX_FLOW_BRACKETS
    {
        return Err(unreadable(TOO_NESTED.to_owned()));
    }
    // An empty file, or one with only comments, is a valid empty configuration.
    match serde_yaml_ng::from_str::<Option<ConfigFile>>(text) {
        Ok(parsed) => Ok(Some(parsed.unwrap_or_default())),
        Err(error) => {
            // The parser's message can quote a value from the file (the secret key, even);
            // only its position is kept.
            let location = error.location();
            Err(CredentialsError::InvalidYaml {
                path: path.to_path_buf(),
                line: location.as_ref().map(|l| l.line()),
                column: location.as_ref().map(|l| l.column()),
            })
        }
    }
}

/// At most one byte more than [`MAX_CONFIG_BYTES`], into a buffer sized once and wiped when
/// dropped (the file holds the secret key; a growing buffer would leave copies behind).
fn read_bounded(path: &Path) -> io::Result<Zeroizing<Vec<u8>>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let capacity = file
        .metadata()
        .map(|m| m.len().min(MAX_CONFIG_BYTES) + 1)
        .unwrap_or(MAX_CONFIG_BYTES + 1);
    let mut bytes = Zeroizing::new(Vec::with_capacity(capacity as usize));
    file.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn describe_io(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::NotFound => "it does not exist".to_owned(),
        io::ErrorKind::InvalidData => "it is not valid text".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
#[path = "credentials_fuzz.rs"]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET_TOP: &str = "11111111-1111-1111-1111-111111111111";
    const SECRET_DEV: &str = "22222222-2222-2222-2222-222222222222";
    const SECRET_ENV: &str = "33333333-3333-3333-3333-333333333333";
    const ORG_TOP: &str = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";
    const ORG_DEV: &str = "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb";

    fn config_text() -> String {
        format!(
            "# scw config\n\
             access_key: SCWTOPTOPTOPTOPTOPTO\n\
             secret_key: {SECRET_TOP}\n\
             default_organization_id: {ORG_TOP}\n\
             default_project_id: {ORG_TOP}\n\
             default_region: fr-par\n\
             send_telemetry: true\n\
             profiles:\n\
             \x20 dev:\n\
             \x20   secret_key: {SECRET_DEV}\n\
             \x20   default_organization_id: {ORG_DEV}\n\
             \x20 prod:\n\
             \x20   access_key: SCWPRODPRODPRODPRODP\n"
        )
    }

    fn home_with_config(text: &str) -> tempfile::TempDir {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join(".config").join("scw");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.yaml"), text).unwrap();
        home
    }

    fn no_env() -> Environment {
        Environment::default()
    }

    #[test]
    fn top_level_values() {
        let home = home_with_config(&config_text());
        let imported = import_credentials(Some(home.path()), &no_env(), None).unwrap();
        assert_eq!(imported.secret_key.expose_secret(), SECRET_TOP);
        assert_eq!(imported.secret_key_origin, ValueOrigin::ConfigFile);
        assert_eq!(imported.access_key.as_deref(), Some("SCWTOPTOPTOPTOPTOPTO"));
        assert_eq!(imported.organization_id.as_deref(), Some(ORG_TOP));
        assert_eq!(imported.profile, None);
        assert_eq!(
            imported.config_path.unwrap(),
            home.path().join(".config/scw/config.yaml")
        );
        assert!(!format!("{:?}", imported.secret_key).contains("1111"));
    }

    #[test]
    fn profile_overrides_only_what_it_sets() {
        let home = home_with_config(&config_text());
        let imported = import_credentials(Some(home.path()), &no_env(), Some("dev")).unwrap();
        assert_eq!(imported.secret_key.expose_secret(), SECRET_DEV);
        assert_eq!(
            imported.secret_key_origin,
            ValueOrigin::ConfigProfile {
                profile: "dev".to_owned()
            }
        );
        assert_eq!(imported.organization_id.as_deref(), Some(ORG_DEV));
        // Not set by the profile: inherited from the top level.
        assert_eq!(imported.access_key.as_deref(), Some("SCWTOPTOPTOPTOPTOPTO"));
        assert_eq!(imported.access_key_origin, Some(ValueOrigin::ConfigFile));
        assert_eq!(imported.profile.as_deref(), Some("dev"));
    }

    #[test]
    fn active_profile_and_scw_profile() {
        let home = home_with_config(&format!("active_profile: dev\n{}", config_text()));
        let imported = import_credentials(Some(home.path()), &no_env(), None).unwrap();
        assert_eq!(imported.secret_key.expose_secret(), SECRET_DEV);

        // SCW_PROFILE beats active_profile; "default" means the top level.
        let env = Environment::from_pairs([(ENV_PROFILE, "default")]);
        let imported = import_credentials(Some(home.path()), &env, None).unwrap();
        assert_eq!(imported.secret_key.expose_secret(), SECRET_TOP);

        // The parameter beats both.
        let imported = import_credentials(Some(home.path()), &env, Some("dev")).unwrap();
        assert_eq!(imported.secret_key.expose_secret(), SECRET_DEV);
    }

    #[test]
    fn environment_wins_over_the_file() {
        let home = home_with_config(&config_text());
        let env = Environment::from_pairs([
            (ENV_SECRET_KEY, SECRET_ENV),
            (ENV_ORGANIZATION_ID, ORG_DEV),
            (ENV_ACCESS_KEY, ""), // empty: ignored
        ]);
        let imported = import_credentials(Some(home.path()), &env, None).unwrap();
        assert_eq!(imported.secret_key.expose_secret(), SECRET_ENV);
        assert_eq!(
            imported.secret_key_origin,
            ValueOrigin::Environment {
                variable: ENV_SECRET_KEY
            }
        );
        assert_eq!(imported.organization_id.as_deref(), Some(ORG_DEV));
        assert_eq!(imported.access_key.as_deref(), Some("SCWTOPTOPTOPTOPTOPTO"));
    }

    #[test]
    fn environment_alone_is_enough() {
        let home = tempfile::tempdir().unwrap();
        let env = Environment::from_pairs([(ENV_SECRET_KEY, SECRET_ENV)]);
        let imported = import_credentials(Some(home.path()), &env, None).unwrap();
        assert_eq!(imported.secret_key.expose_secret(), SECRET_ENV);
        assert_eq!(imported.config_path, None);
    }

    #[test]
    fn scw_config_path_and_xdg() {
        let dir = tempfile::tempdir().unwrap();
        let custom = dir.path().join("elsewhere.yaml");
        std::fs::write(&custom, config_text()).unwrap();
        let env = Environment::from_pairs([(ENV_CONFIG_PATH, custom.to_str().unwrap())]);
        let imported = import_credentials(None, &env, None).unwrap();
        assert_eq!(imported.secret_key.expose_secret(), SECRET_TOP);
        assert_eq!(imported.config_path.as_deref(), Some(custom.as_path()));

        let xdg = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(xdg.path().join("scw")).unwrap();
        std::fs::write(xdg.path().join("scw/config.yaml"), config_text()).unwrap();
        let env = Environment::from_pairs([(ENV_XDG_CONFIG_HOME, xdg.path().to_str().unwrap())]);
        let imported = import_credentials(Some(dir.path()), &env, None).unwrap();
        assert_eq!(imported.secret_key.expose_secret(), SECRET_TOP);

        let env = Environment::from_pairs([(ENV_HOME, dir.path().to_str().unwrap())]);
        assert_eq!(
            config_path(None, &env).unwrap(),
            dir.path().join(".config/scw/config.yaml")
        );
    }

    #[test]
    fn missing_file() {
        let home = tempfile::tempdir().unwrap();
        let error = import_credentials(Some(home.path()), &no_env(), None).unwrap_err();
        assert_eq!(error.code(), "credentials.config_not_found");
        assert!(error.to_string().contains(".config/scw/config.yaml"));
        assert_eq!(
            import_credentials(None, &no_env(), None).unwrap_err(),
            CredentialsError::NoConfigLocation
        );
    }

    #[test]
    fn unreadable_file() {
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(home.path().join(".config/scw/config.yaml")).unwrap();
        let error = import_credentials(Some(home.path()), &no_env(), None).unwrap_err();
        assert_eq!(error.code(), "credentials.unreadable");

        let home = home_with_config("");
        std::fs::write(
            home.path().join(".config/scw/config.yaml"),
            [0xff, 0xfe, 0x00],
        )
        .unwrap();
        let error = import_credentials(Some(home.path()), &no_env(), None).unwrap_err();
        assert_eq!(error.code(), "credentials.unreadable");
    }

    /// `SCW_CONFIG_PATH` naming something that is not a regular file: refused at once, never read.
    #[cfg(unix)]
    #[test]
    fn a_device_or_a_named_pipe_is_refused_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("config.yaml");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        for path in [std::path::Path::new("/dev/zero"), fifo.as_path()] {
            let env = Environment::from_pairs([(ENV_CONFIG_PATH, path.to_str().unwrap())]);
            // A read of either would never end: the test would hang, not fail.
            let error = import_credentials(None, &env, None).unwrap_err();
            assert_eq!(error.code(), "credentials.unreadable", "{path:?}");
            assert!(error.to_string().contains("not a regular file"), "{error}");
        }
    }

    #[test]
    fn a_file_too_large_to_be_a_config_is_refused() {
        let home = home_with_config("");
        let file = home.path().join(".config/scw/config.yaml");
        std::fs::write(&file, vec![b'#'; MAX_CONFIG_BYTES as usize + 1]).unwrap();
        let error = import_credentials(Some(home.path()), &no_env(), None).unwrap_err();
        assert!(error.to_string().contains("too large"), "{error}");
        // At the limit, it is read (and parsed: only comments, an empty configuration).
        std::fs::write(&file, vec![b'#'; MAX_CONFIG_BYTES as usize]).unwrap();
        let error = import_credentials(Some(home.path()), &no_env(), None).unwrap_err();
        assert_eq!(error.code(), "credentials.no_secret_key");
    }

    #[test]
    fn bad_yaml_reports_the_line_and_never_the_content() {
        let home = home_with_config(&format!(
            "access_key: SCWTOPTOPTOPTOPTOPTO\nsecret_key: {SECRET_TOP}\nprofiles: [unclosed\n"
        ));
        let error = import_credentials(Some(home.path()), &no_env(), None).unwrap_err();
        assert!(
            matches!(error, CredentialsError::InvalidYaml { line: Some(_), .. }),
            "{error:?}"
        );
        assert!(!error.to_string().contains("1111"));

        // A wrongly typed value: the parser would quote it; we do not.
        let home = home_with_config(&format!("secret_key:\n  nested: {SECRET_TOP}\n"));
        let error = import_credentials(Some(home.path()), &no_env(), None).unwrap_err();
        assert_eq!(error.code(), "credentials.invalid_yaml");
        assert!(error.to_string().contains("line 2"), "{error}");
        assert!(!error.to_string().contains("1111"));
    }

    #[test]
    fn unknown_profile_lists_the_available_ones() {
        let home = home_with_config(&config_text());
        let error = import_credentials(Some(home.path()), &no_env(), Some("staging")).unwrap_err();
        assert_eq!(
            error,
            CredentialsError::UnknownProfile {
                name: "staging".to_owned(),
                available: vec!["dev".to_owned(), "prod".to_owned()],
            }
        );
        assert!(error.to_string().contains("dev, prod"));
    }

    #[test]
    fn no_secret_key() {
        let home = home_with_config("access_key: SCWTOPTOPTOPTOPTOPTO\n");
        let error = import_credentials(Some(home.path()), &no_env(), None).unwrap_err();
        assert_eq!(error.code(), "credentials.no_secret_key");

        // A profile without a secret key inherits the top-level one.
        let home = home_with_config(&config_text());
        let imported = import_credentials(Some(home.path()), &no_env(), Some("prod")).unwrap();
        assert_eq!(imported.secret_key.expose_secret(), SECRET_TOP);
        assert_eq!(imported.access_key.as_deref(), Some("SCWPRODPRODPRODPRODP"));

        // Empty and comment-only files are valid but hold no key.
        for text in ["", "# nothing yet\n"] {
            let home = home_with_config(text);
            let error = import_credentials(Some(home.path()), &no_env(), None).unwrap_err();
            assert_eq!(error.code(), "credentials.no_secret_key", "{text:?}");
        }
    }

    #[test]
    fn environment_debug_hides_values() {
        let env = Environment::from_pairs([(ENV_SECRET_KEY, SECRET_ENV)]);
        let shown = format!("{env:?}");
        assert!(shown.contains(ENV_SECRET_KEY));
        assert!(!shown.contains("3333"));
    }
}
