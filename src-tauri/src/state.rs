//! What the desktop app holds between commands: the mode (real accounts or the practice
//! sandbox), the keychain, the journal and the step sessions. All decisions live in
//! `scim-wizard-setup`; this only wires them to the window.

use scim_wizard_sandbox::{Sandbox, SandboxConfig, SeedKeyKind};
use scim_wizard_setup::journal::{JournalStore, SetupLock};
use scim_wizard_setup::report::KeyAction;
use scim_wizard_setup::scaleway_step::{
    ScalewaySession, ScalewaySettings, ScalewaySide, TokenOnlySession,
};
use scim_wizard_setup::{
    CancellationToken, EntraSession, EntraSettings, ErrorCode, Secret, SetupEngine, SetupError,
    SetupOptions, UiError, Vault,
};

/// Keychain service of the practice mode, so practice never touches real entries.
const PRACTICE_KEYCHAIN_SERVICE: &str = "scim-wizard-practice";

#[derive(Debug, Default)]
pub struct AppState {
    pub inner: tokio::sync::Mutex<Session>,
    /// Cancels the running sign-in or long step. Kept outside `inner`, which the running
    /// operation may hold.
    pub cancel: std::sync::Mutex<Option<CancellationToken>>,
    /// The admin chose to quit although a token held only in memory goes with the app.
    pub quit_confirmed: std::sync::atomic::AtomicBool,
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
    /// Step 1 done by hand ("I already have a token and Base URL"), when no key is connected;
    /// moved into `engine` likewise. A key session, when there is one, is used instead.
    pub token_only: Option<TokenOnlySession>,
    /// Step 2 before Scaleway is connected (or the reverse order); moved into `engine` likewise.
    pub entra: Option<EntraSession>,
    pub engine: Option<SetupEngine>,
    /// The real setup's lock across processes, taken when its journal is first used and held
    /// until the app leaves real accounts or quits (`scim-wizard-cli` is then told who holds it).
    pub setup_lock: Option<SetupLock>,
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
            self.setup_lock = None;
            self.vault = None;
            self.scaleway = None;
            self.token_only = None;
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
            self.token_only = None;
            self.entra = None;
            self.engine = None;
        }
    }

    /// The keychain, opened once (on a blocking thread: connecting to the Secret Service is a
    /// D-Bus round trip that must not stall the async runtime).
    pub async fn vault(&mut self) -> Result<Vault, UiError> {
        if let Some(vault) = &self.vault {
            return Ok(vault.clone());
        }
        let service = if self.practice.is_some() {
            PRACTICE_KEYCHAIN_SERVICE
        } else {
            scim_wizard_setup::vault::SERVICE
        };
        let vault = Vault::open_native_with_service_async(service)
            .await
            .map_err(UiError::from)?;
        self.vault = Some(vault.clone());
        Ok(vault)
    }

    /// The journal, to change the setup: for real accounts, the setup's lock is taken first
    /// (and kept), so that `scim-wizard-cli` cannot change it at the same time.
    pub fn journal(&mut self) -> Result<JournalStore, UiError> {
        let store = self.journal_to_read()?;
        if self.practice.is_none() && self.setup_lock.is_none() {
            let lock = store
                .lock("the Scaleway SCIM Wizard app")
                .map_err(|error| scim_wizard_setup::SetupError::from(error).to_ui())?;
            self.setup_lock = Some(lock);
        }
        Ok(store)
    }

    /// The journal, only to read it (the welcome screen's resume banner, a copy of the Base
    /// URL): no lock, so opening the app while the CLI works on the setup shows it unfinished.
    pub fn journal_to_read(&self) -> Result<JournalStore, UiError> {
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
            // Real accounts: `SCIM_WIZARD_*` variables over the saved connection settings.
            None => scim_wizard_setup::preferences::resolve_saved()
                .map(|resolved| resolved.scaleway)
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
            None => scim_wizard_setup::preferences::resolve_saved()
                .map(|resolved| resolved.entra)
                .map_err(|error| error.to_ui()),
        }
    }

    /// Builds the engine as soon as both sides are connected: Entra, and Scaleway with a key or
    /// with only a token and Base URL. A key wins over a token: it can do everything a token
    /// does, and also list and delete tokens (status, rollback).
    pub fn assemble_engine(&mut self) -> Result<(), UiError> {
        if self.engine.is_some() || self.entra.is_none() {
            return Ok(());
        }
        let scaleway: ScalewaySide = match (self.scaleway.take(), self.token_only.take()) {
            (Some(keyed), _) => keyed.into(),
            (None, Some(token_only)) => token_only.into(),
            (None, None) => return Ok(()),
        };
        let entra = self.entra.take().ok_or_else(internal)?;
        self.engine = Some(
            SetupEngine::new(scaleway, entra, SetupOptions::default())
                .map_err(|error| error.to_ui())?,
        );
        Ok(())
    }

    /// Takes the engine apart, so one side can be replaced (a new sign-in, a pasted token)
    /// without losing the other.
    pub fn disassemble_engine(&mut self) {
        if let Some(engine) = self.engine.take() {
            let (scaleway, entra) = engine.into_parts();
            match scaleway {
                ScalewaySide::Keyed(keyed) => self.scaleway = Some(keyed),
                ScalewaySide::TokenOnly(token_only) => self.token_only = Some(token_only),
            }
            self.entra = Some(entra);
        }
    }

    /// True when the setup's SCIM token exists only in this app's memory: dropping the Scaleway
    /// side now would lose it for good (Scaleway never shows a token twice).
    pub fn holds_unsaved_token(&self) -> bool {
        if let Some(engine) = &self.engine {
            return engine.scaleway().token_only_in_memory();
        }
        self.scaleway
            .as_ref()
            .is_some_and(ScalewaySession::token_only_in_memory)
            || self
                .token_only
                .as_ref()
                .is_some_and(|session| !session.in_keychain())
    }

    /// True when the key session (not a token-only one) holds the token only in memory.
    pub fn keyed_holds_unsaved_token(&self) -> bool {
        self.engine
            .as_ref()
            .and_then(|engine| engine.scaleway().keyed())
            .or(self.scaleway.as_ref())
            .is_some_and(ScalewaySession::token_only_in_memory)
    }

    /// Refuses what would drop a token held only in memory, unless the admin said to go on
    /// (`discard`), having copied it or chosen to lose it.
    pub fn guard_unsaved_token(&self, discard: bool) -> Result<(), UiError> {
        if self.holds_unsaved_token() && !discard {
            return Err(SetupError::UnsavedTokenAtRisk.to_ui());
        }
        Ok(())
    }

    /// Makes a token and Base URL the admin gave the Scaleway side (the manual path), then
    /// builds the engine if Entra is signed in. A connected key session stays in use: the token
    /// was stored where it reads it.
    pub fn use_token_only(&mut self, token_only: TokenOnlySession) -> Result<(), UiError> {
        self.disassemble_engine();
        self.token_only = Some(token_only);
        self.assemble_engine()
    }

    /// The Organization of the connected key session, if any (a pasted token then goes to its
    /// keychain entry).
    pub fn keyed_organization_id(&self) -> Option<String> {
        self.engine
            .as_ref()
            .and_then(|engine| engine.scaleway().keyed())
            .or(self.scaleway.as_ref())
            .map(|keyed| keyed.organization_id().to_owned())
    }

    /// The setup's SCIM token, whichever way Scaleway was connected.
    pub async fn scim_token(&self) -> Result<Option<Secret>, UiError> {
        let token = if let Some(engine) = &self.engine {
            engine.scaleway().token().await
        } else if let Some(keyed) = &self.scaleway {
            keyed.token().await
        } else if let Some(token_only) = &self.token_only {
            token_only.token().await
        } else {
            return Err(scaleway_not_connected());
        };
        token.map_err(|error| error.to_ui())
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

    /// The key session, for the Scaleway screens that need a key (SCIM state, enable, mint,
    /// delete a token, paste a Base URL for a minted token). `action` is what the screen is
    /// about to do, named in the error when only a SCIM token was given.
    pub fn scaleway_mut(&mut self, action: KeyAction) -> Result<&mut ScalewaySession, UiError> {
        let key_needed = || SetupError::ScalewayKeyNeeded { action }.to_ui();
        if let Some(engine) = self.engine.as_mut() {
            return engine.scaleway_mut().keyed_mut().ok_or_else(key_needed);
        }
        match self.scaleway.as_mut() {
            Some(keyed) => Ok(keyed),
            None if self.token_only.is_some() => Err(key_needed()),
            None => Err(scaleway_not_connected()),
        }
    }
}

fn scaleway_not_connected() -> UiError {
    SetupError::NotReady("Scaleway is not connected yet").to_ui()
}

fn internal() -> UiError {
    SetupError::Internal("it lost track of its own state".to_owned()).to_ui()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use scim_wizard_setup::scaleway_step::{CredentialInput, Environment, KeychainChoice};

    /// A practice session whose key session minted its token without the keychain: the only
    /// copy is in memory.
    async fn holding_a_token_in_memory() -> Session {
        let mut session = Session::default();
        session.start_practice().await.unwrap();
        let (secret_key, organization_id) = session.practice_key().unwrap();
        let (mut scaleway, _) = ScalewaySession::connect(
            session.scaleway_settings().unwrap(),
            CredentialInput::Typed {
                secret_key,
                organization_id: Some(organization_id),
                access_key: None,
            },
            None,
            session.journal().unwrap(),
            &Environment::from_pairs(Vec::<(String, String)>::new()),
            None,
        )
        .await
        .unwrap();
        scaleway.enable_scim().await.unwrap();
        scaleway
            .mint_token(KeychainChoice::DoNotStore)
            .await
            .unwrap();
        session.scaleway = Some(scaleway);
        session
    }

    #[tokio::test]
    async fn a_token_held_only_in_memory_is_never_dropped_without_the_admin_saying_so() {
        let session = holding_a_token_in_memory().await;
        assert!(session.holds_unsaved_token());
        assert!(session.keyed_holds_unsaved_token());
        let refused = session.guard_unsaved_token(false).unwrap_err();
        assert_eq!(refused.code, ErrorCode::UnsavedTokenAtRisk);
        session.guard_unsaved_token(true).unwrap();
        // Nothing held: nothing to ask.
        assert!(Session::default().guard_unsaved_token(false).is_ok());
    }

    #[tokio::test]
    async fn taking_the_engine_apart_keeps_the_token_where_it_was() {
        let mut session = holding_a_token_in_memory().await;
        // The Entra side changing (a sign-out, a new sign-in) goes through disassembly: the
        // Scaleway side, and its token, come back whole.
        session.disassemble_engine();
        assert!(session.holds_unsaved_token());
        assert!(session.scim_token().await.unwrap().is_some());
    }
}
