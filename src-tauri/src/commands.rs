//! IPC commands. Each one is a thin call into `scim-wizard-setup`; errors cross as `UiError`.

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{Manager, State};

use scim_wizard_setup::report::KeyAction;
use scim_wizard_setup::scaleway_step::{
    ConnectReport, CredentialInput, KeychainChoice, MintOutcome, ScalewaySession, ScimState,
    TokenOnlySession,
};
use scim_wizard_setup::{
    CredentialRetention, ErrorCode, ExposeSecret, KeptCredential, Secret, SetupError, UiError,
};

use crate::state::{AppState, Session};

/// What the About line and the end-to-end smoke test show.
#[derive(Debug, Clone, Serialize, Type)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub identifier: String,
}

#[tauri::command]
#[specta::specta]
pub fn app_info(app: tauri::AppHandle) -> AppInfo {
    let package = app.package_info();
    AppInfo {
        name: package.name.clone(),
        version: package.version.to_string(),
        identifier: app.config().identifier.clone(),
    }
}

/// What the practice sandbox simulates (no secrets: its demo key stays in Rust).
#[derive(Debug, Clone, Serialize, Type)]
pub struct PracticeInfo {
    pub organization_name: String,
    pub organization_id: String,
}

/// Switches to practice mode: starts the in-process sandbox.
#[tauri::command]
#[specta::specta]
pub async fn start_practice(
    state: State<'_, AppState>,
    discard_unsaved_token: bool,
) -> Result<PracticeInfo, UiError> {
    let mut session = state.inner.lock().await;
    // Practice leaves the real accounts' sessions: a token held only in memory would go.
    if session.practice.is_none() {
        session.guard_unsaved_token(discard_unsaved_token)?;
    }
    let practice = session.start_practice().await?;
    let seed = practice.sandbox.seed_data();
    Ok(PracticeInfo {
        organization_name: seed.organization_name.clone(),
        organization_id: seed.organization_id.clone(),
    })
}

/// Switches to real accounts for a new setup (stops the practice sandbox if it runs): a new
/// folder of its own when this computer already has a finished setup. Refused while the setup
/// being left holds a token only in memory, unless `discard_unsaved_token`.
#[tauri::command]
#[specta::specta]
pub async fn start_real(
    state: State<'_, AppState>,
    discard_unsaved_token: bool,
) -> Result<(), UiError> {
    state.inner.lock().await.start_real(discard_unsaved_token)
}

/// A secret as the page sends it (a typed key, a pasted token): read straight into the secret
/// wrapper, so it has a redacted `Debug`, no `Serialize`, and is wiped when dropped.
#[derive(Debug, Deserialize, Type)]
#[serde(transparent)]
#[specta(transparent)]
pub struct PageSecret(#[specta(type = String)] pub(crate) Secret);

/// How the admin gives their Scaleway key, as the page sends it.
#[derive(Debug, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScalewayCredentials {
    /// Typed in. The secret key is moved into a `Secret` at once.
    Typed {
        secret_key: PageSecret,
        organization_id: Option<String>,
        access_key: Option<String>,
    },
    /// From the `scw` CLI configuration or `SCW_*` variables.
    Imported { profile: Option<String> },
    /// The key kept in the keychain for this Organization by an earlier session.
    Remembered { organization_id: String },
    /// The practice sandbox's demo key.
    Practice,
}

/// Checks the key at once and connects: "Key OK — organization 'Acme' — this key can manage SCIM".
#[tauri::command]
#[specta::specta]
pub async fn scaleway_connect(
    state: State<'_, AppState>,
    credentials: ScalewayCredentials,
    keep_for_later: bool,
    discard_unsaved_token: bool,
) -> Result<ConnectReport, UiError> {
    let mut session = state.inner.lock().await;
    // The new key replaces the key session, and with it a token it may hold only in memory.
    if !discard_unsaved_token && session.keyed_holds_unsaved_token() {
        return Err(SetupError::UnsavedTokenAtRisk.to_ui());
    }
    let input = match credentials {
        ScalewayCredentials::Typed {
            secret_key,
            organization_id,
            access_key,
        } => CredentialInput::Typed {
            secret_key: secret_key.0,
            organization_id: organization_id.filter(|s| !s.trim().is_empty()),
            access_key: access_key.filter(|s| !s.trim().is_empty()),
        },
        ScalewayCredentials::Imported { profile } => CredentialInput::Imported {
            profile: profile.filter(|s| !s.trim().is_empty()),
        },
        ScalewayCredentials::Remembered { organization_id } => {
            CredentialInput::Remembered { organization_id }
        }
        ScalewayCredentials::Practice => {
            let (secret_key, organization_id) = session.practice_key()?;
            CredentialInput::Typed {
                secret_key,
                organization_id: Some(organization_id),
                access_key: None,
            }
        }
    };
    let settings = session.scaleway_settings()?;
    // A keychain problem must not block the connection check; minting checks it again.
    let vault = session.vault().await.ok();
    let journal = session.journal()?;
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    let (scaleway, report) = ScalewaySession::connect(
        settings,
        input,
        vault,
        journal,
        &scim_wizard_setup::scaleway_step::process_environment(),
        home.as_deref(),
    )
    .await?;
    refuse_second_setup(&session, scaleway.organization_id())?;
    record_retention(&session, keep_for_later)?;
    // Another key replaces the Scaleway side only: a signed-in Entra session stays.
    session.set_scaleway(scaleway.into())?;
    Ok(report)
}

/// SCIM on the connected Organization, with its tokens.
#[tauri::command]
#[specta::specta]
pub async fn scim_state(state: State<'_, AppState>) -> Result<ScimState, UiError> {
    let mut session = state.inner.lock().await;
    Ok(session
        .scaleway_mut(KeyAction::ListTokens)?
        .scim_state()
        .await?)
}

/// Turns SCIM on (the admin has confirmed).
#[tauri::command]
#[specta::specta]
pub async fn scim_enable(state: State<'_, AppState>) -> Result<ScimState, UiError> {
    let mut session = state.inner.lock().await;
    // Enabling SCIM is the first half of creating the token (step 1).
    Ok(session
        .scaleway_mut(KeyAction::EnableScim)?
        .enable_scim()
        .await?)
}

/// Deletes a token (the admin has consented).
#[tauri::command]
#[specta::specta]
pub async fn scim_delete_token(
    state: State<'_, AppState>,
    token_id: String,
) -> Result<ScimState, UiError> {
    let mut session = state.inner.lock().await;
    Ok(session
        .scaleway_mut(KeyAction::DeleteToken)?
        .delete_token(&token_id)
        .await?)
}

/// Creates the SCIM token (kept in the keychain unless the admin said not to), then finds and
/// checks the Base URL.
#[tauri::command]
#[specta::specta]
pub async fn scim_mint_token(
    state: State<'_, AppState>,
    store_in_keychain: bool,
) -> Result<MintOutcome, UiError> {
    let mut session = state.inner.lock().await;
    let choice = if store_in_keychain {
        KeychainChoice::Store
    } else {
        KeychainChoice::DoNotStore
    };
    Ok(session
        .scaleway_mut(KeyAction::CreateToken)?
        .mint_token(choice)
        .await?)
}

/// "Try the keychain again" for a token the keychain refused right after it was made (it is
/// held in memory until then).
#[tauri::command]
#[specta::specta]
pub async fn scim_keep_token_in_keychain(state: State<'_, AppState>) -> Result<(), UiError> {
    let mut session = state.inner.lock().await;
    Ok(session
        .scaleway_mut(KeyAction::CreateToken)?
        .store_token_in_keychain()
        .await?)
}

/// Checks and keeps a Base URL pasted from the Scaleway console.
#[tauri::command]
#[specta::specta]
pub async fn scim_set_base_url(
    state: State<'_, AppState>,
    base_url: String,
) -> Result<String, UiError> {
    let mut session = state.inner.lock().await;
    // The Base URL completes the token this app created (step 1).
    Ok(session
        .scaleway_mut(KeyAction::CreateToken)?
        .set_base_url(&base_url)
        .await?)
}

/// "I already have a token and Base URL": both checked, then the token goes to the keychain and
/// becomes the Scaleway side of the setup (no API key needed): once Entra is signed in, steps
/// 2–4 run as with a key. Returns the verified Base URL.
#[tauri::command]
#[specta::specta]
pub async fn scim_use_existing(
    state: State<'_, AppState>,
    token: PageSecret,
    base_url: String,
    organization_id: Option<String>,
    keep_for_later: bool,
) -> Result<String, UiError> {
    let token = token.0;
    let mut session = state.inner.lock().await;
    let settings = session.scaleway_settings()?;
    let vault = session.vault().await?;
    let journal = session.journal()?;
    // With a key connected too, the token goes where that session reads it.
    let organization_id = organization_id
        .filter(|s| !s.trim().is_empty())
        .or_else(|| session.keyed_organization_id());
    if let Some(organization_id) = &organization_id {
        refuse_second_setup(&session, organization_id)?;
    }
    let token_only = TokenOnlySession::adopt(
        settings,
        Some(vault),
        journal,
        organization_id.as_deref(),
        token,
        &base_url,
        KeychainChoice::Store,
    )
    .await?;
    let verified = token_only.base_url().to_string();
    record_retention(&session, keep_for_later)?;
    // A connected key session stays in use: the token was stored where it reads it.
    if session.keyed_organization_id().is_none() {
        session.set_scaleway(token_only.into())?;
    }
    Ok(verified)
}

/// One setup per Organization on this computer (its SCIM token has one keychain entry): a new
/// setup that names an Organization another folder already holds is refused, before anything
/// is written for it.
fn refuse_second_setup(session: &Session, organization_id: &str) -> Result<(), UiError> {
    if session.practice.is_some() {
        return Ok(());
    }
    let current = session.journal_to_read()?;
    match session.setups()?.of_organization(organization_id) {
        Some((_, store)) if store.dir() != current.dir() => {
            Err(SetupError::OrganizationHasSetup.to_ui())
        }
        _ => Ok(()),
    }
}

/// Records how long the admin wants the key and the Microsoft sign-in kept ("until this setup is
/// finished" unless they ticked "keep for later changes"), so a resumed setup keeps to it.
fn record_retention(session: &Session, keep_for_later: bool) -> Result<(), UiError> {
    let retention = if keep_for_later {
        CredentialRetention::KeepForLater
    } else {
        CredentialRetention::UntilSetupDone
    };
    session
        .journal_to_read()?
        .record_retention(retention)
        .map_err(|error| SetupError::from(error).to_ui())
}

/// "Forget saved sign-ins and keys" (Settings): deletes every Scaleway key and Microsoft sign-in
/// this app kept, and keeps the signed-in session from saving a newer one. The SCIM token stays:
/// Entra uses it. Says what was forgotten.
#[tauri::command]
#[specta::specta]
pub async fn forget_saved_credentials(
    state: State<'_, AppState>,
) -> Result<Vec<KeptCredential>, UiError> {
    let mut session = state.inner.lock().await;
    let vault = session.vault().await?;
    let journal = session
        .journal_to_read()?
        .load()
        .map_err(|error| SetupError::from(error).to_ui())?;
    let client_id = session
        .entra_settings()?
        .sign_in_config()
        .map_err(|error| error.to_ui())?
        .client_id()
        .to_owned();
    let known = scim_wizard_setup::retention::accounts_of(journal.as_ref(), &client_id);
    let forgotten = scim_wizard_setup::forget_saved_credentials(&vault, known).await?;
    if let Some(entra) = session.sides.entra() {
        entra
            .forget_saved_sign_in()
            .map_err(|error| error.to_ui())?;
    }
    Ok(forgotten)
}

/// The window was asked to close while the setup's SCIM token exists only in this app's
/// memory: the page asks the admin before it goes (Scaleway never shows a token twice).
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct QuitBlocked {}

/// Whether closing now would lose a token held only in memory. A step still running holds the
/// session: that is not a token waiting in memory, and the window closes as it always did.
pub fn quit_would_lose_token(app: &tauri::AppHandle) -> bool {
    let state = app.state::<AppState>();
    if state
        .quit_confirmed
        .load(std::sync::atomic::Ordering::SeqCst)
    {
        return false;
    }
    state
        .inner
        .try_lock()
        .is_ok_and(|session| session.holds_unsaved_token())
}

/// Quits the app. With a token held only in memory, only once the admin said so
/// (`discard_unsaved_token`); otherwise `unsaved_token_at_risk`.
#[tauri::command]
#[specta::specta]
pub async fn quit_app(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    discard_unsaved_token: bool,
) -> Result<(), UiError> {
    state
        .inner
        .lock()
        .await
        .guard_unsaved_token(discard_unsaved_token)?;
    state
        .quit_confirmed
        .store(true, std::sync::atomic::Ordering::SeqCst);
    app.exit(0);
    Ok(())
}

/// What a copy button copies.
#[derive(Debug, Clone, Copy, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum CopyTarget {
    ScimToken,
    BaseUrl,
}

/// When the copied value leaves the clipboard, for the button's countdown.
#[derive(Debug, Clone, Serialize, Type)]
pub struct CopyReceipt {
    pub clears_in_seconds: u32,
}

/// Copies the SCIM token or the Base URL through Rust: marked sensitive, cleared after the
/// delay if the clipboard still holds it. The value never passes through the page.
#[tauri::command]
#[specta::specta]
pub async fn copy_to_clipboard(
    state: State<'_, AppState>,
    clipboard: State<'_, crate::clipboard::SecureClipboard>,
    target: CopyTarget,
    clear_after_seconds: Option<u32>,
) -> Result<CopyReceipt, UiError> {
    let session = state.inner.lock().await;
    let value = match target {
        CopyTarget::ScimToken => session
            .scim_token()
            .await?
            .map(|t| t.expose_secret().to_owned()),
        CopyTarget::BaseUrl => session
            .journal_to_read()?
            .load()
            .map_err(|e| scim_wizard_setup::SetupError::from(e).to_ui())?
            .and_then(|journal| journal.scaleway)
            .and_then(|record| record.base_url),
    }
    .ok_or_else(|| {
        UiError::new(
            ErrorCode::NotReady,
            "There is nothing to copy yet.",
            "Create the SCIM token first.",
            false,
        )
    })?;
    let clear_after = crate::clipboard::clear_delay(clear_after_seconds);
    clipboard
        .copy_sensitive(zeroize::Zeroizing::new(value), clear_after)
        .map_err(|error| {
            UiError::new(
                ErrorCode::Internal,
                format!("The app could not use the clipboard: {error}."),
                "Try again; on Linux a clipboard needs a running desktop session.",
                true,
            )
        })?;
    Ok(CopyReceipt {
        clears_in_seconds: u32::try_from(clear_after.as_secs())
            .unwrap_or(crate::clipboard::MAX_CLEAR_AFTER_SECONDS),
    })
}

/// The one explicit reveal: the page shows the token only while the admin holds "Reveal".
#[tauri::command]
#[specta::specta]
pub async fn reveal_scim_token(state: State<'_, AppState>) -> Result<String, UiError> {
    let session = state.inner.lock().await;
    let token = session.scim_token().await?.ok_or_else(|| {
        UiError::new(
            ErrorCode::NotReady,
            "There is no SCIM token yet.",
            "Create the SCIM token first.",
            false,
        )
    })?;
    Ok(token.expose_secret().to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_typed_key_or_a_pasted_token_from_the_page_never_prints() {
        let typed: ScalewayCredentials = serde_json::from_str(
            r#"{"kind":"typed","secret_key":"11111111-2222-3333-4444-555555555555","organization_id":null,"access_key":null}"#,
        )
        .unwrap();
        let token: PageSecret =
            serde_json::from_str(r#""c2NpbS10b2tlbg.pasted-token-value""#).unwrap();
        let shown = format!("{typed:?} {token:?} {typed:#?}");
        assert!(!shown.contains("11111111-2222"), "{shown}");
        assert!(!shown.contains("pasted-token-value"), "{shown}");
        let ScalewayCredentials::Typed { secret_key, .. } = typed else {
            panic!("typed");
        };
        assert_eq!(
            secret_key.0.expose_secret(),
            "11111111-2222-3333-4444-555555555555"
        );
    }
}
