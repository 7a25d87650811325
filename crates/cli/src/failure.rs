//! Why a command stopped, as the admin reads it (`message`, `hint`) and as a script reads it
//! (`code`, exit code). Built from the engine's `UiError`, which never holds a secret.

use scim_wizard_setup::{ErrorCode, SetupError, UiError};

use crate::exit;

#[derive(Debug)]
pub enum Failure {
    /// The engine (or a session) stopped.
    Setup(SetupError),
    /// A flag or value is wrong: exit 2 whatever the engine's code.
    Usage(UiError),
    /// A change needs confirming and there is no terminal to ask on.
    NeedsYes { command: &'static str },
    /// The admin answered "no".
    Declined,
    /// A refusal the CLI found itself (a failed connection test, no keychain).
    Refused(UiError),
}

impl From<SetupError> for Failure {
    fn from(error: SetupError) -> Self {
        Failure::Setup(error)
    }
}

impl Failure {
    /// A setting the admin gave is unusable.
    pub fn usage(error: SetupError) -> Self {
        let mut ui = error.to_ui();
        ui.code = ErrorCode::InvalidInput;
        ui.retryable = false;
        Failure::Usage(ui)
    }

    pub fn usage_message(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Failure::Usage(UiError::new(ErrorCode::InvalidInput, message, hint, false))
    }

    pub fn ui(&self) -> UiError {
        let mut ui = match self {
            Failure::Setup(error) => error.to_ui(),
            Failure::Usage(ui) | Failure::Refused(ui) => ui.clone(),
            Failure::NeedsYes { command } => UiError::new(
                ErrorCode::ConfirmationRequired,
                format!(
                    "`{command}` changes your Scaleway Organization or Entra tenant, and standard input is not a terminal, so it cannot ask you to confirm."
                ),
                format!("Add --yes to confirm: scim-wizard-cli {command} --yes …"),
                false,
            ),
            Failure::Declined => UiError::new(
                ErrorCode::ConfirmationRequired,
                "Nothing was changed: you did not confirm.",
                "Run the command again and answer \"y\", or add --yes.",
                false,
            ),
        };
        // The engine's hints speak of the desktop wizard's screens in a few places.
        match ui.code {
            ErrorCode::Cancelled => {
                ui.message = "Interrupted. What was done so far is kept.".to_owned();
                ui.hint = "Run the same command again to resume: nothing will be created twice."
                    .to_owned();
            }
            ErrorCode::ScimBaseUrlNotFound => {
                ui.hint = "Your token is saved in the keychain. Copy the Base URL from the Scaleway console (Organization security → Automatic user provisioning) and run the same command again with --scim-base-url URL.".to_owned();
            }
            // The engine's hint says to type the key, which the CLI never takes.
            ErrorCode::ScalewayCredentialsNotFound => {
                ui.hint = "Set SCW_SECRET_KEY and SCW_DEFAULT_ORGANIZATION_ID, or pass --scw-profile NAME to use a profile of the Scaleway CLI (`scw init` creates one). A key that this CLI or the app used before is taken from your keychain.".to_owned();
            }
            ErrorCode::ScalewayProfileUnknown => {
                ui.hint = "Pass --scw-profile with one of the profiles listed, or set SCW_SECRET_KEY and SCW_DEFAULT_ORGANIZATION_ID instead.".to_owned();
            }
            ErrorCode::ScalewayCredentialsInvalid => {
                ui.hint = "Fix the file (`scw init` rewrites it), or set SCW_SECRET_KEY and SCW_DEFAULT_ORGANIZATION_ID instead.".to_owned();
            }
            ErrorCode::NotReady if matches!(self, Failure::Setup(_)) => {
                ui.hint =
                    "Run `scim-wizard-cli apply` first, or check the message above.".to_owned();
            }
            _ => {}
        }
        ui
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_) => exit::BAD_USAGE,
            Failure::NeedsYes { .. } | Failure::Declined => exit::NEEDS_ADMIN,
            Failure::Setup(error) => exit::for_error(error.code()),
            Failure::Refused(ui) => exit::for_error(ui.code),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_exit_with_two_and_missing_yes_with_three() {
        let usage = Failure::usage(SetupError::NotReady("x"));
        assert_eq!(usage.exit_code(), exit::BAD_USAGE);
        assert_eq!(usage.ui().code, ErrorCode::InvalidInput);
        let yes = Failure::NeedsYes { command: "apply" };
        assert_eq!(yes.exit_code(), exit::NEEDS_ADMIN);
        assert!(yes.ui().hint.contains("--yes"));
        // The CLI never takes a typed key: its hint names what it reads instead.
        let no_key = Failure::Setup(SetupError::Credentials(
            scim_wizard_scaleway::credentials::CredentialsError::NoConfigLocation,
        ));
        assert_eq!(no_key.ui().code, ErrorCode::ScalewayCredentialsNotFound);
        assert!(no_key.ui().hint.contains("SCW_SECRET_KEY"));
        assert!(!no_key.ui().hint.to_lowercase().contains("type your"));
        let cancelled = Failure::Setup(SetupError::Cancelled);
        assert_eq!(cancelled.exit_code(), exit::INTERRUPTED);
        assert!(
            cancelled
                .ui()
                .hint
                .contains("Run the same command again to resume")
        );
    }
}
