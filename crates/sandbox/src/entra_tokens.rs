//! Access tokens shaped like the Microsoft identity platform's: three base64url segments
//! (header.payload.signature) whose payload carries `tid`, `oid`, `upn`, `scp`, `exp` and friends.
//!
//! The login simulator issues them and the Graph simulator checks them. The signature is a keyed
//! SHA-256 over the first two segments with a key derived from the sandbox seed. That is not how
//! Entra signs (RS256 with published keys), and it does not need to be: clients must treat access
//! tokens as opaque except for reading claims, which is exactly what this lets them do, while a
//! tampered or foreign token is still refused here.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The claims the sandbox puts in (and reads back from) an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct AccessClaims {
    /// Audience: Microsoft Graph.
    pub aud: String,
    pub iss: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    /// The client the token was issued to.
    pub appid: String,
    pub tid: String,
    pub oid: String,
    pub upn: String,
    pub name: String,
    /// Granted delegated scopes, space-separated, without the resource prefix.
    pub scp: String,
    /// Roles claim as Entra sends it for directory roles ("wids": role template ids).
    pub wids: Vec<String>,
}

impl AccessClaims {
    pub(crate) fn has_scope(&self, scope: &str) -> bool {
        self.scp
            .split(' ')
            .any(|granted| granted.eq_ignore_ascii_case(scope))
    }
}

/// Why a bearer token was refused (the Graph simulator maps this to its 401 bodies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenRejection {
    Malformed,
    BadSignature,
    Expired,
    NotYetValid,
}

pub(crate) const GRAPH_AUDIENCE: &str = "https://graph.microsoft.com";

fn signing_key(seed: u64) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"scim-wizard-sandbox access token key");
    hasher.update(seed.to_le_bytes());
    hasher.finalize().into()
}

fn signature(seed: u64, signing_input: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(signing_key(seed));
    hasher.update(signing_input.as_bytes());
    URL_SAFE_NO_PAD.encode(hasher.finalize())
}

/// Encodes and signs `claims` as a JWT-shaped string.
pub(crate) fn issue(seed: u64, claims: &AccessClaims) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"HS256","kid":"sandbox"}"#);
    // Serialising a struct of strings and numbers cannot fail.
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
    let signing_input = format!("{header}.{payload}");
    let signature = signature(seed, &signing_input);
    format!("{signing_input}.{signature}")
}

/// Checks the signature and the time window, and returns the claims.
pub(crate) fn verify(
    seed: u64,
    token: &str,
    now: DateTime<Utc>,
) -> Result<AccessClaims, TokenRejection> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(given), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenRejection::Malformed);
    };
    let expected = signature(seed, &format!("{header}.{payload}"));
    if expected.as_bytes() != given.as_bytes() {
        return Err(TokenRejection::BadSignature);
    }
    let claims: AccessClaims = URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or(TokenRejection::Malformed)?;
    let now = now.timestamp();
    if now >= claims.exp {
        return Err(TokenRejection::Expired);
    }
    if now < claims.nbf {
        return Err(TokenRejection::NotYetValid);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> AccessClaims {
        AccessClaims {
            aud: GRAPH_AUDIENCE.into(),
            iss: "https://login.microsoftonline.com/t/v2.0".into(),
            iat: 100,
            nbf: 100,
            exp,
            appid: "client".into(),
            tid: "t".into(),
            oid: "o".into(),
            upn: "a@b".into(),
            name: "A".into(),
            scp: "User.Read Synchronization.ReadWrite.All".into(),
            wids: vec![],
        }
    }

    #[test]
    fn issued_tokens_verify_and_carry_their_claims() {
        let token = issue(7, &claims(10_000));
        let now = DateTime::from_timestamp(500, 0).unwrap();
        let read = verify(7, &token, now).unwrap();
        assert!(read.has_scope("synchronization.readwrite.all"));
        assert_eq!(read.tid, "t");
    }

    #[test]
    fn tampered_foreign_and_expired_tokens_are_refused() {
        let token = issue(7, &claims(10_000));
        let now = DateTime::from_timestamp(500, 0).unwrap();
        assert_eq!(verify(8, &token, now), Err(TokenRejection::BadSignature));
        let mut tampered = token.clone();
        tampered.insert(40, 'x');
        assert!(verify(7, &tampered, now).is_err());
        let late = DateTime::from_timestamp(20_000, 0).unwrap();
        assert_eq!(verify(7, &token, late), Err(TokenRejection::Expired));
        assert_eq!(verify(7, "abc", now), Err(TokenRejection::Malformed));
    }
}
