//! The fault SPEC: the text form of a [`FaultPlan`] (grammar in [`super::FAULT_SPEC_HELP`]).
//! `FromStr` parses it, naming the wrong part on error; `Display` writes the canonical form,
//! which `GET /_sandbox/faults` answers and which parses back to the same plan.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use super::{
    FaultAction, FaultBody, FaultPlan, FaultRule, FaultSpecError, FaultTrigger,
    validate_route_pattern,
};

/// What `latency=` takes, also the builder's message for a latency with a sub-millisecond part.
pub(super) const LATENCY_UNIT: &str = "latency must be a whole number of milliseconds";
pub(super) const STATUS_RANGE: &str = "status must be an HTTP status code between 200 and 599";
pub(super) const CALL_NUMBER: &str = "calls are numbered from 1: expected a whole number ≥ 1";
pub(super) const FRACTION_RANGE: &str = "fraction must be a number between 0 and 1";
pub(super) const UNTIL_BEFORE_FROM: &str = "`until` is smaller than `from`";

/// The statuses a rule may inject.
pub(super) fn status_in_range(status: u16) -> bool {
    (200..=599).contains(&status)
}

pub(super) fn fraction_in_range(fraction: f64) -> bool {
    (0.0..=1.0).contains(&fraction)
}

impl FromStr for FaultPlan {
    type Err = FaultSpecError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let rules = spec
            .split([';', '\n'])
            .map(str::trim)
            .filter(|rule| !rule.is_empty())
            .map(parse_rule)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(FaultPlan { rules })
    }
}

fn parse_rule(rule_text: &str) -> Result<FaultRule, FaultSpecError> {
    let (route, rest) = rule_text
        .split_once(':')
        .ok_or_else(|| FaultSpecError::new(rule_text, "expected ROUTE:ACTION (no ':' found)"))?;
    let route = route.trim();
    validate_route_pattern(route).map_err(|reason| FaultSpecError::new(rule_text, reason))?;

    let mut parts = rest.split(',').map(str::trim);
    let action_text = parts.next().unwrap_or_default();
    let mut action = parse_action(action_text)?;

    let mut nth = None;
    let mut from = None;
    let mut until = None;
    let mut fraction = None;
    let mut retry_after = None;
    let mut body = None;
    for param in parts {
        let (key, value) = param.split_once('=').ok_or_else(|| {
            FaultSpecError::new(
                param,
                "expected KEY=VALUE (nth, from, until, fraction, retry_after, body)",
            )
        })?;
        let (key, value) = (key.trim(), value.trim());
        let slot_was_empty = match key {
            "nth" => nth.replace(parse_call_number(param, value)?).is_none(),
            "from" => from.replace(parse_call_number(param, value)?).is_none(),
            "until" => until.replace(parse_call_number(param, value)?).is_none(),
            "fraction" => fraction.replace(parse_fraction(param, value)?).is_none(),
            "retry_after" => retry_after
                .replace(value.parse::<u64>().map_err(|_| {
                    FaultSpecError::new(param, "retry_after must be a whole number of seconds")
                })?)
                .is_none(),
            "body" => body.replace(parse_body(param, value)?).is_none(),
            _ => {
                return Err(FaultSpecError::new(
                    param,
                    format!(
                        "unknown parameter `{key}` (expected nth, from, until, fraction, retry_after or body)"
                    ),
                ));
            }
        };
        if !slot_was_empty {
            return Err(FaultSpecError::new(
                param,
                format!("`{key}` is given twice"),
            ));
        }
    }

    let trigger = match (nth, from, until, fraction) {
        (None, None, None, None) => FaultTrigger::Always,
        (Some(n), None, None, None) => FaultTrigger::Nth(n),
        (None, from, until, None) if from.is_some() || until.is_some() => {
            let from = from.unwrap_or(1);
            if until.is_some_and(|until| until < from) {
                return Err(FaultSpecError::new(rule_text, UNTIL_BEFORE_FROM));
            }
            FaultTrigger::Range { from, until }
        }
        (None, None, None, Some(f)) => FaultTrigger::Fraction(f),
        _ => {
            return Err(FaultSpecError::new(
                rule_text,
                "use only one of nth=, fraction= or from=/until=",
            ));
        }
    };

    match &mut action {
        FaultAction::Status {
            retry_after_seconds,
            body: status_body,
            ..
        } => {
            *retry_after_seconds = retry_after;
            if let Some(body) = body {
                *status_body = body;
            }
        }
        _ if retry_after.is_some() || body.is_some() => {
            return Err(FaultSpecError::new(
                rule_text,
                "retry_after= and body= only go with a status= action",
            ));
        }
        _ => {}
    }

    Ok(FaultRule {
        route: route.to_string(),
        action,
        trigger,
    })
}

fn parse_action(action_text: &str) -> Result<FaultAction, FaultSpecError> {
    match action_text.split_once('=') {
        None if action_text == "drop" => Ok(FaultAction::Drop),
        None if action_text == "drop_after" => Ok(FaultAction::DropAfterHandling),
        Some(("latency", ms)) => {
            let ms = ms
                .trim()
                .parse::<u64>()
                .map_err(|_| FaultSpecError::new(action_text, LATENCY_UNIT))?;
            Ok(FaultAction::Latency(Duration::from_millis(ms)))
        }
        Some(("status", code)) => match code.trim().parse::<u16>() {
            Ok(status) if status_in_range(status) => Ok(FaultAction::Status {
                status,
                retry_after_seconds: None,
                body: FaultBody::Json,
            }),
            _ => Err(FaultSpecError::new(action_text, STATUS_RANGE)),
        },
        _ => Err(FaultSpecError::new(
            action_text,
            "expected an action: latency=MS, status=CODE, drop or drop_after",
        )),
    }
}

fn parse_call_number(param: &str, value: &str) -> Result<u64, FaultSpecError> {
    match value.parse::<u64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(FaultSpecError::new(param, CALL_NUMBER)),
    }
}

fn parse_fraction(param: &str, value: &str) -> Result<f64, FaultSpecError> {
    match value.parse::<f64>() {
        Ok(f) if fraction_in_range(f) => Ok(f),
        _ => Err(FaultSpecError::new(param, FRACTION_RANGE)),
    }
}

fn parse_body(param: &str, value: &str) -> Result<FaultBody, FaultSpecError> {
    match value {
        "json" => Ok(FaultBody::Json),
        "html" => Ok(FaultBody::Html),
        "empty" => Ok(FaultBody::Empty),
        _ => Err(FaultSpecError::new(
            param,
            "body must be json, html or empty",
        )),
    }
}

impl fmt::Display for FaultPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, rule) in self.rules.iter().enumerate() {
            if index > 0 {
                f.write_str(";")?;
            }
            write!(f, "{rule}")?;
        }
        Ok(())
    }
}

impl fmt::Display for FaultRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.route)?;
        match &self.action {
            FaultAction::Latency(latency) => write!(f, "latency={}", latency.as_millis())?,
            FaultAction::Status {
                status,
                retry_after_seconds,
                body,
            } => {
                write!(f, "status={status}")?;
                if let Some(seconds) = retry_after_seconds {
                    write!(f, ",retry_after={seconds}")?;
                }
                match body {
                    FaultBody::Json => {}
                    FaultBody::Html => f.write_str(",body=html")?,
                    FaultBody::Empty => f.write_str(",body=empty")?,
                }
            }
            FaultAction::Drop => f.write_str("drop")?,
            FaultAction::DropAfterHandling => f.write_str("drop_after")?,
        }
        match &self.trigger {
            FaultTrigger::Always => Ok(()),
            FaultTrigger::Nth(n) => write!(f, ",nth={n}"),
            FaultTrigger::Range { from, until } => {
                write!(f, ",from={from}")?;
                match until {
                    Some(until) => write!(f, ",until={until}"),
                    None => Ok(()),
                }
            }
            FaultTrigger::Fraction(fraction) => write!(f, ",fraction={fraction}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_examples_and_round_trips() {
        let spec = "scaleway.create_scim_token:status=429,retry_after=1,nth=1;scim.*:latency=200;\
                    scaleway.*:status=502,body=html,from=3,until=4;scim.create_user:drop_after,nth=1;\
                    graph.*:drop,fraction=0.1";
        let plan: FaultPlan = spec.parse().unwrap();
        assert_eq!(plan.rules().len(), 5);
        assert_eq!(plan.to_string().parse::<FaultPlan>().unwrap(), plan);
        assert_eq!(
            plan.rules()[0],
            FaultRule {
                route: "scaleway.create_scim_token".into(),
                action: FaultAction::Status {
                    status: 429,
                    retry_after_seconds: Some(1),
                    body: FaultBody::Json
                },
                trigger: FaultTrigger::Nth(1),
            }
        );
    }

    #[test]
    fn empty_spec_is_no_faults() {
        assert!("".parse::<FaultPlan>().unwrap().is_empty());
        assert!(" ; \n ".parse::<FaultPlan>().unwrap().is_empty());
    }
}
