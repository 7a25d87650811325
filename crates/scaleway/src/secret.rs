//! A minimal secret string for this crate: the Scaleway secret key and SCIM bearer tokens.
//!
//! The engine crate will own the project-wide secret type; this module is kept small and on its
//! own so that swapping it is a one-file change. What matters is what the type refuses to do:
//! it has no `Display`, no `Serialize`, a redacted `Debug`, and its buffer is zeroized on drop.

use std::fmt;

use zeroize::Zeroizing;

/// A string that must never be logged, displayed or serialized.
///
/// Read it only through [`SecretString::expose`], at the point where it goes on the wire.
#[derive(Clone)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Takes ownership of `value` without copying it, so no stray copy is left behind.
    pub fn new(value: String) -> Self {
        Self(Zeroizing::new(value))
    }

    /// The secret itself. Call this only to put it in a request header or hand it to a vault.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }

    /// True when the secret is the empty string (checked before any network call).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let secret = SecretString::new("11111111-2222-3333-4444-555555555555".to_owned());
        let shown = format!("{secret:?}");
        assert!(!shown.contains("1111"));
        assert!(shown.contains("redacted"));
        assert_eq!(secret.expose(), "11111111-2222-3333-4444-555555555555");
    }
}
