//! The Settings panel's connection section: read and save the Microsoft cloud, client id, tenant
//! and service addresses (`scim_wizard_setup::preferences`). Nothing here is secret.
//!
//! Practice mode ignores these settings: it always talks to its in-process sandbox.

use serde::Serialize;
use specta::Type;
use tauri::State;

use scim_wizard_setup::preferences::{
    ConnectionPreferences, ConnectionSettingsView, EffectiveConnection, FieldProblem,
    PreferencesError, PreferencesStore, process_variable, resolve,
};
use scim_wizard_setup::{ErrorCode, SetupError, UiError};

use crate::state::AppState;

/// The connection settings as the panel shows them, and the mode the app is in.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ConnectionSettings {
    pub connection: ConnectionSettingsView,
    /// True in practice mode (the settings then wait for real accounts); `None` while a step is
    /// running and the mode cannot be read without waiting for it.
    pub practice: Option<bool>,
}

/// What saving did.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SettingsSaveOutcome {
    /// Written. `reconnect` is true when a connected account used the old values and was
    /// disconnected: the admin connects it again from its step.
    Saved {
        // Boxed: the panel is much larger than the other variant.
        settings: Box<ConnectionSettings>,
        reconnect: bool,
    },
    /// Nothing was written: each problem names its field.
    Invalid { problems: Vec<FieldProblem> },
}

fn store() -> Result<PreferencesStore, UiError> {
    PreferencesStore::default_location().map_err(|error| error.to_ui())
}

/// The saved connection settings, where each value in use comes from (an environment variable
/// makes a field read-only), and the built-in defaults for the placeholders. A damaged file is
/// reported in `error`, so the panel still opens and can reset it.
#[tauri::command]
#[specta::specta]
pub async fn settings_get(state: State<'_, AppState>) -> Result<ConnectionSettings, UiError> {
    let practice = state
        .inner
        .try_lock()
        .ok()
        .map(|session| session.practice.is_some());
    Ok(ConnectionSettings {
        connection: ConnectionSettingsView::current(),
        practice,
    })
}

/// Checks every value with the engine's own validators, then saves. With real accounts, the
/// accounts connected with values that changed are disconnected (and a sign-in under way is
/// cancelled), so nothing keeps talking to the old addresses.
#[tauri::command]
#[specta::specta]
pub async fn settings_save(
    state: State<'_, AppState>,
    preferences: ConnectionPreferences,
    discard_unsaved_token: bool,
) -> Result<SettingsSaveOutcome, UiError> {
    let checked = match preferences.checked() {
        Ok(checked) => checked,
        Err(PreferencesError::Invalid { problems }) => {
            return Ok(SettingsSaveOutcome::Invalid { problems });
        }
        Err(error) => return Err(error.to_ui()),
    };
    let store = store()?;
    // Not `lock().await`: a long step holds the session, and the dialog must not hang on it.
    let mut session = state.inner.try_lock().map_err(|_| {
        UiError::new(
            ErrorCode::NotReady,
            "A step is still running, so the connection settings cannot change now.",
            "Wait for it to finish (or cancel it), then save again.",
            true,
        )
    })?;
    let before = in_use(store.load());
    // New Scaleway addresses disconnect the key session: when it holds the token only in
    // memory, the admin is asked first (nothing is saved until then).
    if session.practice.is_none() && !discard_unsaved_token && session.keyed_holds_unsaved_token() {
        let scaleway_changed = match (&before, in_use(Ok(preferences.clone()))) {
            (Some(before), Some(after)) => before.scaleway_differs(&after),
            _ => true,
        };
        if scaleway_changed {
            return Err(SetupError::UnsavedTokenAtRisk.to_ui());
        }
    }
    let saved = store.save(&checked).map_err(|error| error.to_ui())?;
    // From what was just written, not read back: one resolution serves the panel and the
    // comparison.
    let connection =
        ConnectionSettingsView::build(Some(&store.path()), Ok(saved), &process_variable);
    let mut reconnect = false;
    if session.practice.is_none() {
        // Unknown before or after (a damaged file, a bad variable): assume both sides changed.
        let (entra_changed, scaleway_changed) = match (&before, &connection.effective) {
            (Some(before), Some(after)) => {
                (before.entra_differs(after), before.scaleway_differs(after))
            }
            _ => (true, true),
        };
        reconnect = session.drop_sides(scaleway_changed, entra_changed);
        if entra_changed {
            // A browser sign-in under way was started against the old sign-in address.
            state.cancel_running();
        }
    }
    let practice = Some(session.practice.is_some());
    drop(session);
    Ok(SettingsSaveOutcome::Saved {
        settings: Box::new(ConnectionSettings {
            connection,
            practice,
        }),
        reconnect,
    })
}

/// The values in use for these saved settings, or `None` when they cannot be built.
fn in_use(saved: Result<ConnectionPreferences, PreferencesError>) -> Option<EffectiveConnection> {
    let saved = saved.ok()?;
    resolve(&saved, &process_variable)
        .ok()
        .map(|resolved| resolved.effective())
}
