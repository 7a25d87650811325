//! Opening a setup, the same way for both fronts: which Scaleway side to use (the key given
//! now, the key remembered in the keychain, or failing those the SCIM token this setup keeps),
//! whether the saved Microsoft sign-in still works, and where an unfinished setup resumes.
//! The desktop's `resume_setup` and the CLI's `sessions::open` are thin adapters over this.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use scim_wizard_entra::auth::RefreshTokenStore;
use serde::Serialize;

use crate::entra_step::{EntraSession, EntraSettings};
use crate::error::ErrorCode;
use crate::failure::SetupError;
use crate::journal::{Journal, JournalStore, check_organization};
use crate::scaleway_step::{
    ConnectReport, CredentialInput, Environment, ScalewayAccess, ScalewaySession, ScalewaySettings,
    ScalewaySide, TokenOnlySession,
};
use crate::secret::Secret;
use crate::vault::Vault;

/// The wizard screen an unfinished setup continues on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum NextScreen {
    Scaleway,
    Entra,
    Connection,
    Mappings,
    Users,
    Verify,
    Done,
}

/// An unfinished setup found in the journal (no secret read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumePoint {
    /// Empty when the admin gave a SCIM token without its Organization ID.
    pub organization_id: String,
    pub organization_name: Option<String>,
    pub tenant_id: Option<String>,
    pub app_display_name: Option<String>,
    pub next_screen: NextScreen,
    pub updated_at: DateTime<Utc>,
}

impl ResumePoint {
    /// Where `journal`'s setup stands, when it holds one that was started.
    pub fn of(journal: &Journal) -> Option<Self> {
        let scaleway = journal.scaleway.as_ref()?;
        // A token given without its Organization ID leaves the id empty: still a setup.
        if scaleway.organization_id.is_empty() && scaleway.token.is_none() {
            return None;
        }
        let entra = journal.entra.as_ref();
        let next_screen = match entra {
            _ if scaleway.token.is_none() || scaleway.base_url.is_none() => NextScreen::Scaleway,
            None => NextScreen::Entra,
            Some(e) if e.app.is_none() => NextScreen::Entra,
            Some(e) if e.secrets_saved.is_none() => NextScreen::Connection,
            Some(e) if e.schema_applied_at.is_none() => NextScreen::Mappings,
            Some(e) if e.assignments.is_empty() => NextScreen::Users,
            Some(e) if e.proof.is_none() => NextScreen::Verify,
            Some(_) => NextScreen::Done,
        };
        Some(Self {
            organization_id: scaleway.organization_id.clone(),
            organization_name: scaleway.organization_name.clone(),
            tenant_id: entra.map(|e| e.tenant_id.clone()).filter(|t| !t.is_empty()),
            app_display_name: entra
                .map(|e| e.app_display_name.clone())
                .filter(|n| !n.is_empty()),
            next_screen,
            updated_at: journal.updated_at,
        })
    }
}

/// Where the Scaleway key comes from when a setup is opened.
#[derive(Debug)]
pub enum KeySource {
    /// Given now (typed, the `SCW_*` variables, a `scw` profile): if it fails, that is the
    /// answer; the admin is told why.
    Given(CredentialInput),
    /// Remembered in the keychain for this Organization, already read: if it no longer works,
    /// the setup goes on with the SCIM token it keeps, when it keeps one.
    Remembered {
        organization_id: String,
        key: Secret,
    },
    /// No key anywhere: the kept SCIM token, or this error (which says where a key was looked
    /// for).
    Missing(SetupError),
}

/// The Scaleway side of an opened setup.
#[derive(Debug)]
pub struct OpenedScaleway {
    pub side: ScalewaySide,
    /// The key's check, when a key connected.
    pub report: Option<ConnectReport>,
    /// Why the key was not used, when the setup went on with its kept token instead.
    pub key_problem: Option<SetupError>,
}

impl OpenedScaleway {
    pub fn access(&self) -> ScalewayAccess {
        self.side.access()
    }
}

/// What opening the Scaleway side needs besides the key.
#[derive(Debug)]
pub struct ScalewayOpening<'a> {
    pub settings: ScalewaySettings,
    pub vault: Option<Vault>,
    pub journal: JournalStore,
    /// The journal as just read from `journal`.
    pub loaded: Option<&'a Journal>,
    /// An Organization the admin named (`--scw-organization-id`): the kept token of another
    /// Organization's setup is refused, as a key for it would be.
    pub requested_organization: Option<&'a str>,
    pub environment: &'a Environment,
    pub home: Option<&'a Path>,
}

/// Opens the Scaleway side (see [`KeySource`] for the rule).
pub async fn open_scaleway(
    opening: ScalewayOpening<'_>,
    key: KeySource,
) -> Result<OpenedScaleway, SetupError> {
    let ScalewayOpening {
        settings,
        vault,
        journal,
        loaded,
        requested_organization,
        environment,
        home,
    } = opening;
    let key_problem = match key {
        KeySource::Given(input) => {
            let (session, report) =
                ScalewaySession::connect(settings, input, vault, journal, environment, home)
                    .await?;
            return Ok(OpenedScaleway {
                side: session.into(),
                report: Some(report),
                key_problem: None,
            });
        }
        KeySource::Remembered {
            organization_id,
            key,
        } => {
            match ScalewaySession::reconnect(
                settings.clone(),
                organization_id,
                Some(key),
                vault.clone(),
                journal.clone(),
            )
            .await
            {
                Ok((session, report)) => {
                    return Ok(OpenedScaleway {
                        side: session.into(),
                        report: Some(report),
                        key_problem: None,
                    });
                }
                Err(error) => error,
            }
        }
        KeySource::Missing(error) => error,
    };
    let token_kept = loaded
        .and_then(|journal| journal.scaleway.as_ref())
        .is_some_and(|record| record.token.is_some() && record.base_url.is_some());
    if !token_kept || vault.is_none() {
        return Err(key_problem);
    }
    if let (Some(requested), Some(journal)) = (requested_organization, loaded)
        && journal
            .scaleway
            .as_ref()
            .is_some_and(|record| !record.organization_id.is_empty())
    {
        check_organization(journal, requested)?;
    }
    match TokenOnlySession::from_journal(settings, vault, journal, loaded).await {
        Ok(session) => {
            tracing::info!(
                code = key_problem.code().as_str(),
                "no usable Scaleway key: continuing with the SCIM token this setup keeps"
            );
            Ok(OpenedScaleway {
                side: session.into(),
                report: None,
                key_problem: Some(key_problem),
            })
        }
        // The key's problem is the one the admin can act on.
        Err(_) => Err(key_problem),
    }
}

/// The saved Microsoft sign-in for the journal's tenant, when it still works; `None` when the
/// admin must sign in again (none saved, or Microsoft refused it).
pub async fn resume_entra(
    settings: EntraSettings,
    tenant_id: &str,
    store: Arc<dyn RefreshTokenStore>,
) -> Result<Option<EntraSession>, SetupError> {
    match EntraSession::resume(settings, tenant_id, store).await {
        Ok(session) => Ok(Some(session)),
        Err(error) if error.code() == ErrorCode::EntraSignInRequired => Ok(None),
        Err(error) => Err(error),
    }
}

/// The key remembered for the journal's Organization, read once (`None`: none is, or the
/// keychain could not tell; a keychain problem here is as good as no remembered key).
pub async fn remembered_key(vault: &Vault, organization_id: &str) -> Option<Secret> {
    if organization_id.is_empty() {
        return None;
    }
    vault
        .read_async(&crate::scaleway_step::scaleway_key_account(organization_id))
        .await
        .ok()
        .flatten()
}
