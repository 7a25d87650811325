//! What the desktop app holds between commands: the mode (real accounts or the practice
//! sandbox), the keychain, the journal and the step sessions. All decisions live in
//! `scim-wizard-setup`; this only wires them to the window.

use scim_wizard_sandbox::{Sandbox, SandboxConfig, SeedKeyKind};
use scim_wizard_setup::journal::{JournalStore, SetupLock};
use scim_wizard_setup::report::KeyAction;
use scim_wizard_setup::scaleway_step::{ScalewaySession, ScalewaySettings, ScalewaySide};
use scim_wizard_setup::setups::{FIRST_SETUP, Setups};
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
    /// How far connecting both accounts went.
    pub sides: Sides,
    /// The real setup's lock across processes, taken when its journal is first used and held
    /// until the app leaves real accounts or quits (`scim-wizard-cli` is then told who holds it).
    pub setup_lock: Option<SetupLock>,
    /// Which of this computer's setups the real accounts work on (`None`: the first, where
    /// journals always lived).
    pub setup_id: Option<String>,
}

/// Where connecting the two accounts stands. Either side may come first; once both are there,
/// they are the engine's. One side can be replaced (a new sign-in, another key) without the
/// other being lost.
#[derive(Debug)]
pub enum Sides {
    /// None or one side connected yet.
    Connecting {
        /// Step 1's side: a key session, or a token and Base URL given by hand.
        scaleway: Option<ScalewaySide>,
        entra: Option<EntraSession>,
    },
    /// Both connected.
    Ready(SetupEngine),
}

impl Default for Sides {
    fn default() -> Self {
        Self::Connecting {
            scaleway: None,
            entra: None,
        }
    }
}

impl Sides {
    fn into_parts(self) -> (Option<ScalewaySide>, Option<EntraSession>) {
        match self {
            Self::Connecting { scaleway, entra } => (scaleway, entra),
            Self::Ready(engine) => {
                let (scaleway, entra) = engine.into_parts();
                (Some(scaleway), Some(entra))
            }
        }
    }

    /// Both sides together make the engine; otherwise they wait for each other.
    fn from_parts(
        scaleway: Option<ScalewaySide>,
        entra: Option<EntraSession>,
    ) -> Result<Self, UiError> {
        Ok(match (scaleway, entra) {
            (Some(scaleway), Some(entra)) => Self::Ready(
                SetupEngine::new(scaleway, entra, SetupOptions::default())
                    .map_err(|error| error.to_ui())?,
            ),
            (scaleway, entra) => Self::Connecting { scaleway, entra },
        })
    }

    pub fn scaleway(&self) -> Option<&ScalewaySide> {
        match self {
            Self::Connecting { scaleway, .. } => scaleway.as_ref(),
            Self::Ready(engine) => Some(engine.scaleway()),
        }
    }

    pub fn scaleway_mut(&mut self) -> Option<&mut ScalewaySide> {
        match self {
            Self::Connecting { scaleway, .. } => scaleway.as_mut(),
            Self::Ready(engine) => Some(engine.scaleway_mut()),
        }
    }

    pub fn entra(&self) -> Option<&EntraSession> {
        match self {
            Self::Connecting { entra, .. } => entra.as_ref(),
            Self::Ready(engine) => Some(engine.entra()),
        }
    }

    pub fn engine_mut(&mut self) -> Option<&mut SetupEngine> {
        match self {
            Self::Ready(engine) => Some(engine),
            Self::Connecting { .. } => None,
        }
    }
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
            self.sides = Sides::default();
        }
        self.practice.as_ref().ok_or_else(internal)
    }

    /// Leaves practice mode, for a new setup of the real accounts: the first folder while it
    /// holds no finished setup (an unfinished one continues there), else a new one.
    /// `discard_unsaved_token`: the admin said to go on although a token held only in memory
    /// goes with the setup being left.
    pub fn start_real(&mut self, discard_unsaved_token: bool) -> Result<(), UiError> {
        if self.practice.take().is_some() {
            self.vault = None;
            self.sides = Sides::default();
        }
        let (id, _) = self
            .setups()?
            .for_new_setup()
            .map_err(|error| SetupError::from(error).to_ui())?;
        self.select_setup(&id, discard_unsaved_token)
    }

    /// This computer's setups (real accounts).
    pub fn setups(&self) -> Result<Setups, UiError> {
        Setups::default_location().map_err(|error| SetupError::from(error).to_ui())
    }

    /// Works on setup `id` from now on: another setup's sides and lock are let go (refused
    /// while they hold a token only in memory, which would be lost, unless `discard`).
    pub fn select_setup(&mut self, id: &str, discard: bool) -> Result<(), UiError> {
        if self.setup_id.as_deref().unwrap_or(FIRST_SETUP) == id {
            return Ok(());
        }
        self.guard_unsaved_token(discard)?;
        self.sides = Sides::default();
        self.setup_lock = None;
        self.setup_id = Some(id.to_owned());
        Ok(())
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
            None => self
                .setups()?
                .store(self.setup_id.as_deref().unwrap_or(FIRST_SETUP))
                .ok_or_else(internal),
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

    /// Replaces the Scaleway side (another key, a token given by hand), keeping Entra; the
    /// engine is built when both are there.
    pub fn set_scaleway(&mut self, side: ScalewaySide) -> Result<(), UiError> {
        let (_, entra) = std::mem::take(&mut self.sides).into_parts();
        self.sides = Sides::from_parts(Some(side), entra)?;
        Ok(())
    }

    /// Replaces the Entra side (a new sign-in), keeping Scaleway.
    pub fn set_entra(&mut self, entra: EntraSession) -> Result<(), UiError> {
        let (scaleway, _) = std::mem::take(&mut self.sides).into_parts();
        self.sides = Sides::from_parts(scaleway, Some(entra))?;
        Ok(())
    }

    /// Takes the Entra side out (a sign-out), keeping Scaleway.
    pub fn take_entra(&mut self) -> Option<EntraSession> {
        let (scaleway, entra) = std::mem::take(&mut self.sides).into_parts();
        self.sides = Sides::Connecting {
            scaleway,
            entra: None,
        };
        entra
    }

    /// Drops the sides whose addresses changed: a key session (a token-only side stays: it
    /// talks to the Base URL it was given, and may hold the only copy of its token) and the
    /// Entra sign-in. Returns whether something connected was dropped.
    pub fn drop_sides(&mut self, key_session: bool, entra: bool) -> bool {
        let (scaleway, signed_in) = std::mem::take(&mut self.sides).into_parts();
        let mut dropped = false;
        let scaleway = match scaleway {
            Some(ScalewaySide::Keyed(_)) if key_session => {
                dropped = true;
                None
            }
            other => other,
        };
        let signed_in = match signed_in {
            Some(_) if entra => {
                dropped = true;
                None
            }
            other => other,
        };
        self.sides = Sides::Connecting {
            scaleway,
            entra: signed_in,
        };
        dropped
    }

    /// True when the setup's SCIM token exists only in this app's memory: dropping the Scaleway
    /// side now would lose it for good (Scaleway never shows a token twice).
    pub fn holds_unsaved_token(&self) -> bool {
        self.sides
            .scaleway()
            .is_some_and(ScalewaySide::token_only_in_memory)
    }

    /// True when the key session (not a token-only one) holds the token only in memory.
    pub fn keyed_holds_unsaved_token(&self) -> bool {
        self.sides
            .scaleway()
            .and_then(ScalewaySide::keyed)
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

    /// The Organization of the connected key session, if any (a pasted token then goes to its
    /// keychain entry).
    pub fn keyed_organization_id(&self) -> Option<String> {
        self.sides
            .scaleway()
            .and_then(ScalewaySide::keyed)
            .map(|keyed| keyed.organization_id().to_owned())
    }

    /// The setup's SCIM token, whichever way Scaleway was connected.
    pub async fn scim_token(&self) -> Result<Option<Secret>, UiError> {
        self.sides
            .scaleway()
            .ok_or_else(scaleway_not_connected)?
            .token()
            .await
            .map_err(|error| error.to_ui())
    }

    pub fn engine_mut(&mut self) -> Result<&mut SetupEngine, UiError> {
        self.sides.engine_mut().ok_or_else(|| {
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
        match self.sides.scaleway_mut() {
            Some(side) => side
                .keyed_mut()
                .ok_or_else(|| SetupError::ScalewayKeyNeeded { action }.to_ui()),
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
        session.set_scaleway(scaleway.into()).unwrap();
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
    async fn switching_setups_never_drops_a_token_held_only_in_memory_unasked() {
        let mut session = holding_a_token_in_memory().await;
        let refused = session.select_setup("0a1b2c3d", false).unwrap_err();
        assert_eq!(refused.code, ErrorCode::UnsavedTokenAtRisk);
        assert!(session.holds_unsaved_token(), "still held");
        // The same setup again: nothing to let go of.
        session.select_setup(FIRST_SETUP, false).unwrap();
        assert!(session.holds_unsaved_token());
        // The admin said to go on: the other setup starts with nothing connected.
        session.select_setup("0a1b2c3d", true).unwrap();
        assert!(!session.holds_unsaved_token());
        assert_eq!(session.setup_id.as_deref(), Some("0a1b2c3d"));
    }

    #[tokio::test]
    async fn taking_the_engine_apart_keeps_the_token_where_it_was() {
        let mut session = holding_a_token_in_memory().await;
        // The Entra side changing (a sign-out, a new sign-in): the Scaleway side, and its
        // token, stay whole.
        assert!(session.take_entra().is_none());
        assert!(session.holds_unsaved_token());
        assert!(session.scim_token().await.unwrap().is_some());
    }
}
