//! The one wrapper every secret travels in: the Scaleway secret key, the SCIM bearer token,
//! Entra refresh and access tokens.
//!
//! It is `secrecy::SecretString`: `Debug` prints `[REDACTED]`, it has no `Serialize` (so a secret
//! cannot slip into the journal, an IPC payload or a log line by accident), and its memory is
//! zeroized on drop. Reading it takes an explicit `expose_secret()`, which is easy to audit.
//!
//! ```compile_fail
//! fn needs_serialize<T: serde::Serialize>() {}
//! needs_serialize::<scim_wizard_setup::Secret>();
//! ```
//!
//! ```compile_fail
//! fn needs_display<T: std::fmt::Display>() {}
//! needs_display::<scim_wizard_setup::Secret>();
//! ```

pub use secrecy::{ExposeSecret, SecretString as Secret};

/// Builds a [`Secret`] from a string the caller no longer needs in the clear.
pub fn secret_from(value: String) -> Secret {
    Secret::from(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_value() {
        let secret = secret_from("s3cr3t-value-123".to_owned());
        let shown = format!("{secret:?} {:#?}", secret);
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("REDACTED"), "{shown}");
    }

    #[test]
    fn the_value_is_reachable_only_through_expose_secret() {
        let secret = secret_from("abc".to_owned());
        assert_eq!(secret.expose_secret(), "abc");
    }
}
