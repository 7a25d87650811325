//! What needs the admin once a setup is done: a token near its end or refused, SCIM turned
//! off, the app gone, a job Entra stopped or whose last cycle failed. Worked out from what
//! `status` read (pure); the CLI's `status` exits 6 on any of them, so that a scheduled task can
//! alert, and the fronts lead with the first.

use serde::Serialize;

use crate::messages::QuarantineCause;
use crate::report::JobHealth;
use crate::status::TOKEN_EXPIRY_WARNING_DAYS;

/// One thing that needs the admin, most urgent first in [`attention`]'s list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Attention {
    /// Scaleway refuses the token Entra holds (deleted, or expired): provisioning has stopped.
    TokenRefused,
    /// The token in use has expired: provisioning has stopped.
    TokenExpired,
    /// The token in use expires within 30 days; renewing it now keeps provisioning going.
    TokenExpiresSoon {
        // Far below 2^53: a plain number in TypeScript is exact.
        #[cfg_attr(feature = "specta", specta(type = f64))]
        days: i64,
    },
    /// SCIM is off on the Scaleway Organization.
    ScimDisabled,
    /// The enterprise application the setup made is gone from Entra.
    AppMissing,
    /// Entra stopped the job (quarantine), for this cause.
    Quarantined { cause: QuarantineCause },
    /// The job's last cycle failed.
    LastCycleFailed,
}

impl Attention {
    /// The English sentence (the CLI), with what to do.
    pub fn english(self) -> String {
        match self {
            Self::TokenRefused => "Scaleway refuses the SCIM token Entra uses (it was deleted, or it expired): renew the token (scim-wizard-cli rotate-token).".to_owned(),
            Self::TokenExpired => "The SCIM token Entra uses has expired, so provisioning has stopped: renew it (scim-wizard-cli rotate-token).".to_owned(),
            Self::TokenExpiresSoon { days } => format!(
                "The SCIM token Entra uses expires in {days} day(s): renew it before then (scim-wizard-cli rotate-token)."
            ),
            Self::ScimDisabled => "SCIM is turned off on the Scaleway Organization: run the setup again (scim-wizard-cli apply).".to_owned(),
            Self::AppMissing => "The enterprise application this setup made is gone from Entra: run the setup again (scim-wizard-cli apply).".to_owned(),
            Self::Quarantined { cause } => cause.english(None),
            Self::LastCycleFailed => "Entra's last provisioning cycle failed: see the recent errors in the Entra admin center (Provisioning logs).".to_owned(),
        }
    }
}

/// What `status` read, as far as health goes.
pub(crate) struct Observed<'a> {
    /// Whether this computer holds a setup (a token or an app recorded): without one, nothing
    /// is the admin's to fix.
    pub(crate) setup_exists: bool,
    /// Days until the token in use expires (negative once expired), when known.
    pub(crate) token_days: Option<i64>,
    /// With a token only: whether Scaleway took it.
    pub(crate) token_works: Option<bool>,
    pub(crate) scim_enabled: bool,
    /// Whether the setup made an app that is gone.
    pub(crate) app_missing: bool,
    pub(crate) job: Option<&'a JobHealth>,
}

/// What needs the admin, most urgent first: a stopped provisioning before one that will stop.
pub(crate) fn attention(observed: &Observed<'_>) -> Vec<Attention> {
    let mut found = Vec::new();
    if !observed.setup_exists {
        return found;
    }
    if observed.token_works == Some(false) {
        found.push(Attention::TokenRefused);
    }
    match observed.token_days {
        Some(days) if days < 0 => found.push(Attention::TokenExpired),
        Some(days) if days < TOKEN_EXPIRY_WARNING_DAYS => {
            found.push(Attention::TokenExpiresSoon { days });
        }
        _ => {}
    }
    if !observed.scim_enabled && observed.token_works.is_none() {
        found.push(Attention::ScimDisabled);
    }
    if observed.app_missing {
        found.push(Attention::AppMissing);
    }
    if let Some(job) = observed.job {
        if let Some(quarantine) = &job.quarantine {
            found.push(Attention::Quarantined {
                cause: quarantine.cause,
            });
        } else if job
            .last_cycle
            .as_ref()
            .and_then(|cycle| cycle.state.as_deref())
            .is_some_and(|state| state.eq_ignore_ascii_case("Failed"))
        {
            found.push(Attention::LastCycleFailed);
        }
    }
    // Refused and expired say the same stop: the refusal is enough.
    if found.contains(&Attention::TokenRefused) {
        found.retain(|a| *a != Attention::TokenExpired);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::JobCondition;
    use crate::report::{CycleSummary, QuarantineExplained};

    fn healthy() -> Observed<'static> {
        Observed {
            setup_exists: true,
            token_days: Some(200),
            token_works: None,
            scim_enabled: true,
            app_missing: false,
            job: None,
        }
    }

    #[test]
    fn a_healthy_setup_needs_nothing() {
        assert_eq!(attention(&healthy()), Vec::new());
    }

    #[test]
    fn without_a_setup_nothing_needs_the_admin() {
        let found = attention(&Observed {
            setup_exists: false,
            scim_enabled: false,
            ..healthy()
        });
        assert_eq!(found, Vec::new());
    }

    #[test]
    fn the_token_is_said_from_thirty_days_before_it_expires() {
        let at = |days| {
            attention(&Observed {
                token_days: Some(days),
                ..healthy()
            })
        };
        assert_eq!(at(30), Vec::new());
        assert_eq!(at(29), vec![Attention::TokenExpiresSoon { days: 29 }]);
        assert_eq!(at(0), vec![Attention::TokenExpiresSoon { days: 0 }]);
        assert_eq!(at(-1), vec![Attention::TokenExpired]);
    }

    #[test]
    fn a_quarantine_is_said_with_its_cause_and_a_failed_cycle_otherwise() {
        let job = |quarantine: Option<QuarantineExplained>, state: &str| JobHealth {
            job_id: "scim.1".into(),
            status_code: "Active".into(),
            schedule_state: Some("Active".into()),
            healthy: false,
            steady_state_reached: false,
            last_cycle: Some(CycleSummary {
                state: Some(state.into()),
                began: None,
                ended: None,
                exported: None,
                failed: None,
                error: None,
            }),
            quarantine,
            condition: JobCondition::Running,
            users_in_sync: None,
            groups_in_sync: None,
        };
        let quarantined = job(
            Some(QuarantineExplained {
                reason: Some("EncounteredQuarantineException".into()),
                cause: QuarantineCause::ScalewayRefuses,
                service_message: None,
                next_attempt: None,
            }),
            "Failed",
        );
        let failed = job(None, "Failed");
        let fine = job(None, "Succeeded");
        let with = |job| {
            attention(&Observed {
                job: Some(job),
                ..healthy()
            })
        };
        assert_eq!(
            with(&quarantined),
            vec![Attention::Quarantined {
                cause: QuarantineCause::ScalewayRefuses
            }]
        );
        assert_eq!(with(&failed), vec![Attention::LastCycleFailed]);
        assert_eq!(with(&fine), Vec::new());
    }

    #[test]
    fn a_refused_token_comes_first_and_once() {
        let found = attention(&Observed {
            setup_exists: true,
            token_days: Some(-3),
            token_works: Some(false),
            scim_enabled: false,
            app_missing: true,
            job: None,
        });
        assert_eq!(found, vec![Attention::TokenRefused, Attention::AppMissing]);
    }
}
