//! Errors as the admin sees them: a stable code the UI and the CLI branch on, a plain-language
//! message, a next step, and whether trying again may help.

use serde::{Deserialize, Serialize};

/// Stable error codes. They cross IPC, appear in `--json` output and map to CLI exit codes, so a
/// variant is never renamed or reused: add a new one instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A bug on our side; the message says what to report.
    Internal,
    /// Input from the admin did not pass validation.
    InvalidInput,
    /// No OS keychain could be reached (no Secret Service, no keychain daemon).
    KeychainUnavailable,
    /// The keychain exists but is locked, or access to it was refused.
    KeychainLocked,
    /// The keychain answered with an error while reading or writing.
    KeychainFailed,
    /// The practice sandbox could not start.
    SandboxUnavailable,
}

impl ErrorCode {
    /// The code as it appears on the wire (`"keychain_locked"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Internal => "internal",
            Self::InvalidInput => "invalid_input",
            Self::KeychainUnavailable => "keychain_unavailable",
            Self::KeychainLocked => "keychain_locked",
            Self::KeychainFailed => "keychain_failed",
            Self::SandboxUnavailable => "sandbox_unavailable",
        }
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_as_str() {
        for code in [
            ErrorCode::Internal,
            ErrorCode::InvalidInput,
            ErrorCode::KeychainUnavailable,
            ErrorCode::KeychainLocked,
            ErrorCode::KeychainFailed,
            ErrorCode::SandboxUnavailable,
        ] {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, serde_json::Value::String(code.as_str().to_owned()));
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
}
