//! Exit codes, documented in `--help` and the README, and how an engine error code gets one: by
//! the kind of failure it is, declared with the code (`crates/setup/src/error.rs`).

use scim_wizard_setup::ErrorCode;
use scim_wizard_setup::error::ErrorKind;

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
/// `status` only: it read everything, and something needs the admin (the SCIM token expires
/// within 30 days, has expired or is refused; the job is quarantined or its last cycle failed).
pub const NEEDS_ATTENTION: u8 = 6;

pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  done
  2  bad usage (a flag or a value is wrong; nothing was changed)
  3  needs admin action (a permission, a consent, a keychain or --yes is missing,
     or two people would get one Scaleway username)
  4  remote refused (Scaleway or Microsoft said no, or could not be reached)
  5  interrupted; run the same command again to resume
  6  status only: something needs you (the SCIM token expires within 30 days
     or is refused, provisioning is quarantined or its last cycle failed)";

/// The exit code of an engine error, from its kind. Exhaustive on purpose: a new [`ErrorKind`]
/// does not compile until it is given one.
pub fn for_error(code: ErrorCode) -> u8 {
    match code.kind() {
        ErrorKind::BadUsage => BAD_USAGE,
        ErrorKind::NeedsAdmin => NEEDS_ADMIN,
        ErrorKind::RemoteRefused => REMOTE_REFUSED,
        ErrorKind::Interrupted => INTERRUPTED,
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

    /// The exit code of every code that existed when each was mapped here by hand: moving one to
    /// another kind changes what scripts see, so it must change here too, on purpose. A new code
    /// takes the exit code of the kind it declares, and needs no line here.
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
            (ErrorCode::UsernameCollision, NEEDS_ADMIN),
            (ErrorCode::ProvisioningQuarantined, NEEDS_ADMIN),
            (ErrorCode::ProvisioningFailed, REMOTE_REFUSED),
            (ErrorCode::ProofUserNotFound, REMOTE_REFUSED),
            (ErrorCode::Cancelled, INTERRUPTED),
            (ErrorCode::ConfirmationRequired, NEEDS_ADMIN),
            (ErrorCode::ScalewayKeyNeeded, NEEDS_ADMIN),
        ];
        for (code, exit) in expected {
            assert_eq!(for_error(*code), *exit, "{}", code.as_str());
        }
    }
}
