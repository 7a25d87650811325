//! Exit codes, documented in `--help` and the README, and the one place every engine error code
//! is mapped to one of them.

use scim_wizard_setup::ErrorCode;

/// Everything asked for is done.
pub const DONE: u8 = 0;
/// A flag or a value is wrong (clap's own errors exit with 2 too); nothing was changed.
pub const BAD_USAGE: u8 = 2;
/// The admin must do something first: a permission, a consent, a keychain, a confirmation.
pub const NEEDS_ADMIN: u8 = 3;
/// Scaleway or Microsoft refused, failed or could not be reached.
pub const REMOTE_REFUSED: u8 = 4;
/// Interrupted (Ctrl-C, SIGTERM): run the same command again to resume.
pub const INTERRUPTED: u8 = 5;

pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  done
  2  bad usage (a flag or a value is wrong; nothing was changed)
  3  needs admin action (a permission, a consent, a keychain or --yes is missing)
  4  remote refused (Scaleway or Microsoft said no, or could not be reached)
  5  interrupted; run the same command again to resume";

/// The exit code of an engine error. Exhaustive on purpose: a new [`ErrorCode`] does not compile
/// until it is given one.
pub fn for_error(code: ErrorCode) -> u8 {
    use ErrorCode as C;
    match code {
        // Something the admin typed (or left out) is wrong.
        C::InvalidInput
        | C::ScalewayCredentialsNotFound
        | C::ScalewayCredentialsInvalid
        | C::ScalewayProfileUnknown
        | C::ScalewayOrganizationNotFound
        | C::JournalMismatch
        | C::PrincipalNotFound => BAD_USAGE,

        // Only the admin can unblock it: rights, consent, keychain, a token to delete, a URL to
        // paste, a sign-in, a confirmation, a quarantine to look at.
        C::NotReady
        | C::KeychainUnavailable
        | C::KeychainLocked
        | C::KeychainFailed
        | C::JournalFailed
        | C::SetupInUse
        | C::ScalewayKeyRefused
        | C::ScalewayKeyExpired
        | C::ScalewayPermissionDenied
        | C::ScalewayTokenLimit
        | C::ScimBaseUrlNotFound
        | C::ScimTokenLost
        | C::TokenAlreadyCreated
        | C::UnsavedTokenAtRisk
        | C::TenantNotConfirmed
        | C::EntraSignInRequired
        | C::EntraConsentRequired
        | C::EntraMissingRole
        | C::GraphForbidden
        | C::ProvisioningQuarantined
        | C::ConfirmationRequired
        | C::ScalewayKeyNeeded => NEEDS_ADMIN,

        // A service said no, failed, or answered something unexpected (and our own bugs, which
        // the message asks to report).
        C::Internal
        | C::SandboxUnavailable
        | C::ScalewayRateLimited
        | C::ScalewayUnavailable
        | C::ScalewayOutcomeUnknown
        | C::ScalewayUnexpected
        | C::ScimTokenRefused
        | C::EntraSignInFailed
        | C::GraphThrottled
        | C::GraphUnavailable
        | C::GraphCredentialsRejected
        | C::GraphReplicationTimeout
        | C::GraphOutcomeUnknown
        | C::GraphNotFound
        | C::GraphRejected
        | C::GraphUnexpected
        | C::MappingsNotApplied
        | C::ProvisioningFailed
        | C::ProofUserNotFound => REMOTE_REFUSED,

        C::Cancelled => INTERRUPTED,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_code_has_a_documented_exit_code() {
        for code in ErrorCode::ALL {
            let exit = for_error(code);
            assert!(
                [BAD_USAGE, NEEDS_ADMIN, REMOTE_REFUSED, INTERRUPTED].contains(&exit),
                "{} → {exit}",
                code.as_str()
            );
            assert!(
                EXIT_CODES_HELP.contains(&format!("  {exit}  ")),
                "{exit} is not documented"
            );
        }
    }

    #[test]
    fn the_mapping_is_pinned() {
        let expected: &[(ErrorCode, u8)] = &[
            (ErrorCode::Internal, REMOTE_REFUSED),
            (ErrorCode::InvalidInput, BAD_USAGE),
            (ErrorCode::NotReady, NEEDS_ADMIN),
            (ErrorCode::KeychainUnavailable, NEEDS_ADMIN),
            (ErrorCode::KeychainLocked, NEEDS_ADMIN),
            (ErrorCode::KeychainFailed, NEEDS_ADMIN),
            (ErrorCode::SandboxUnavailable, REMOTE_REFUSED),
            (ErrorCode::JournalFailed, NEEDS_ADMIN),
            (ErrorCode::JournalMismatch, BAD_USAGE),
            (ErrorCode::SetupInUse, NEEDS_ADMIN),
            (ErrorCode::ScalewayCredentialsNotFound, BAD_USAGE),
            (ErrorCode::ScalewayCredentialsInvalid, BAD_USAGE),
            (ErrorCode::ScalewayProfileUnknown, BAD_USAGE),
            (ErrorCode::ScalewayKeyRefused, NEEDS_ADMIN),
            (ErrorCode::ScalewayKeyExpired, NEEDS_ADMIN),
            (ErrorCode::ScalewayPermissionDenied, NEEDS_ADMIN),
            (ErrorCode::ScalewayOrganizationNotFound, BAD_USAGE),
            (ErrorCode::ScalewayTokenLimit, NEEDS_ADMIN),
            (ErrorCode::ScalewayRateLimited, REMOTE_REFUSED),
            (ErrorCode::ScalewayUnavailable, REMOTE_REFUSED),
            (ErrorCode::ScalewayOutcomeUnknown, REMOTE_REFUSED),
            (ErrorCode::ScalewayUnexpected, REMOTE_REFUSED),
            (ErrorCode::ScimBaseUrlNotFound, NEEDS_ADMIN),
            (ErrorCode::ScimTokenRefused, REMOTE_REFUSED),
            (ErrorCode::ScimTokenLost, NEEDS_ADMIN),
            (ErrorCode::TokenAlreadyCreated, NEEDS_ADMIN),
            (ErrorCode::UnsavedTokenAtRisk, NEEDS_ADMIN),
            (ErrorCode::TenantNotConfirmed, NEEDS_ADMIN),
            (ErrorCode::EntraSignInRequired, NEEDS_ADMIN),
            (ErrorCode::EntraConsentRequired, NEEDS_ADMIN),
            (ErrorCode::EntraMissingRole, NEEDS_ADMIN),
            (ErrorCode::EntraSignInFailed, REMOTE_REFUSED),
            (ErrorCode::GraphForbidden, NEEDS_ADMIN),
            (ErrorCode::GraphThrottled, REMOTE_REFUSED),
            (ErrorCode::GraphUnavailable, REMOTE_REFUSED),
            (ErrorCode::GraphCredentialsRejected, REMOTE_REFUSED),
            (ErrorCode::GraphReplicationTimeout, REMOTE_REFUSED),
            (ErrorCode::GraphOutcomeUnknown, REMOTE_REFUSED),
            (ErrorCode::GraphNotFound, REMOTE_REFUSED),
            (ErrorCode::GraphRejected, REMOTE_REFUSED),
            (ErrorCode::GraphUnexpected, REMOTE_REFUSED),
            (ErrorCode::MappingsNotApplied, REMOTE_REFUSED),
            (ErrorCode::PrincipalNotFound, BAD_USAGE),
            (ErrorCode::ProvisioningQuarantined, NEEDS_ADMIN),
            (ErrorCode::ProvisioningFailed, REMOTE_REFUSED),
            (ErrorCode::ProofUserNotFound, REMOTE_REFUSED),
            (ErrorCode::Cancelled, INTERRUPTED),
            (ErrorCode::ConfirmationRequired, NEEDS_ADMIN),
            (ErrorCode::ScalewayKeyNeeded, NEEDS_ADMIN),
        ];
        assert_eq!(
            expected.len(),
            ErrorCode::ALL.len(),
            "a code is missing here"
        );
        for code in ErrorCode::ALL {
            let pinned = expected
                .iter()
                .find(|(c, _)| *c == code)
                .unwrap_or_else(|| panic!("{} is not pinned", code.as_str()));
            assert_eq!(for_error(code), pinned.1, "{}", code.as_str());
        }
    }
}
