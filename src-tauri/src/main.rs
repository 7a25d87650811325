// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    #[cfg(target_os = "linux")]
    if scim_wizard_lib::rendering::should_paint_on_cpu() {
        // SAFETY: this is the first thing the app does, before any thread is started (the check
        // above starts none; Tauri, GTK and logging start in `run`), so no other code can be
        // reading the environment while it changes. WebKit reads it later.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var(scim_wizard_lib::rendering::CPU_PAINTING_VARIABLE, "1");
        }
    }
    scim_wizard_lib::run();
}
