//! The admin's connection settings: which Microsoft cloud, which sign-in client and tenant, and
//! the four service addresses (Microsoft sign-in, Microsoft Graph, the Scaleway API, the SCIM
//! Base URL pattern). They are kept as a small JSON file in the platform config dir.
//!
//! None of them is a secret, and the file has no field that could hold one: secrets live only in
//! the OS keychain.
//!
//! Precedence, field by field: a `SCIM_WIZARD_*` environment variable (how tests and admins
//! script the app) > the saved preference > the built-in default. The saved values are turned
//! into `SCIM_WIZARD_*` pairs underneath the process's own, then read by the very same
//! `from_environment` functions as the variables, so a saved value is checked exactly like a
//! variable would be.

use std::path::{Path, PathBuf};

use scim_wizard_entra::auth::{AuthError, DEFAULT_CLIENT_ID, SignInConfig};
use scim_wizard_entra::{Cloud, Endpoints};
use scim_wizard_scaleway::credentials::Environment;
use scim_wizard_scaleway::scim_base::CANDIDATE_PATTERNS;
use serde::{Deserialize, Serialize};

use crate::entra_step::{
    CLIENT_ID_ENV, CLOUD_ENV, EntraSettings, GRAPH_URL_ENV, LOGIN_URL_ENV, TENANT_ENV,
};
use crate::error::{ErrorCode, UiError};
use crate::failure::SetupError;
use crate::scaleway_step::{SCALEWAY_URL_ENV, SCIM_BASE_URL_ENV, ScalewaySettings};

/// Environment variable naming another folder for the settings file (tests use throw-away
/// folders, like `SCIM_WIZARD_DATA_DIR` for the journal).
pub const CONFIG_DIR_ENV: &str = "SCIM_WIZARD_CONFIG_DIR";

/// Bump when the shape changes in a way older builds cannot read.
pub const PREFERENCES_VERSION: u32 = 1;

const FILE_NAME: &str = "connection.json";

/// A Microsoft cloud, as the settings name it (the same words as `SCIM_WIZARD_CLOUD`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum CloudPreset {
    #[default]
    #[serde(rename = "global")]
    Global,
    #[serde(rename = "usgov")]
    UsGov,
    #[serde(rename = "china")]
    China,
}

impl CloudPreset {
    pub const ALL: [CloudPreset; 3] = [Self::Global, Self::UsGov, Self::China];

    /// The word `SCIM_WIZARD_CLOUD` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Global => "global",
            Self::UsGov => "usgov",
            Self::China => "china",
        }
    }

    pub fn cloud(self) -> Cloud {
        match self {
            Self::Global => Cloud::Global,
            Self::UsGov => Cloud::UsGov,
            Self::China => Cloud::China,
        }
    }

    pub fn from_cloud(cloud: Cloud) -> Self {
        match cloud {
            Cloud::Global => Self::Global,
            Cloud::UsGov => Self::UsGov,
            Cloud::China => Self::China,
        }
    }
}

/// One setting of the connection panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ConnectionField {
    Cloud,
    ClientId,
    Tenant,
    LoginUrl,
    GraphUrl,
    ScalewayUrl,
    ScimBaseUrl,
}

impl ConnectionField {
    pub const ALL: [ConnectionField; 7] = [
        Self::Cloud,
        Self::ClientId,
        Self::Tenant,
        Self::LoginUrl,
        Self::GraphUrl,
        Self::ScalewayUrl,
        Self::ScimBaseUrl,
    ];

    /// The environment variable that overrides this setting.
    pub fn variable(self) -> &'static str {
        match self {
            Self::Cloud => CLOUD_ENV,
            Self::ClientId => CLIENT_ID_ENV,
            Self::Tenant => TENANT_ENV,
            Self::LoginUrl => LOGIN_URL_ENV,
            Self::GraphUrl => GRAPH_URL_ENV,
            Self::ScalewayUrl => SCALEWAY_URL_ENV,
            Self::ScimBaseUrl => SCIM_BASE_URL_ENV,
        }
    }

    /// Its name in plain English (for messages that list several settings).
    pub fn label(self) -> &'static str {
        match self {
            Self::Cloud => "Microsoft cloud",
            Self::ClientId => "Application (client) ID",
            Self::Tenant => "Tenant",
            Self::LoginUrl => "Microsoft sign-in address",
            Self::GraphUrl => "Microsoft Graph address",
            Self::ScalewayUrl => "Scaleway API address",
            Self::ScimBaseUrl => "SCIM Base URL pattern",
        }
    }
}

/// The saved connection settings. Every field is optional: empty means the built-in default.
/// Nothing here is secret (a client id and a tenant are public identifiers).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConnectionPreferences {
    #[serde(default)]
    pub cloud: Option<CloudPreset>,
    /// Empty: Microsoft Graph Command Line Tools.
    #[serde(default)]
    pub client_id: Option<String>,
    /// Tenant id or domain; empty: the admin's home organization.
    #[serde(default)]
    pub tenant: Option<String>,
    #[serde(default)]
    pub login_url: Option<String>,
    #[serde(default)]
    pub graph_url: Option<String>,
    #[serde(default)]
    pub scaleway_url: Option<String>,
    /// A pattern with `{scim_id}` / `{organization_id}`; empty: the app's own guesses.
    #[serde(default)]
    pub scim_base_url: Option<String>,
}

impl ConnectionPreferences {
    /// A field's value as its environment variable would hold it.
    pub fn get(&self, field: ConnectionField) -> Option<String> {
        let text = |value: &Option<String>| value.clone();
        match field {
            ConnectionField::Cloud => self.cloud.map(|cloud| cloud.as_str().to_owned()),
            ConnectionField::ClientId => text(&self.client_id),
            ConnectionField::Tenant => text(&self.tenant),
            ConnectionField::LoginUrl => text(&self.login_url),
            ConnectionField::GraphUrl => text(&self.graph_url),
            ConnectionField::ScalewayUrl => text(&self.scaleway_url),
            ConnectionField::ScimBaseUrl => text(&self.scim_base_url),
        }
    }

    /// Spaces around values removed and empty values dropped, so "  " means the default.
    pub fn normalized(&self) -> Self {
        let clean = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        Self {
            cloud: self.cloud,
            client_id: clean(&self.client_id),
            tenant: clean(&self.tenant),
            login_url: clean(&self.login_url),
            graph_url: clean(&self.graph_url),
            scaleway_url: clean(&self.scaleway_url),
            scim_base_url: clean(&self.scim_base_url),
        }
    }

    /// These settings, normalized, once every value passed [`Self::problems`]: the only form
    /// [`PreferencesStore::save`] takes, so a caller that checks first is not checked twice.
    pub fn checked(&self) -> Result<CheckedPreferences, PreferencesError> {
        let problems = self.problems();
        if !problems.is_empty() {
            return Err(PreferencesError::Invalid { problems });
        }
        Ok(CheckedPreferences(self.normalized()))
    }

    /// What is wrong with each value, checked by the engine's own validators (the same ones the
    /// environment variables go through). Empty when every value is usable.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let normalized = self.normalized();
        ConnectionField::ALL
            .into_iter()
            .filter_map(|field| {
                let value = normalized.get(field)?;
                check_field(field, &value)
                    .err()
                    .map(|message| FieldProblem { field, message })
            })
            .collect()
    }
}

/// Connection settings every validator accepted, trimmed and without empty values
/// ([`ConnectionPreferences::checked`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedPreferences(ConnectionPreferences);

/// Why one setting was refused, in plain words, next to the field it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldProblem {
    pub field: ConnectionField,
    pub message: String,
}

fn check_field(field: ConnectionField, value: &str) -> Result<(), String> {
    let result: Result<(), SetupError> = match field {
        ConnectionField::Cloud => value.parse::<Cloud>().map(drop).map_err(|reason| {
            SetupError::Auth(AuthError::InvalidConfig {
                setting: CLOUD_ENV.into(),
                reason,
            })
        }),
        ConnectionField::ClientId => SignInConfig::new(Endpoints::for_cloud(Cloud::Global))
            .with_client_id(value)
            .map(drop)
            .map_err(SetupError::from),
        ConnectionField::Tenant => SignInConfig::new(Endpoints::for_cloud(Cloud::Global))
            .with_tenant(value)
            .map(drop)
            .map_err(SetupError::from),
        ConnectionField::LoginUrl => EntraSettings::default().with_login_url(value).map(drop),
        ConnectionField::GraphUrl => EntraSettings::default().with_graph_url(value).map(drop),
        ConnectionField::ScalewayUrl => ScalewaySettings::default().with_api_base(value).map(drop),
        ConnectionField::ScimBaseUrl => ScalewaySettings::default()
            .with_scim_base_pattern(value)
            .map(drop),
    };
    result.map_err(|error| match &error {
        // Its sentence names the environment variable, which the admin never typed: keep the
        // reason, which the panel shows next to the field.
        SetupError::Auth(AuthError::InvalidConfig { reason, .. }) => {
            format!("This is not usable: {reason}.")
        }
        SetupError::Auth(AuthError::InvalidTenant { reason, .. }) => {
            format!("This is not a usable tenant: {reason}.")
        }
        // Their own sentences already speak of "the URL pattern" / "the URL".
        SetupError::BaseUrlPattern(pattern) => pattern.to_string(),
        SetupError::Validation(validation) => validation.to_string(),
        _ => error.to_ui().message,
    })
}

/// Why the settings file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PreferencesError {
    #[error("the connection settings at {path} cannot be read: {problem}")]
    Unreadable { path: PathBuf, problem: String },
    #[error("the connection settings file {path} is damaged: {problem}")]
    Damaged { path: PathBuf, problem: String },
    #[error(
        "the connection settings file {path} was written by a newer version of the app ({version})"
    )]
    TooNew { path: PathBuf, version: u32 },
    #[error("the connection settings cannot be saved in {dir}: {problem}")]
    Unwritable { dir: PathBuf, problem: String },
    #[error("no configuration folder is known for this user")]
    NoConfigDir,
    #[error("the connection settings are not usable: {}", describe(.problems))]
    Invalid { problems: Vec<FieldProblem> },
}

fn describe(problems: &[FieldProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("{}: {}", p.field.label(), p.message))
        .collect::<Vec<_>>()
        .join(" ")
}

impl PreferencesError {
    /// The plain-language version. A damaged or unusable file is something the admin fixes in
    /// Settings (`invalid_input`); a file that cannot be read or written is a disk problem, like
    /// the journal's (`journal_failed`).
    pub fn to_ui(&self) -> UiError {
        const FIX_IN_SETTINGS: &str = "Open Settings → Advanced: connection, then correct the values or choose Reset to defaults.";
        match self {
            Self::Damaged { path, .. } => UiError::new(
                ErrorCode::InvalidInput,
                format!(
                    "The saved connection settings ({}) are damaged and cannot be used.",
                    path.display()
                ),
                FIX_IN_SETTINGS,
                false,
            ),
            Self::TooNew { path, .. } => UiError::new(
                ErrorCode::InvalidInput,
                format!(
                    "The saved connection settings ({}) were written by a newer version of the app.",
                    path.display()
                ),
                "Use the newer version, or open Settings → Advanced: connection and choose Reset to defaults.",
                false,
            ),
            Self::Invalid { problems } => UiError::new(
                ErrorCode::InvalidInput,
                format!(
                    "The saved connection settings are not usable. {}",
                    describe(problems)
                ),
                FIX_IN_SETTINGS,
                false,
            ),
            Self::Unreadable { .. } | Self::Unwritable { .. } | Self::NoConfigDir => UiError::new(
                ErrorCode::JournalFailed,
                format!("The app could not read or save its connection settings: {self}."),
                "Check that your disk is not full and that your home folder is writable, then try again.",
                true,
            ),
        }
    }
}

/// The file as written: a version, then the settings.
#[derive(Serialize, Deserialize)]
struct OnDisk {
    version: u32,
    #[serde(flatten)]
    preferences: ConnectionPreferences,
}

/// Where the settings file lives: the app's config dir, or an explicit one.
#[derive(Debug, Clone)]
pub struct PreferencesStore {
    dir: PathBuf,
}

impl PreferencesStore {
    /// The platform config dir (XDG on Linux, Application Support on macOS, AppData on Windows),
    /// unless `SCIM_WIZARD_CONFIG_DIR` names another.
    pub fn default_location() -> Result<Self, PreferencesError> {
        if let Some(dir) = std::env::var_os(CONFIG_DIR_ENV).filter(|d| !d.is_empty()) {
            return Ok(Self::at(PathBuf::from(dir)));
        }
        directories::ProjectDirs::from("io.github", "scim-wizard", "scim-wizard")
            .map(|dirs| Self::at(dirs.config_dir().to_path_buf()))
            .ok_or(PreferencesError::NoConfigDir)
    }

    pub fn at(dir: PathBuf) -> Self {
        Self { dir }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// The saved settings; all defaults when nothing was ever saved.
    pub fn load(&self) -> Result<ConnectionPreferences, PreferencesError> {
        let path = self.path();
        let Some(text) =
            crate::files::read_if_present(&path).map_err(|error| PreferencesError::Unreadable {
                path: path.clone(),
                problem: error.to_string(),
            })?
        else {
            return Ok(ConnectionPreferences::default());
        };
        let on_disk: OnDisk =
            serde_json::from_str(&text).map_err(|error| PreferencesError::Damaged {
                path: path.clone(),
                problem: error.to_string(),
            })?;
        if on_disk.version > PREFERENCES_VERSION {
            return Err(PreferencesError::TooNew {
                path,
                version: on_disk.version,
            });
        }
        Ok(on_disk.preferences)
    }

    /// Writes atomically (temp file in the same folder, fsync, rename), so a crash leaves the
    /// old or the new file whole. Returns what was written (trimmed, empties dropped).
    pub fn save(
        &self,
        preferences: &CheckedPreferences,
    ) -> Result<ConnectionPreferences, PreferencesError> {
        let on_disk = OnDisk {
            version: PREFERENCES_VERSION,
            preferences: preferences.0.clone(),
        };
        crate::files::write_json_atomically(&self.dir, FILE_NAME, &on_disk).map_err(|problem| {
            PreferencesError::Unwritable {
                dir: self.dir.clone(),
                problem,
            }
        })?;
        Ok(on_disk.preferences)
    }
}

/// The process's own environment variable (the `lookup` the desktop app passes below).
pub fn process_variable(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// A variable that is set to something other than blanks (blank counts as unset, as in
/// [`Environment::get`]).
fn set_variable(lookup: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    lookup(name).filter(|value| !value.trim().is_empty())
}

/// The `SCIM_WIZARD_*` connection variables with the saved values underneath: for each setting,
/// the variable when it is set, else the saved value, else nothing (the built-in default).
pub fn connection_environment(
    saved: &ConnectionPreferences,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Environment {
    let saved = saved.normalized();
    Environment::from_pairs(ConnectionField::ALL.into_iter().filter_map(|field| {
        let value = set_variable(lookup, field.variable()).or_else(|| saved.get(field))?;
        Some((field.variable(), value))
    }))
}

/// The settings the engine uses: environment > saved > default.
#[derive(Debug, Clone)]
pub struct ResolvedConnection {
    pub entra: EntraSettings,
    pub scaleway: ScalewaySettings,
}

/// Resolves `saved` under the environment `lookup` reads.
pub fn resolve(
    saved: &ConnectionPreferences,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<ResolvedConnection, SetupError> {
    // A saved value no variable hides is checked first, so its problem is named as the saved
    // setting it is, not as a variable the admin never set.
    let problems: Vec<FieldProblem> = saved
        .problems()
        .into_iter()
        .filter(|problem| set_variable(lookup, problem.field.variable()).is_none())
        .collect();
    if !problems.is_empty() {
        return Err(PreferencesError::Invalid { problems }.into());
    }
    let environment = connection_environment(saved, lookup);
    Ok(ResolvedConnection {
        entra: EntraSettings::from_environment(&environment)?,
        scaleway: ScalewaySettings::from_environment(&environment)?,
    })
}

/// The saved settings at `store`, or all defaults when this user has no config folder at all.
fn load_or_default(
    store: Result<PreferencesStore, PreferencesError>,
) -> Result<ConnectionPreferences, PreferencesError> {
    match store {
        Ok(store) => store.load(),
        Err(PreferencesError::NoConfigDir) => Ok(ConnectionPreferences::default()),
        Err(error) => Err(error),
    }
}

/// What the desktop app uses with real accounts: the process environment over the settings
/// saved in the default location.
pub fn resolve_saved() -> Result<ResolvedConnection, SetupError> {
    let saved = load_or_default(PreferencesStore::default_location())?;
    resolve(&saved, &process_variable)
}

/// The values in use, as text (for the panel, and to tell whether a change touches a side).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EffectiveConnection {
    pub cloud: CloudPreset,
    pub client_id: String,
    pub tenant: Option<String>,
    pub login_url: String,
    pub graph_url: String,
    pub scaleway_url: String,
    pub scim_base_url: Option<String>,
}

impl EffectiveConnection {
    /// True when Microsoft sign-in or Graph would change (an Entra session must be redone).
    pub fn entra_differs(&self, other: &Self) -> bool {
        (
            self.cloud,
            &self.client_id,
            &self.tenant,
            &self.login_url,
            &self.graph_url,
        ) != (
            other.cloud,
            &other.client_id,
            &other.tenant,
            &other.login_url,
            &other.graph_url,
        )
    }

    /// True when the Scaleway side would change (a Scaleway session must be redone).
    pub fn scaleway_differs(&self, other: &Self) -> bool {
        (&self.scaleway_url, &self.scim_base_url) != (&other.scaleway_url, &other.scim_base_url)
    }
}

impl ResolvedConnection {
    pub fn effective(&self) -> EffectiveConnection {
        let entra = &self.entra;
        EffectiveConnection {
            cloud: CloudPreset::from_cloud(entra.endpoints.cloud),
            client_id: entra
                .client_id
                .as_deref()
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .unwrap_or(DEFAULT_CLIENT_ID)
                .to_ascii_lowercase(),
            tenant: entra.tenant.clone(),
            login_url: entra.endpoints.login.clone(),
            graph_url: entra.endpoints.graph.clone(),
            scaleway_url: self
                .scaleway
                .api_base
                .as_str()
                .trim_end_matches('/')
                .to_owned(),
            scim_base_url: self.scaleway.scim_base_pattern.clone(),
        }
    }
}

/// Where the value in use of a setting comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ValueSource {
    /// Its `SCIM_WIZARD_*` variable is set: the panel shows it read-only.
    Environment,
    Saved,
    Default,
}

/// One setting as the panel shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldStatus {
    pub field: ConnectionField,
    /// The variable that overrides it.
    pub variable: String,
    /// The variable's value when it is set (then the field cannot be changed in the panel).
    pub environment_value: Option<String>,
    pub source: ValueSource,
}

/// A cloud's own addresses, shown as placeholders of the address fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CloudDefaults {
    pub cloud: CloudPreset,
    pub login_url: String,
    pub graph_url: String,
}

/// A Microsoft address in use that points at a host no Microsoft cloud uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UnfamiliarHost {
    pub field: ConnectionField,
    pub host: String,
}

impl EffectiveConnection {
    /// The sign-in and Graph addresses whose host is not a Microsoft cloud's.
    pub fn unfamiliar_hosts(&self) -> Vec<UnfamiliarHost> {
        [
            (ConnectionField::LoginUrl, &self.login_url),
            (ConnectionField::GraphUrl, &self.graph_url),
        ]
        .into_iter()
        .filter_map(|(field, url)| {
            let host = scim_wizard_entra::unknown_microsoft_host(&url::Url::parse(url).ok()?)?;
            Some(UnfamiliarHost { field, host })
        })
        .collect()
    }
}

/// Everything the connection panel needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConnectionSettingsView {
    /// What the settings file holds (the form starts from it).
    pub saved: ConnectionPreferences,
    /// Each setting: its variable, and whether that variable overrides it.
    pub fields: Vec<FieldStatus>,
    /// The values in use, or `None` when they cannot be built (see `error`).
    pub effective: Option<EffectiveConnection>,
    /// Why the file or the values in use are not usable (a damaged file, a bad variable).
    pub error: Option<UiError>,
    /// Sign-in and Graph addresses in use whose host is none of the Microsoft clouds': the
    /// admin's sign-in and tokens go there, so the panel names each one with a warning.
    pub unfamiliar_hosts: Vec<UnfamiliarHost>,
    pub clouds: Vec<CloudDefaults>,
    /// Microsoft Graph Command Line Tools.
    pub default_client_id: String,
    pub default_scaleway_url: String,
    /// The app's own SCIM Base URL guesses, tried in order when no pattern is set.
    pub default_scim_base_patterns: Vec<String>,
    /// Where the file is (or would be).
    pub file: Option<String>,
}

impl ConnectionSettingsView {
    /// The panel for `saved` (or the error loading it) under the environment `lookup` reads.
    pub fn build(
        file: Option<&Path>,
        saved: Result<ConnectionPreferences, PreferencesError>,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Self {
        let (saved, load_error) = match saved {
            Ok(saved) => (saved, None),
            Err(error) => (ConnectionPreferences::default(), Some(error.to_ui())),
        };
        let fields = ConnectionField::ALL
            .into_iter()
            .map(|field| {
                let environment_value = set_variable(lookup, field.variable());
                let source = if environment_value.is_some() {
                    ValueSource::Environment
                } else if saved.normalized().get(field).is_some() {
                    ValueSource::Saved
                } else {
                    ValueSource::Default
                };
                FieldStatus {
                    field,
                    variable: field.variable().to_owned(),
                    environment_value,
                    source,
                }
            })
            .collect();
        let (effective, error) = match (load_error, resolve(&saved, lookup)) {
            (Some(error), _) => (None, Some(error)),
            (None, Ok(resolved)) => (Some(resolved.effective()), None),
            (None, Err(error)) => (None, Some(error.to_ui())),
        };
        let unfamiliar_hosts = effective
            .as_ref()
            .map(EffectiveConnection::unfamiliar_hosts)
            .unwrap_or_default();
        Self {
            saved,
            fields,
            effective,
            error,
            unfamiliar_hosts,
            clouds: CloudPreset::ALL
                .into_iter()
                .map(|preset| CloudDefaults {
                    cloud: preset,
                    login_url: preset.cloud().login_url().to_owned(),
                    graph_url: preset.cloud().graph_url().to_owned(),
                })
                .collect(),
            default_client_id: DEFAULT_CLIENT_ID.to_owned(),
            default_scaleway_url: scim_wizard_scaleway::DEFAULT_API_BASE.to_owned(),
            default_scim_base_patterns: CANDIDATE_PATTERNS
                .iter()
                .map(|candidate| candidate.pattern.to_owned())
                .collect(),
            file: file.map(|path| path.display().to_string()),
        }
    }

    /// The panel for the default location and the process environment.
    pub fn current() -> Self {
        let store = PreferencesStore::default_location();
        let file = store.as_ref().ok().map(PreferencesStore::path);
        Self::build(file.as_deref(), load_or_default(store), &process_variable)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const SANDBOX: &str = "http://127.0.0.1:4010";

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn sandbox_preferences() -> ConnectionPreferences {
        ConnectionPreferences {
            cloud: Some(CloudPreset::Global),
            client_id: Some(" 11111111-2222-3333-4444-555555555555 ".into()),
            tenant: Some("contoso.onmicrosoft.com".into()),
            login_url: Some(format!("{SANDBOX}/login")),
            graph_url: Some(format!("{SANDBOX}/graph")),
            scaleway_url: Some(format!("{SANDBOX}/scaleway")),
            scim_base_url: Some(format!("{SANDBOX}/scim/{{scim_id}}/v2")),
        }
    }

    #[test]
    fn a_missing_file_is_all_defaults_and_a_saved_one_loads_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = PreferencesStore::at(dir.path().join("nested"));
        assert_eq!(store.load().unwrap(), ConnectionPreferences::default());
        let written = store
            .save(&sandbox_preferences().checked().unwrap())
            .unwrap();
        assert_eq!(
            written.client_id.as_deref(),
            Some("11111111-2222-3333-4444-555555555555"),
            "trimmed before saving"
        );
        assert_eq!(store.load().unwrap(), written);
        let names: Vec<_> = std::fs::read_dir(dir.path().join("nested"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec![FILE_NAME.to_owned()], "no temp file is left");
    }

    #[test]
    fn the_file_holds_only_the_known_non_secret_fields() {
        let dir = tempfile::tempdir().unwrap();
        let store = PreferencesStore::at(dir.path().to_path_buf());
        store
            .save(&sandbox_preferences().checked().unwrap())
            .unwrap();
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(store.path()).unwrap()).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "client_id",
                "cloud",
                "graph_url",
                "login_url",
                "scaleway_url",
                "scim_base_url",
                "tenant",
                "version"
            ]
        );
        assert_eq!(json["cloud"], "global");
    }

    #[test]
    fn blank_values_mean_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let store = PreferencesStore::at(dir.path().to_path_buf());
        let blanks = ConnectionPreferences {
            login_url: Some("   ".into()),
            client_id: Some(String::new()),
            ..ConnectionPreferences::default()
        };
        let written = store.save(&blanks.checked().unwrap()).unwrap();
        assert_eq!(written, ConnectionPreferences::default());
    }

    #[test]
    fn a_damaged_or_newer_file_is_a_clear_typed_error() {
        let dir = tempfile::tempdir().unwrap();
        let store = PreferencesStore::at(dir.path().to_path_buf());
        std::fs::write(store.path(), "{not json").unwrap();
        let error = store.load().unwrap_err();
        assert!(matches!(error, PreferencesError::Damaged { .. }), "{error}");
        let ui = error.to_ui();
        assert_eq!(ui.code, ErrorCode::InvalidInput);
        assert!(ui.message.contains("damaged"), "{ui:?}");
        assert!(ui.hint.contains("Reset to defaults"), "{ui:?}");
        // Through the engine's error type too.
        assert_eq!(SetupError::from(error).code(), ErrorCode::InvalidInput);

        std::fs::write(store.path(), r#"{"version":1,"cloud":"mars"}"#).unwrap();
        assert!(matches!(
            store.load(),
            Err(PreferencesError::Damaged { .. })
        ));
        std::fs::write(store.path(), r#"{"version":99}"#).unwrap();
        assert!(matches!(
            store.load(),
            Err(PreferencesError::TooNew { version: 99, .. })
        ));
        // An older or hand-written file without some fields still loads.
        std::fs::write(store.path(), r#"{"version":1,"cloud":"usgov"}"#).unwrap();
        assert_eq!(store.load().unwrap().cloud, Some(CloudPreset::UsGov));
    }

    #[test]
    fn sign_in_and_graph_go_over_https_unless_they_stay_on_this_computer() {
        let plain = ConnectionPreferences {
            login_url: Some("http://login.example.org".into()),
            graph_url: Some("http://10.1.2.3/graph".into()),
            ..ConnectionPreferences::default()
        };
        let Err(PreferencesError::Invalid { problems }) = plain.checked() else {
            panic!("plain http to another computer was accepted");
        };
        assert_eq!(problems.len(), 2, "{problems:?}");
        for problem in &problems {
            assert!(problem.message.contains("https://"), "{problem:?}");
        }
        // The sandbox, on this computer, is fine; so is https anywhere.
        let local = ConnectionPreferences {
            login_url: Some("http://127.0.0.1:4010/login".into()),
            graph_url: Some("https://graph.contoso-proxy.example".into()),
            ..ConnectionPreferences::default()
        };
        assert!(local.checked().is_ok());
        // Neither is a Microsoft cloud's host: the panel names both.
        let view = ConnectionSettingsView::build(None, Ok(local), &|_| None);
        assert_eq!(
            view.unfamiliar_hosts,
            vec![
                UnfamiliarHost {
                    field: ConnectionField::LoginUrl,
                    host: "127.0.0.1".into()
                },
                UnfamiliarHost {
                    field: ConnectionField::GraphUrl,
                    host: "graph.contoso-proxy.example".into()
                },
            ]
        );
        let defaults =
            ConnectionSettingsView::build(None, Ok(ConnectionPreferences::default()), &|_| None);
        assert!(defaults.unfamiliar_hosts.is_empty());
    }

    #[test]
    fn a_typo_is_refused_before_saving_with_a_message_per_field() {
        let bad = ConnectionPreferences {
            client_id: Some("not-a-guid".into()),
            tenant: Some("jane@contoso.com".into()),
            login_url: Some("login.example".into()),
            graph_url: Some("ftp://graph.example".into()),
            scaleway_url: Some("http://api.example.com".into()),
            scim_base_url: Some("https://scim.example/{tenant}".into()),
            ..ConnectionPreferences::default()
        };
        let Err(PreferencesError::Invalid { problems }) = bad.checked() else {
            panic!("refused");
        };
        let by_field: HashMap<ConnectionField, String> =
            problems.into_iter().map(|p| (p.field, p.message)).collect();
        assert_eq!(by_field.len(), 6, "{by_field:?}");
        assert!(by_field[&ConnectionField::ClientId].contains("GUID"));
        assert!(by_field[&ConnectionField::Tenant].contains("email"));
        assert!(by_field[&ConnectionField::LoginUrl].contains("not a URL"));
        assert!(by_field[&ConnectionField::GraphUrl].contains("http(s)"));
        assert!(by_field[&ConnectionField::ScalewayUrl].contains("https://"));
        assert!(by_field[&ConnectionField::ScimBaseUrl].contains("{tenant}"));
        for message in by_field.values() {
            assert!(!message.contains("SCIM_WIZARD_"), "{message}");
        }
    }

    #[test]
    fn saved_values_reach_the_engine_settings() {
        let resolved = resolve(&sandbox_preferences(), &lookup(&[])).unwrap();
        assert_eq!(resolved.entra.endpoints.login, format!("{SANDBOX}/login"));
        assert_eq!(resolved.entra.endpoints.graph, format!("{SANDBOX}/graph"));
        assert_eq!(
            resolved.entra.tenant.as_deref(),
            Some("contoso.onmicrosoft.com")
        );
        assert_eq!(
            resolved.scaleway.api_base.as_str(),
            format!("{SANDBOX}/scaleway")
        );
        assert_eq!(
            resolved.scaleway.scim_base_pattern.as_deref(),
            Some(format!("{SANDBOX}/scim/{{scim_id}}/v2").as_str())
        );
        let effective = resolved.effective();
        assert_eq!(effective.client_id, "11111111-2222-3333-4444-555555555555");
    }

    #[test]
    fn an_environment_variable_beats_the_saved_value_which_beats_the_default() {
        let saved = ConnectionPreferences {
            cloud: Some(CloudPreset::UsGov),
            graph_url: Some(format!("{SANDBOX}/graph")),
            ..ConnectionPreferences::default()
        };
        let env = lookup(&[
            (LOGIN_URL_ENV, "http://127.0.0.1:9/login"),
            (GRAPH_URL_ENV, "http://127.0.0.1:9/graph"),
            // Blank counts as unset: the saved value stays.
            (SCALEWAY_URL_ENV, "  "),
        ]);
        let resolved = resolve(&saved, &env).unwrap().effective();
        assert_eq!(resolved.cloud, CloudPreset::UsGov, "saved");
        assert_eq!(
            resolved.login_url, "http://127.0.0.1:9/login",
            "environment"
        );
        assert_eq!(
            resolved.graph_url, "http://127.0.0.1:9/graph",
            "environment"
        );
        assert_eq!(resolved.scaleway_url, "https://api.scaleway.com", "default");
        assert_eq!(resolved.client_id, DEFAULT_CLIENT_ID, "default");

        let view = ConnectionSettingsView::build(None, Ok(saved), &env);
        let source = |field| {
            view.fields
                .iter()
                .find(|f| f.field == field)
                .map(|f| (f.source, f.environment_value.clone()))
                .unwrap()
        };
        assert_eq!(
            source(ConnectionField::GraphUrl),
            (
                ValueSource::Environment,
                Some("http://127.0.0.1:9/graph".into())
            )
        );
        assert_eq!(source(ConnectionField::Cloud), (ValueSource::Saved, None));
        assert_eq!(
            source(ConnectionField::ScalewayUrl),
            (ValueSource::Default, None)
        );
        assert!(view.error.is_none());
        let usgov = view
            .clouds
            .iter()
            .find(|c| c.cloud == CloudPreset::UsGov)
            .unwrap();
        assert_eq!(usgov.login_url, "https://login.microsoftonline.us");
        assert_eq!(view.default_client_id, DEFAULT_CLIENT_ID);
    }

    #[test]
    fn the_environment_cloud_wins_and_a_hidden_bad_saved_value_does_not_matter() {
        let saved = ConnectionPreferences {
            cloud: Some(CloudPreset::China),
            login_url: Some("nonsense".into()),
            ..ConnectionPreferences::default()
        };
        let env = lookup(&[(CLOUD_ENV, "usgov"), (LOGIN_URL_ENV, SANDBOX)]);
        let effective = resolve(&saved, &env).unwrap().effective();
        assert_eq!(effective.cloud, CloudPreset::UsGov);
        assert_eq!(effective.graph_url, "https://graph.microsoft.us");
        assert_eq!(effective.login_url, SANDBOX);
    }

    #[test]
    fn a_bad_saved_value_is_named_as_a_setting_and_a_bad_variable_as_a_variable() {
        let saved = ConnectionPreferences {
            graph_url: Some("graph".into()),
            ..ConnectionPreferences::default()
        };
        let error = resolve(&saved, &lookup(&[])).unwrap_err().to_ui();
        assert_eq!(error.code, ErrorCode::InvalidInput);
        assert!(
            error.message.contains("Microsoft Graph address"),
            "{error:?}"
        );
        assert!(error.hint.contains("Settings"), "{error:?}");

        let error = resolve(
            &ConnectionPreferences::default(),
            &lookup(&[(GRAPH_URL_ENV, "graph")]),
        )
        .unwrap_err()
        .to_ui();
        assert!(error.message.contains(GRAPH_URL_ENV), "{error:?}");

        let view = ConnectionSettingsView::build(
            None,
            Err(PreferencesError::Damaged {
                path: "/x/connection.json".into(),
                problem: "eof".into(),
            }),
            &lookup(&[]),
        );
        assert!(view.effective.is_none());
        assert_eq!(
            view.error.map(|e| e.code),
            Some(ErrorCode::InvalidInput),
            "the panel says why and still opens"
        );
        assert_eq!(view.saved, ConnectionPreferences::default());
    }

    #[test]
    fn which_side_a_change_touches() {
        let base = resolve(&ConnectionPreferences::default(), &lookup(&[]))
            .unwrap()
            .effective();
        let scaleway = resolve(
            &ConnectionPreferences {
                scaleway_url: Some(format!("{SANDBOX}/scaleway")),
                ..ConnectionPreferences::default()
            },
            &lookup(&[]),
        )
        .unwrap()
        .effective();
        assert!(base.scaleway_differs(&scaleway));
        assert!(!base.entra_differs(&scaleway));
        let tenant = resolve(
            &ConnectionPreferences {
                tenant: Some("contoso.com".into()),
                ..ConnectionPreferences::default()
            },
            &lookup(&[]),
        )
        .unwrap()
        .effective();
        assert!(base.entra_differs(&tenant));
        assert!(!base.scaleway_differs(&tenant));
    }
}
