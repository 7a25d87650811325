//! The project's one secret wrapper, `secrecy::SecretString`: redacted `Debug`, no `Display`,
//! no `Serialize`, zeroized on drop. It carries the Scaleway secret key and SCIM bearer tokens;
//! read it only through `expose_secret()`, where it goes on the wire or into the keychain.

pub use secrecy::{ExposeSecret, SecretString};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let secret = SecretString::from("11111111-2222-3333-4444-555555555555".to_owned());
        let shown = format!("{secret:?}");
        assert!(!shown.contains("1111"));
        assert!(shown.to_lowercase().contains("redacted"));
        assert_eq!(
            secret.expose_secret(),
            "11111111-2222-3333-4444-555555555555"
        );
    }
}
