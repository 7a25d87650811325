#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    let context = tauri::generate_context!();
    if let Err(error) = tauri::Builder::default().run(context) {
        eprintln!("hello-tauri: {error}");
        std::process::exit(1);
    }
}
