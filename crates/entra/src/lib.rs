//! Microsoft Entra ID for the wizard: signing the admin in (system browser with PKCE on a
//! loopback port, or device code; refresh), and the Microsoft Graph calls that create the
//! enterprise app, configure its SCIM provisioning, edit its attribute mappings and prove it works.
//!
//! Facts behind every call: `reference/entra-graph.md`.

pub mod cloud;

pub use cloud::{Cloud, Endpoints};
pub use secrecy::{ExposeSecret, SecretString};
