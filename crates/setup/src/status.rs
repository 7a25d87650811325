//! Where a finished setup stands, read live: Scaleway's SCIM and its tokens, the Entra app and
//! its job, and what needs the admin. Both fronts read it the same way; the desktop's home
//! screen reads Scaleway's side alone until the admin signs in to Microsoft.

use chrono::{DateTime, Utc};
use scim_wizard_entra::graph::GraphError;
use scim_wizard_scaleway::ScimToken;

use crate::entra_step::EntraSession;
use crate::failure::SetupError;
use crate::health;
use crate::journal::{EntraRecord, JournalStore};
use crate::report::{
    EntraStatus, JobHealth, KeyAction, LastProof, NeedsScalewayKey, ScalewayStatus, SetupStatus,
    TokenStatus,
};
use crate::scaleway_step::{ScalewaySide, TokenSummary};

/// Where the admin revokes tokens or disables SCIM by hand.
pub(crate) const CONSOLE_SCIM_PAGE: &str =
    "the Scaleway console (Organization security → Automatic user provisioning)";

/// Warn when a SCIM token expires within this many days.
pub const TOKEN_EXPIRY_WARNING_DAYS: i64 = 30;

/// What `status` read on Scaleway's side.
enum ScalewayRead {
    Keyed {
        scim: Option<scim_wizard_scaleway::Scim>,
        tokens: Vec<ScimToken>,
        /// Scaleway's clock when it answered.
        now: DateTime<Utc>,
    },
    TokenOnly {
        works: bool,
        /// Scaleway's clock when its SCIM service answered, when it said it.
        now: Option<DateTime<Utc>>,
    },
}

/// `now` is Scaleway's clock (see `ServerClock`): the one that will refuse the token.
pub(crate) fn token_status(token: &ScimToken, ours: bool, now: DateTime<Utc>) -> TokenStatus {
    let days = token.expires_at.map(|at| days_left(at, now));
    let warning = match days {
        Some(days) if days < 0 => Some(format!(
            "The SCIM token {} has expired: rotate it, or provisioning stops.",
            token.id
        )),
        Some(days) if days < TOKEN_EXPIRY_WARNING_DAYS => Some(format!(
            "The SCIM token {} expires in {days} day(s): rotate it soon.",
            token.id
        )),
        _ => None,
    };
    TokenStatus {
        token: TokenSummary {
            id: token.id.clone(),
            created_at: token.created_at,
            expires_at: token.expires_at,
            ours,
        },
        expires_in_days: days,
        warning,
    }
}

/// Whole days until `expires_at`, rounded down: negative from the moment it has expired (a
/// token that expired an hour ago has -1 day left, not 0).
fn days_left(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    expires_at
        .signed_duration_since(now)
        .num_seconds()
        .div_euclid(24 * 3600)
}

/// Both sides, live: SCIM and its tokens (expiry warnings under 30 days), the app, the job's
/// state, its last cycle, and a quarantine explained in plain words.
///
/// With a token only (no API key), Scaleway's side is the token checked against its Base URL,
/// and the token's days left come from the journal, counted on the clock of Scaleway's answer;
/// what needs a key (listing tokens) is said in `needs_scaleway_key`. Without `entra` (the
/// admin has not signed in to Microsoft yet), `entra` is `None` and only Scaleway's side and
/// the journal are read.
pub async fn read_status(
    scaleway: &ScalewaySide,
    entra: Option<&EntraSession>,
    journal: &JournalStore,
) -> Result<SetupStatus, SetupError> {
    let org = scaleway.journal_organization();
    let journal = journal.load()?;
    let scaleway_record = journal.as_ref().and_then(|j| j.scaleway.clone());
    let entra_record = journal.and_then(|j| j.entra).unwrap_or_default();
    let ours = scaleway_record
        .as_ref()
        .and_then(|s| s.token.as_ref())
        .and_then(|t| t.id.clone());

    let (entra_side, scaleway_side) = tokio::join!(
        read_entra(entra, &entra_record),
        read_scaleway(scaleway, org)
    );
    let entra_read = entra_side?;
    let mut warnings = Vec::new();
    let mut needs_scaleway_key = Vec::new();
    let server_now;
    let (scim_enabled, scim_id, tokens, token_works) = match scaleway_side? {
        ScalewayRead::Keyed { scim, tokens, now } => {
            server_now = Some(now);
            let tokens: Vec<TokenStatus> = tokens
                .iter()
                .map(|t| token_status(t, ours.as_deref() == Some(t.id.as_str()), now))
                .collect();
            warnings.extend(tokens.iter().filter_map(|t| t.warning.clone()));
            if scim.is_none() {
                warnings.push("SCIM is not enabled on the Scaleway Organization.".to_owned());
            }
            // The setup's token is gone from Scaleway's list (deleted in the console): Entra's
            // token no longer works, whatever date the journal has for it.
            let ours_gone = scim.is_some()
                && ours
                    .as_deref()
                    .is_some_and(|id| !tokens.iter().any(|t| t.token.id == id));
            let token_works = ours_gone.then_some(false);
            (scim.is_some(), scim.map(|s| s.id), tokens, token_works)
        }
        ScalewayRead::TokenOnly { works, now } => {
            server_now = now;
            if !works {
                warnings.push(format!(
                    "Scaleway's SCIM service refused this setup's SCIM token: it may have been deleted, or it expired. Create a new token in {CONSOLE_SCIM_PAGE} and give it to the app (Entra stops provisioning until then)."
                ));
            }
            needs_scaleway_key.push(NeedsScalewayKey {
                action: KeyAction::ListTokens,
                id: None,
                message: format!(
                    "Without a Scaleway API key the app cannot list your SCIM tokens or see when they expire (a token lasts one year): check them in {CONSOLE_SCIM_PAGE}."
                ),
            });
            (works, None, Vec::new(), Some(works))
        }
    };
    let app_missing = entra_read
        .as_ref()
        .is_some_and(|(exists, _)| entra_record.app.is_some() && !exists);
    if app_missing {
        warnings.push(
            "The enterprise application recorded by the setup no longer exists in Entra."
                .to_owned(),
        );
    }
    let job = entra_read.as_ref().and_then(|(_, job)| job.clone());
    if let Some(quarantine) = job.as_ref().and_then(|job| job.quarantine.as_ref()) {
        warnings.push(quarantine.english());
    }
    let token_in_use = tokens.iter().find(|t| t.token.ours).map(|t| &t.token);
    let journal_token = scaleway_record.as_ref().and_then(|s| s.token.as_ref());
    let token_expires_at = token_in_use
        .and_then(|t| t.expires_at)
        .or_else(|| journal_token?.expires_at);
    let token_created_at = token_in_use
        .and_then(|t| t.created_at)
        .or_else(|| journal_token?.created_at);
    // The token in use: ours in Scaleway's list, else (a token only) as the journal has it.
    let token_expires_in_days = tokens
        .iter()
        .find(|t| t.token.ours)
        .and_then(|t| t.expires_in_days)
        .or_else(|| {
            let expires_at = scaleway_record.as_ref()?.token.as_ref()?.expires_at?;
            let now = server_now.unwrap_or_else(Utc::now);
            Some(days_left(expires_at, now))
        });
    let attention = health::attention(&health::Observed {
        setup_exists: entra_record.app.is_some()
            || scaleway_record.as_ref().is_some_and(|s| s.token.is_some()),
        token_days: token_expires_in_days,
        token_works,
        scim_enabled,
        app_missing,
        job: job.as_ref(),
    });
    let entra = entra
        .zip(entra_read)
        .map(|(session, (app_exists, _))| EntraStatus {
            tenant_id: session.tenant_id().to_owned(),
            app_display_name: entra_record
                .app
                .as_ref()
                .map(|_| entra_record.app_display_name.clone()),
            app_exists,
            service_principal_id: entra_record
                .app
                .as_ref()
                .map(|a| a.service_principal_id.clone()),
            job: job.clone(),
            assignments: entra_record.assignments.len(),
        });
    Ok(SetupStatus {
        token_expires_in_days,
        token_created_at,
        token_expires_at,
        attention,
        last_proof: entra_record.proof.as_ref().map(LastProof::from),
        scaleway: ScalewayStatus {
            organization_id: org.to_owned(),
            access: scaleway.access(),
            scim_enabled,
            scim_id,
            tokens,
            base_url: scaleway_record.and_then(|s| s.base_url),
            token_works,
            needs_scaleway_key,
        },
        entra,
        warnings,
    })
}

/// The app and its job, when signed in: whether the app still exists, and the job's health.
async fn read_entra(
    entra: Option<&EntraSession>,
    record: &EntraRecord,
) -> Result<Option<(bool, Option<JobHealth>)>, SetupError> {
    let Some(entra) = entra else {
        return Ok(None);
    };
    let Some(app) = &record.app else {
        return Ok(Some((false, None)));
    };
    let graph = entra.graph();
    let (sp, job) = tokio::join!(
        graph.get_service_principal(&app.service_principal_id),
        async {
            match &record.job {
                Some(job) => Some(graph.get_job(&app.service_principal_id, &job.id).await),
                None => None,
            }
        }
    );
    let exists = match sp {
        Ok(_) => true,
        Err(GraphError::NotFound { .. }) => false,
        Err(error) => return Err(error.into()),
    };
    let job = match job {
        Some(Ok(job)) => Some(JobHealth::from_job(&job)),
        Some(Err(GraphError::NotFound { .. })) | None => None,
        Some(Err(error)) => return Err(error.into()),
    };
    Ok(Some((exists, job)))
}

async fn read_scaleway(scaleway: &ScalewaySide, org: &str) -> Result<ScalewayRead, SetupError> {
    match scaleway {
        ScalewaySide::Keyed(keyed) => {
            let client = keyed.client();
            let scim = client.get_scim(org).await?;
            let tokens = match &scim {
                Some(scim) => client.list_scim_tokens(&scim.id).await?,
                None => Vec::new(),
            };
            Ok(ScalewayRead::Keyed {
                scim,
                tokens,
                now: client.now(),
            })
        }
        ScalewaySide::TokenOnly(session) => match session.verify().await {
            Ok(verified) => Ok(ScalewayRead::TokenOnly {
                works: true,
                now: verified.server_now,
            }),
            // A refusal is an answer about the token, not a failure of `status`.
            Err(SetupError::BaseUrl(
                scim_wizard_scaleway::scim_base::ScimBaseError::TokenRefused { .. }
                | scim_wizard_scaleway::scim_base::ScimBaseError::Forbidden { .. },
            )) => Ok(ScalewayRead::TokenOnly {
                works: false,
                now: None,
            }),
            Err(error) => Err(error),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(days: i64) -> ScimToken {
        serde_json::from_value(serde_json::json!({
            "id": "t1",
            "scim_id": "s1",
            "created_at": Utc::now().to_rfc3339(),
            "expires_at": (Utc::now() + chrono::Duration::days(days) + chrono::Duration::hours(1)).to_rfc3339(),
        }))
        .unwrap()
    }

    #[test]
    fn tokens_expiring_within_thirty_days_are_flagged() {
        let now = Utc::now();
        assert!(token_status(&token(200), true, now).warning.is_none());
        let soon = token_status(&token(10), true, now);
        assert_eq!(soon.expires_in_days, Some(10));
        assert!(soon.warning.unwrap().contains("expires in 10 day"));
        // Counted on Scaleway's clock: 190 days on, the 200-day token has 10 left.
        let later = now + chrono::Duration::days(190);
        assert_eq!(
            token_status(&token(200), true, later).expires_in_days,
            Some(10)
        );
        // An hour past its end, a token has expired (not "0 days left").
        let just_expired = now + chrono::Duration::days(200) + chrono::Duration::hours(2);
        assert_eq!(
            token_status(&token(200), true, just_expired).expires_in_days,
            Some(-1)
        );
        assert!(
            token_status(&token(-3), false, now)
                .warning
                .unwrap()
                .contains("expired")
        );
    }
}
