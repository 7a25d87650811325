//! The engine commands: plan, apply, status, rollback, rotate-token. Each returns the final
//! summary object (printed by `main` with `--json`) after printing its human result.

use std::io::{IsTerminal, Read};

use scim_wizard_entra::MappingOptions;
use scim_wizard_setup::impact::{ChangedDetail, Impact};
use scim_wizard_setup::journal::JournalStore;
use scim_wizard_setup::report::{
    ApplyReport, NeedsScalewayKey, PlanAction, PrincipalRef, RollbackPlan, RollbackReport,
    RollbackRequest, SetupPlan, SetupStatus,
};
use scim_wizard_setup::scaleway_step::{KeychainChoice, ScalewayAccess};
use scim_wizard_setup::scope::{GroupScope, NameClash};
use scim_wizard_setup::{
    GroupsChoice, KeptCredential, Secret, SetupEngine, SetupError, SetupOptions,
};
use serde_json::{Value, json};
use zeroize::Zeroize;

use crate::args::{Common, SetupArgs};
use crate::failure::Failure;
use crate::output::Output;
use crate::sessions::{self, Ctx, GivenToken, Sessions};

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
        provision_groups: false,
        keep_full_upn: setup.keep_upn_domain,
        scim_compat_flag: setup.scim_compat_flag,
    };
    let groups = if setup.provision_groups {
        GroupsChoice::On
    } else if setup.no_groups {
        GroupsChoice::Off
    } else {
        GroupsChoice::AsScalewaySays
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
        groups,
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
    let sessions = sessions::open(ctx, true, false, None).await?;
    let engine = engine(ctx, sessions, options(&ctx.common, setup, true))?;
    let plan = engine.plan().await?;
    ctx.out
        .text(&render_plan(&plan, "Plan: what `apply` would do"));
    let scope = say_group_scope(ctx, &engine).await?;
    let impact = say_impact(ctx, &engine).await?;
    if !plan.up_to_date {
        ctx.out
            .text("\nNothing was changed. Run `scim-wizard-cli apply` to do it.");
    }
    Ok(summary(
        "plan",
        json!({"plan": plan, "group_scope": scope, "impact": impact}),
    ))
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
        (true, Some(base)) => Some(manual_base_url(common, base)?),
        (true, None) => {
            return Err(Failure::usage_message(
                "--scim-token-stdin needs the Base URL of that token.",
                "Add --scim-base-url with the Base URL shown in the Scaleway console.",
            ));
        }
    };
    // The manual path: step 1 was done in the Scaleway console, so no Scaleway key is needed;
    // the engine runs steps 2–4 exactly as after minting, and proves the result over SCIM.
    let given = match manual_base {
        Some(base_url) => Some(GivenToken {
            token: read_token_from_stdin(&ctx.out)?,
            base_url,
        }),
        None => None,
    };
    require_yes_or_terminal(common, "apply")?;
    let manual = given.is_some();
    let sessions = sessions::open(ctx, !manual, true, given).await?;
    let mut engine = engine(ctx, sessions, options(common, setup, !no_verify))?;
    if common.no_keychain {
        ctx.out.note(if manual {
            "--no-keychain: the SCIM token you gave is only held while this command runs, and sent to Entra. An interrupted run needs it again."
        } else {
            "--no-keychain: a new SCIM token is only sent to Entra. It is not kept anywhere on this computer, so it cannot be shown again, and an interrupted run may need a new token."
        });
    }

    // What the chosen groups will do in Scaleway, and who will be created, taken over or would
    // collide, is said before anyone is assigned; a collision stops here, before any change.
    say_group_scope(ctx, &engine).await?;
    if let Some(impact) = say_impact(ctx, &engine).await?
        && impact.blocked()
    {
        return Err(SetupError::UsernameCollision {
            collisions: impact.collisions,
        }
        .into());
    }
    // The tenant and the account were said when the sessions opened; nothing is created in
    // Entra before they are confirmed, here by the same "yes" as the changes.
    let tenant_id = engine.entra().tenant_id().to_owned();
    if !common.yes {
        let plan = engine.plan().await?;
        if !plan.up_to_date || manual {
            ctx.out.finish_bars();
            eprintln!("{}", render_plan(&plan, "This will:"));
            let account = sessions::signed_in_account(engine.entra()).await;
            confirm(
                ctx,
                &format!(
                    "Make these changes in Microsoft Entra tenant {tenant_id}{}?",
                    account
                        .map(|account| format!(", signed in as {account}"))
                        .unwrap_or_default()
                ),
            )
            .await?;
        }
    }
    let mut confirmed = engine.options().clone();
    confirmed.confirmed_tenant = Some(tenant_id);
    engine.set_options(confirmed);

    // With a token only, SCIM was on before this run by definition.
    let scim_enabled_before = engine
        .scaleway()
        .keyed()
        .is_none_or(|keyed| keyed.scim_id().is_some());
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

/// Says what the chosen groups will do in Scaleway (nested groups, names that meet a Scaleway
/// group, the Organization's group quota): a `group_scope` event, and lines when there is
/// something to say.
async fn say_group_scope(ctx: &Ctx, engine: &SetupEngine) -> Result<GroupScope, Failure> {
    let principals = &engine.options().principals;
    // Without a group there is nothing to say, and nothing is read for it.
    if !principals
        .iter()
        .any(|p| matches!(p, PrincipalRef::Group(_)))
    {
        return Ok(GroupScope::default());
    }
    let scope = engine.group_scope(principals).await?;
    ctx.out
        .event(&json!({"event": "group_scope", "group_scope": scope}));
    if !scope.is_clear() {
        ctx.out.text(&render_group_scope(&scope));
    }
    Ok(scope)
}

/// Says who the chosen people are in Scaleway's terms: an `impact` event (`create`, `match`,
/// `collisions`, `untouched`), and lines for what needs the admin's eye.
async fn say_impact(ctx: &Ctx, engine: &SetupEngine) -> Result<Option<Impact>, Failure> {
    let principals = &engine.options().principals;
    if principals.is_empty() {
        return Ok(None);
    }
    let impact = engine.impact(principals).await?;
    let mut event = serde_json::to_value(&impact).unwrap_or_else(|_| json!({}));
    if let Some(object) = event.as_object_mut() {
        object.insert("event".to_owned(), json!("impact"));
    }
    ctx.out.event(&event);
    ctx.out.text(&render_impact(&impact));
    Ok(Some(impact))
}

fn render_impact(impact: &Impact) -> String {
    let mut lines = vec!["People:".to_owned()];
    for person in &impact.create {
        lines.push(format!(
            "  + {} will be created in Scaleway as \"{}\".",
            person.upn, person.username
        ));
    }
    for person in &impact.take_over {
        let mut line = format!(
            "  ~ \"{}\" is already in Scaleway: from now on Entra manages it, as {}.",
            person.username, person.upn
        );
        for change in &person.changes {
            let what = match change.field {
                ChangedDetail::Name => "name",
                ChangedDetail::Email => "email",
            };
            line.push_str(&format!(
                " Its {what} changes from \"{}\" to \"{}\".",
                change.before, change.after
            ));
        }
        lines.push(line);
    }
    for collision in &impact.collisions {
        lines.push(format!(
            "  ! {} would all get the username \"{}\": keep the domain in usernames (--keep-upn-domain), or leave some of them out.",
            collision.upns.join(", "),
            collision.username
        ));
    }
    for user in &impact.untouched {
        lines.push(if user.owner {
            format!(
                "  = \"{}\", the Organization's Owner, is not in scope: untouched.",
                user.username
            )
        } else {
            format!("  = \"{}\" is not in scope: untouched.", user.username)
        });
    }
    if let Some(quota) = impact.over_quota {
        lines.push(format!(
            "  ! Your Organization has {} users; adding {} would pass its limit of {}.",
            quota.existing, quota.adding, quota.limit
        ));
    }
    lines.join("\n")
}

fn render_group_scope(scope: &GroupScope) -> String {
    let mut lines = vec!["Groups:".to_owned()];
    for nested in &scope.nested {
        lines.push(format!(
            "  - \"{}\" holds groups ({}): Scaleway has no groups inside groups, so they will not appear there, nor their members unless assigned too.",
            nested.group,
            nested.subgroups.join(", ")
        ));
    }
    for clash in &scope.clashes {
        lines.push(match clash.clash {
            NameClash::ManagedByScaleway => format!(
                "  - \"{}\" is the name of a group Scaleway manages itself: rename the Entra group, or leave it out.",
                clash.group
            ),
            NameClash::ExistingGroup => format!(
                "  - \"{}\" is already a group in your Scaleway Organization: Entra would take it over.",
                clash.group
            ),
        });
    }
    if let Some(quota) = scope.over_quota {
        lines.push(format!(
            "  - Your Organization has {} groups; adding {} would pass its limit of {}.",
            quota.existing, quota.adding, quota.limit
        ));
    }
    lines.join("\n")
}

/// `--scim-base-url` on the manual path: the token's own Base URL, exactly as the console shows
/// it. `{organization_id}` is filled from `--scw-organization-id`; any other placeholder cannot
/// be known without a Scaleway key.
fn manual_base_url(common: &Common, base: &str) -> Result<String, Failure> {
    let base = match &common.scw_organization_id {
        Some(organization_id) => base.replace("{organization_id}", organization_id.trim()),
        None => base.to_owned(),
    };
    if base.contains('{') {
        return Err(Failure::usage_message(
            "--scim-base-url has a placeholder such as {scim_id}, which cannot be filled in with a SCIM token alone.",
            "Give the Base URL exactly as the Scaleway console shows it.",
        ));
    }
    Ok(base)
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
    let sessions = sessions::open(ctx, true, false, None).await?;
    let engine = engine(ctx, sessions, SetupOptions::default())?;
    let status = engine.status().await?;
    ctx.out.text(&render_status(&status));
    // A scheduled task alerts on the exit code: 6 while something needs the admin.
    let exit_code = if status.attention.is_empty() {
        crate::exit::DONE
    } else {
        crate::exit::NEEDS_ATTENTION
    };
    let job = status.entra.as_ref().and_then(|e| e.job.as_ref());
    let mut said = summary(
        "status",
        json!({
            "token_expires_in_days": status.token_expires_in_days,
            "job_state": job.map(|job| job.condition),
            "quarantine": job.and_then(|job| job.quarantine.as_ref()),
            "last_cycle": job.and_then(|job| job.last_cycle.as_ref()),
            "attention": status.attention,
            "status": status,
        }),
    );
    said["exit_code"] = json!(exit_code);
    Ok(said)
}

/// `pause-provisioning` / `resume-provisioning`: Entra's job only; Scaleway is not touched.
pub async fn pause_or_resume(ctx: &Ctx, pause: bool) -> Result<Value, Failure> {
    let sessions = sessions::open(ctx, true, false, None).await?;
    let engine = engine(ctx, sessions, SetupOptions::default())?;
    let job = if pause {
        engine.pause_provisioning().await?
    } else {
        engine.resume_provisioning().await?
    };
    ctx.out.text(job.condition.english());
    Ok(summary(
        if pause {
            "pause-provisioning"
        } else {
            "resume-provisioning"
        },
        json!({"job_state": job.condition, "job": job}),
    ))
}

pub async fn rollback(ctx: &Ctx, forget_sign_in: bool) -> Result<Value, Failure> {
    let journal: JournalStore = sessions::journal_store(ctx)?;
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
    let sessions = sessions::open(ctx, true, false, None).await?;
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
    let sessions = sessions::open(ctx, true, true, None).await?;
    let mut engine = engine(ctx, sessions, SetupOptions::default())?;
    // Before asking: without a key there is nothing to confirm.
    if engine.scaleway().keyed().is_none() {
        return Err(Failure::Setup(SetupError::ScalewayKeyNeeded {
            action: scim_wizard_setup::report::KeyAction::CreateToken,
        }));
    }
    confirm(
        ctx,
        "Create a new SCIM token, give it to Entra, test it, then delete the old token?",
    )
    .await?;
    let report = engine.rotate_token(&ctx.cancel).await?;
    ctx.out.text(
        &scim_wizard_setup::ProgressMessage::TokenRotated {
            old_deleted: report.old_token_deleted.clone(),
        }
        .english(),
    );
    Ok(summary(
        "rotate-token",
        json!({"report": report, "ids": ids(&engine.summary()?)}),
    ))
}

/// Deletes every Scaleway key and Microsoft sign-in this app kept (the SCIM token stays: Entra
/// uses it). Needs no sign-in and no key.
pub async fn forget(ctx: &Ctx) -> Result<Value, Failure> {
    let vault =
        scim_wizard_setup::Vault::open_native_with_service_async(scim_wizard_setup::vault::SERVICE)
            .await
            .map_err(|error| Failure::Setup(error.into()))?;
    let journal = sessions::load_journal(&sessions::journal_store(ctx)?)?;
    let client_id = sessions::entra_settings(&ctx.common)?
        .sign_in_config()
        .map_err(Failure::usage)?
        .client_id()
        .to_owned();
    let known = scim_wizard_setup::retention::accounts_of(journal.as_ref(), &client_id);
    let forgotten = scim_wizard_setup::forget_saved_credentials(&vault, known).await?;
    ctx.out.text(&render_forgotten(&forgotten));
    Ok(summary("forget", json!({"forgotten": forgotten})))
}

fn render_forgotten(forgotten: &[KeptCredential]) -> String {
    if forgotten.is_empty() {
        return "Nothing to forget: no Scaleway key or Microsoft sign-in is kept on this computer."
            .to_owned();
    }
    let mut lines = vec!["Forgotten from the system keychain:".to_owned()];
    for credential in forgotten {
        lines.push(match credential {
            KeptCredential::ScalewayKey { organization_id } => {
                format!("  - the Scaleway API key for Organization {organization_id}")
            }
            KeptCredential::EntraSignIn { tenant_id } => {
                format!("  - the Microsoft sign-in for tenant {tenant_id}")
            }
        });
    }
    lines.push("SCIM tokens stay: Entra uses them to provision users.".to_owned());
    lines.join("\n")
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
        if let Some(group) = &proof.group {
            text.push_str(&format!("\n{}", group.english()));
        }
    }
    match report.token.as_ref() {
        Some(token) if token.keychain_problem.is_some() => text.push_str(
            "\nYour keychain refused the SCIM token: it was given to Entra, which uses it, but it is not kept on this computer.",
        ),
        Some(token) if !token.stored_in_keychain => {
            text.push_str("\nThe SCIM token was only sent to Entra: it is not stored anywhere else.")
        }
        _ => {}
    }
    text
}

fn render_status(status: &SetupStatus) -> String {
    let s = &status.scaleway;
    let mut lines = vec![if s.organization_id.is_empty() {
        "Scaleway Organization (not given)".to_owned()
    } else {
        format!("Scaleway Organization {}", s.organization_id)
    }];
    match (s.access, s.token_works) {
        (ScalewayAccess::TokenOnly, Some(true)) => {
            lines.push("  SCIM: enabled (this setup's SCIM token works)".to_owned());
        }
        (ScalewayAccess::TokenOnly, _) => {
            lines.push("  SCIM: this setup's SCIM token was refused".to_owned());
        }
        (ScalewayAccess::ApiKey, _) => match (&s.scim_enabled, &s.scim_id) {
            (true, Some(id)) => lines.push(format!("  SCIM: enabled ({id})")),
            (true, None) => lines.push("  SCIM: enabled".to_owned()),
            (false, _) => lines.push("  SCIM: not enabled".to_owned()),
        },
    }
    if let Some(base) = &s.base_url {
        lines.push(format!("  Base URL: {base}"));
    }
    if s.tokens.is_empty() && s.access == ScalewayAccess::ApiKey {
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
    if let Some(e) = &status.entra {
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
                    if let Some(failed) = cycle.failed.filter(|failed| *failed > 0) {
                        parts.push(format!("{failed} failed"));
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
                        q.english(),
                        q.next_attempt
                            .as_deref()
                            .map(|at| format!(" Next attempt: {at}."))
                            .unwrap_or_default()
                    ));
                }
                if let (Some(users), Some(groups)) = (job.users_in_sync, job.groups_in_sync) {
                    lines.push(format!(
                        "  Kept in sync: {users} user(s), {groups} group(s)"
                    ));
                }
                lines.push(format!("  {}", job.english_summary()));
            }
            None => lines.push("  Provisioning job: not created".to_owned()),
        }
    }
    if let Some(proof) = &status.last_proof {
        lines.push(format!(
            "Last proof ({}): {} {} in Scaleway as \"{}\"",
            proof.checked_at.to_rfc3339(),
            proof.upn,
            if proof.found { "was" } else { "was not found" },
            proof.username
        ));
    }
    if !status.attention.is_empty() {
        lines.push("Needs your attention:".to_owned());
        for attention in &status.attention {
            lines.push(format!("  ! {}", attention.english()));
        }
    }
    if !status.warnings.is_empty() {
        lines.push("Warnings:".to_owned());
        for warning in &status.warnings {
            lines.push(format!("  - {warning}"));
        }
    }
    push_needs_key(&mut lines, &s.needs_scaleway_key);
    lines.join("\n")
}

/// What the app could not do without a Scaleway API key, and how to do it by hand.
fn push_needs_key(lines: &mut Vec<String>, needs: &[NeedsScalewayKey]) {
    if !needs.is_empty() {
        lines.push("Needs a Scaleway API key (only a SCIM token was given):".to_owned());
        for need in needs {
            lines.push(format!("  - {}", need.message));
        }
    }
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
            lines.push(format!("  - {}", kept.english()));
        }
    }
    push_needs_key(&mut lines, &plan.needs_scaleway_key);
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
        lines.push(format!("  kept: {}", kept.english()));
    }
    push_needs_key(&mut lines, &report.needs_scaleway_key);
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use scim_wizard_setup::Step;
    use scim_wizard_setup::report::PlanItem;

    use super::*;

    #[test]
    fn plans_read_as_a_list_of_actions() {
        let plan = SetupPlan {
            items: vec![PlanItem {
                step: Step::ScimEnabled,
                action: PlanAction::Create,
                what: scim_wizard_setup::messages::PlanMessage::EnableScim,
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
