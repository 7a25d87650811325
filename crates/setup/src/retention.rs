//! How long the Scaleway key and the Microsoft sign-in stay in the OS keychain, and forgetting
//! them. Both can do much more than the setup needs (the sign-in's scopes can create apps and
//! grant roles in the tenant), so they are kept only as long as the admin chose. The SCIM token
//! is not one of them: Entra uses it for as long as provisioning runs, and it stays.

use serde::{Deserialize, Serialize};

use crate::entra_step::KeychainRefreshTokenStore;
use crate::failure::SetupError;
use crate::journal::Journal;
use crate::scaleway_step::scaleway_key_account;
use crate::vault::Vault;

/// Keychain accounts of Scaleway keys start with this.
const SCALEWAY_KEY_PREFIX: &str = "scaleway-secret-key:";
/// Keychain accounts of Microsoft sign-ins start with this.
const ENTRA_SIGN_IN_PREFIX: &str = "entra-refresh-token/";

/// The admin's choice for the Scaleway key and the Microsoft sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CredentialRetention {
    /// Never written to the keychain: held by this run only (the CLI without `--remember`).
    ThisRun,
    /// Kept so that an interrupted setup resumes without asking again, and forgotten once the
    /// setup is proven or rolled back (the desktop app's default).
    #[default]
    UntilSetupDone,
    /// Kept for later changes (status, token renewal, rollback) until the admin forgets them.
    KeepForLater,
}

impl CredentialRetention {
    /// Whether a key or sign-in given now is written to the keychain at all.
    pub fn stores(self) -> bool {
        self != Self::ThisRun
    }

    /// Whether what was kept goes once the setup is proven or rolled back.
    pub fn forgets_when_done(self) -> bool {
        self != Self::KeepForLater
    }
}

/// One secret this app kept in the keychain besides SCIM tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeptCredential {
    /// A Scaleway API secret key, for this Organization.
    ScalewayKey { organization_id: String },
    /// A Microsoft sign-in (refresh token), for this tenant.
    EntraSignIn { tenant_id: String },
}

impl KeptCredential {
    /// What a keychain account holds, when it is a key or a sign-in.
    fn from_account(account: &str) -> Option<Self> {
        if let Some(organization_id) = account.strip_prefix(SCALEWAY_KEY_PREFIX) {
            return Some(Self::ScalewayKey {
                organization_id: organization_id.to_owned(),
            });
        }
        let rest = account.strip_prefix(ENTRA_SIGN_IN_PREFIX)?;
        let tenant_id = rest.split('/').next().unwrap_or_default();
        Some(Self::EntraSignIn {
            tenant_id: tenant_id.to_owned(),
        })
    }

    /// Parts of a long value (`…#2`) belong to their head: not listed on their own.
    fn is_head(account: &str) -> bool {
        !account.contains('#')
    }
}

/// What the keychain may hold for a setup, when it cannot be listed (Windows, macOS): the key of
/// its Organization and the sign-in of its tenant with the client in use.
pub fn accounts_of(journal: Option<&Journal>, client_id: &str) -> Vec<String> {
    let mut accounts = Vec::new();
    let Some(journal) = journal else {
        return accounts;
    };
    if let Some(organization_id) = journal
        .scaleway
        .as_ref()
        .map(|record| record.organization_id.as_str())
        .filter(|id| !id.is_empty())
    {
        accounts.push(scaleway_key_account(organization_id));
    }
    if let Some(tenant_id) = journal
        .entra
        .as_ref()
        .map(|record| record.tenant_id.as_str())
        .filter(|id| !id.is_empty())
    {
        accounts.push(KeychainRefreshTokenStore::account(tenant_id, client_id));
    }
    accounts
}

/// Deletes every Scaleway key and Microsoft sign-in this app kept (SCIM tokens stay) and says
/// which. Where the keychain can list this app's entries (the Secret Service) all of them go;
/// elsewhere, those of `known` (see [`accounts_of`]).
pub async fn forget_saved_credentials(
    vault: &Vault,
    known: Vec<String>,
) -> Result<Vec<KeptCredential>, SetupError> {
    let listing = vault.clone();
    let listed = tokio::task::spawn_blocking(move || listing.accounts())
        .await
        .map_err(|error| SetupError::Internal(format!("the keychain task stopped: {error}")))?;
    let candidates = match listed {
        Ok(accounts) => accounts,
        Err(error) => {
            tracing::debug!(
                code = error.code().as_str(),
                "the keychain cannot list entries: forgetting the setup's own"
            );
            known
        }
    };
    // Listed in order, a head comes before its parts and takes them with it; what parts are
    // left (a rewrite that crashed) hold fragments of a secret, and go too.
    let mut forgotten = Vec::new();
    for account in candidates {
        let Some(credential) = KeptCredential::from_account(&account) else {
            continue;
        };
        let deleted = vault.delete_async(&account).await?;
        if deleted && KeptCredential::is_head(&account) && !forgotten.contains(&credential) {
            forgotten.push(credential);
        }
    }
    Ok(forgotten)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_read_back_as_what_they_hold() {
        assert_eq!(
            KeptCredential::from_account("scaleway-secret-key:org-1"),
            Some(KeptCredential::ScalewayKey {
                organization_id: "org-1".into()
            })
        );
        assert_eq!(
            KeptCredential::from_account(&KeychainRefreshTokenStore::account("t-1", "c-1")),
            Some(KeptCredential::EntraSignIn {
                tenant_id: "t-1".into()
            })
        );
        assert_eq!(KeptCredential::from_account("scim-token:org-1"), None);
        assert!(!KeptCredential::is_head("entra-refresh-token/t/c#2"));
    }

    #[test]
    fn the_choices_say_what_they_keep() {
        assert!(!CredentialRetention::ThisRun.stores());
        assert!(CredentialRetention::UntilSetupDone.stores());
        assert!(CredentialRetention::UntilSetupDone.forgets_when_done());
        assert!(!CredentialRetention::KeepForLater.forgets_when_done());
        assert_eq!(
            CredentialRetention::default(),
            CredentialRetention::UntilSetupDone
        );
    }
}
