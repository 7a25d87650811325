//! What every simulated service shares: the HTTP plumbing in front of them and the test
//! machinery around them.
//!
//! | module | what |
//! |---|---|
//! | `server` | the accept loop on 127.0.0.1, which lets a fault close a connection unanswered |
//! | `gateway` | the middleware of every request (latency, gateway headers, request log) and of every named route (call counts, faults) |
//! | `headers` | request ids, the Scaleway gateway's headers, credential redaction for the log |
//! | `log` | the request log and per-route call counts |
//! | `clock` | the sandbox clock and its time travel |
//! | `faults` | fault plans: the SPEC, the typed builder, the per-route decision, injected answers |
//! | `control` | the sandbox-wide control routes under `/_sandbox` |

pub(crate) mod clock;
pub(crate) mod control;
pub(crate) mod faults;
pub(crate) mod gateway;
pub(crate) mod headers;
pub(crate) mod log;
pub(crate) mod server;

use sha2::{Digest, Sha256};

/// Is `path` the mount point `prefix` or below it (`/scaleway`, `/scaleway/…`, not `/scalewayx`)?
pub(crate) fn is_under(path: &str, prefix: &str) -> bool {
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// A short, non-reversible tag of a secret, for logs and state dumps.
pub(crate) fn fingerprint(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    let hex: String = digest
        .iter()
        .take(4)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("sha256:{hex}")
}
