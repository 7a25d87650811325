//! Signing the admin in to Microsoft Entra ID (docs/services.md, "Microsoft sign-in").
//!
//! - [`InteractiveSignIn`]: authorization code + PKCE (S256) in the system browser, answered on a
//!   loopback port (`http://localhost:<port>/`). The caller opens the browser.
//! - [`DeviceCodeSignIn`]: the fallback when no browser can come back to this machine.
//! - [`TokenSession`]: the access token in memory, the refresh token in the caller's
//!   [`RefreshTokenStore`] (the OS keychain), silent refresh with rotation, sign-out.
//! - [`preflight`]: does the admin hold a role that can do the setup, and did the token get every
//!   Graph permission; what is missing and who can fix it.
//!
//! Every failure is an [`AuthError`] with a stable [`AuthError::code`]. Tokens, authorization
//! codes and PKCE verifiers never appear in any `Debug`, `Display` or error.
//!
//! Typical use (the desktop app and the CLI alike):
//!
//! ```no_run
//! # async fn demo(store: std::sync::Arc<dyn scim_wizard_entra::auth::RefreshTokenStore>)
//! # -> Result<(), scim_wizard_entra::auth::AuthError> {
//! use scim_wizard_entra::auth::{CancellationToken, InteractiveSignIn, SignInConfig, TokenSession};
//! use scim_wizard_entra::Cloud;
//!
//! let config = SignInConfig::for_cloud(Cloud::Global).with_tenant("")?;
//! let pending = InteractiveSignIn::start(&config).await?;
//! println!("Open {}", pending.authorize_url()); // and/or open it in the browser
//! let tokens = pending.wait(&CancellationToken::new()).await?;
//! let session = TokenSession::establish(&config, tokens, store)?;
//! let report = session.preflight().await?;
//! if !report.ok() { /* show report.missing_roles, report.missing_scopes, report.fixes */ }
//! let token = session.access_token().await?; // for Graph calls; refreshed silently
//! # let _ = token; Ok(()) }
//! ```

mod browser;
mod config;
mod device;
mod error;
mod interactive;
mod loopback;
mod pages;
mod preflight;
mod session;
mod token;

pub use browser::open_in_browser;
pub use config::{
    DEFAULT_CLIENT_ID, GRAPH_CLI_TOOLS_CLIENT_ID, GROUP_PICKER_SCOPE, OIDC_SCOPES,
    ORGANIZATIONS_AUTHORITY, REGISTERED_REDIRECT_URI, SIGN_IN_SCOPES, SignInConfig, Tenant,
    Timeouts,
};
pub use device::{DeviceCodeChallenge, DeviceCodeSignIn, PendingDeviceCode};
pub use error::{AuthError, EntraErrorDetails};
pub use interactive::{InteractiveSignIn, PendingSignIn};
/// The `Content-Security-Policy` of the pages the browser tab shows.
pub use pages::PAGE_CSP;
pub use preflight::{
    APPLICATION_ADMINISTRATOR, AccountInfo, CLOUD_APPLICATION_ADMINISTRATOR, GLOBAL_ADMINISTRATOR,
    OrganizationInfo, PreflightReport, QUALIFYING_ROLES, RoleInfo, admin_consent_url, preflight,
};
pub use session::{
    MemoryRefreshTokenStore, RefreshTokenStore, StoreError, TokenSession, refresh_token_key,
};
pub use token::{AccessToken, TokenClaims, Tokens};
/// The cancel handle of [`PendingSignIn::wait`] and [`PendingDeviceCode::wait`].
pub use tokio_util::sync::CancellationToken;
