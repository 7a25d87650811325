//! The typed way to write a fault plan, for Rust callers (tests, the desktop app): every rule
//! it builds is one the SPEC can say, and [`FaultPlan::with`] checks it exactly as the SPEC
//! parser would, so a typed plan and the equivalent SPEC string give equal plans.
//!
//! ```
//! use std::time::Duration;
//! use scim_wizard_sandbox::{FaultBody, FaultPlan, FaultRule};
//!
//! # fn main() -> Result<(), scim_wizard_sandbox::FaultSpecError> {
//! let plan = FaultPlan::new()
//!     .with(FaultRule::on("scaleway.create_scim_token").status(503).retry_after(2).nth(1))?
//!     .with(FaultRule::on("scim.*").latency(Duration::from_millis(200)))?
//!     .with(FaultRule::on("scaleway.*").status(502).body(FaultBody::Html).calls(3..=4))?
//!     .with(FaultRule::on("scim.create_user").drop_after_handling().nth(1))?
//!     .with(FaultRule::on("graph.*").drop_connection().fraction(0.1))?;
//! let same: FaultPlan = "scaleway.create_scim_token:status=503,retry_after=2,nth=1;\
//!                        scim.*:latency=200;\
//!                        scaleway.*:status=502,body=html,from=3,until=4;\
//!                        scim.create_user:drop_after,nth=1;\
//!                        graph.*:drop,fraction=0.1"
//!     .parse()?;
//! assert_eq!(plan, same);
//! # Ok(()) }
//! ```

use std::ops::{Bound, RangeBounds};
use std::time::Duration;

use super::spec::{
    CALL_NUMBER, FRACTION_RANGE, LATENCY_UNIT, STATUS_RANGE, UNTIL_BEFORE_FROM, fraction_in_range,
    status_in_range,
};
use super::{
    FaultAction, FaultBody, FaultPlan, FaultRule, FaultSpecError, FaultTrigger,
    validate_route_pattern,
};

/// A rule that has its route but not yet its action: what [`FaultRule::on`] returns.
#[derive(Debug, Clone, PartialEq)]
#[must_use = "a rule does nothing until it is given an action and added to a FaultPlan"]
pub struct FaultRuleBuilder {
    route: String,
}

/// A `status=` rule, which may still take a `Retry-After` and a body kind (the SPEC's
/// `retry_after=` and `body=`, which go with no other action). Turns into a [`FaultRule`].
#[derive(Debug, Clone, PartialEq)]
#[must_use = "a rule does nothing until it is added to a FaultPlan"]
pub struct StatusRuleBuilder {
    rule: FaultRule,
}

impl FaultPlan {
    /// An empty plan, to add rules to with [`FaultPlan::with`].
    pub fn new() -> Self {
        FaultPlan::default()
    }

    /// This plan with `rule` added after the others (order matters as in the SPEC: among
    /// status and drop rules, the first that fires wins).
    ///
    /// Refuses what the SPEC parser refuses, with the same reasons: an unknown route name or
    /// service, a status outside 200..=599, a call number of 0, `until` before `from`, a
    /// fraction outside 0..=1, a latency that is not a whole number of milliseconds. The
    /// error's `part` is the rule written as SPEC.
    pub fn with(mut self, rule: impl Into<FaultRule>) -> Result<FaultPlan, FaultSpecError> {
        let rule = rule.into();
        check(&rule).map_err(|reason| FaultSpecError::new(&rule.to_string(), reason))?;
        self.rules.push(rule);
        Ok(self)
    }
}

/// The SPEC parser's checks, for a rule that did not come through it.
fn check(rule: &FaultRule) -> Result<(), String> {
    validate_route_pattern(&rule.route)?;
    match &rule.action {
        FaultAction::Latency(latency) => {
            let whole_ms = latency.subsec_nanos() % 1_000_000 == 0;
            if !whole_ms || u64::try_from(latency.as_millis()).is_err() {
                return Err(LATENCY_UNIT.into());
            }
        }
        FaultAction::Status { status, .. } if !status_in_range(*status) => {
            return Err(STATUS_RANGE.into());
        }
        FaultAction::Status { .. } | FaultAction::Drop | FaultAction::DropAfterHandling => {}
    }
    match rule.trigger {
        FaultTrigger::Always => Ok(()),
        FaultTrigger::Nth(0)
        | FaultTrigger::Range { from: 0, .. }
        | FaultTrigger::Range { until: Some(0), .. } => Err(CALL_NUMBER.into()),
        FaultTrigger::Range {
            from,
            until: Some(until),
        } if until < from => Err(UNTIL_BEFORE_FROM.into()),
        FaultTrigger::Nth(_) | FaultTrigger::Range { .. } => Ok(()),
        FaultTrigger::Fraction(fraction) if fraction_in_range(fraction) => Ok(()),
        FaultTrigger::Fraction(_) => Err(FRACTION_RANGE.into()),
    }
}

impl FaultRule {
    /// Starts a rule for a route name (`scaleway.create_scim_token`) or a glob over route
    /// names (`scim.*`, `*`); see [`crate::route_names`]. The name is checked by
    /// [`FaultPlan::with`].
    pub fn on(route: impl Into<String>) -> FaultRuleBuilder {
        FaultRuleBuilder {
            route: route.into(),
        }
    }

    /// Only the `n`-th matching call (1-based): the SPEC's `nth=N`.
    pub fn nth(mut self, n: u64) -> FaultRule {
        self.trigger = FaultTrigger::Nth(n);
        self
    }

    /// The matching calls whose numbers (1-based) fall in `calls`: `calls(3..=4)` is the SPEC's
    /// `from=3,until=4`, `calls(3..)` is `from=3`, `calls(..=4)` is `until=4`.
    pub fn calls(mut self, calls: impl RangeBounds<u64>) -> FaultRule {
        let from = match calls.start_bound() {
            Bound::Included(&from) => from,
            Bound::Excluded(&after) => after.saturating_add(1),
            Bound::Unbounded => 1,
        };
        let until = match calls.end_bound() {
            Bound::Included(&until) => Some(until),
            // `..0` leaves no call at all: until=0, which the check refuses like the SPEC does.
            Bound::Excluded(&before) => Some(before.saturating_sub(1)),
            Bound::Unbounded => None,
        };
        self.trigger = FaultTrigger::Range { from, until };
        self
    }

    /// Each matching call with probability `fraction` (0..=1), drawn from an RNG seeded by the
    /// sandbox seed: the SPEC's `fraction=F`.
    pub fn fraction(mut self, fraction: f64) -> FaultRule {
        self.trigger = FaultTrigger::Fraction(fraction);
        self
    }
}

impl FaultRuleBuilder {
    fn with_action(self, action: FaultAction) -> FaultRule {
        FaultRule {
            route: self.route,
            action,
            trigger: FaultTrigger::Always,
        }
    }

    /// Wait this long before handling the request (whole milliseconds): `latency=MS`.
    pub fn latency(self, latency: Duration) -> FaultRule {
        self.with_action(FaultAction::Latency(latency))
    }

    /// Answer `status` (200..=599) instead of the real handler, with the service's own JSON
    /// error envelope unless [`StatusRuleBuilder::body`] says otherwise: `status=CODE`.
    pub fn status(self, status: u16) -> StatusRuleBuilder {
        StatusRuleBuilder {
            rule: self.with_action(FaultAction::Status {
                status,
                retry_after_seconds: None,
                body: FaultBody::Json,
            }),
        }
    }

    /// Close the connection without handling or answering the request: `drop`.
    pub fn drop_connection(self) -> FaultRule {
        self.with_action(FaultAction::Drop)
    }

    /// Handle the request (its effects happen), then close the connection without sending the
    /// response: `drop_after`.
    pub fn drop_after_handling(self) -> FaultRule {
        self.with_action(FaultAction::DropAfterHandling)
    }
}

impl StatusRuleBuilder {
    /// Adds a `Retry-After: SECONDS` header to the injected answer: `retry_after=SECS`.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        if let FaultAction::Status {
            retry_after_seconds,
            ..
        } = &mut self.rule.action
        {
            *retry_after_seconds = Some(seconds);
        }
        self
    }

    /// The kind of body of the injected answer: `body=json|html|empty`.
    pub fn body(mut self, kind: FaultBody) -> Self {
        if let FaultAction::Status { body, .. } = &mut self.rule.action {
            *body = kind;
        }
        self
    }

    /// See [`FaultRule::nth`].
    pub fn nth(self, n: u64) -> Self {
        StatusRuleBuilder {
            rule: self.rule.nth(n),
        }
    }

    /// See [`FaultRule::calls`].
    pub fn calls(self, calls: impl RangeBounds<u64>) -> Self {
        StatusRuleBuilder {
            rule: self.rule.calls(calls),
        }
    }

    /// See [`FaultRule::fraction`].
    pub fn fraction(self, fraction: f64) -> Self {
        StatusRuleBuilder {
            rule: self.rule.fraction(fraction),
        }
    }

    /// The finished rule (also what `Into<FaultRule>` gives).
    pub fn build(self) -> FaultRule {
        self.rule
    }
}

impl From<StatusRuleBuilder> for FaultRule {
    fn from(builder: StatusRuleBuilder) -> FaultRule {
        builder.rule
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of(rules: Vec<FaultRule>) -> Result<FaultPlan, FaultSpecError> {
        rules
            .into_iter()
            .try_fold(FaultPlan::new(), |plan, rule| plan.with(rule))
    }

    #[test]
    fn each_typed_rule_equals_its_spec() {
        let ms = Duration::from_millis;
        let pairs: Vec<(FaultRule, &str)> = vec![
            (
                FaultRule::on("scaleway.create_scim_token")
                    .status(429)
                    .retry_after(1)
                    .nth(1)
                    .into(),
                "scaleway.create_scim_token:status=429,retry_after=1,nth=1",
            ),
            (
                // Trigger before the status extras: same rule.
                FaultRule::on("scaleway.create_scim_token")
                    .status(429)
                    .nth(1)
                    .retry_after(1)
                    .build(),
                "scaleway.create_scim_token:status=429,nth=1,retry_after=1",
            ),
            (
                FaultRule::on("scim.*").latency(ms(200)),
                "scim.*:latency=200",
            ),
            (
                FaultRule::on("scaleway.*")
                    .status(502)
                    .body(FaultBody::Html)
                    .calls(3..=4)
                    .into(),
                "scaleway.*:status=502,body=html,from=3,until=4",
            ),
            (
                FaultRule::on("scaleway.*").status(500).calls(3..5).into(),
                "scaleway.*:status=500,from=3,until=4",
            ),
            (
                FaultRule::on("scim.get_user").status(404).calls(2..).into(),
                "scim.get_user:status=404,from=2",
            ),
            (
                FaultRule::on("scim.get_user")
                    .status(503)
                    .body(FaultBody::Empty)
                    .calls(..=2)
                    .into(),
                "scim.get_user:status=503,body=empty,until=2",
            ),
            (
                FaultRule::on("scim.create_user")
                    .drop_after_handling()
                    .nth(1),
                "scim.create_user:drop_after,nth=1",
            ),
            (
                FaultRule::on("graph.*").drop_connection().fraction(0.1),
                "graph.*:drop,fraction=0.1",
            ),
            (
                FaultRule::on("login.token")
                    .status(400)
                    .body(FaultBody::Json)
                    .into(),
                "login.token:status=400,body=json",
            ),
            (FaultRule::on("*").latency(ms(0)), "*:latency=0"),
        ];
        for (rule, spec) in &pairs {
            let typed = FaultPlan::new().with(rule.clone()).unwrap();
            let parsed: FaultPlan = spec.parse().unwrap();
            assert_eq!(typed, parsed, "{spec}");
            assert_eq!(
                typed.to_string().parse::<FaultPlan>().unwrap(),
                typed,
                "{spec}"
            );
        }
        // A whole plan: same rules, same order.
        let typed = plan_of(pairs.iter().map(|(rule, _)| rule.clone()).collect()).unwrap();
        let spec = pairs
            .iter()
            .map(|(_, spec)| *spec)
            .collect::<Vec<_>>()
            .join(";");
        assert_eq!(typed, spec.parse::<FaultPlan>().unwrap());
        assert_eq!(
            typed.to_string(),
            spec.parse::<FaultPlan>().unwrap().to_string()
        );
    }

    #[test]
    fn the_builder_refuses_what_the_spec_refuses_with_the_same_reason() {
        let ms = Duration::from_millis;
        let cases: Vec<(FaultRule, &str)> = vec![
            (
                FaultRule::on("scaleway.create_token").status(503).into(),
                "scaleway.create_token:status=503",
            ),
            (FaultRule::on("azure.*").drop_connection(), "azure.*:drop"),
            (FaultRule::on("Scim.*").drop_connection(), "Scim.*:drop"),
            (FaultRule::on("").drop_connection(), ":drop"),
            (
                FaultRule::on("scim.*").status(600).into(),
                "scim.*:status=600",
            ),
            (
                FaultRule::on("scim.*").status(199).into(),
                "scim.*:status=199",
            ),
            (
                FaultRule::on("scim.*").drop_connection().nth(0),
                "scim.*:drop,nth=0",
            ),
            (
                FaultRule::on("scim.*").drop_connection().calls(0..=2),
                "scim.*:drop,from=0,until=2",
            ),
            (
                // `4..=3` written so that clippy does not take it for a mistake.
                FaultRule::on("scim.*")
                    .drop_connection()
                    .calls((Bound::Included(4), Bound::Included(3))),
                "scim.*:drop,from=4,until=3",
            ),
            (
                FaultRule::on("scim.*").drop_connection().fraction(1.5),
                "scim.*:drop,fraction=1.5",
            ),
            (
                FaultRule::on("scim.*").drop_connection().fraction(-0.5),
                "scim.*:drop,fraction=-0.5",
            ),
        ];
        for (rule, spec) in cases {
            let typed = FaultPlan::new().with(rule).unwrap_err();
            let parsed = spec.parse::<FaultPlan>().unwrap_err();
            assert_eq!(typed.reason, parsed.reason, "{spec}");
        }
        // What the SPEC cannot even write is refused too.
        let not_spec = [
            FaultRule::on("scim.*").latency(Duration::from_micros(1500)),
            FaultRule::on("scim.*").drop_connection().fraction(f64::NAN),
            FaultRule::on("scim.*").drop_connection().calls(..0),
            FaultRule::on("scim.list_users ").latency(ms(1)),
            FaultRule::on("scim.*;graph.*").latency(ms(1)),
        ];
        for rule in not_spec {
            let text = rule.to_string();
            let error = FaultPlan::new().with(rule).unwrap_err();
            assert_eq!(error.part, text);
        }
    }

    #[test]
    fn an_error_names_the_rule_as_spec() {
        let error = FaultPlan::new()
            .with(
                FaultRule::on("scaleway.create_token")
                    .status(503)
                    .retry_after(2)
                    .nth(1),
            )
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid fault spec: in `scaleway.create_token:status=503,retry_after=2,nth=1`: \
             unknown route `scaleway.create_token` (see the list of route names)"
        );
    }
}
