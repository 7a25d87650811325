//! IPC commands. Each one is a thin call into `scim-wizard-setup`; errors cross as `UiError`.

use serde::Serialize;

/// What the About line and the end-to-end smoke test show.
#[derive(Debug, Clone, Serialize, specta::Type)]
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
