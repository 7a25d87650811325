//! Microsoft Entra ID for the wizard: signing the admin in (system browser with PKCE on a
//! loopback port, or device code; refresh), and the Microsoft Graph calls that create the
//! enterprise app, configure its SCIM provisioning, edit its attribute mappings and prove it works.
//!
//! Facts behind every call: `docs/services.md`.

pub mod auth;
pub mod cloud;
pub mod graph;
pub mod schema;

pub use cloud::{Cloud, EndpointProblem, Endpoints, check_endpoint, unknown_microsoft_host};
pub use graph::{AccessTokenSource, GraphClient, GraphError, RetryPolicy, RetryWindow};
pub use schema::{MappingOptions, SchemaEdit, SchemaError, edit_schema, verify_schema};
pub use secrecy::{ExposeSecret, SecretString};
