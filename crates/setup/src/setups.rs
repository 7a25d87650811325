//! Every setup on this computer. An admin who looks after several Scaleway Organizations (or
//! tenants) keeps one journal per setup, each in its own folder with its own lock: the first
//! one where journals always lived (so a journal from an earlier version is simply the first
//! setup), the others in `setups/<id>/`. Keychain entries are already per Organization and per
//! tenant, so nothing else is shared.

use std::path::PathBuf;

#[cfg(test)]
use crate::journal::Journal;
use crate::journal::{JournalError, JournalStore};
use crate::session::{NextScreen, ResumePoint};

/// Subfolder of the data dir holding the setups after the first.
const MORE_SETUPS_DIR: &str = "setups";
/// The id of the setup kept where journals always lived.
pub const FIRST_SETUP: &str = "first";

/// The setups of one data dir.
#[derive(Debug, Clone)]
pub struct Setups {
    root: PathBuf,
}

/// One setup found on this computer, as its journal has it (no secret read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundSetup {
    pub id: String,
    pub point: ResumePoint,
}

impl Setups {
    /// The platform data dir, unless `SCIM_WIZARD_DATA_DIR` names another (as journals).
    pub fn default_location() -> Result<Self, JournalError> {
        JournalStore::default_location().map(|store| Self::at(store.dir().to_path_buf()))
    }

    pub fn at(root: PathBuf) -> Self {
        Self { root }
    }

    /// The journal store of setup `id` (`None` for an id that names no folder of ours, such as
    /// one with a path separator).
    pub fn store(&self, id: &str) -> Option<JournalStore> {
        if id == FIRST_SETUP {
            return Some(JournalStore::at(self.root.clone()));
        }
        let valid = !id.is_empty() && id.chars().all(|c| c.is_ascii_hexdigit());
        valid.then(|| JournalStore::at(self.root.join(MORE_SETUPS_DIR).join(id)))
    }

    /// Every folder that may hold a setup: the first, then `setups/*` by name.
    fn folders(&self) -> Vec<(String, JournalStore)> {
        let mut ids: Vec<String> = std::fs::read_dir(self.root.join(MORE_SETUPS_DIR))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|entry| entry.path().is_dir())
            .filter_map(|entry| entry.file_name().to_str().map(str::to_owned))
            .collect();
        ids.sort();
        std::iter::once(FIRST_SETUP.to_owned())
            .chain(ids)
            .filter_map(|id| self.store(&id).map(|store| (id, store)))
            .collect()
    }

    /// Every started setup, the first one first, then by their last change (newest first).
    /// A journal that cannot be read is skipped, not fatal: the others still open.
    pub fn list(&self) -> Vec<FoundSetup> {
        let mut found: Vec<FoundSetup> = self
            .folders()
            .into_iter()
            .filter_map(|(id, store)| match store.load() {
                Ok(journal) => journal
                    .as_ref()
                    .and_then(ResumePoint::of)
                    .map(|point| FoundSetup { id, point }),
                Err(error) => {
                    tracing::warn!(%error, "a setup's journal could not be read");
                    None
                }
            })
            .collect();
        // The first setup first (where journals always lived), the others newest first.
        found.sort_by_key(|setup| {
            (
                setup.id != FIRST_SETUP,
                std::cmp::Reverse(setup.point.updated_at),
            )
        });
        found
    }

    /// Where a new setup goes: the first folder while it holds no setup, else a new one (an
    /// unfinished setup is continued, not started over in another folder).
    pub fn for_new_setup(&self) -> Result<(String, JournalStore), JournalError> {
        let first = JournalStore::at(self.root.clone());
        let taken = first
            .load()?
            .as_ref()
            .and_then(ResumePoint::of)
            .is_some_and(|point| point.next_screen == NextScreen::Done);
        if !taken {
            return Ok((FIRST_SETUP.to_owned(), first));
        }
        let id = format!("{:08x}", rand::random::<u32>());
        let store = JournalStore::at(self.root.join(MORE_SETUPS_DIR).join(&id));
        Ok((id, store))
    }

    /// Where the setup of this Organization is, or goes (`scim-wizard-cli`, which is told the
    /// Organization): the folder whose journal names it, else the first folder while its
    /// journal names no Organization yet, else a folder named after the Organization, so that
    /// every command of a new setup finds the same one.
    pub fn for_organization(
        &self,
        organization_id: &str,
    ) -> Result<(String, JournalStore), JournalError> {
        if let Some(found) = self.of_organization(organization_id) {
            return Ok(found);
        }
        let first = JournalStore::at(self.root.clone());
        let first_is_free = first
            .load()?
            .and_then(|journal| journal.scaleway)
            .is_none_or(|record| record.organization_id.is_empty());
        let id: String = organization_id
            .chars()
            .filter(char::is_ascii_hexdigit)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match self.store(&id) {
            Some(store) if !first_is_free => Ok((id, store)),
            // Free, or not an Organization ID at all (no hex digit): the first folder, whose
            // journal refuses another Organization in words.
            _ => Ok((FIRST_SETUP.to_owned(), first)),
        }
    }

    /// The folder whose journal names this Organization, if this computer has one.
    pub fn of_organization(&self, organization_id: &str) -> Option<(String, JournalStore)> {
        self.folders().into_iter().find(|(_, store)| {
            store
                .load()
                .ok()
                .flatten()
                .and_then(|journal| journal.scaleway)
                .is_some_and(|record| record.organization_id.eq_ignore_ascii_case(organization_id))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{
        AppRecord, AssignmentRecord, EntraRecord, ProofRecord, ScalewayRecord, SecretsRecord,
        TokenRecord,
    };

    /// A proven setup of `organization_id`, as its journal has it.
    fn finished(organization_id: &str) -> Journal {
        let now = chrono::Utc::now();
        let mut journal = Journal::new(now);
        journal.scaleway = Some(ScalewayRecord {
            organization_id: organization_id.to_owned(),
            token: Some(TokenRecord {
                id: Some("t".into()),
                minted_by_us: true,
                created_at: None,
                expires_at: None,
                in_keychain: true,
            }),
            base_url: Some("https://scim.example/v2".into()),
            ..ScalewayRecord::default()
        });
        journal.entra = Some(EntraRecord {
            tenant_id: "tenant".into(),
            app_display_name: "Scaleway SCIM".into(),
            app: Some(AppRecord {
                application_object_id: "a".into(),
                app_id: "b".into(),
                service_principal_id: "sp".into(),
                created_by_us: true,
                recorded_at: now,
            }),
            secrets_saved: Some(SecretsRecord {
                base_address: "https://scim.example/v2".into(),
                token_id: Some("t".into()),
                saved_at: now,
            }),
            schema_applied_at: Some(now),
            assignments: vec![AssignmentRecord {
                principal_id: "u".into(),
                principal_type: "User".into(),
                display_name: None,
                user_principal_name: Some("adele@contoso.com".into()),
                assignment_id: "x".into(),
                created_by_us: true,
                recorded_at: now,
            }],
            proof: Some(ProofRecord {
                user_principal_name: "adele@contoso.com".into(),
                expected_username: "adele".into(),
                found_in_scaleway: true,
                scaleway_user_id: None,
                job_status: None,
                checked_at: now,
                group: None,
            }),
            ..EntraRecord::default()
        });
        journal
    }

    #[test]
    fn a_second_organization_gets_its_own_folder_and_both_are_listed() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let setups = Setups::at(dir.path().to_path_buf());
        assert!(setups.list().is_empty());
        // Nothing yet: the first folder, where journals always lived.
        let (id, store) = setups.for_new_setup().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(id, FIRST_SETUP);
        assert_eq!(store.dir(), dir.path());
        store
            .save(&finished("org-a"))
            .unwrap_or_else(|e| panic!("{e}"));
        // The first is finished: the next goes elsewhere.
        let (second, store) = setups.for_new_setup().unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(second, FIRST_SETUP);
        store
            .save(&finished("org-b"))
            .unwrap_or_else(|e| panic!("{e}"));
        let listed: Vec<_> = setups
            .list()
            .into_iter()
            .map(|s| (s.id, s.point.organization_id, s.point.next_screen))
            .collect();
        assert_eq!(
            listed,
            [
                (FIRST_SETUP.to_owned(), "org-a".to_owned(), NextScreen::Done),
                (second.clone(), "org-b".to_owned(), NextScreen::Done)
            ]
        );
        assert_eq!(
            setups.of_organization("org-b").map(|(id, _)| id),
            Some(second.clone())
        );
        // Each has its own lock: both can be worked on at once.
        let first_lock = setups.store(FIRST_SETUP).map(|s| s.lock("a"));
        let second_lock = setups.store(&second).map(|s| s.lock("b"));
        assert!(matches!(first_lock, Some(Ok(_))));
        assert!(matches!(second_lock, Some(Ok(_))));
        // The CLI, told an Organization, finds its setup; a third one gets a folder of its own,
        // the same one for every command.
        assert_eq!(
            setups.for_organization("org-b").map(|(id, _)| id).ok(),
            Some(second.clone())
        );
        let third = "0d3dc2e6-49be-4741-a90a-c2595634ca2b";
        let (id, store) = setups
            .for_organization(third)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(id, "0d3dc2e649be4741a90ac2595634ca2b");
        assert_eq!(
            setups.for_organization(third).map(|(again, _)| again).ok(),
            Some(id)
        );
        assert!(store.dir().starts_with(dir.path().join(MORE_SETUPS_DIR)));
        // A first folder whose journal names no Organization yet (only the admin's choice for
        // saved sign-ins) is still free.
        let fresh = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let only_retention = Setups::at(fresh.path().to_path_buf());
        JournalStore::at(fresh.path().to_path_buf())
            .record_retention(crate::CredentialRetention::KeepForLater)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            only_retention
                .for_organization(third)
                .map(|(id, _)| id)
                .ok(),
            Some(FIRST_SETUP.to_owned())
        );
        // An id that is not ours names no folder.
        assert!(setups.store("../elsewhere").is_none());
        assert!(setups.store("").is_none());
    }
}
