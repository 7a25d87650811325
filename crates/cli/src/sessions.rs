//! "Both signed in": the Scaleway key checked and the Microsoft sign-in done (or resumed from the
//! keychain), side by side, before the engine runs.

use std::sync::Arc;
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use scim_wizard_entra::auth::{
    DeviceCodeSignIn, InteractiveSignIn, MemoryRefreshTokenStore, RefreshTokenStore, Tenant,
    open_in_browser,
};
use scim_wizard_scaleway::credentials::{CredentialsError, import_credentials};
use scim_wizard_setup::journal::{Journal, JournalStore};
use scim_wizard_setup::scaleway_step::{
    CredentialInput, Environment, KeychainChoice, ScalewaySettings, ScalewaySide, TokenOnlySession,
};
use scim_wizard_setup::session::{
    KeySource, ScalewayOpening, open_scaleway, remembered_key, resume_entra,
};
use scim_wizard_setup::setups::Setups;
use scim_wizard_setup::{
    CancellationToken, EntraSession, EntraSettings, KeychainRefreshTokenStore, Secret, SetupError,
    Vault,
};
use serde_json::json;

use crate::args::Common;
use crate::failure::Failure;
use crate::output::Output;

/// What every engine command shares: the flags, the printer, the Ctrl-C token.
#[derive(Debug)]
pub struct Ctx {
    pub common: Common,
    pub out: Arc<Output>,
    pub cancel: CancellationToken,
    /// `plan` and `apply` may start the setup of an Organization this computer has none of; the
    /// other commands work on a setup that exists.
    pub starts_setups: bool,
}

/// Both sides connected.
#[derive(Debug)]
pub struct Sessions {
    /// A key session, or only a SCIM token and its Base URL (given now, or kept from a run that
    /// was given one).
    pub scaleway: ScalewaySide,
    pub entra: EntraSession,
}

/// A SCIM token and Base URL the admin already has (`apply --scim-token-stdin --scim-base-url`):
/// step 1 was done in the Scaleway console, so no Scaleway key is needed.
#[derive(Debug)]
pub struct GivenToken {
    pub token: Secret,
    pub base_url: String,
}

/// Where Microsoft is, from `--cloud` and the overrides. A bad value is a usage error.
pub fn entra_settings(common: &Common) -> Result<EntraSettings, Failure> {
    let mut settings = EntraSettings::for_cloud(common.cloud.into());
    if let Some(login) = &common.login_url {
        settings = settings.with_login_url(login).map_err(Failure::usage)?;
    }
    if let Some(graph) = &common.graph_url {
        settings = settings.with_graph_url(graph).map_err(Failure::usage)?;
    }
    settings.client_id = common.client_id.clone().filter(|c| !c.trim().is_empty());
    settings.tenant = common.tenant.clone().filter(|t| !t.trim().is_empty());
    if let Some(ms) = common.poll_interval_ms {
        settings.poll_interval = Duration::from_millis(ms.max(50));
    }
    // Checked now, so a typo is reported before the browser opens.
    settings.sign_in_config().map_err(Failure::usage)?;
    Ok(settings)
}

/// Where Scaleway is. `pattern`: use `--scim-base-url` as the Base URL pattern (not in the
/// manual path, where it is the pasted token's own Base URL).
pub fn scaleway_settings(common: &Common, pattern: bool) -> Result<ScalewaySettings, Failure> {
    let mut settings = ScalewaySettings {
        remember_key: common.remember,
        ..ScalewaySettings::default()
    };
    if let Some(api) = &common.scaleway_url {
        settings = settings.with_api_base(api).map_err(Failure::usage)?;
    }
    if pattern && let Some(base) = &common.scim_base_url {
        settings = settings
            .with_scim_base_pattern(base)
            .map_err(Failure::usage)?;
    }
    Ok(settings)
}

/// The journal of the setup this command works on: the one of `--scw-organization-id` (or
/// `SCW_DEFAULT_ORGANIZATION_ID`) when it is given (this computer may keep several setups),
/// else the first. Only `plan` and `apply`
/// start a setup for an Organization this computer has none of; the other commands then use the
/// first, whose journal refuses another Organization in words.
pub fn journal_store(ctx: &Ctx) -> Result<JournalStore, Failure> {
    let failed = |e: scim_wizard_setup::journal::JournalError| Failure::Setup(e.into());
    let setups = Setups::default_location().map_err(failed)?;
    let from_environment = std::env::var("SCW_DEFAULT_ORGANIZATION_ID").ok();
    let organization = ctx
        .common
        .scw_organization_id
        .as_deref()
        .or(from_environment.as_deref())
        .map(str::trim)
        .filter(|id| !id.is_empty());
    let chosen = match organization {
        Some(id) if ctx.starts_setups => Some(setups.for_organization(id).map_err(failed)?.1),
        Some(id) => setups.of_organization(id).map(|(_, store)| store),
        None => None,
    };
    match chosen {
        Some(store) => Ok(store),
        None => JournalStore::default_location().map_err(failed),
    }
}

/// The setup's lock for this command's length, so that the desktop app or another
/// `scim-wizard-cli` cannot change the same setup meanwhile. With `--remember`, the choice is
/// recorded for the setup, so a proof or a rollback keeps what it should.
pub fn lock_setup(
    ctx: &Ctx,
    command: &str,
) -> Result<scim_wizard_setup::journal::SetupLock, Failure> {
    let common = &ctx.common;
    let store = journal_store(ctx)?;
    let lock = store
        .lock(&format!("scim-wizard-cli {command}"))
        .map_err(|e| Failure::Setup(e.into()))?;
    if common.remember {
        store
            .record_retention(scim_wizard_setup::CredentialRetention::KeepForLater)
            .map_err(|e| Failure::Setup(e.into()))?;
    }
    Ok(lock)
}

pub fn load_journal(store: &JournalStore) -> Result<Option<Journal>, Failure> {
    store.load().map_err(|e| Failure::Setup(e.into()))
}

/// The OS keychain, unless `--no-keychain`. `Err` keeps why it could not be opened.
async fn open_vault(common: &Common) -> Result<Option<Vault>, SetupError> {
    if common.no_keychain {
        return Ok(None);
    }
    // Connecting to the Secret Service is a blocking D-Bus round trip: off the runtime.
    Vault::open_native_with_service_async(scim_wizard_setup::vault::SERVICE)
        .await
        .map(Some)
        .map_err(SetupError::from)
}

/// The Scaleway key: `SCW_*` variables or the `scw` profile (with the API URL the profile
/// names); failing those, the key remembered in the keychain for the journal's Organization.
/// Never a flag. `Missing` carries the error that says where a key was looked for.
async fn scaleway_key(
    common: &Common,
    environment: &Environment,
    journal: Option<&Journal>,
    vault: Option<&Vault>,
) -> (KeySource, Option<String>) {
    match import_credentials(None, environment, common.scw_profile.as_deref()) {
        Ok(imported) => (
            KeySource::Given(CredentialInput::Typed {
                secret_key: imported.secret_key,
                organization_id: common
                    .scw_organization_id
                    .clone()
                    .or(imported.organization_id),
                access_key: imported.access_key,
            }),
            imported.api_url,
        ),
        Err(error) => {
            let nothing_here = common.scw_profile.is_none()
                && matches!(
                    error,
                    CredentialsError::ConfigNotFound { .. }
                        | CredentialsError::NoConfigLocation
                        | CredentialsError::NoSecretKey { .. }
                );
            let organization = common.scw_organization_id.clone().or_else(|| {
                journal
                    .and_then(|j| j.scaleway.as_ref())
                    .map(|s| s.organization_id.clone())
                    .filter(|id| !id.is_empty())
            });
            // A keychain that fails here is as good as no remembered key: the error said is
            // the one about the missing key, which tells the admin how to give one.
            if nothing_here
                && let (Some(vault), Some(organization_id)) = (vault, organization)
                && let Some(key) = remembered_key(vault, &organization_id).await
            {
                return (
                    KeySource::Remembered {
                        organization_id,
                        key,
                    },
                    None,
                );
            }
            (KeySource::Missing(error.into()), None)
        }
    }
}

/// Connects to Scaleway and signs in to Microsoft at the same time.
///
/// `needs_keychain`: this command may mint a token that must be kept (apply, rotate-token): a
/// keychain that cannot be reached is an error unless `--no-keychain` was given.
///
/// Scaleway's side is, in this order: the token and Base URL given now (`given`); the key from
/// the environment, the `scw` profile or the keychain; and failing a key, the SCIM token this
/// setup already holds in the keychain with its Base URL (a token-only setup, resumed).
pub async fn open(
    ctx: &Ctx,
    scim_base_pattern: bool,
    needs_keychain: bool,
    given: Option<GivenToken>,
) -> Result<Sessions, Failure> {
    let common = &ctx.common;
    let out = &ctx.out;
    let entra = entra_settings(common)?;
    let mut scaleway = scaleway_settings(common, scim_base_pattern)?;
    let journal = journal_store(ctx)?;
    let existing = load_journal(&journal)?;
    let vault = match open_vault(common).await {
        Ok(vault) => vault,
        Err(error) if needs_keychain => {
            let mut ui = error.to_ui();
            ui.hint = format!(
                "{} Or run again with --no-keychain: the SCIM token is then only sent to Entra.",
                ui.hint
            );
            return Err(Failure::Refused(ui));
        }
        Err(error) => {
            out.note(&format!(
                "{} Your Microsoft sign-in will not be kept for the next run.",
                error.to_ui().message
            ));
            None
        }
    };
    let environment = Environment::from_process();
    // A sign-in kept earlier is used either way; a new one is kept only with --remember.
    let store: Arc<dyn RefreshTokenStore> = match &vault {
        Some(vault) if common.remember => Arc::new(KeychainRefreshTokenStore::new(vault.clone())),
        Some(vault) => Arc::new(KeychainRefreshTokenStore::reading_only(vault.clone())),
        None => Arc::new(MemoryRefreshTokenStore::new()),
    };
    // The tenant to resume: the journal's, else --tenant when it is an id.
    let known_tenant = existing
        .as_ref()
        .and_then(|j| j.entra.as_ref())
        .map(|e| e.tenant_id.clone())
        .filter(|t| !t.is_empty())
        .or_else(|| {
            common
                .tenant
                .as_deref()
                .and_then(|t| Tenant::parse(t).ok())
                .filter(Tenant::is_id)
                .map(|t| t.as_str().to_owned())
        });

    let connect = async {
        if let Some(given) = given {
            // No key is read when the token was given: step 1 is done, and a key is not needed.
            let keychain = if vault.is_some() {
                KeychainChoice::Store
            } else {
                KeychainChoice::DoNotStore
            };
            let session = TokenOnlySession::adopt(
                scaleway,
                vault.clone(),
                journal.clone(),
                common.scw_organization_id.as_deref(),
                given.token,
                &given.base_url,
                keychain,
            )
            .await
            .map_err(Failure::Setup)?;
            return Ok((
                format!("using the SCIM token you gave, with {}", session.base_url()),
                ScalewaySide::from(session),
            ));
        }
        let (key, api_url) =
            scaleway_key(common, &environment, existing.as_ref(), vault.as_ref()).await;
        if common.scaleway_url.is_none()
            && let Some(api) = &api_url
        {
            scaleway = scaleway.with_api_base(api).map_err(Failure::usage)?;
        }
        let missing = matches!(key, KeySource::Missing(_));
        let opened = open_scaleway(
            ScalewayOpening {
                settings: scaleway,
                vault: vault.clone(),
                journal: journal.clone(),
                loaded: existing.as_ref(),
                requested_organization: common.scw_organization_id.as_deref(),
                environment: &environment,
                home: None,
            },
            key,
        )
        .await
        .map_err(Failure::Setup)?;
        if opened.key_problem.is_some() {
            out.note(if missing {
                "No Scaleway API key was found: continuing with the SCIM token kept in your keychain (Scaleway-side changes such as deleting tokens need a key)."
            } else {
                "The Scaleway API key remembered in your keychain no longer works: continuing with the SCIM token kept in your keychain (Scaleway-side changes such as deleting tokens need a key)."
            });
        }
        let said = match (&opened.report, opened.side.token_only()) {
            (Some(report), _) => report.summary.clone(),
            (None, Some(session)) => format!(
                "using the SCIM token kept in your keychain, with {}",
                session.base_url()
            ),
            (None, None) => String::new(),
        };
        Ok::<_, Failure>((said, opened.side))
    };
    let sign_in = sign_in(
        &entra,
        known_tenant.as_deref(),
        store,
        common.device_code,
        out,
        &ctx.cancel,
    );
    let both = async { tokio::try_join!(connect, sign_in) };
    let ((scaleway_said, scaleway), entra) = tokio::select! {
        both = both => both?,
        () = ctx.cancel.cancelled() => return Err(Failure::Setup(SetupError::Cancelled)),
    };
    let account = signed_in_account(&entra).await;
    out.event(&json!({
        "event": "ready",
        "organization_id": scaleway.organization_id(),
        "organization_name": scaleway.organization_name(),
        "scaleway_access": scaleway.access(),
        "tenant_id": entra.tenant_id(),
        "account": account,
        "at": Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true),
    }));
    if !out.is_json() {
        out.note(&format!(
            "Scaleway: {scaleway_said}. Microsoft: signed in{} to tenant {}.",
            account
                .as_deref()
                .map(|account| format!(" as {account}"))
                .unwrap_or_default(),
            entra.tenant_id()
        ));
    }
    Ok(Sessions { scaleway, entra })
}

/// Who is signed in to Microsoft, from the access token (no round trip): the UPN, else the name.
pub async fn signed_in_account(entra: &EntraSession) -> Option<String> {
    let claims = entra.token_session().claims().await?;
    claims.username.or(claims.display_name)
}

/// Resumes the saved sign-in of `known_tenant` silently; otherwise (or when Microsoft refuses
/// it: `invalid_grant`) signs in again, in the browser or with a device code.
async fn sign_in(
    settings: &EntraSettings,
    known_tenant: Option<&str>,
    store: Arc<dyn RefreshTokenStore>,
    device_code: bool,
    out: &Output,
    cancel: &CancellationToken,
) -> Result<EntraSession, Failure> {
    if let Some(tenant) = known_tenant
        && let Some(session) = resume_entra(settings.clone(), tenant, Arc::clone(&store))
            .await
            .map_err(Failure::Setup)?
    {
        out.event(&json!({
            "event": "signed_in",
            "method": "saved",
            "tenant_id": session.tenant_id(),
        }));
        return Ok(session);
    }
    let config = settings.sign_in_config().map_err(Failure::usage)?;
    let tokens = if device_code {
        let pending = DeviceCodeSignIn::start(&config)
            .await
            .map_err(|e| Failure::Setup(e.into()))?;
        let challenge = pending.challenge();
        out.event(&json!({
            "event": "sign_in",
            "method": "device_code",
            "verification_uri": challenge.verification_uri.as_str(),
            "user_code": challenge.user_code,
            "expires_in_secs": challenge.expires_in.as_secs(),
        }));
        out.tell(&format!(
            "To sign in to Microsoft, open {} on any device and enter the code {}",
            challenge.verification_uri, challenge.user_code
        ));
        pending.wait(cancel).await
    } else {
        let pending = InteractiveSignIn::start(&config)
            .await
            .map_err(|e| Failure::Setup(e.into()))?;
        let url = pending.authorize_url().clone();
        out.event(&json!({"event": "sign_in", "method": "browser", "url": url.as_str()}));
        let opened = open_in_browser(&url).is_ok();
        out.tell(&format!(
            "{} sign in to Microsoft there. If no browser opened, open this address:\n  {url}\n(On a machine without a browser, use --device-code.)",
            if opened {
                "Your browser is opening:"
            } else {
                "Open your browser and"
            }
        ));
        pending.wait(cancel).await
    }
    .map_err(|e| Failure::Setup(e.into()))?;
    let session =
        EntraSession::establish(settings.clone(), tokens, store).map_err(Failure::Setup)?;
    out.event(&json!({
        "event": "signed_in",
        "method": if device_code { "device_code" } else { "browser" },
        "tenant_id": session.tenant_id(),
    }));
    Ok(session)
}

#[cfg(test)]
mod tests {
    use clap::Parser;
    use scim_wizard_setup::ExposeSecret;

    use super::*;
    use crate::args::{Cli, Command};

    fn common(args: &[&str]) -> Common {
        let cli = Cli::try_parse_from(["scim-wizard-cli", "status"].iter().chain(args)).unwrap();
        let Command::Status { common } = cli.command else {
            panic!("not status");
        };
        common
    }

    /// No `SCW_*` variable and a HOME without a `scw` configuration.
    fn keyless(home: &std::path::Path) -> Environment {
        Environment::from_pairs([("HOME".to_owned(), home.display().to_string())])
    }

    #[tokio::test]
    #[ignore = "needs a Secret Service: run through tests/session.sh"]
    async fn a_remembered_key_is_handed_over_already_read() {
        let service = format!(
            "scim-wizard-cli-test-{}-{}",
            std::process::id(),
            Utc::now().timestamp_nanos_opt().unwrap_or_default()
        );
        let vault = Vault::open_native_with_service(&service)
            .expect("a Secret Service must run: use tests/session.sh");
        let organization_id = "11111111-2222-4333-8444-555555555555";
        let account = scim_wizard_setup::scaleway_step::scaleway_key_account(organization_id);
        vault
            .store(&account, &Secret::from("remembered-key".to_owned()))
            .unwrap();
        let home = tempfile::tempdir().unwrap();
        let mut journal = Journal::new(Utc::now());
        journal.scaleway = Some(scim_wizard_setup::journal::ScalewayRecord {
            organization_id: organization_id.to_owned(),
            ..Default::default()
        });
        let writes = vault.writes();

        // The journal's Organization names the entry; its value comes out with it.
        let key = scaleway_key(
            &common(&[]),
            &keyless(home.path()),
            Some(&journal),
            Some(&vault),
        )
        .await
        .0;
        let KeySource::Remembered {
            organization_id: found,
            key,
        } = key
        else {
            panic!("the remembered key was not used");
        };
        assert_eq!(found, organization_id);
        assert_eq!(key.expose_secret(), "remembered-key");
        assert_eq!(vault.writes(), writes, "reading the key wrote nothing");

        // A key in the environment wins, and the keychain is not needed.
        let environment = Environment::from_pairs([
            ("HOME".to_owned(), home.path().display().to_string()),
            (
                "SCW_SECRET_KEY".to_owned(),
                "6f1d3c3e-1111-4222-8333-444455556666".to_owned(),
            ),
        ]);
        let (key, _) = scaleway_key(&common(&[]), &environment, Some(&journal), Some(&vault)).await;
        assert!(matches!(key, KeySource::Given(_)));

        // Nothing remembered for the Organization asked for: the missing key is the error.
        let other = common(&[
            "--scw-organization-id",
            "99999999-2222-4333-8444-555555555555",
        ]);
        let (key, _) =
            scaleway_key(&other, &keyless(home.path()), Some(&journal), Some(&vault)).await;
        assert!(
            matches!(key, KeySource::Missing(_)),
            "no key for that Organization"
        );
        vault.delete(&account).unwrap();
    }
}
