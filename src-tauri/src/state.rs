//! What the desktop app holds between commands: the mode (real accounts or the practice
//! sandbox), the keychain, the journal and the step sessions. All decisions live in
//! `scim-wizard-setup`; this only wires them to the window.

use scim_wizard_sandbox::{Sandbox, SandboxConfig, SeedKeyKind};
use scim_wizard_setup::journal::JournalStore;
use scim_wizard_setup::scaleway_step::{ScalewaySession, ScalewaySettings, process_environment};
use scim_wizard_setup::{
    CancellationToken, EntraSession, EntraSettings, ErrorCode, Secret, SetupEngine, SetupOptions,
    UiError, Vault,
};

/// Keychain service of the practice mode, so practice never touches real entries.
const PRACTICE_KEYCHAIN_SERVICE: &str = "scim-wizard-practice";

#[derive(Debug, Default)]
pub struct AppState {
    pub inner: tokio::sync::Mutex<Session>,
    /// Cancels the running sign-in or long step. Kept outside `inner`, which the running
    /// operation may hold.
    pub cancel: std::sync::Mutex<Option<CancellationToken>>,
}

impl AppState {
    /// A fresh token for a new long operation (any earlier one is cancelled first).
    pub fn begin_cancellable(&self) -> CancellationToken {
        let token = CancellationToken::new();
        let mut slot = self
            .cancel
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(previous) = slot.replace(token.clone()) {
            previous.cancel();
        }
        token
    }

    pub fn cancel_running(&self) {
        let slot = self
            .cancel
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(token) = slot.as_ref() {
            token.cancel();
        }
    }
}

#[derive(Debug, Default)]
pub struct Session {
    pub practice: Option<Practice>,
    pub vault: Option<Vault>,
    /// Step 1 before Entra is signed in; moved into `engine` once both sides are connected.
    pub scaleway: Option<ScalewaySession>,
    /// Step 2 before Scaleway is connected (or the reverse order); moved into `engine` likewise.
    pub entra: Option<EntraSession>,
    pub engine: Option<SetupEngine>,
}

/// The in-process sandbox of the practice mode, and its demo key (never sent to the page).
#[derive(Debug)]
pub struct Practice {
    pub sandbox: Sandbox,
    /// The practice journal lives only as long as the in-process sandbox it describes.
    pub journal_dir: tempfile::TempDir,
}

impl Session {
    /// Starts the practice sandbox (once) and forgets any real-account session.
    pub async fn start_practice(&mut self) -> Result<&Practice, UiError> {
        if self.practice.is_none() {
            let sandbox = Sandbox::start(SandboxConfig::default())
                .await
                .map_err(|error| {
                    UiError::new(
                        ErrorCode::SandboxUnavailable,
                        format!("The practice sandbox could not start: {error}."),
                        "Close other copies of the app and try again.",
                        true,
                    )
                })?;
            let journal_dir = tempfile::Builder::new()
                .prefix("scim-wizard-practice")
                .tempdir()
                .map_err(|e| {
                    UiError::new(
                        ErrorCode::SandboxUnavailable,
                        format!("The practice sandbox could not prepare its files: {e}."),
                        "Check that your temporary folder is writable, then try again.",
                        true,
                    )
                })?;
            self.practice = Some(Practice {
                sandbox,
                journal_dir,
            });
            self.vault = None;
            self.scaleway = None;
            self.entra = None;
            self.engine = None;
        }
        self.practice.as_ref().ok_or_else(internal)
    }

    /// Leaves practice mode.
    pub fn start_real(&mut self) {
        if self.practice.take().is_some() {
            self.vault = None;
            self.scaleway = None;
            self.entra = None;
            self.engine = None;
        }
    }

    pub fn vault(&mut self) -> Result<Vault, UiError> {
        if let Some(vault) = &self.vault {
            return Ok(vault.clone());
        }
        let vault = if self.practice.is_some() {
            Vault::open_native_with_service(PRACTICE_KEYCHAIN_SERVICE)
        } else {
            Vault::open_native()
        }
        .map_err(UiError::from)?;
        self.vault = Some(vault.clone());
        Ok(vault)
    }

    pub fn journal(&self) -> Result<JournalStore, UiError> {
        match &self.practice {
            Some(practice) => Ok(JournalStore::at(practice.journal_dir.path().to_path_buf())),
            None => JournalStore::default_location()
                .map_err(|error| scim_wizard_setup::SetupError::from(error).to_ui()),
        }
    }

    pub fn scaleway_settings(&self) -> Result<ScalewaySettings, UiError> {
        match &self.practice {
            Some(practice) => ScalewaySettings::default()
                .with_api_base(&practice.sandbox.urls().scaleway_api)
                .and_then(|s| {
                    s.with_scim_base_pattern(&practice.sandbox.urls().scim_base_url_pattern)
                })
                .map_err(|error| error.to_ui()),
            None => ScalewaySettings::from_environment(&process_environment())
                .map_err(|error| error.to_ui()),
        }
    }

    /// The practice sandbox's demo key (stays in Rust).
    pub fn practice_key(&self) -> Result<(Secret, String), UiError> {
        let practice = self.practice.as_ref().ok_or_else(|| {
            UiError::new(
                ErrorCode::NotReady,
                "The practice sandbox is not running.",
                "Go back to the welcome screen and choose to practice in the sandbox.",
                false,
            )
        })?;
        let seed = practice.sandbox.seed_data();
        let key = seed
            .key(SeedKeyKind::IamManagerApplication)
            .ok_or_else(internal)?;
        Ok((
            Secret::from(key.secret_key.clone()),
            seed.organization_id.clone(),
        ))
    }

    pub fn entra_settings(&self) -> Result<EntraSettings, UiError> {
        match &self.practice {
            Some(practice) => EntraSettings::for_cloud(scim_wizard_entra::Cloud::Global)
                .with_login_url(&practice.sandbox.urls().login)
                .and_then(|s| s.with_graph_url(&practice.sandbox.urls().graph))
                .map_err(|error| error.to_ui()),
            None => EntraSettings::from_environment(&process_environment())
                .map_err(|error| error.to_ui()),
        }
    }

    /// Builds the engine as soon as both sides are connected.
    pub fn assemble_engine(&mut self) -> Result<(), UiError> {
        if self.engine.is_some() {
            return Ok(());
        }
        if let (Some(_), Some(_)) = (&self.scaleway, &self.entra)
            && let (Some(scaleway), Some(entra)) = (self.scaleway.take(), self.entra.take())
        {
            self.engine = Some(
                SetupEngine::new(scaleway, entra, SetupOptions::default())
                    .map_err(|error| error.to_ui())?,
            );
        }
        Ok(())
    }

    pub fn engine_mut(&mut self) -> Result<&mut SetupEngine, UiError> {
        self.engine.as_mut().ok_or_else(|| {
            UiError::new(
                ErrorCode::NotReady,
                "Both accounts must be connected first.",
                "Finish the Scaleway and Microsoft Entra steps, then try again.",
                false,
            )
        })
    }

    pub fn scaleway_mut(&mut self) -> Result<&mut ScalewaySession, UiError> {
        if let Some(engine) = self.engine.as_mut() {
            return Ok(engine.scaleway_mut());
        }
        self.scaleway.as_mut().ok_or_else(|| {
            UiError::new(
                ErrorCode::NotReady,
                "Scaleway is not connected yet.",
                "Connect your Scaleway account first.",
                false,
            )
        })
    }
}

fn internal() -> UiError {
    UiError::new(
        ErrorCode::Internal,
        "The app lost track of its own state.",
        "Restart the app; your setup resumes where it stopped.",
        false,
    )
}
