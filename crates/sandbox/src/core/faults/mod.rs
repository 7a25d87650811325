//! Fault injection: the plan (an ordered list of rules), its two ways in (the text SPEC that
//! `scim-wizard-cli sandbox --faults` and `POST /_sandbox/faults` take, and a typed builder for
//! Rust callers), and the per-route decision the route guard asks for on every named request.
//!
//! See [`FAULT_SPEC_HELP`] for the grammar. Rules are matched against stable route names
//! (see [`route_names`]), which every service declares next to its routes.
//!
//! | module | what |
//! |---|---|
//! | `spec` | the SPEC parser and the canonical `Display` form |
//! | `builder` | [`FaultRule::on`] and [`FaultPlan::with`]: the same plans, typed |
//! | `inject` | the answer an injected `status=` gets, in each service's own error style |

mod builder;
mod inject;
mod spec;

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub use builder::{FaultRuleBuilder, StatusRuleBuilder};
pub(crate) use inject::injected_response;

/// The route names of the Scaleway side: the IAM API (`scaleway.*`) then the SCIM endpoint
/// (`scim.*`). A rule naming a route exactly must use a known name (so a typo is an error
/// instead of a rule that silently never fires); [`route_names`] has every service's.
pub const SCALEWAY_ROUTE_NAMES: &[&str] = &SCALEWAY_SIDE_ROUTE_NAMES;

const SCALEWAY_SIDE_ROUTE_NAMES: [&str;
    crate::scaleway::ROUTE_NAMES.len() + crate::scim::ROUTE_NAMES.len()] =
    concat_names(crate::scaleway::ROUTE_NAMES, crate::scim::ROUTE_NAMES);

/// `first` then `second`, in a constant: each service keeps its own list next to its routes,
/// while [`SCALEWAY_ROUTE_NAMES`] stays one public slice.
const fn concat_names<const N: usize>(
    first: &[&'static str],
    second: &[&'static str],
) -> [&'static str; N] {
    let mut names = [""; N];
    let mut index = 0;
    while index < first.len() {
        names[index] = first[index];
        index += 1;
    }
    let mut offset = 0;
    while offset < second.len() {
        names[index + offset] = second[offset];
        offset += 1;
    }
    names
}

/// Every route name the sandbox serves, across its simulators.
pub fn route_names() -> Vec<&'static str> {
    SCALEWAY_ROUTE_NAMES
        .iter()
        .chain(crate::login::ROUTE_NAMES)
        .chain(crate::graph::ROUTE_NAMES)
        .copied()
        .collect()
}

/// Services whose routes can be named in a glob (`scaleway.*`, `scim.*`, `graph.*`, `login.*`).
const SERVICES: &[&str] = &["scaleway", "scim", "graph", "login"];

/// `--help`-ready description of the fault SPEC grammar.
pub const FAULT_SPEC_HELP: &str = include_str!("spec_help.txt");

/// A fault plan: an ordered list of rules. `FaultPlan::default()` injects nothing.
///
/// Build one from a SPEC (`"scim.*:latency=200".parse()`) or with the typed builder
/// ([`FaultPlan::with`]); both give equal plans. `Display` prints the canonical SPEC, which
/// parses back to the same plan.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FaultPlan {
    rules: Vec<FaultRule>,
}

/// One rule of a [`FaultPlan`]. Start one with [`FaultRule::on`].
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    /// A route name or a glob over route names (`*` matches any run of characters).
    pub route: String,
    pub action: FaultAction,
    pub trigger: FaultTrigger,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FaultAction {
    /// Wait this long before handling the request.
    Latency(Duration),
    /// Answer with this status instead of calling the real handler.
    Status {
        status: u16,
        retry_after_seconds: Option<u64>,
        body: FaultBody,
    },
    /// Close the connection without handling or answering the request.
    Drop,
    /// Handle the request (so its effects happen), then close the connection without answering.
    DropAfterHandling,
}

/// The body of an injected status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultBody {
    /// The service's own JSON error envelope (Scaleway, SCIM, Graph or OAuth style).
    Json,
    /// An HTML error page, as a load balancer or gateway in front of the service would send.
    Html,
    /// No body at all.
    Empty,
}

/// Which of the calls matched by a rule it applies to.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultTrigger {
    Always,
    /// Only the N-th matching call (1-based).
    Nth(u64),
    /// Matching calls numbered `from..=until` (`until` = None: no upper bound).
    Range {
        from: u64,
        until: Option<u64>,
    },
    /// Each matching call with this probability, decided by a seeded RNG.
    Fraction(f64),
}

/// Why a fault SPEC (or a rule given to [`FaultPlan::with`]) is refused; `Display` names the
/// offending part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid fault spec: in `{part}`: {reason}")]
pub struct FaultSpecError {
    /// The piece of the SPEC that is wrong (a whole rule or one parameter).
    pub part: String,
    /// What is wrong with it.
    pub reason: String,
}

impl FaultSpecError {
    fn new(part: &str, reason: impl Into<String>) -> Self {
        FaultSpecError {
            part: part.to_string(),
            reason: reason.into(),
        }
    }
}

impl FaultPlan {
    /// A plan that injects nothing (the same as [`FaultPlan::new`]).
    pub fn none() -> Self {
        FaultPlan::default()
    }

    pub fn rules(&self) -> &[FaultRule] {
        &self.rules
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// Why a route name or glob is refused (shared by the SPEC parser and the builder).
fn validate_route_pattern(route: &str) -> Result<(), String> {
    if route.is_empty() {
        return Err("the route name is empty".into());
    }
    if let Some(bad) = route
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '*')))
    {
        return Err(format!("unexpected character {bad:?} in route `{route}`"));
    }
    if !route.contains('*') {
        return if route_names().contains(&route) {
            Ok(())
        } else {
            Err(format!(
                "unknown route `{route}` (see the list of route names)"
            ))
        };
    }
    let service = route.split('.').next().unwrap_or_default();
    if service.contains('*') || SERVICES.contains(&service) {
        Ok(())
    } else {
        Err(format!(
            "unknown service `{service}` in `{route}` (expected one of {})",
            SERVICES.join(", ")
        ))
    }
}

/// `*` matches any run of characters (including none and including dots).
pub(crate) fn glob_matches(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((prefix, rest)) => {
            let Some(remaining) = name.strip_prefix(prefix) else {
                return false;
            };
            // Try every split point for the star; names are short, so this stays cheap.
            (0..=remaining.len())
                .filter(|&cut| remaining.is_char_boundary(cut))
                .any(|cut| glob_matches(rest, &remaining[cut..]))
        }
    }
}

/// What the route middleware must do with one request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FaultDecision {
    pub(crate) extra_latency: Duration,
    pub(crate) outcome: FaultOutcome,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FaultOutcome {
    Proceed,
    Answer {
        status: u16,
        retry_after_seconds: Option<u64>,
        body: FaultBody,
    },
    Drop,
    DropAfterHandling,
}

/// A plan being applied: per-rule call counters and per-rule seeded RNGs.
#[derive(Debug)]
pub(crate) struct FaultRuntime {
    plan: FaultPlan,
    seed: u64,
    calls_matched: Vec<u64>,
    rngs: Vec<StdRng>,
}

impl FaultRuntime {
    pub(crate) fn new(plan: FaultPlan, seed: u64) -> Self {
        let mut runtime = FaultRuntime {
            plan: FaultPlan::none(),
            seed,
            calls_matched: Vec::new(),
            rngs: Vec::new(),
        };
        runtime.install(plan);
        runtime
    }

    /// Replaces the plan and restarts every counter and RNG, so `nth=1` means "the next call".
    pub(crate) fn install(&mut self, plan: FaultPlan) {
        self.calls_matched = vec![0; plan.rules.len()];
        // One RNG per rule, so whether rule 2 fires never depends on how often rule 1 was consulted.
        self.rngs = (0..plan.rules.len() as u64)
            .map(|index| {
                StdRng::seed_from_u64(self.seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15))
            })
            .collect();
        self.plan = plan;
    }

    pub(crate) fn plan(&self) -> &FaultPlan {
        &self.plan
    }

    pub(crate) fn decide(&mut self, route: &str) -> FaultDecision {
        let mut decision = FaultDecision {
            extra_latency: Duration::ZERO,
            outcome: FaultOutcome::Proceed,
        };
        for (index, rule) in self.plan.rules.iter().enumerate() {
            if !glob_matches(&rule.route, route) {
                continue;
            }
            let (Some(count), Some(rng)) =
                (self.calls_matched.get_mut(index), self.rngs.get_mut(index))
            else {
                continue;
            };
            *count += 1;
            let call_number = *count;
            let fires = match rule.trigger {
                FaultTrigger::Always => true,
                FaultTrigger::Nth(n) => call_number == n,
                FaultTrigger::Range { from, until } => {
                    call_number >= from && until.is_none_or(|until| call_number <= until)
                }
                // Drawn on every matching call, fired or not, so the sequence depends only on
                // the seed and the call number.
                FaultTrigger::Fraction(fraction) => rng.random::<f64>() < fraction,
            };
            if !fires {
                continue;
            }
            let outcome = match &rule.action {
                FaultAction::Latency(latency) => {
                    decision.extra_latency += *latency;
                    continue;
                }
                FaultAction::Status {
                    status,
                    retry_after_seconds,
                    body,
                } => FaultOutcome::Answer {
                    status: *status,
                    retry_after_seconds: *retry_after_seconds,
                    body: *body,
                },
                FaultAction::Drop => FaultOutcome::Drop,
                FaultAction::DropAfterHandling => FaultOutcome::DropAfterHandling,
            };
            if decision.outcome == FaultOutcome::Proceed {
                decision.outcome = outcome;
            }
        }
        decision
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matching() {
        assert!(glob_matches("*", "scim.list_users"));
        assert!(glob_matches("scim.*", "scim.list_users"));
        assert!(!glob_matches("scim.*", "scaleway.get_scim"));
        assert!(glob_matches("*.list_users", "scaleway.list_users"));
        assert!(glob_matches("scaleway.*_scim", "scaleway.get_scim"));
        assert!(!glob_matches("scaleway.get_scim", "scaleway.get_scim_x"));
    }

    #[test]
    fn nth_and_range_triggers_count_matching_calls() {
        let plan: FaultPlan = "scim.*:status=500,from=2,until=3".parse().unwrap();
        let mut runtime = FaultRuntime::new(plan, 7);
        let fired: Vec<bool> = (0..5)
            .map(|_| runtime.decide("scim.get_user").outcome != FaultOutcome::Proceed)
            .collect();
        assert_eq!(fired, [false, true, true, false, false]);
        assert_eq!(
            runtime.decide("scaleway.get_scim").outcome,
            FaultOutcome::Proceed
        );
    }

    #[test]
    fn the_scaleway_side_names_are_the_iam_names_then_the_scim_names() {
        assert_eq!(
            SCALEWAY_ROUTE_NAMES,
            [
                "scaleway.get_scim",
                "scaleway.enable_scim",
                "scaleway.delete_scim",
                "scaleway.list_scim_tokens",
                "scaleway.create_scim_token",
                "scaleway.delete_scim_token",
                "scaleway.get_organization",
                "scaleway.get_api_key",
                "scaleway.get_user",
                "scaleway.get_application",
                "scaleway.list_users",
                "scaleway.list_groups",
                "scaleway.get_group",
                "scim.service_provider_config",
                "scim.list_users",
                "scim.get_user",
                "scim.create_user",
                "scim.patch_user",
                "scim.delete_user",
                "scim.list_groups",
                "scim.get_group",
                "scim.create_group",
                "scim.patch_group",
                "scim.replace_group",
                "scim.delete_group",
            ]
        );
    }
}
