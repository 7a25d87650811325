//! Errors as the admin sees them: a stable code the UI and the CLI branch on, a plain-language
//! message, a next step, and whether trying again may help.
//!
//! Each code is written once, in the `error_codes!` list below: its doc comment, what kind of
//! failure it is (the CLI's exit code follows from that), and the English message and hint it
//! shows when nothing more specific is said. Adding a code touches that list and the UI's en/fr
//! tables (`ui/src/lib/i18n/`), nothing else.

use serde::{Deserialize, Serialize};

/// What kind of failure a code is: all the CLI needs to pick its exit code
/// (`crates/cli/src/exit.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Something the admin typed (or left out) is wrong; nothing was changed.
    BadUsage,
    /// Only the admin can unblock it: rights, consent, keychain, a token to delete, a URL to
    /// paste, a sign-in, a confirmation, a quarantine to look at.
    NeedsAdmin,
    /// A service said no, failed, or answered something unexpected. Our own bugs count here too:
    /// their message asks the admin to report them, which is all they can do.
    RemoteRefused,
    /// Stopped between two steps; running it again resumes.
    Interrupted,
}

/// Declares [`ErrorCode`] from one entry per code, and derives from that same list `ALL`,
/// `as_str` (serde's snake_case of the variant's name), `kind`, `default_message` and
/// `default_hint`, so no code is ever listed twice.
macro_rules! error_codes {
    (
        $(#[$enum_meta:meta])*
        pub enum ErrorCode {
            $(
                $(#[$meta:meta])*
                $code:ident {
                    kind: $kind:ident,
                    message: $message:literal,
                    hint: $hint:literal $(,)?
                }
            ),* $(,)?
        }
    ) => {
        $(#[$enum_meta])*
        pub enum ErrorCode {
            $( $(#[$meta])* $code, )*
        }

        impl ErrorCode {
            /// Every code, in declaration order: for tests, the CLI and the UI's sentence table.
            pub const ALL: [ErrorCode; [$(stringify!($code)),*].len()] = [$(Self::$code),*];

            /// The code as it appears on the wire (`"keychain_locked"`).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$code => {
                        const SNAKE: [u8; snake_case_len(stringify!($code))] =
                            snake_case(stringify!($code));
                        const NAME: &str = match ::core::str::from_utf8(&SNAKE) {
                            Ok(name) => name,
                            // Unreachable: only ASCII bytes are changed or added. The test
                            // against serde's own name would catch it anyway.
                            Err(_) => "",
                        };
                        NAME
                    })*
                }
            }

            /// What kind of failure this is (the CLI's exit code follows from it).
            pub const fn kind(self) -> ErrorKind {
                match self {
                    $(Self::$code => ErrorKind::$kind,)*
                }
            }

            /// The plain English message when nothing more specific is said.
            pub const fn default_message(self) -> &'static str {
                match self {
                    $(Self::$code => $message,)*
                }
            }

            /// The plain English next step when nothing more specific is said.
            pub const fn default_hint(self) -> &'static str {
                match self {
                    $(Self::$code => $hint,)*
                }
            }
        }
    };
}

/// The length of [`snake_case`]'s result: one `_` more per capital after the first letter.
const fn snake_case_len(camel: &str) -> usize {
    let bytes = camel.as_bytes();
    let mut len = bytes.len();
    let mut i = 1;
    while i < bytes.len() {
        if bytes[i].is_ascii_uppercase() {
            len += 1;
        }
        i += 1;
    }
    len
}

/// serde's `rename_all = "snake_case"` for a variant name: an `_` before each capital but the
/// first, and every capital lower-cased (`KeychainLocked` → `keychain_locked`).
const fn snake_case<const N: usize>(camel: &str) -> [u8; N] {
    let bytes = camel.as_bytes();
    let mut snake = [0u8; N];
    let (mut i, mut j) = (0, 0);
    while i < bytes.len() {
        let byte = bytes[i];
        if byte.is_ascii_uppercase() {
            if i > 0 {
                snake[j] = b'_';
                j += 1;
            }
            snake[j] = byte.to_ascii_lowercase();
        } else {
            snake[j] = byte;
        }
        i += 1;
        j += 1;
    }
    snake
}

error_codes! {
    /// Stable error codes. They cross IPC, appear in `--json` output and map to CLI exit codes, so a
    /// variant is never renamed or reused: add a new one instead.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "specta", derive(specta::Type))]
    #[serde(rename_all = "snake_case")]
    pub enum ErrorCode {
        /// A bug on our side; the message says what to report.
        Internal {
            kind: RemoteRefused,
            message: "Something went wrong inside the app.",
            hint: "Please report this problem; your accounts were not changed by this error.",
        },
        /// Input from the admin did not pass validation.
        InvalidInput {
            kind: BadUsage,
            message: "Some of the information entered is not valid.",
            hint: "Correct the value and try again.",
        },
        /// A step was asked for before the one it depends on (e.g. minting before connecting).
        NotReady {
            kind: NeedsAdmin,
            message: "That step cannot run yet: an earlier part of the setup is not finished.",
            hint: "Go back to the previous step and finish it first.",
        },
        /// No OS keychain could be reached (no Secret Service, no keychain daemon).
        KeychainUnavailable {
            kind: NeedsAdmin,
            message: "Your computer's keychain could not be reached, so the app cannot keep your \
                      secrets safe.",
            hint: "On Linux, install and start a keychain service such as GNOME Keyring or \
                   KWallet, then open the app again. Nothing was saved to a file.",
        },
        /// The keychain exists but is locked, or access to it was refused.
        KeychainLocked {
            kind: NeedsAdmin,
            message: "Your keychain is locked, or it refused to let the app use it.",
            hint: "Unlock your keychain (on Linux: open \"Passwords and Keys\"), allow the app if \
                   asked, then try again.",
        },
        /// The keychain answered with an error while reading or writing.
        KeychainFailed {
            kind: NeedsAdmin,
            message: "Your keychain reported an error.",
            hint: "Try again. If it keeps failing, restart your keychain service or your session.",
        },
        /// The practice sandbox could not start.
        SandboxUnavailable {
            kind: RemoteRefused,
            message: "The practice sandbox could not start.",
            hint: "Close other copies of the app and try again.",
        },
        /// The setup journal could not be read or written.
        JournalFailed {
            kind: NeedsAdmin,
            message: "The app could not keep track of the setup.",
            hint: "Check that your disk is not full and that your home folder is writable, then \
                   try again.",
        },
        /// The journal on disk belongs to another Organization or tenant.
        JournalMismatch {
            kind: BadUsage,
            message: "A setup for another Scaleway Organization or Microsoft Entra tenant is \
                      unfinished on this computer.",
            hint: "Finish or roll back that setup first: connect with that Organization's key, or \
                   sign in to that tenant.",
        },
        /// Another program (the desktop app or `scim-wizard-cli`) is working on this setup now.
        SetupInUse {
            kind: NeedsAdmin,
            message: "Another program is working on this setup right now.",
            hint: "Let it finish, or close it, then try again. Two programs changing the same \
                   setup at once could create things twice.",
        },
        /// No Scaleway credentials were found where we looked (scw config, environment).
        ScalewayCredentialsNotFound {
            kind: BadUsage,
            message: "No Scaleway CLI settings were found on this computer.",
            hint: "Type your secret key and Organization ID instead, or run `scw init` to set up \
                   the Scaleway CLI first.",
        },
        /// The scw CLI configuration exists but cannot be used (unreadable, bad YAML).
        ScalewayCredentialsInvalid {
            kind: BadUsage,
            message: "The Scaleway CLI settings on this computer cannot be read.",
            hint: "Fix the file (the Scaleway CLI command `scw init` rewrites it), or type your \
                   secret key and Organization ID instead.",
        },
        /// The named scw profile does not exist.
        ScalewayProfileUnknown {
            kind: BadUsage,
            message: "The Scaleway CLI settings have no profile with this name.",
            hint: "Pick one of the profiles listed, or type your secret key and Organization ID \
                   instead.",
        },
        /// Scaleway refused the secret key (unknown or revoked).
        ScalewayKeyRefused {
            kind: NeedsAdmin,
            message: "Scaleway does not recognise this secret key.",
            hint: "Check that you pasted the secret key (not the access key) in full. If the key \
                   was deleted, create a new one in the Scaleway console (IAM → API keys).",
        },
        /// The secret key has expired.
        ScalewayKeyExpired {
            kind: NeedsAdmin,
            message: "This Scaleway API key has expired.",
            hint: "Create a new API key in the Scaleway console (IAM → API keys) and use its \
                   secret key.",
        },
        /// The key is valid but lacks the IAM rights for SCIM.
        ScalewayPermissionDenied {
            kind: NeedsAdmin,
            message: "This key cannot manage SCIM.",
            hint: "Use a key of the Organization Owner, or give the key's user or application the \
                   IAMManager permission set (Scaleway console → IAM → Policies), then try again.",
        },
        /// The Organization ID does not exist (or is not this key's).
        ScalewayOrganizationNotFound {
            kind: BadUsage,
            message: "Scaleway found no Organization with this ID for this key.",
            hint: "Copy the Organization ID from the Scaleway console (Organization settings), and \
                   check the key belongs to that Organization.",
        },
        /// Scaleway already has two SCIM tokens, its maximum.
        ScalewayTokenLimit {
            kind: NeedsAdmin,
            message: "Scaleway allows only two SCIM tokens, and both are in use.",
            hint: "Delete the older token (only if nothing uses it any more), then try again.",
        },
        /// Scaleway is limiting the request rate.
        ScalewayRateLimited {
            kind: RemoteRefused,
            message: "Scaleway asked the app to slow down.",
            hint: "Wait a minute, then try again.",
        },
        /// Scaleway could not be reached or had a server error.
        ScalewayUnavailable {
            kind: RemoteRefused,
            message: "Scaleway could not be reached or had a problem.",
            hint: "Check your internet connection and try again in a moment. Nothing was lost.",
        },
        /// The connection broke after a change was sent; the state must be re-read.
        ScalewayOutcomeUnknown {
            kind: RemoteRefused,
            message: "The connection to Scaleway broke while a change was being made, so the app \
                      does not know whether it happened.",
            hint: "Try again: the app checks what exists first and will not create anything twice.",
        },
        /// Scaleway answered something the app does not understand.
        ScalewayUnexpected {
            kind: RemoteRefused,
            message: "Scaleway answered in a way the app did not expect.",
            hint: "Try again. If it keeps happening, report it with the request id.",
        },
        /// No candidate SCIM Base URL answered; the admin must paste it from the console.
        ScimBaseUrlNotFound {
            kind: NeedsAdmin,
            message: "The app could not work out your Scaleway SCIM Base URL by itself.",
            hint: "Your token is saved. Open the Scaleway console (Organization security → \
                   Automatic user provisioning), copy the Base URL shown there and paste it here.",
        },
        /// The SCIM endpoint refused the token.
        ScimTokenRefused {
            kind: RemoteRefused,
            message: "Scaleway's SCIM service refused this token.",
            hint: "The token may have been deleted or may have expired: create a new one, or paste \
                   a current one.",
        },
        /// A minted token was lost before it could be saved (a crash at the worst moment).
        ScimTokenLost {
            kind: NeedsAdmin,
            message: "A SCIM token was created, but the app stopped before it could save it, and \
                      Scaleway never shows a token twice.",
            hint: "Delete the unusable token from the list, then create a new one.",
        },
        /// Another token was given while this setup holds one it created: refused, so the first is
        /// never left in Scaleway untracked.
        TokenAlreadyCreated {
            kind: NeedsAdmin,
            message: "This setup already created a SCIM token. Using another one now would leave \
                      that one in Scaleway, where undoing the setup could no longer remove it.",
            hint: "Go on with the token this setup created, or undo the setup first (it deletes \
                   that token), then give yours.",
        },
        /// The SCIM token is held only in this app's memory, and what was asked would drop it: the
        /// admin must say so first (after copying it, or choosing to lose it).
        UnsavedTokenAtRisk {
            kind: NeedsAdmin,
            message: "The SCIM token is kept only in this app's memory, and this would drop it. \
                      Scaleway never shows a token twice: without it you would have to create a \
                      new one.",
            hint: "Copy the token first (or save it in the keychain), then do this again and \
                   confirm.",
        },
        /// Not signed in to Microsoft Entra ID, or the saved sign-in expired: sign in again.
        EntraSignInRequired {
            kind: NeedsAdmin,
            message: "Your Microsoft sign-in has expired or must be renewed.",
            hint: "Sign in to Microsoft again, then continue: what was done so far is kept.",
        },
        /// The wizard's Graph permissions were not granted (consent declined or admin consent needed).
        EntraConsentRequired {
            kind: NeedsAdmin,
            message: "The wizard was not granted the Microsoft Graph permissions it needs. Nothing \
                      was changed in Entra.",
            hint: "Ask an administrator to grant consent, then sign in again.",
        },
        /// This computer already keeps a setup of that Scaleway Organization (one per
        /// Organization: its SCIM token has one keychain entry).
        OrganizationHasSetup {
            kind: BadUsage,
            message: "This computer already has a setup for this Scaleway Organization.",
            hint: "Open it from the welcome screen, which lists this computer's setups, instead of starting a new one.",
        },
        /// Reading Entra's provisioning logs needs `AuditLog.Read.All`, which the sign-in did not
        /// ask for (it is asked for only when the admin opens the logs) or was not granted.
        AuditLogConsentNeeded {
            kind: NeedsAdmin,
            message: "Reading the provisioning logs needs one more Microsoft permission (AuditLog.Read.All), which this sign-in does not have.",
            hint: "Sign in to Microsoft again and accept it. If it is refused, ask an administrator to grant it (a Reports Reader or Security Reader role is enough to read the logs).",
        },
        /// The signed-in Entra account lacks a role that can create and provision the app.
        EntraMissingRole {
            kind: NeedsAdmin,
            message: "Your Entra account does not have a role that can create and provision the \
                      app.",
            hint: "Ask a Global Administrator to give you the Application Administrator or Cloud \
                   Application Administrator role, then sign in again.",
        },
        /// Microsoft's sign-in service refused or failed (the message says why).
        EntraSignInFailed {
            kind: RemoteRefused,
            message: "Signing in to Microsoft did not succeed.",
            hint: "Try signing in again. If it keeps failing, ask your Microsoft administrator.",
        },
        /// Microsoft Graph refused a call with 403 after the replication window.
        GraphForbidden {
            kind: NeedsAdmin,
            message: "Microsoft Entra refused this change for your account.",
            hint: "Ask a Global Administrator to give you the Application Administrator or Cloud \
                   Application Administrator role (or to grant consent), sign in again, then \
                   continue.",
        },
        /// Microsoft Graph kept throttling after the retries.
        GraphThrottled {
            kind: RemoteRefused,
            message: "Microsoft Graph asked the app to slow down, and kept doing so.",
            hint: "Wait a minute, then try again: nothing is lost.",
        },
        /// Microsoft Graph (or the sign-in service) could not be reached or had a server error.
        GraphUnavailable {
            kind: RemoteRefused,
            message: "Microsoft Entra could not be reached or had a problem.",
            hint: "Check your internet connection and try again in a moment. Nothing was lost.",
        },
        /// Test connection: Scaleway refused the token or the Base URL (Scaleway's message included).
        GraphCredentialsRejected {
            kind: RemoteRefused,
            message: "Scaleway refused the token.",
            hint: "Nothing was saved in Entra. Check that the token is current (create a new one if \
                   it was deleted or expired) and that the Base URL is the one shown in the \
                   Scaleway console.",
        },
        /// The new Entra application did not become visible within the replication window.
        GraphReplicationTimeout {
            kind: RemoteRefused,
            message: "The new application did not appear in Microsoft Entra in time (Entra can be \
                      slow to spread new objects).",
            hint: "Try again in a few minutes: the app reuses what was already created.",
        },
        /// A Graph create got no answer and the object could not be found afterwards.
        GraphOutcomeUnknown {
            kind: RemoteRefused,
            message: "The connection to Microsoft broke while something was being created, and the \
                      app could not find it afterwards.",
            hint: "Try again in a minute: the app looks for it first and will not create a second \
                   one.",
        },
        /// An Entra object the setup relies on is gone (deleted outside the wizard).
        GraphNotFound {
            kind: RemoteRefused,
            message: "Something the setup relies on is gone from Entra (it may have been deleted in \
                      the admin center).",
            hint: "Run the setup again: it checks what exists and creates only what is missing.",
        },
        /// Microsoft Graph rejected a request (400/409) for a reason the admin can act on.
        GraphRejected {
            kind: RemoteRefused,
            message: "Microsoft Entra refused the request.",
            hint: "Check the message; if it does not help, try again in a minute or report it with \
                   the reference.",
        },
        /// Microsoft Graph answered something the app does not understand.
        GraphUnexpected {
            kind: RemoteRefused,
            message: "Microsoft Graph answered in a way the app did not expect.",
            hint: "Try again. If it keeps happening, report it with the reference.",
        },
        /// The attribute mappings could not be edited, or did not read back as written.
        MappingsNotApplied {
            kind: RemoteRefused,
            message: "Entra did not keep the attribute mappings as the app wrote them.",
            hint: "Try again; if it keeps happening, edit the mappings by hand in the Entra admin \
                   center as Scaleway's guide shows.",
        },
        /// A user or group named for assignment does not exist in the tenant.
        PrincipalNotFound {
            kind: BadUsage,
            message: "A user or group named for assignment was not found in your Entra directory.",
            hint: "Check the spelling (users by sign-in name such as jane@contoso.com, groups by \
                   their exact name), or pick them from the list.",
        },
        /// Two or more people in scope would get the same Scaleway username (named in the message).
        UsernameCollision {
            kind: NeedsAdmin,
            message: "Two or more people would get the same username in Scaleway, so one would \
                      take over the other's account.",
            hint: "Keep the domain in usernames for everyone (jane@contoso.com instead of jane), or \
                   leave out the people who collide.",
        },
        /// The provisioning job is in quarantine (the reason is in the message).
        ProvisioningQuarantined {
            kind: NeedsAdmin,
            message: "Entra stopped provisioning to Scaleway (quarantine) after repeated errors.",
            hint: "Fix the cause (rotate the token, or check the Base URL), then start provisioning \
                   again: starting clears the quarantine.",
        },
        /// Provisioning the test user failed (Entra's or Scaleway's message included).
        ProvisioningFailed {
            kind: RemoteRefused,
            message: "Entra could not create the test user in Scaleway.",
            hint: "Check the message above; the connection and mappings are saved, so you can fix \
                   the cause and press Check again.",
        },
        /// The test user did not appear in Scaleway within the time allowed.
        ProofUserNotFound {
            kind: RemoteRefused,
            message: "The test user did not appear in Scaleway within the time allowed.",
            hint: "Provisioning can take a while on the first run. Check again in a few minutes; if \
                   the user is still missing, look at the provisioning logs in the Entra admin \
                   center.",
        },
        /// The operation was cancelled between two steps; run it again to resume.
        Cancelled {
            kind: Interrupted,
            message: "Stopped, as you asked. What was done so far is kept.",
            hint: "Run the setup again to continue where it stopped; nothing will be created twice.",
        },
        /// A destructive operation (rollback) was asked for without the admin's confirmation.
        ConfirmationRequired {
            kind: NeedsAdmin,
            message: "Undoing the setup deletes what it created, so it needs your confirmation.",
            hint: "Review the list of what will be removed, then confirm.",
        },
        /// The first change in Microsoft Entra waits until the admin has confirmed the tenant and
        /// the account on screen (or confirmed another one than the one signed in).
        TenantNotConfirmed {
            kind: NeedsAdmin,
            message: "Nothing was changed in Microsoft Entra: the tenant and the account signed in \
                      to it were not confirmed yet.",
            hint: "Check the account and tenant shown, then confirm them.",
        },
        /// The admin gave only a SCIM token, and this needs a Scaleway API key (create, list or
        /// delete tokens, disable SCIM).
        ScalewayKeyNeeded {
            kind: NeedsAdmin,
            message: "This needs a Scaleway API key, and the app was given only a SCIM token.",
            hint: "Do it in the Scaleway console (Organization security → Automatic user \
                   provisioning), or connect with a Scaleway API key of the Organization Owner or \
                   with the IAMManager permission set.",
        },
    }
}

/// What crosses IPC when a command fails: `{ code, message, hint, retryable }`.
///
/// `message` and `hint` are written for a non-technical admin and never contain a secret or a
/// raw HTTP body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[error("{message}")]
pub struct UiError {
    pub code: ErrorCode,
    pub message: String,
    pub hint: String,
    pub retryable: bool,
}

impl UiError {
    pub fn new(
        code: ErrorCode,
        message: impl Into<String>,
        hint: impl Into<String>,
        retryable: bool,
    ) -> Self {
        Self {
            code,
            message: message.into(),
            hint: hint.into(),
            retryable,
        }
    }

    /// The code's own message and hint, for a failure with nothing more specific to say.
    pub fn plain(code: ErrorCode, retryable: bool) -> Self {
        Self::new(code, code.default_message(), code.default_hint(), retryable)
    }

    /// The same error with a more specific message (ids, names, what the service said).
    #[must_use]
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// The same error with a more specific next step.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_as_str_and_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ErrorCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, serde_json::Value::String(code.as_str().to_owned()));
            assert!(seen.insert(code.as_str()), "duplicate {}", code.as_str());
        }
    }

    #[test]
    fn ui_error_json_shape_is_pinned() {
        let error = UiError::new(
            ErrorCode::KeychainLocked,
            "Your keychain is locked.",
            "Unlock it, then try again.",
            true,
        );
        assert_eq!(
            serde_json::to_string(&error).unwrap(),
            r#"{"code":"keychain_locked","message":"Your keychain is locked.","hint":"Unlock it, then try again.","retryable":true}"#
        );
    }

    #[test]
    fn every_code_has_a_default_message_and_hint_in_full_sentences() {
        for code in ErrorCode::ALL {
            for text in [code.default_message(), code.default_hint()] {
                assert!(text.ends_with('.'), "{}: {text:?}", code.as_str());
                assert!(!text.contains("  "), "{}: {text:?}", code.as_str());
            }
        }
        let plain = UiError::plain(ErrorCode::Cancelled, true);
        assert_eq!(plain.message, ErrorCode::Cancelled.default_message());
        assert_eq!(plain.hint, ErrorCode::Cancelled.default_hint());
        assert!(plain.retryable);
    }

    /// The UI's tests read the codes from this file (`ui/src/lib/errors.test.ts`): every code
    /// must have its sentences in the en and fr tables. Rewrite it with
    /// `UPDATE_BINDINGS=1 cargo test -p scim-wizard-setup --lib error::`.
    #[test]
    fn committed_error_codes_json_is_up_to_date() {
        // From the folder Cargo gives the running test, as `src-tauri/tests/ipc_contract.rs`
        // does: a target dir shared between clones can hold this binary built in another one.
        let path = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")))
            .join("../../ui/src/lib/errorCodes.json");
        let fresh = serde_json::to_string_pretty(&ErrorCode::ALL[..]).unwrap() + "\n";
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &fresh).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/lib/errorCodes.json is stale: run \
             `UPDATE_BINDINGS=1 cargo test -p scim-wizard-setup --lib error::` and commit it"
        );
    }
}
