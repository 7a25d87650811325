//! The setup journal: what has been done and the ids of what we created, so a crash resumes
//! without duplicates and a rollback removes only our own things. It never holds a secret.
//!
//! One JSON file in the app's data dir, written atomically (temp file in the same directory,
//! fsync, rename), so a crash mid-write leaves the previous version intact.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::retention::CredentialRetention;

/// Bump when the shape changes in a way older builds cannot read.
pub const JOURNAL_VERSION: u32 = 1;

const FILE_NAME: &str = "journal.json";

/// The Scaleway side of a setup.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScalewayRecord {
    pub organization_id: String,
    #[serde(default)]
    pub organization_name: Option<String>,
    #[serde(default)]
    pub scim_id: Option<String>,
    /// True when this app enabled SCIM (rollback may disable it again).
    #[serde(default)]
    pub scim_enabled_by_us: bool,
    /// Set just before the token POST, so a token whose response was lost can be recognised.
    #[serde(default)]
    pub mint_started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub token: Option<TokenRecord>,
    /// The verified SCIM Base URL (not a secret).
    #[serde(default)]
    pub base_url: Option<String>,
}

/// A SCIM token this app minted or was given. Its value is in the keychain, never here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    /// `None` for a token the admin pasted (its Scaleway id is unknown to us).
    pub id: Option<String>,
    /// True when this app minted it (rollback may delete it).
    pub minted_by_us: bool,
    pub created_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    /// False only when the admin chose not to keep it in the keychain.
    pub in_keychain: bool,
}

/// The Entra side of a setup: ids of what exists, who created it, and how far the setup went.
///
/// Everything here is safe to show: ids, names, URLs, timestamps and the ORIGINAL provisioning
/// schema (a mapping document; it holds no credentials: those live in the synchronization
/// secrets, which are never read back nor written here).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntraRecord {
    pub tenant_id: String,
    /// Unique per Scaleway Organization ("Scaleway SCIM (1a2b3c4d)"), so a lookup by name after
    /// a lost answer finds exactly our app.
    pub app_display_name: String,
    /// Set just before the instantiate POST: if no app id follows, the app may exist anyway
    /// (Graph can answer 404 and still create it) and is looked up by name first.
    #[serde(default)]
    pub instantiate_started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub app: Option<AppRecord>,
    #[serde(default)]
    pub job: Option<JobRecord>,
    #[serde(default)]
    pub secrets_saved: Option<SecretsRecord>,
    /// The schema as it was before our edit (first GET only; never overwritten by a resume).
    #[serde(default)]
    pub schema_backup: Option<serde_json::Value>,
    #[serde(default)]
    pub schema_applied_at: Option<DateTime<Utc>>,
    /// Whether the mappings as applied send groups to Scaleway (read back from the schema), so
    /// a resumed setup proves what was written, whatever the options of the new session say.
    #[serde(default)]
    pub groups_provisioned: Option<bool>,
    #[serde(default)]
    pub assignments: Vec<AssignmentRecord>,
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub proof: Option<ProofRecord>,
    /// A token rotation that has minted its new token but not finished.
    #[serde(default)]
    pub rotation: Option<RotationRecord>,
}

/// The enterprise application (application object + service principal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppRecord {
    pub application_object_id: String,
    pub app_id: String,
    pub service_principal_id: String,
    /// True when this app instantiated it (rollback may delete it).
    pub created_by_us: bool,
    pub recorded_at: DateTime<Utc>,
}

/// The provisioning (synchronization) job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRecord {
    pub id: String,
    pub created_by_us: bool,
    pub recorded_at: DateTime<Utc>,
}

/// Which credentials were saved in Entra (never their value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretsRecord {
    /// The Tenant URL saved (`BaseAddress`, with the compat flag when chosen).
    pub base_address: String,
    /// The Scaleway id of the token saved, when known.
    pub token_id: Option<String>,
    pub saved_at: DateTime<Utc>,
}

/// One user or group assigned to the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentRecord {
    pub principal_id: String,
    /// `User` or `Group`.
    pub principal_type: String,
    pub display_name: Option<String>,
    /// The UPN of a user (for the proof's expected username).
    #[serde(default)]
    pub user_principal_name: Option<String>,
    pub assignment_id: String,
    pub created_by_us: bool,
    pub recorded_at: DateTime<Utc>,
}

/// What the proof found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofRecord {
    pub user_principal_name: String,
    pub expected_username: String,
    pub found_in_scaleway: bool,
    pub scaleway_user_id: Option<String>,
    /// The job's `status.code` when checked.
    pub job_status: Option<String>,
    pub checked_at: DateTime<Utc>,
    /// The proof for an assigned group, when one was made.
    #[serde(default)]
    pub group: Option<crate::messages::GroupProof>,
}

/// A token rotation under way: the new token is in the keychain under a staging account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotationRecord {
    pub new_token_id: String,
    pub old_token_id: Option<String>,
    pub new_token_created_at: Option<DateTime<Utc>>,
    pub new_token_expires_at: Option<DateTime<Utc>>,
    pub started_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    pub version: u32,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub scaleway: Option<ScalewayRecord>,
    #[serde(default)]
    pub entra: Option<EntraRecord>,
    /// How long the admin wants the Scaleway key and the Microsoft sign-in kept (never the
    /// secrets themselves); `None`: not asked yet, the default applies.
    #[serde(default)]
    pub credential_retention: Option<CredentialRetention>,
}

impl Journal {
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            version: JOURNAL_VERSION,
            started_at: now,
            updated_at: now,
            scaleway: None,
            entra: None,
            credential_retention: None,
        }
    }

    /// The admin's choice for the key and the sign-in, or the default.
    pub fn retention(&self) -> CredentialRetention {
        self.credential_retention.unwrap_or_default()
    }

    /// The Scaleway id of the SCIM token this setup holds (`None` as well for a pasted token,
    /// whose id is unknown).
    pub fn scaleway_token_id(&self) -> Option<&str> {
        self.scaleway.as_ref()?.token.as_ref()?.id.as_deref()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("the setup journal at {path} cannot be read: {problem}")]
    Unreadable { path: PathBuf, problem: String },
    #[error("the setup journal at {path} is damaged: {problem}")]
    Damaged { path: PathBuf, problem: String },
    #[error("the setup journal at {path} was written by a newer version ({version})")]
    TooNew { path: PathBuf, version: u32 },
    #[error("the setup journal cannot be saved in {dir}: {problem}")]
    Unwritable { dir: PathBuf, problem: String },
    #[error(
        "the setup journal belongs to Organization {journal_organization}, not {requested_organization}"
    )]
    OtherOrganization {
        journal_organization: String,
        requested_organization: String,
    },
    #[error("the setup journal belongs to Entra tenant {journal_tenant}, not {requested_tenant}")]
    OtherTenant {
        journal_tenant: String,
        requested_tenant: String,
    },
    #[error("no data directory is known for this user")]
    NoDataDir,
    #[error("the setup in {dir} is in use by {holder}")]
    InUse { dir: PathBuf, holder: String },
}

/// The lock file, held while a program works on the setup; it stays empty (on Windows a locked
/// file cannot be read by others).
const LOCK_FILE: &str = "setup.lock";
/// Who holds the lock, in words, written by the holder once it has the lock.
const HOLDER_FILE: &str = "setup.lock-holder";

/// The setup's lock across processes (the desktop app and `scim-wizard-cli` may run at once):
/// held until this is dropped, released by the system if the process dies.
#[derive(Debug)]
pub struct SetupLock {
    _file: std::fs::File,
}

/// Where journals live: the app's data dir, or an explicit one (tests, `SCIM_WIZARD_DATA_DIR`).
#[derive(Debug, Clone)]
pub struct JournalStore {
    dir: PathBuf,
}

impl JournalStore {
    /// The platform data dir (XDG on Linux, Application Support on macOS, AppData on Windows),
    /// unless `SCIM_WIZARD_DATA_DIR` names another.
    pub fn default_location() -> Result<Self, JournalError> {
        if let Some(dir) = std::env::var_os("SCIM_WIZARD_DATA_DIR").filter(|d| !d.is_empty()) {
            return Ok(Self::at(PathBuf::from(dir)));
        }
        directories::ProjectDirs::from("io.github", "scim-wizard", "scim-wizard")
            .map(|dirs| Self::at(dirs.data_dir().to_path_buf()))
            .ok_or(JournalError::NoDataDir)
    }

    pub fn at(dir: PathBuf) -> Self {
        Self { dir }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// The folder of this setup's journal and lock.
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// Takes the setup's advisory lock for as long as the returned guard lives, or says who
    /// holds it (`holder` is how this program names itself, e.g. "scim-wizard-cli apply").
    pub fn lock(&self, holder: &str) -> Result<SetupLock, JournalError> {
        let unwritable = |problem: String| JournalError::Unwritable {
            dir: self.dir.clone(),
            problem,
        };
        std::fs::create_dir_all(&self.dir).map_err(|e| unwritable(e.to_string()))?;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(self.dir.join(LOCK_FILE))
            .map_err(|e| unwritable(e.to_string()))?;
        match file.try_lock() {
            Ok(()) => {
                let words = format!("{holder} (process {})", std::process::id());
                // Only informative: a failure to write it does not matter to the lock.
                let _ = std::fs::write(self.dir.join(HOLDER_FILE), words);
                Ok(SetupLock { _file: file })
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(self.dir.join(HOLDER_FILE))
                    .ok()
                    .map(|words| words.trim().chars().take(200).collect::<String>())
                    .filter(|words| !words.is_empty())
                    .unwrap_or_else(|| "another program".to_owned());
                Err(JournalError::InUse {
                    dir: self.dir.clone(),
                    holder,
                })
            }
            Err(std::fs::TryLockError::Error(error)) => Err(unwritable(error.to_string())),
        }
    }

    /// The journal, or `None` when no setup was started.
    pub fn load(&self) -> Result<Option<Journal>, JournalError> {
        let path = self.path();
        let Some(text) =
            crate::files::read_if_present(&path).map_err(|error| JournalError::Unreadable {
                path: path.clone(),
                problem: error.to_string(),
            })?
        else {
            return Ok(None);
        };
        let journal: Journal =
            serde_json::from_str(&text).map_err(|error| JournalError::Damaged {
                path: path.clone(),
                problem: error.to_string(),
            })?;
        if journal.version > JOURNAL_VERSION {
            return Err(JournalError::TooNew {
                path,
                version: journal.version,
            });
        }
        Ok(Some(journal))
    }

    /// Writes the journal atomically: a crash leaves either the old or the new file, whole.
    pub fn save(&self, journal: &Journal) -> Result<(), JournalError> {
        crate::files::write_json_atomically(&self.dir, FILE_NAME, journal).map_err(|problem| {
            JournalError::Unwritable {
                dir: self.dir.clone(),
                problem,
            }
        })
    }

    /// Records the admin's choice for the key and the sign-in (starting the journal when there
    /// is none yet), so a resumed setup keeps it.
    pub fn record_retention(&self, retention: CredentialRetention) -> Result<(), JournalError> {
        let now = Utc::now();
        let mut journal = self.load()?.unwrap_or_else(|| Journal::new(now));
        if journal.credential_retention == Some(retention) {
            return Ok(());
        }
        journal.credential_retention = Some(retention);
        journal.updated_at = now;
        self.save(&journal)
    }

    /// Removes the journal (after a finished rollback).
    pub fn remove(&self) -> Result<(), JournalError> {
        match std::fs::remove_file(self.path()) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(JournalError::Unwritable {
                dir: self.dir.clone(),
                problem: error.to_string(),
            }),
        }
    }
}

/// Refuses a journal started for another Organization, so one admin's resume cannot touch
/// another customer's setup.
pub fn check_organization(journal: &Journal, organization_id: &str) -> Result<(), JournalError> {
    match &journal.scaleway {
        Some(record) if !record.organization_id.eq_ignore_ascii_case(organization_id) => {
            Err(JournalError::OtherOrganization {
                journal_organization: record.organization_id.clone(),
                requested_organization: organization_id.to_owned(),
            })
        }
        _ => Ok(()),
    }
}

/// Refuses a journal started for another Entra tenant: resuming it would touch another
/// directory's app (the admin signed in to the wrong tenant).
pub fn check_tenant(journal: &Journal, tenant_id: &str) -> Result<(), JournalError> {
    match &journal.entra {
        Some(record)
            if !record.tenant_id.is_empty()
                && !record.tenant_id.eq_ignore_ascii_case(tenant_id) =>
        {
            Err(JournalError::OtherTenant {
                journal_tenant: record.tenant_id.clone(),
                requested_tenant: tenant_id.to_owned(),
            })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_told_who_has_the_setup_until_it_is_let_go() {
        let dir = tempfile::tempdir().unwrap();
        let store = JournalStore::at(dir.path().join("data"));
        let first = store.lock("scim-wizard-cli apply").unwrap();
        let Err(JournalError::InUse { holder, .. }) = store.lock("the app") else {
            panic!("a second lock was granted while the first is held");
        };
        assert_eq!(
            holder,
            format!("scim-wizard-cli apply (process {})", std::process::id())
        );
        drop(first);
        let again = store.lock("the app").unwrap();
        drop(again);
        // The journal itself is untouched by locking.
        assert!(store.load().unwrap().is_none());
    }

    #[test]
    fn saves_and_loads_atomically_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = JournalStore::at(dir.path().join("nested"));
        assert!(store.load().unwrap().is_none());
        let mut journal = Journal::new(Utc::now());
        journal.scaleway = Some(ScalewayRecord {
            organization_id: "org".into(),
            scim_id: Some("scim".into()),
            ..ScalewayRecord::default()
        });
        store.save(&journal).unwrap();
        assert_eq!(store.load().unwrap(), Some(journal));
        let names: Vec<_> = std::fs::read_dir(dir.path().join("nested"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["journal.json".to_owned()]);
    }

    #[test]
    fn damaged_and_newer_journals_are_refused_with_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let store = JournalStore::at(dir.path().to_path_buf());
        std::fs::write(store.path(), "{not json").unwrap();
        assert!(matches!(store.load(), Err(JournalError::Damaged { .. })));
        let mut journal = Journal::new(Utc::now());
        journal.version = JOURNAL_VERSION + 1;
        std::fs::write(store.path(), serde_json::to_string(&journal).unwrap()).unwrap();
        assert!(matches!(store.load(), Err(JournalError::TooNew { .. })));
    }

    #[test]
    fn another_organization_is_refused() {
        let mut journal = Journal::new(Utc::now());
        journal.scaleway = Some(ScalewayRecord {
            organization_id: "a".into(),
            ..ScalewayRecord::default()
        });
        assert!(check_organization(&journal, "A").is_ok());
        assert!(matches!(
            check_organization(&journal, "b"),
            Err(JournalError::OtherOrganization { .. })
        ));
    }

    #[test]
    fn another_tenant_is_refused_and_an_old_journal_without_entra_loads() {
        let mut journal = Journal::new(Utc::now());
        assert!(check_tenant(&journal, "t1").is_ok());
        journal.entra = Some(EntraRecord {
            tenant_id: "T1".into(),
            ..EntraRecord::default()
        });
        assert!(check_tenant(&journal, "t1").is_ok());
        assert!(matches!(
            check_tenant(&journal, "t2"),
            Err(JournalError::OtherTenant { .. })
        ));
        let old = r#"{"version":1,"started_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}"#;
        let loaded: Journal = serde_json::from_str(old).unwrap();
        assert!(loaded.entra.is_none());
    }
}
