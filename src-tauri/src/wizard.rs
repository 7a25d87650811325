//! Steps 2–4 and what follows, as IPC commands: sign in to Entra (system browser with PKCE, or a
//! device code), then one command per wizard screen over the engine. Long operations report
//! progress as events and can be cancelled.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_opener::OpenerExt;
use tauri_specta::Event;

use scim_wizard_entra::auth::{DeviceCodeSignIn, InteractiveSignIn, Tokens};
use scim_wizard_entra::schema::MappingOptions;
use scim_wizard_setup::impact::Impact;
use scim_wizard_setup::journal::Journal;
use scim_wizard_setup::messages::PreflightFix;
use scim_wizard_setup::report::{
    AppOutcome, AssignmentOutcome, ConnectionTest, MappingPreview, PeopleSearch, PrincipalRef,
    ProofReport, RollbackPlan, RollbackReport, RollbackRequest, SetupSummary,
};
use scim_wizard_setup::scaleway_step::ScalewayAccess;
use scim_wizard_setup::scope::GroupScope;
use scim_wizard_setup::session::{
    KeySource, NextScreen, ResumePoint, ScalewayOpening, open_scaleway, remembered_key,
    resume_entra,
};
use scim_wizard_setup::setups::FoundSetup;
use scim_wizard_setup::{
    EntraSession, ErrorCode, GroupsChoice, KeychainRefreshTokenStore, Phase, ProgressEvent,
    ProgressMessage, ProgressSink, SetupError, Step, UiError,
};

use crate::MAIN_WINDOW;
use crate::state::{AppState, Session, Sides};

/// How the admin signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SignInKind {
    /// In the browser: the link opens there (and can be copied).
    Browser,
    /// With a code typed on any device.
    DeviceCode,
}

/// Shown while the admin signs in: the link to open (and copy), or the device code to type.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct SignInPrompt {
    pub kind: SignInKind,
    pub url: String,
    pub user_code: Option<String>,
    /// True when the practice sandbox answers for the admin (no browser needed).
    pub automatic: bool,
}

/// A step of a long operation: which step, where it is, and what it says as a typed value the
/// page words in the admin's language.
#[derive(Debug, Clone, Serialize, Type, Event)]
pub struct SetupProgress {
    pub step: Step,
    pub phase: Phase,
    pub message: ProgressMessage,
    pub elapsed_ms: u32,
}

/// Forwards engine progress to the window.
pub(crate) struct WindowProgress(pub(crate) AppHandle);

impl ProgressSink for WindowProgress {
    fn event(&self, event: ProgressEvent) {
        let _ = SetupProgress {
            step: event.step,
            phase: event.phase,
            message: event.message,
            elapsed_ms: u32::try_from(event.elapsed_ms).unwrap_or(u32::MAX),
        }
        .emit(&self.0);
    }
}

/// Who signed in, and whether they can do the rest.
#[derive(Debug, Clone, Serialize, Type)]
pub struct EntraAccount {
    pub display_name: Option<String>,
    pub user_principal_name: Option<String>,
    pub tenant_id: String,
    pub tenant_name: Option<String>,
    /// The directory role that qualifies, if any.
    pub role: Option<String>,
    pub ready: bool,
    pub missing_roles: Vec<String>,
    pub missing_permissions: Vec<String>,
    /// Who can fix what is missing.
    pub fixes: Vec<PreflightFix>,
    pub admin_consent_url: Option<String>,
    /// The name the enterprise app gets unless the admin types another: the one this setup
    /// already uses, else the default for the Organization. Known once Scaleway is connected.
    pub app_name: Option<String>,
}

/// Signs the admin in to Microsoft Entra ID and checks at once what the account may do.
/// `audit_logs` asks for `AuditLog.Read.All` as well: only when the admin opens the provisioning
/// logs (incremental consent).
#[tauri::command]
#[specta::specta]
pub async fn entra_sign_in(
    app: AppHandle,
    state: State<'_, AppState>,
    device_code: bool,
    tenant: Option<String>,
    audit_logs: bool,
) -> Result<EntraAccount, UiError> {
    let (settings, vault, practice) = {
        let mut session = state.inner.lock().await;
        let mut settings = session.entra_settings()?;
        settings.audit_logs = audit_logs;
        if let Some(tenant) = tenant.filter(|t| !t.trim().is_empty()) {
            settings.tenant = Some(tenant.trim().to_owned());
        }
        (settings, session.vault().await?, session.practice.is_some())
    };
    let config = settings.sign_in_config().map_err(|e| e.to_ui())?;
    let cancel = state.begin_cancellable();
    let tokens: Tokens = if device_code {
        let pending = DeviceCodeSignIn::start(&config)
            .await
            .map_err(|e| SetupError::from(e).to_ui())?;
        let challenge = pending.challenge().clone();
        let _ = SignInPrompt {
            kind: SignInKind::DeviceCode,
            url: challenge.verification_uri.to_string(),
            user_code: Some(challenge.user_code.clone()),
            automatic: practice,
        }
        .emit(&app);
        pending
            .wait(&cancel)
            .await
            .map_err(|e| SetupError::from(e).to_ui())?
    } else {
        let pending = InteractiveSignIn::start(&config)
            .await
            .map_err(|e| SetupError::from(e).to_ui())?;
        let url = pending.authorize_url().clone();
        let _ = SignInPrompt {
            kind: SignInKind::Browser,
            url: url.to_string(),
            user_code: None,
            automatic: practice,
        }
        .emit(&app);
        if practice {
            // The sandbox consents by itself; the app plays the admin's browser.
            tauri::async_runtime::spawn(follow_sandbox_sign_in(url));
        } else if let Err(error) = app.opener().open_url(url.as_str(), None::<&str>) {
            // The prompt event carries the link: the admin can open it by hand.
            log_browser_failure(&error);
        }
        pending
            .wait(&cancel)
            .await
            .map_err(|e| SetupError::from(e).to_ui())?
    };
    bring_to_front(&app);

    let store = Arc::new(KeychainRefreshTokenStore::new(vault));
    let entra = EntraSession::establish(settings, tokens, store).map_err(|e| e.to_ui())?;
    let report = entra.preflight().await.map_err(|e| e.to_ui())?;
    let mut account = EntraAccount {
        display_name: report.account.display_name.clone(),
        user_principal_name: report.account.user_principal_name.clone(),
        tenant_id: entra.tenant_id().to_owned(),
        tenant_name: report.organization.display_name.clone(),
        role: report
            .qualifying_role
            .as_ref()
            .map(|r| r.display_name.clone()),
        ready: report.ok(),
        missing_roles: report.missing_roles.clone(),
        missing_permissions: report.missing_scopes.clone(),
        fixes: PreflightFix::for_report(&report),
        admin_consent_url: report.admin_consent_url.as_ref().map(|u| u.to_string()),
        app_name: None,
    };
    let mut session = state.inner.lock().await;
    // A new sign-in replaces the Entra side only: the Scaleway side (key or token) stays.
    session.set_entra(entra)?;
    if let Some(engine) = session.sides.engine_mut() {
        engine.set_progress(Arc::new(WindowProgress(app.clone())));
        account.app_name = Some(engine.app_name().to_owned());
    }
    Ok(account)
}

/// The practice mode's stand-in for the admin's browser: open the sign-in link and follow the
/// redirect back to the app's loopback listener, as a browser would.
async fn follow_sandbox_sign_in(url: url::Url) {
    let Ok(http) = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
    else {
        return;
    };
    if let Ok(response) = http.get(url).send().await
        && let Some(location) = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|l| l.to_str().ok())
    {
        let _ = http.get(location).send().await;
    }
}

fn bring_to_front(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Stops the sign-in or the long step that is running.
#[tauri::command]
#[specta::specta]
pub fn cancel_operation(state: State<'_, AppState>) {
    state.cancel_running();
}

/// Signs out of Entra: the refresh token leaves the keychain. Only Entra: the Scaleway side
/// (the key, and a token perhaps held only in memory) stays as it is.
#[tauri::command]
#[specta::specta]
pub async fn entra_sign_out(state: State<'_, AppState>) -> Result<(), UiError> {
    let mut session = state.inner.lock().await;
    if let Some(entra) = session.take_entra() {
        entra.sign_out().await.map_err(|e| e.to_ui())?;
    }
    Ok(())
}

/// Step 2: creates the enterprise app (or finds the one this setup made) and its provisioning job,
/// in the tenant the admin confirmed (`confirmed_tenant_id`, shown with the signed-in account).
/// `cancel_operation` stops it at the next boundary between calls (`cancelled` error); what was
/// created by then is journaled, so calling it again reuses it.
#[tauri::command]
#[specta::specta]
pub async fn setup_create_app(
    state: State<'_, AppState>,
    name: Option<String>,
    confirmed_tenant_id: String,
) -> Result<AppOutcome, UiError> {
    let cancel = state.begin_cancellable();
    let mut session = state.inner.lock().await;
    let engine = session.engine_mut()?;
    // The tenant the admin saw on screen and confirmed: the engine refuses to create anything
    // in Entra unless it is the one signed in to.
    let mut options = engine.options().clone();
    options.confirmed_tenant = Some(confirmed_tenant_id);
    engine.set_options(options);
    // `ensure_app` runs the preflight gate itself: nothing in Entra changes before it passes.
    let app = engine
        .ensure_app(name.as_deref().filter(|n| !n.trim().is_empty()), &cancel)
        .await
        .map_err(|e| e.to_ui())?;
    engine.ensure_job(&cancel).await.map_err(|e| e.to_ui())?;
    Ok(app)
}

/// Step 3: Test connection first; only when it passes are the credentials saved in Entra
/// (a refusal is `ok: false` with Scaleway's words, nothing saved). `cancel_operation` stops it
/// between calls: before the save nothing changed; after it, calling again is harmless.
#[tauri::command]
#[specta::specta]
pub async fn setup_connect(state: State<'_, AppState>) -> Result<ConnectionTest, UiError> {
    let cancel = state.begin_cancellable();
    let mut session = state.inner.lock().await;
    let engine = session.engine_mut()?;
    // One test, then the save (the save tests first by itself).
    engine.save_connection(&cancel).await.map_err(|e| e.to_ui())
}

/// The admin's mapping choices.
#[derive(Debug, Clone, Copy, Deserialize, Type)]
pub struct MappingChoices {
    /// `null` until the admin chose: groups go to Scaleway when its SCIM service takes them,
    /// as Scaleway's guide says.
    pub provision_groups: Option<bool>,
    pub keep_full_upn: bool,
    pub scim_compat_flag: bool,
}

fn apply_choices(engine: &mut scim_wizard_setup::SetupEngine, choices: MappingChoices) {
    let mut options = engine.options().clone();
    options.mapping = MappingOptions {
        keep_full_upn: choices.keep_full_upn,
        scim_compat_flag: choices.scim_compat_flag,
        ..options.mapping
    };
    options.groups = match choices.provision_groups {
        None => GroupsChoice::AsScalewaySays,
        Some(true) => GroupsChoice::On,
        Some(false) => GroupsChoice::Off,
    };
    engine.set_options(options);
}

/// Whether this Organization's SCIM service takes groups: the mappings screen turns group
/// provisioning on when it does, as Scaleway's guide says.
#[tauri::command]
#[specta::specta]
pub async fn setup_groups_supported(state: State<'_, AppState>) -> Result<bool, UiError> {
    let mut session = state.inner.lock().await;
    session
        .engine_mut()?
        .groups_supported()
        .await
        .map_err(|e| e.to_ui())
}

/// What the chosen groups will do in Scaleway (nested groups, names it already has, its group
/// quota), said on the Users screen before anything is assigned.
#[tauri::command]
#[specta::specta]
pub async fn setup_group_scope(
    state: State<'_, AppState>,
    principals: Vec<PrincipalRef>,
) -> Result<GroupScope, UiError> {
    let mut session = state.inner.lock().await;
    session
        .engine_mut()?
        .group_scope(&principals)
        .await
        .map_err(|e| e.to_ui())
}

/// Who the chosen users and groups will create, take over, collide or leave alone in Scaleway,
/// with the usernames the mappings in force give them; said on the Users screen before anything
/// is assigned (a collision keeps "Assign" closed).
#[tauri::command]
#[specta::specta]
pub async fn setup_impact(
    state: State<'_, AppState>,
    principals: Vec<PrincipalRef>,
) -> Result<Impact, UiError> {
    let mut session = state.inner.lock().await;
    session
        .engine_mut()?
        .impact(&principals)
        .await
        .map_err(|e| e.to_ui())
}

/// Step 4, preview: the plain before/after list, nothing written.
#[tauri::command]
#[specta::specta]
pub async fn setup_preview_mappings(
    state: State<'_, AppState>,
    choices: MappingChoices,
) -> Result<MappingPreview, UiError> {
    let mut session = state.inner.lock().await;
    let engine = session.engine_mut()?;
    apply_choices(engine, choices);
    engine.preview_mappings().await.map_err(|e| e.to_ui())
}

/// Step 4: saves the mappings (the original is kept for a rollback) and checks them.
/// `cancel_operation` stops it between calls; calling again finishes the job without
/// writing twice.
#[tauri::command]
#[specta::specta]
pub async fn setup_apply_mappings(
    state: State<'_, AppState>,
    choices: MappingChoices,
) -> Result<MappingPreview, UiError> {
    let cancel = state.begin_cancellable();
    let mut session = state.inner.lock().await;
    let engine = session.engine_mut()?;
    apply_choices(engine, choices);
    engine.apply_mappings(&cancel).await.map_err(|e| e.to_ui())
}

/// The picker: users and groups matching what the admin typed.
#[tauri::command]
#[specta::specta]
pub async fn setup_search_people(
    state: State<'_, AppState>,
    query: String,
) -> Result<PeopleSearch, UiError> {
    let mut session = state.inner.lock().await;
    session
        .engine_mut()?
        .search_people(&query)
        .await
        .map_err(|e| e.to_ui())
}

/// Assigns the chosen users and groups to the app (once each). `cancel_operation` stops it
/// between calls; assignments already made are journaled and reused when called again.
#[tauri::command]
#[specta::specta]
pub async fn setup_assign(
    state: State<'_, AppState>,
    principals: Vec<PrincipalRef>,
) -> Result<Vec<AssignmentOutcome>, UiError> {
    let cancel = state.begin_cancellable();
    let mut session = state.inner.lock().await;
    let engine = session.engine_mut()?;
    let mut options = engine.options().clone();
    for principal in &principals {
        if !options.principals.contains(principal) {
            options.principals.push(principal.clone());
        }
    }
    engine.set_options(options);
    engine
        .assign(&principals, &cancel)
        .await
        .map_err(|e| e.to_ui())
}

/// Starts provisioning and proves it: one assigned user provisioned on demand and found in
/// Scaleway. Progress arrives as `SetupProgress` events; `cancel_operation` stops it.
#[tauri::command]
#[specta::specta]
pub async fn setup_start_and_verify(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<ProofReport, UiError> {
    let cancel = state.begin_cancellable();
    let mut session = state.inner.lock().await;
    let engine = session.engine_mut()?;
    engine.set_progress(Arc::new(WindowProgress(app)));
    engine
        .start_and_verify(&cancel)
        .await
        .map_err(|e| e.to_ui())
}

/// What was created, with links to both consoles (no secrets).
#[tauri::command]
#[specta::specta]
pub async fn setup_summary(state: State<'_, AppState>) -> Result<SetupSummary, UiError> {
    let mut session = state.inner.lock().await;
    session.engine_mut()?.summary().map_err(|e| e.to_ui())
}

/// Saves the setup report (no secrets) as a text file in the Downloads folder; returns its path.
#[tauri::command]
#[specta::specta]
pub async fn setup_export_report(state: State<'_, AppState>) -> Result<String, UiError> {
    let mut session = state.inner.lock().await;
    let text = session
        .engine_mut()?
        .summary()
        .map_err(|e| e.to_ui())?
        .to_text();
    let dir = directories::UserDirs::new()
        .and_then(|dirs| dirs.download_dir().map(std::path::Path::to_path_buf))
        .or_else(|| std::env::var_os("HOME").map(std::path::PathBuf::from))
        .ok_or_else(|| {
            UiError::new(
                ErrorCode::Internal,
                "No folder was found to save the report in.",
                "Copy the summary shown on screen instead.",
                false,
            )
        })?;
    let path = dir.join(format!("scim-wizard-report-{}.txt", chrono_like_stamp()));
    std::fs::write(&path, text).map_err(|error| {
        UiError::new(
            ErrorCode::Internal,
            format!("The report could not be saved: {error}."),
            "Check that your Downloads folder is writable, then try again.",
            true,
        )
    })?;
    Ok(path.display().to_string())
}

fn chrono_like_stamp() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// What a rollback would remove (only what this setup created).
#[tauri::command]
#[specta::specta]
pub async fn setup_plan_rollback(state: State<'_, AppState>) -> Result<RollbackPlan, UiError> {
    let mut session = state.inner.lock().await;
    session.engine_mut()?.plan_rollback().map_err(|e| e.to_ui())
}

/// Removes, in reverse order, what this setup created — after the admin confirmed.
#[tauri::command]
#[specta::specta]
pub async fn setup_rollback(
    state: State<'_, AppState>,
    confirmed: bool,
) -> Result<RollbackReport, UiError> {
    let cancel = state.begin_cancellable();
    let mut session = state.inner.lock().await;
    let engine = session.engine_mut()?;
    engine
        .rollback(
            RollbackRequest {
                confirmed,
                forget_entra_sign_in: false,
            },
            &cancel,
        )
        .await
        .map_err(|e| e.to_ui())
}

/// An unfinished setup found on this computer, for the resume banner.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ResumeInfo {
    /// Empty when the admin gave a SCIM token without its Organization ID.
    pub organization_id: String,
    pub organization_name: Option<String>,
    pub tenant_id: Option<String>,
    pub app_display_name: Option<String>,
    /// The screen to continue on.
    pub next_screen: NextScreen,
    pub updated_at: String,
    /// How Scaleway was reconnected: set by `resume_setup` (`api_key`, or `token_only` when no
    /// key is remembered and the setup continues with the SCIM token kept in the keychain);
    /// absent from `resume_info`, which reads no secret.
    #[specta(optional)]
    pub scaleway_access: Option<ScalewayAccess>,
    /// Set by `resume_setup`: whether the saved Microsoft sign-in still works. A finished
    /// setup opens on its home screen either way (which asks for the sign-in when it needs
    /// it); an unfinished one goes to the Entra screen without it.
    #[specta(optional)]
    pub entra_signed_in: Option<bool>,
    /// Which of this computer's setups it is (`resume_setup` opens it by this id).
    #[specta(optional)]
    pub setup_id: Option<String>,
}

impl From<ResumePoint> for ResumeInfo {
    fn from(point: ResumePoint) -> Self {
        Self {
            organization_id: point.organization_id,
            organization_name: point.organization_name,
            tenant_id: point.tenant_id,
            app_display_name: point.app_display_name,
            next_screen: point.next_screen,
            updated_at: point.updated_at.to_rfc3339(),
            scaleway_access: None,
            entra_signed_in: None,
            setup_id: None,
        }
    }
}

impl From<FoundSetup> for ResumeInfo {
    fn from(found: FoundSetup) -> Self {
        let mut info = Self::from(found.point);
        info.setup_id = Some(found.id);
        info
    }
}

/// The setup Welcome offers: the first unfinished one (to continue), else the only one (whose
/// home opens by itself). With several finished setups, none: the admin picks one.
fn offered(setups: Vec<FoundSetup>) -> Option<FoundSetup> {
    let only = setups.len() == 1;
    let mut finished = None;
    for setup in setups {
        if setup.point.next_screen != NextScreen::Done {
            return Some(setup);
        }
        finished = Some(setup);
    }
    finished.filter(|_| only)
}

/// The setup of the real accounts Welcome offers (see [`offered`]); none in practice mode, whose
/// setups never resume (their sandbox lives only as long as the app).
#[tauri::command]
#[specta::specta]
pub async fn resume_info(state: State<'_, AppState>) -> Result<Option<ResumeInfo>, UiError> {
    let session = state.inner.lock().await;
    if session.practice.is_some() {
        return Ok(None);
    }
    Ok(offered(session.setups()?.list()).map(ResumeInfo::from))
}

/// Every setup of the real accounts on this computer (none in practice mode), for Welcome's
/// list when there are several: each opens on its home, or continues where it stopped.
#[tauri::command]
#[specta::specta]
pub async fn setups_list(state: State<'_, AppState>) -> Result<Vec<ResumeInfo>, UiError> {
    let session = state.inner.lock().await;
    if session.practice.is_some() {
        return Ok(Vec::new());
    }
    Ok(session
        .setups()?
        .list()
        .into_iter()
        .map(ResumeInfo::from)
        .collect())
}

/// The journal of the chosen real setup.
fn real_journal(session: &Session) -> Result<Option<Journal>, UiError> {
    session
        .journal_to_read()?
        .load()
        .map_err(|e| SetupError::from(e).to_ui())
}

/// Opens setup `setup_id` (by default the one [`resume_info`] offers), as
/// `scim_wizard_setup::session` opens one: Scaleway with the key remembered in the keychain,
/// else with the SCIM token the setup keeps; Entra with the saved sign-in (no browser) when the
/// journal has a tenant. Returns the screen to continue on and how Scaleway was reconnected.
#[tauri::command]
#[specta::specta]
pub async fn resume_setup(
    app: AppHandle,
    state: State<'_, AppState>,
    setup_id: Option<String>,
) -> Result<ResumeInfo, UiError> {
    let mut session = state.inner.lock().await;
    let no_setup = || {
        UiError::new(
            ErrorCode::NotReady,
            "There is no unfinished setup to continue.",
            "Start a new setup from the welcome screen.",
            false,
        )
    };
    if session.practice.is_some() {
        return Err(no_setup());
    }
    let setups = session.setups()?.list();
    let chosen = match setup_id {
        Some(id) => setups.into_iter().find(|setup| setup.id == id),
        None => offered(setups),
    }
    .ok_or_else(no_setup)?;
    session.select_setup(&chosen.id, false)?;
    let journal = real_journal(&session)?;
    let point = journal
        .as_ref()
        .and_then(ResumePoint::of)
        .ok_or_else(no_setup)?;
    let vault = session.vault().await?;
    let key = match remembered_key(&vault, &point.organization_id).await {
        Some(key) => KeySource::Remembered {
            organization_id: point.organization_id.clone(),
            key,
        },
        None => KeySource::Missing(SetupError::NotReady(
            "no Scaleway key is remembered for this Organization",
        )),
    };
    let opened = open_scaleway(
        ScalewayOpening {
            settings: session.scaleway_settings()?,
            vault: Some(vault.clone()),
            journal: session.journal()?,
            loaded: journal.as_ref(),
            requested_organization: None,
            environment: &scim_wizard_setup::scaleway_step::process_environment(),
            home: None,
        },
        key,
    )
    .await
    .map_err(|e| e.to_ui())?;
    let mut info = ResumeInfo::from(point);
    info.setup_id = Some(chosen.id);
    info.scaleway_access = Some(opened.access());
    // Opening again replaces what this setup holds now: never a token kept only in memory.
    session.guard_unsaved_token(false)?;
    session.sides = Sides::default();
    session.set_scaleway(opened.side)?;
    info.entra_signed_in = Some(false);
    if let Some(tenant_id) = &info.tenant_id {
        let store = Arc::new(KeychainRefreshTokenStore::new(vault));
        match resume_entra(session.entra_settings()?, tenant_id, store)
            .await
            .map_err(|e| e.to_ui())?
        {
            Some(entra) => {
                session.set_entra(entra)?;
                info.entra_signed_in = Some(true);
            }
            // A finished setup's home screen reads Scaleway first and asks for the sign-in
            // when an action needs Entra.
            None if info.next_screen == NextScreen::Done => {}
            // The saved sign-in is gone or expired: the admin signs in again on the Entra screen.
            None => info.next_screen = NextScreen::Entra,
        }
    }
    if let Some(engine) = session.sides.engine_mut() {
        engine.set_progress(Arc::new(WindowProgress(app)));
    }
    Ok(info)
}

/// Logs that the system browser could not be opened. The opener's message quotes the command it
/// ran, so the whole sign-in URL (its `state` and PKCE challenge): only the kind of failure is kept.
fn log_browser_failure(error: &(dyn std::error::Error + 'static)) {
    let mut source = Some(error);
    let mut reason = "the opener failed";
    while let Some(current) = source {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            reason = match io.kind() {
                std::io::ErrorKind::NotFound => "no program to open links with",
                std::io::ErrorKind::PermissionDenied => "not allowed to start the browser",
                _ => "the browser did not start",
            };
            break;
        }
        source = current.source();
    }
    tracing::warn!(
        reason,
        "could not open the system browser; the link is on screen"
    );
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_browser_that_does_not_open_is_logged_without_the_sign_in_url() {
        let url = "http://127.0.0.1:1/authorize?state=S3CR3TSTATE&code_challenge=CHALLENGE";
        let error = std::io::Error::other(format!("Launcher \"xdg-open\" \"{url}\" failed"));
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || super::log_browser_failure(&error));
        let logged = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(
            logged.contains("could not open the system browser"),
            "{logged}"
        );
        assert!(logged.contains("the browser did not start"), "{logged}");
        for part in ["S3CR3TSTATE", "CHALLENGE", "authorize"] {
            assert!(!logged.contains(part), "{logged}");
        }
    }
}
