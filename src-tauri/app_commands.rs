// Every IPC command of ours, as Tauri's access control knows them. build.rs hands this list to the
// app manifest: each command gets an `allow-<name-with-dashes>` permission, and a command no
// capability grants is refused (without a manifest, Tauri lets the page call every app command).
// Included by build.rs and by tests/ipc_contract.rs, which checks it against `ipc_builder()` in
// src/lib.rs and against capabilities/main-window.json.
//
// Adding a command: put it in `ipc_builder()` and here; if the UI calls it, grant it in
// capabilities/main-window.json as well. `cargo test -p scim-wizard --test ipc_contract` says
// which of the three is missing.
const APP_COMMANDS: &[&str] = &[
    "app_info",
    "start_practice",
    "start_real",
    "scaleway_connect",
    "scim_state",
    "scim_enable",
    "scim_delete_token",
    "scim_mint_token",
    "scim_keep_token_in_keychain",
    "scim_set_base_url",
    "scim_use_existing",
    "copy_to_clipboard",
    "reveal_scim_token",
    "forget_saved_credentials",
    "quit_app",
    "entra_sign_in",
    "cancel_operation",
    "entra_sign_out",
    "setup_create_app",
    "setup_connect",
    "setup_groups_supported",
    "setup_preview_mappings",
    "setup_apply_mappings",
    "setup_search_people",
    "setup_group_scope",
    "setup_impact",
    "setup_assign",
    "setup_start_and_verify",
    "setup_summary",
    "setup_export_report",
    "setup_plan_rollback",
    "setup_rollback",
    "resume_info",
    "resume_setup",
    "setups_list",
    "home_status",
    "home_renew_token",
    "home_set_paused",
    "home_recent_errors",
    "home_use_key",
    "settings_get",
    "settings_save",
];
