//! Scaleway IAM client for the SCIM wizard.
//!
//! - [`ScalewayClient`]: SCIM configuration and tokens, organizations, API keys, users and
//!   applications, over `reqwest` + rustls, with one retry policy ([`RetryPolicy`]);
//! - [`ScalewayError`]: typed errors with stable codes ([`ErrorCode`]) and the request id;
//! - [`credentials`]: import from the `scw` CLI configuration and `SCW_*` variables;
//! - [`ScalewayClient::check_credentials`]: the connection check and SCIM permission preflight;
//! - [`validate`]: pure checks of what the admin types;
//! - [`scim_base`]: the (unverified) SCIM Base URL candidates and their live verification.
//!
//! Facts and their sources: `docs/services.md`.

mod check;
mod client;
mod clock;
pub mod credentials;
mod error;
mod retry;
pub mod scim_base;
mod secret;
mod types;
pub mod validate;

pub use check::{CheckRequest, CheckStep, CredentialCheck, OrganizationSource};
pub use client::{
    ClientOptions, DEFAULT_API_BASE, MAX_PAGE_SIZE, ScalewayClient, default_api_base,
};
pub use clock::ServerClock;
pub use error::{
    AuthDeniedReason, DeniedPermission, ErrorCode, ExceededQuota, InvalidArgument, NetworkFailure,
    ScalewayError,
};
pub use retry::{RetryPolicy, parse_retry_after};
pub use secret::{ExposeSecret, SecretString};
pub use types::{
    ApiKey, ApiKeyBearer, Application, CreatedScimToken, Group, Organization, Scim, ScimEnablement,
    ScimToken, User, UserType,
};
