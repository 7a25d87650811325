//! The home screen of a finished setup, as IPC commands: where it stands (read live), its
//! recent provisioning errors, and the changes an admin makes after the setup: renew the SCIM
//! token, pause or resume provisioning.
//! "Check again", "Add people" and "Roll back" are the wizard's own commands.

use std::sync::Arc;

use tauri::{AppHandle, State};

use scim_wizard_setup::provisioning_log::RecentErrors;
use scim_wizard_setup::report::{JobHealth, RotationReport, SetupStatus};
use scim_wizard_setup::scaleway_step::{CredentialInput, ScalewaySession, process_environment};
use scim_wizard_setup::{SetupError, UiError, read_status};

use crate::commands::PageSecret;
use crate::state::AppState;
use crate::wizard::WindowProgress;

/// Where the setup stands, read live: Scaleway's side with the key or the kept SCIM token, and
/// Entra's side once the admin is signed in (`entra` is `null` until then).
#[tauri::command]
#[specta::specta]
pub async fn home_status(state: State<'_, AppState>) -> Result<SetupStatus, UiError> {
    let session = state.inner.lock().await;
    let scaleway = session
        .sides
        .scaleway()
        .ok_or_else(|| SetupError::NotReady("Scaleway is not connected yet").to_ui())?;
    read_status(scaleway, session.sides.entra(), &session.journal_to_read()?)
        .await
        .map_err(|e| e.to_ui())
}

/// Renews the SCIM token: the second token is minted, saved in Entra and tested before the old
/// one is deleted, so a failure on the way leaves the old token working. Needs a Scaleway API
/// key (`scaleway_key_needed` otherwise: the page asks for one) and the Microsoft sign-in.
/// Progress arrives as `SetupProgress` events; `cancel_operation` stops it between calls, and
/// renewing again resumes from the new token kept in the keychain.
#[tauri::command]
#[specta::specta]
pub async fn home_renew_token(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<RotationReport, UiError> {
    let cancel = state.begin_cancellable();
    let mut session = state.inner.lock().await;
    let engine = session.engine_mut()?;
    engine.set_progress(Arc::new(WindowProgress(app)));
    let report = engine.rotate_token(&cancel).await.map_err(|e| e.to_ui())?;
    // The key and the sign-in given for this go again, as the admin chose for them.
    engine.release_credentials().await;
    Ok(report)
}

/// Connects the Scaleway key the admin typed on home for one change (renewing the token) of a
/// setup read with its SCIM token: it is checked, used from memory, and neither written to the
/// keychain nor changes the setup's choice for saved sign-ins.
#[tauri::command]
#[specta::specta]
pub async fn home_use_key(
    state: State<'_, AppState>,
    secret_key: PageSecret,
) -> Result<(), UiError> {
    let mut session = state.inner.lock().await;
    // The token-only side it replaces must not hold the only copy of a token.
    session.guard_unsaved_token(false)?;
    let organization_id = session
        .sides
        .scaleway()
        .map(|side| side.journal_organization().to_owned())
        .filter(|id| !id.is_empty());
    let mut settings = session.scaleway_settings()?;
    settings.remember_key = false;
    let vault = session.vault().await.ok();
    let journal = session.journal()?;
    let (scaleway, _) = ScalewaySession::connect(
        settings,
        CredentialInput::Typed {
            secret_key: secret_key.0,
            organization_id,
            access_key: None,
        },
        vault,
        journal,
        &process_environment(),
        // A typed key: no `scw` configuration is read.
        None,
    )
    .await
    .map_err(|e| e.to_ui())?;
    session.set_scaleway(scaleway.into())
}

/// Pauses provisioning (`paused: true`) or resumes it; Scaleway is not touched.
#[tauri::command]
#[specta::specta]
pub async fn home_set_paused(
    state: State<'_, AppState>,
    paused: bool,
) -> Result<JobHealth, UiError> {
    let mut session = state.inner.lock().await;
    let engine = session.engine_mut()?;
    let health = if paused {
        engine.pause_provisioning().await
    } else {
        engine.resume_provisioning().await
    }
    .map_err(|e| e.to_ui())?;
    engine.release_credentials().await;
    Ok(health)
}

/// Who Entra failed to provision over the last 24 hours, from its provisioning logs. Without
/// `AuditLog.Read.All` it fails with `audit_log_consent_needed`: the page then signs in again
/// asking for it (`entra_sign_in` with `audit_logs`) and asks once more.
#[tauri::command]
#[specta::specta]
pub async fn home_recent_errors(state: State<'_, AppState>) -> Result<RecentErrors, UiError> {
    let mut session = state.inner.lock().await;
    session
        .engine_mut()?
        .recent_errors(RECENT_ERRORS_HOURS)
        .await
        .map_err(|e| e.to_ui())
}

/// "Recent" errors: the last day, as an admin checking in the morning needs.
const RECENT_ERRORS_HOURS: u32 = 24;
