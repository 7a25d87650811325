//! The desktop shell: window, plugins and IPC commands. It stays thin: every decision lives in
//! `scim-wizard-setup`, which knows nothing of Tauri.

mod clipboard;
mod commands;
mod home;
mod navigation;
#[cfg(target_os = "linux")]
pub mod rendering;
mod settings;
mod state;
mod wizard;

use tauri::Manager;
use tauri_specta::Event;

pub use commands::AppInfo;

/// The label of the one window, as named in `tauri.conf.json` and `capabilities/`.
pub const MAIN_WINDOW: &str = "main";

/// Every command and event the UI can use. `ui/src/lib/bindings.ts` is generated from this list.
pub fn ipc_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(tauri_specta::collect_commands![
            commands::app_info,
            commands::start_practice,
            commands::start_real,
            commands::scaleway_connect,
            commands::scim_state,
            commands::scim_enable,
            commands::scim_delete_token,
            commands::scim_mint_token,
            commands::scim_keep_token_in_keychain,
            commands::scim_set_base_url,
            commands::scim_use_existing,
            commands::copy_to_clipboard,
            commands::reveal_scim_token,
            commands::forget_saved_credentials,
            commands::quit_app,
            wizard::entra_sign_in,
            wizard::cancel_operation,
            wizard::entra_sign_out,
            wizard::setup_create_app,
            wizard::setup_connect,
            wizard::setup_groups_supported,
            wizard::setup_preview_mappings,
            wizard::setup_apply_mappings,
            wizard::setup_search_people,
            wizard::setup_group_scope,
            wizard::setup_impact,
            wizard::setup_assign,
            wizard::setup_start_and_verify,
            wizard::setup_summary,
            wizard::setup_export_report,
            wizard::setup_plan_rollback,
            wizard::setup_rollback,
            wizard::resume_info,
            wizard::resume_setup,
            wizard::setups_list,
            home::home_status,
            home::home_renew_token,
            home::home_set_paused,
            home::home_recent_errors,
            home::home_use_key,
            settings::settings_get,
            settings::settings_save,
        ])
        .events(tauri_specta::collect_events![
            wizard::SignInPrompt,
            wizard::SetupProgress,
            commands::QuitBlocked
        ])
        .typ::<scim_wizard_setup::UiError>()
}

/// Writes the TypeScript bindings to `path`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    ipc_builder()
        .export(
            specta_typescript::Typescript::default()
                .header("// Generated from Rust by tauri-specta (`make bindings`). Do not edit.\n"),
            path,
        )
        .map_err(|error| error.to_string())
}

/// Starts the desktop app.
pub fn run() {
    init_logging();
    let ipc = ipc_builder();
    let result = tauri::Builder::default()
        // First plugin on purpose: a second launch must hand over before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
                // Best effort: a window manager may refuse focus; the app keeps running either way.
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .manage(state::AppState::default())
        .manage(clipboard::SecureClipboard::default())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(ipc.invoke_handler())
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event
                && commands::quit_would_lose_token(window.app_handle())
            {
                // The page asks the admin (copy it, or quit anyway: `quit_app`).
                api.prevent_close();
                let _ = commands::QuitBlocked {}.emit(window.app_handle());
            }
        })
        .setup(move |app| {
            create_main_window(app)?;
            ipc.mount_events(app);
            Ok(())
        })
        .build(tauri::generate_context!());
    match result {
        Ok(app) => app.run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                app.state::<clipboard::SecureClipboard>().clear_if_ours();
            }
        }),
        Err(error) => {
            tracing::error!(%error, "the app stopped with an error");
            eprintln!("Scaleway SCIM Wizard could not start: {error}");
            std::process::exit(1);
        }
    }
}

/// The one window, as `tauri.conf.json` describes it (with `create: false`, so that it is made
/// here): only the app's own pages may load in it, and no page may open another window.
fn create_main_window(app: &tauri::App) -> Result<(), Box<dyn std::error::Error>> {
    let Some(config) = app
        .config()
        .app
        .windows
        .iter()
        .find(|window| window.label == MAIN_WINDOW)
        .cloned()
    else {
        return Err(format!("tauri.conf.json describes no window labelled '{MAIN_WINDOW}'").into());
    };
    let origin = navigation::AppOrigin::for_this_platform(config.use_https_scheme);
    // The Vite dev server is the app's own only in a dev build (no `custom-protocol`).
    let dev_url = if tauri::is_dev() {
        app.config().build.dev_url.clone()
    } else {
        None
    };
    tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?
        .on_navigation(move |url| navigation::allow(url, origin, dev_url.as_ref()))
        .on_new_window(|url, _features| {
            tracing::warn!(
                scheme = url.scheme(),
                host = url.host_str().unwrap_or_default(),
                "refused to open a new window"
            );
            tauri::webview::NewWindowResponse::Deny
        })
        .build()?;
    Ok(())
}

/// Logs go to stderr, at `info` unless `RUST_LOG` says otherwise. Nothing secret is ever logged:
/// secrets travel in `Secret`, whose `Debug` is redacted and which has no `Display`.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
