//! The engine commands: plan, apply, status, rollback, rotate-token. Each returns the final
//! summary object (printed by `main` with `--json`) after printing its human result.

use std::io::{IsTerminal, Read};

use scim_wizard_entra::MappingOptions;
use scim_wizard_setup::journal::JournalStore;
use scim_wizard_setup::report::{
    ApplyReport, PlanAction, PlanItem, PrincipalRef, RollbackPlan, RollbackReport, RollbackRequest,
    SetupPlan, SetupStatus,
};
use scim_wizard_setup::scaleway_step::{KeychainChoice, use_existing_token};
use scim_wizard_setup::{
    CancellationToken, ErrorCode, Secret, SetupEngine, SetupError, SetupOptions, Step, UiError,
};
use serde_json::{Value, json};
use zeroize::Zeroize;

use crate::args::{Common, SetupArgs};
use crate::failure::Failure;
use crate::output::Output;
use crate::sessions::{self, Ctx, Sessions};

/// Refuses before anything happens when a change would need a "yes" that nobody can give.
fn require_yes_or_terminal(common: &Common, command: &'static str) -> Result<(), Failure> {
    if common.yes || std::io::stdin().is_terminal() {
        Ok(())
    } else {
        Err(Failure::NeedsYes { command })
    }
}

/// Asks on the terminal (unless `--yes`). Ctrl-C while asking stops the command.
async fn confirm(ctx: &Ctx, question: &str) -> Result<(), Failure> {
    if ctx.common.yes {
        return Ok(());
    }
    ctx.out.finish_bars();
    eprint!("{question} [y/N] ");
    let answer = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    });
    let answer = tokio::select! {
        answer = answer => answer.ok().and_then(Result::ok).unwrap_or_default(),
        () = ctx.cancel.cancelled() => return Err(Failure::Setup(SetupError::Cancelled)),
    };
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(Failure::Declined)
    }
}

fn options(common: &Common, setup: &SetupArgs, prove: bool) -> SetupOptions {
    let mapping = MappingOptions {
        provision_groups: setup.provision_groups,
        keep_full_upn: setup.keep_upn_domain,
        scim_compat_flag: setup.scim_compat_flag,
    };
    let principals = setup
        .assign
        .iter()
        .map(|upn| PrincipalRef::User(upn.trim().to_owned()))
        .chain(
            setup
                .assign_group
                .iter()
                .map(|name| PrincipalRef::Group(name.trim().to_owned())),
        )
        .collect();
    SetupOptions {
        mapping,
        principals,
        keychain: if common.no_keychain {
            KeychainChoice::DoNotStore
        } else {
            KeychainChoice::Store
        },
        prove,
        app_name: setup.app_name.clone().filter(|n| !n.trim().is_empty()),
        ..SetupOptions::default()
    }
}

fn engine(ctx: &Ctx, sessions: Sessions, options: SetupOptions) -> Result<SetupEngine, Failure> {
    let mut engine = SetupEngine::new(sessions.scaleway, sessions.entra, options)?;
    engine.set_progress(ctx.out.clone());
    Ok(engine)
}

fn summary(command: &str, fields: Value) -> Value {
    let mut object = json!({"event": "summary", "command": command, "ok": true, "exit_code": 0});
    if let (Some(object), Value::Object(fields)) = (object.as_object_mut(), fields) {
        object.extend(fields);
    }
    object
}

// ---------------------------------------------------------------------------------------------

pub async fn plan(ctx: &Ctx, setup: &SetupArgs) -> Result<Value, Failure> {
    let sessions = sessions::open(ctx, true, false).await?;
    let engine = engine(ctx, sessions, options(&ctx.common, setup, true))?;
    let plan = engine.plan().await?;
    ctx.out
        .text(&render_plan(&plan, "Plan: what `apply` would do"));
    if !plan.up_to_date {
        ctx.out
            .text("\nNothing was changed. Run `scim-wizard-cli apply` to do it.");
    }
    Ok(summary("plan", json!({"plan": plan})))
}

pub async fn apply(
    ctx: &Ctx,
    setup: &SetupArgs,
    scim_token_stdin: bool,
    no_verify: bool,
) -> Result<Value, Failure> {
    let common = &ctx.common;
    let manual_base = match (scim_token_stdin, &common.scim_base_url) {
        (false, _) => None,
        (true, Some(base)) => Some(base.clone()),
        (true, None) => {
            return Err(Failure::usage_message(
                "--scim-token-stdin needs the Base URL of that token.",
                "Add --scim-base-url with the Base URL shown in the Scaleway console.",
            ));
        }
    };
    if manual_base.is_some() && common.no_keychain {
        return Err(Failure::usage_message(
            "--scim-token-stdin keeps the token you give in the keychain, so it cannot be used with --no-keychain.",
            "Leave out --no-keychain.",
        ));
    }
    let pasted = match manual_base {
        Some(_) => Some(read_token_from_stdin(&ctx.out)?),
        None => None,
    };
    require_yes_or_terminal(common, "apply")?;
    let sessions = sessions::open(ctx, manual_base.is_none(), true).await?;
    let vault = sessions.vault.clone();
    let mut engine = engine(ctx, sessions, options(common, setup, !no_verify))?;
    if common.no_keychain {
        ctx.out.note(
            "--no-keychain: a new SCIM token is only sent to Entra. It is not kept anywhere on this computer, so it cannot be shown again, and an interrupted run may need a new token.",
        );
    }

    if !common.yes {
        let mut plan = engine.plan().await?;
        if manual_base.is_some() {
            plan.items.retain(|i| i.step != Step::ScimToken);
            plan.items.insert(
                0,
                PlanItem {
                    step: Step::ScimToken,
                    action: PlanAction::Reuse,
                    description: "Use the SCIM token given on standard input.".to_owned(),
                },
            );
        }
        if !plan.up_to_date || manual_base.is_some() {
            ctx.out.finish_bars();
            eprintln!("{}", render_plan(&plan, "This will:"));
            confirm(ctx, "Make these changes?").await?;
        }
    }

    let scim_enabled_before = engine.scaleway().scim_id().is_some();
    if let (Some(base), Some(token)) = (&manual_base, pasted) {
        return apply_manual(ctx, &mut engine, vault, base, token, setup).await;
    }
    let report = engine.apply_all(&ctx.cancel).await?;
    let changed = changes(&report, !scim_enabled_before);
    ctx.out.text(&render_apply(&report, &changed));
    Ok(summary(
        "apply",
        json!({
            "changed": changed,
            "ids": ids(&report.summary),
            "report": report,
        }),
    ))
}

/// The manual path: a token and Base URL the admin already has (checked live, kept in the
/// keychain), then the Entra steps one by one.
async fn apply_manual(
    ctx: &Ctx,
    engine: &mut SetupEngine,
    vault: Option<scim_wizard_setup::Vault>,
    base: &str,
    token: Secret,
    setup: &SetupArgs,
) -> Result<Value, Failure> {
    let vault = vault.ok_or(Failure::Setup(SetupError::NotReady(
        "no keychain is available to keep the token you gave",
    )))?;
    let base = base
        .replace("{organization_id}", engine.scaleway().organization_id())
        .replace(
            "{scim_id}",
            engine.scaleway().scim_id().unwrap_or("{scim_id}"),
        );
    if base.contains("{scim_id}") {
        return Err(Failure::usage_message(
            "--scim-base-url names {scim_id}, but SCIM is not enabled on this Organization, so it is not known.",
            "Give the Base URL exactly as the Scaleway console shows it.",
        ));
    }
    let organization_id = engine.scaleway().organization_id().to_owned();
    let checked = use_existing_token(
        engine.scaleway().settings(),
        &vault,
        engine.journal(),
        Some(&organization_id),
        token,
        &base,
    )
    .await?;
    ctx.out.note(&format!(
        "The SCIM token works with {checked}; it is kept in your keychain."
    ));
    let checkpoint = |cancel: &CancellationToken| {
        if cancel.is_cancelled() {
            Err(Failure::Setup(SetupError::Cancelled))
        } else {
            Ok(())
        }
    };
    checkpoint(&ctx.cancel)?;
    let app = engine.ensure_app(setup.app_name.as_deref()).await?;
    checkpoint(&ctx.cancel)?;
    let (job_id, job_created) = engine.ensure_job().await?;
    checkpoint(&ctx.cancel)?;
    let connection = engine.save_connection().await?;
    if !connection.ok {
        return Err(Failure::Refused(UiError::new(
            ErrorCode::GraphCredentialsRejected,
            connection.message,
            "Check the token and the Base URL in the Scaleway console, then run the command again.",
            true,
        )));
    }
    checkpoint(&ctx.cancel)?;
    let mappings = engine.apply_mappings().await?;
    checkpoint(&ctx.cancel)?;
    let principals = engine.options().principals.clone();
    let assignments = if principals.is_empty() {
        Vec::new()
    } else {
        engine.assign(&principals).await?
    };
    let proof = engine.start_and_verify(&ctx.cancel).await?;
    let summary_record = engine.summary()?;
    let mut text = summary_record.to_text();
    text.push_str(&format!("\n\n{}", proof.message));
    ctx.out.text(&text);
    Ok(summary(
        "apply",
        json!({
            "ids": ids(&summary_record),
            "report": {
                "app": app,
                "job_id": job_id,
                "job_created": job_created,
                "connection": connection,
                "mapping_changes": mappings.changes,
                "assignments": assignments,
                "proof": proof,
                "summary": summary_record,
            },
        }),
    ))
}

/// Reads the SCIM token from standard input: hidden on a terminal, else the whole input.
fn read_token_from_stdin(out: &Output) -> Result<Secret, Failure> {
    let stdin = std::io::stdin();
    let mut text = String::new();
    let read = if stdin.is_terminal() {
        out.tell("Paste the SCIM token (it is not shown), then press Enter:");
        let echo_off = std::process::Command::new("stty")
            .arg("-echo")
            .stdin(std::process::Stdio::inherit())
            .status()
            .is_ok_and(|s| s.success());
        let read = stdin.read_line(&mut text).map(drop);
        if echo_off {
            let _ = std::process::Command::new("stty")
                .arg("echo")
                .stdin(std::process::Stdio::inherit())
                .status();
            eprintln!();
        }
        read
    } else {
        stdin.lock().read_to_string(&mut text).map(drop)
    };
    let token = Secret::from(text.trim().to_owned());
    // The copy in `text` is overwritten before it is freed.
    text.zeroize();
    if read.is_err() || scim_wizard_setup::ExposeSecret::expose_secret(&token).is_empty() {
        return Err(Failure::usage_message(
            "No SCIM token was given on standard input.",
            "Pipe the token in, e.g. `scim-wizard-cli apply --scim-token-stdin --scim-base-url URL < token.txt`.",
        ));
    }
    Ok(token)
}

pub async fn status(ctx: &Ctx) -> Result<Value, Failure> {
    let sessions = sessions::open(ctx, true, false).await?;
    let engine = engine(ctx, sessions, SetupOptions::default())?;
    let status = engine.status().await?;
    ctx.out.text(&render_status(&status));
    Ok(summary("status", json!({"status": status})))
}

pub async fn rollback(ctx: &Ctx, forget_sign_in: bool) -> Result<Value, Failure> {
    let journal: JournalStore = sessions::journal_store()?;
    if sessions::load_journal(&journal)?.is_none() {
        ctx.out.text(&format!(
            "Nothing to roll back: no setup journal at {}.",
            journal.path().display()
        ));
        return Ok(summary(
            "rollback",
            json!({"undone": [], "kept": [], "journal": Value::Null}),
        ));
    }
    require_yes_or_terminal(&ctx.common, "rollback")?;
    let sessions = sessions::open(ctx, true, false).await?;
    let mut engine = engine(ctx, sessions, SetupOptions::default())?;
    let plan = engine.plan_rollback()?;
    if !ctx.common.yes {
        ctx.out.finish_bars();
        eprintln!("{}", render_rollback_plan(&plan));
        confirm(ctx, "Remove these?").await?;
    }
    let report = engine
        .rollback(
            RollbackRequest {
                confirmed: true,
                forget_entra_sign_in: forget_sign_in,
            },
            &ctx.cancel,
        )
        .await?;
    ctx.out.text(&render_rollback_report(&report));
    Ok(summary("rollback", json!({"plan": plan, "report": report})))
}

pub async fn rotate_token(ctx: &Ctx) -> Result<Value, Failure> {
    require_yes_or_terminal(&ctx.common, "rotate-token")?;
    let sessions = sessions::open(ctx, true, true).await?;
    let mut engine = engine(ctx, sessions, SetupOptions::default())?;
    confirm(
        ctx,
        "Create a new SCIM token, give it to Entra, test it, then delete the old token?",
    )
    .await?;
    let report = engine.rotate_token(&ctx.cancel).await?;
    ctx.out.text(&report.message);
    Ok(summary(
        "rotate-token",
        json!({"report": report, "ids": ids(&engine.summary()?)}),
    ))
}

// ---------------------------------------------------------------------------------------------
// What changed, ids, and the human renderings.

fn changes(report: &ApplyReport, scim_enabled_now: bool) -> Vec<&'static str> {
    let mut changed = Vec::new();
    if scim_enabled_now {
        changed.push("scim_enabled");
    }
    if report.token.as_ref().is_some_and(|t| !t.resumed) {
        changed.push("scim_token");
    }
    if report.app.created {
        changed.push("entra_app");
    }
    if report.job_created {
        changed.push("provisioning_job");
    }
    if report.connection_saved_now {
        changed.push("connection");
    }
    if !report.mapping_changes.is_empty() {
        changed.push("mappings");
    }
    if report.assignments.iter().any(|a| a.created) {
        changed.push("assignments");
    }
    if report.started_now {
        changed.push("started");
    }
    changed
}

fn ids(summary: &scim_wizard_setup::report::SetupSummary) -> Value {
    json!({
        "organization_id": summary.organization_id,
        "scim_id": summary.scim_id,
        "token_id": summary.token_id,
        "tenant_id": summary.tenant_id,
        "application_object_id": summary.application_object_id,
        "app_id": summary.app_id,
        "service_principal_id": summary.service_principal_id,
        "job_id": summary.job_id,
        "assignment_ids": summary.assignments.iter().map(|a| a.assignment_id.clone()).collect::<Vec<_>>(),
    })
}

fn action_word(action: PlanAction) -> &'static str {
    match action {
        PlanAction::Create => "create",
        PlanAction::Update => "change",
        PlanAction::Reuse => "reuse",
        PlanAction::Nothing => "ok",
        PlanAction::AfterEarlierSteps => "then",
    }
}

fn render_plan(plan: &SetupPlan, title: &str) -> String {
    let mut lines = vec![title.to_owned()];
    for item in &plan.items {
        lines.push(format!(
            "  {:<7} {:<32} {}",
            action_word(item.action),
            item.step.label(),
            item.description
        ));
    }
    if !plan.mapping_changes.is_empty() {
        lines.push("Mapping changes:".to_owned());
        for change in &plan.mapping_changes {
            lines.push(format!("  - {}", change.description));
        }
    }
    if plan.up_to_date {
        lines.push("Everything is already set up: nothing would change.".to_owned());
    }
    lines.join("\n")
}

fn render_apply(report: &ApplyReport, changed: &[&str]) -> String {
    let mut text = report.summary.to_text();
    text.push_str("\n\n");
    if changed.is_empty() {
        text.push_str("Nothing needed changing: everything was already set up.");
    } else {
        text.push_str(&format!("Changed in this run: {}.", changed.join(", ")));
    }
    if let Some(proof) = &report.proof {
        text.push_str(&format!("\n{}", proof.message));
    }
    if report.token.as_ref().is_some_and(|t| !t.stored_in_keychain) {
        text.push_str("\nThe SCIM token was only sent to Entra: it is not stored anywhere else.");
    }
    text
}

fn render_status(status: &SetupStatus) -> String {
    let s = &status.scaleway;
    let mut lines = vec![format!("Scaleway Organization {}", s.organization_id)];
    match (&s.scim_enabled, &s.scim_id) {
        (true, Some(id)) => lines.push(format!("  SCIM: enabled ({id})")),
        (true, None) => lines.push("  SCIM: enabled".to_owned()),
        (false, _) => lines.push("  SCIM: not enabled".to_owned()),
    }
    if let Some(base) = &s.base_url {
        lines.push(format!("  Base URL: {base}"));
    }
    if s.tokens.is_empty() {
        lines.push("  Tokens: none".to_owned());
    }
    for token in &s.tokens {
        let expiry = match (token.token.expires_at, token.expires_in_days) {
            (Some(at), Some(days)) => format!("expires {} (in {days} days)", at.to_rfc3339()),
            (Some(at), None) => format!("expires {}", at.to_rfc3339()),
            _ => "no expiry given".to_owned(),
        };
        lines.push(format!(
            "  Token {}{}: {expiry}",
            token.token.id,
            if token.token.ours {
                " (created by this setup)"
            } else {
                ""
            }
        ));
    }
    let e = &status.entra;
    lines.push(format!("Entra tenant {}", e.tenant_id));
    match &e.app_display_name {
        Some(name) => lines.push(format!(
            "  Application: \"{name}\"{}{}",
            e.service_principal_id
                .as_deref()
                .map(|id| format!(" (service principal {id})"))
                .unwrap_or_default(),
            if e.app_exists {
                ""
            } else {
                " — no longer exists"
            }
        )),
        None => lines.push("  Application: not created".to_owned()),
    }
    lines.push(format!("  Assigned users and groups: {}", e.assignments));
    match &e.job {
        Some(job) => {
            lines.push(format!(
                "  Provisioning job {}: {} (schedule {})",
                job.job_id,
                job.status_code,
                job.schedule_state.as_deref().unwrap_or("unknown")
            ));
            if let Some(cycle) = &job.last_cycle {
                let mut parts = vec![cycle.state.clone().unwrap_or_else(|| "?".to_owned())];
                if let Some(ended) = &cycle.ended {
                    parts.push(format!("ended {ended}"));
                } else if let Some(began) = &cycle.began {
                    parts.push(format!("began {began}"));
                }
                if let Some(exported) = cycle.exported {
                    parts.push(format!("{exported} exported"));
                }
                if let Some(error) = &cycle.error {
                    parts.push(format!("error: {error}"));
                }
                lines.push(format!("  Last cycle: {}", parts.join(", ")));
            } else {
                lines.push("  Last cycle: none yet".to_owned());
            }
            if let Some(q) = &job.quarantine {
                lines.push(format!(
                    "  Quarantine: {}{}",
                    q.explanation,
                    q.next_attempt
                        .as_deref()
                        .map(|at| format!(" Next attempt: {at}."))
                        .unwrap_or_default()
                ));
            }
            lines.push(format!("  {}", job.summary));
        }
        None => lines.push("  Provisioning job: not created".to_owned()),
    }
    if !status.warnings.is_empty() {
        lines.push("Warnings:".to_owned());
        for warning in &status.warnings {
            lines.push(format!("  - {warning}"));
        }
    }
    lines.join("\n")
}

fn render_rollback_plan(plan: &RollbackPlan) -> String {
    let mut lines = Vec::new();
    if plan.remove.is_empty() {
        lines.push("Rollback: the setup created nothing that needs removing.".to_owned());
    } else {
        lines.push("Rollback will remove, in this order:".to_owned());
        for (n, item) in plan.remove.iter().enumerate() {
            lines.push(format!(
                "  {}. {}{}",
                n + 1,
                item.description,
                item.id
                    .as_deref()
                    .map(|id| format!(" ({id})"))
                    .unwrap_or_default()
            ));
        }
    }
    if !plan.kept.is_empty() {
        lines.push("Kept:".to_owned());
        for kept in &plan.kept {
            lines.push(format!("  - {kept}"));
        }
    }
    lines.join("\n")
}

fn render_rollback_report(report: &RollbackReport) -> String {
    let mut lines = vec![format!(
        "Rolled back: {} item(s) removed.",
        report.undone.len()
    )];
    for item in &report.undone {
        lines.push(format!("  - {}", item.description));
    }
    for kept in &report.kept {
        lines.push(format!("  kept: {kept}"));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_read_as_a_list_of_actions() {
        let plan = SetupPlan {
            items: vec![PlanItem {
                step: Step::ScimEnabled,
                action: PlanAction::Create,
                description: "Enable SCIM on the Scaleway Organization.".into(),
            }],
            mapping_changes: Vec::new(),
            up_to_date: false,
        };
        let text = render_plan(&plan, "Plan");
        assert!(text.contains("create"), "{text}");
        assert!(text.contains("Enable SCIM"), "{text}");
    }

    #[test]
    fn summaries_carry_the_event_and_the_fields() {
        let value = summary("plan", json!({"x": 1}));
        assert_eq!(value["event"], "summary");
        assert_eq!(value["command"], "plan");
        assert_eq!(value["ok"], true);
        assert_eq!(value["x"], 1);
    }
}
