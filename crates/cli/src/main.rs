//! `scim-wizard-cli`: the headless front of the setup engine.
//!
//! `plan`, `apply`, `status`, `rollback`, `rotate-token` drive `scim_wizard_setup::SetupEngine`;
//! `forget` deletes the kept keys and sign-ins; `sandbox` runs the loopback simulator. Exit codes are in [`exit`]; `--help` lists them.

mod args;
mod commands;
mod exit;
mod failure;
mod output;
mod sessions;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use scim_wizard_sandbox::{FaultPlan, Sandbox, SandboxConfig};
use scim_wizard_setup::CancellationToken;
use serde_json::{Value, json};

use crate::args::{Cli, Command};
use crate::failure::Failure;
use crate::output::Output;
use crate::sessions::Ctx;

/// The stack the CLI runs on: what Linux and macOS give a main thread. Windows gives its main
/// thread 1 MiB, which the setup's futures outgrow in debug builds (`apply` overflowed it under
/// Wine); running on a thread of this size makes every platform run as the tests do here.
const CLI_STACK_BYTES: usize = 8 * 1024 * 1024;

/// Rust's own exit code after a panic, kept when the CLI's thread panics.
const PANICKED: u8 = 101;

fn main() -> ExitCode {
    let thread = std::thread::Builder::new()
        .name("scim-wizard-cli".to_owned())
        .stack_size(CLI_STACK_BYTES)
        .spawn(run_cli);
    match thread {
        // The panic message is printed already; only its exit code is left to give.
        Ok(thread) => thread.join().unwrap_or(ExitCode::from(PANICKED)),
        Err(_) => run_cli(),
    }
}

fn run_cli() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() {
                exit::BAD_USAGE
            } else {
                exit::DONE
            };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            return ExitCode::from(exit::REMOTE_REFUSED);
        }
    };
    let name = cli.command.name();
    let (common, run) = match cli.command {
        Command::Sandbox {
            port,
            latency_ms,
            faults,
            seed,
        } => return runtime.block_on(run_sandbox(port, latency_ms, faults, seed)),
        Command::Plan { common, setup } => (common, Run::Plan(setup)),
        Command::Apply {
            common,
            setup,
            scim_token_stdin,
            no_verify,
        } => (
            common,
            Run::Apply {
                setup,
                scim_token_stdin,
                no_verify,
            },
        ),
        Command::Status { common } => (common, Run::Status),
        Command::Rollback {
            common,
            forget_sign_in,
        } => (common, Run::Rollback { forget_sign_in }),
        Command::RotateToken { common } => (common, Run::RotateToken),
        Command::PauseProvisioning { common } => (common, Run::Provisioning { pause: true }),
        Command::ResumeProvisioning { common } => (common, Run::Provisioning { pause: false }),
        Command::Forget { common } => (common, Run::Forget),
    };
    let out = Arc::new(Output::new(common.json));
    let ctx = Ctx {
        common,
        out: Arc::clone(&out),
        cancel: CancellationToken::new(),
        starts_setups: matches!(run, Run::Plan(_) | Run::Apply { .. }),
    };
    let code = runtime.block_on(async {
        tokio::spawn(watch_signals(ctx.cancel.clone(), Arc::clone(&out)));
        // The commands that change the setup hold its lock until they end; plan and status
        // only read.
        let _lock = match &run {
            Run::Apply { .. }
            | Run::Rollback { .. }
            | Run::RotateToken
            | Run::Provisioning { .. } => match sessions::lock_setup(&ctx, name) {
                Ok(lock) => Some(lock),
                Err(failure) => return finish(&out, name, Err(failure)),
            },
            Run::Plan(_) | Run::Status | Run::Forget => None,
        };
        let result = match &run {
            Run::Plan(setup) => commands::plan(&ctx, setup).await,
            Run::Apply {
                setup,
                scim_token_stdin,
                no_verify,
            } => commands::apply(&ctx, setup, *scim_token_stdin, *no_verify).await,
            Run::Status => commands::status(&ctx).await,
            Run::Rollback { forget_sign_in } => commands::rollback(&ctx, *forget_sign_in).await,
            Run::RotateToken => commands::rotate_token(&ctx).await,
            Run::Provisioning { pause } => commands::pause_or_resume(&ctx, *pause).await,
            Run::Forget => commands::forget(&ctx).await,
        };
        finish(&out, name, result)
    });
    // Nothing may keep the process alive now (a blocked prompt, a spinner's ticker).
    runtime.shutdown_timeout(Duration::from_millis(100));
    ExitCode::from(code)
}

#[derive(Debug)]
enum Run {
    Plan(args::SetupArgs),
    Apply {
        setup: args::SetupArgs,
        scim_token_stdin: bool,
        no_verify: bool,
    },
    Status,
    Rollback {
        forget_sign_in: bool,
    },
    RotateToken,
    /// Pause (`true`) or resume provisioning.
    Provisioning {
        pause: bool,
    },
    Forget,
}

/// Prints the final summary (`--json`) or the error, and picks the exit code.
fn finish(out: &Output, command: &str, result: Result<Value, Failure>) -> u8 {
    match result {
        Ok(summary) => {
            out.event(&summary);
            // A command that worked may still say something needs the admin (`status`: 6).
            summary["exit_code"]
                .as_u64()
                .and_then(|code| u8::try_from(code).ok())
                .unwrap_or(exit::DONE)
        }
        Err(failure) => {
            let ui = failure.ui();
            let code = failure.exit_code();
            out.finish_bars();
            out.event(&json!({
                "event": "summary",
                "command": command,
                "ok": false,
                "exit_code": code,
                "error": ui,
            }));
            if !out.is_json() {
                eprintln!("error: {}", ui.message);
                if !ui.hint.is_empty() {
                    eprintln!("  {}", ui.hint);
                }
                eprintln!("  (code {}, exit {code})", ui.code.as_str());
            }
            code
        }
    }
}

/// Ctrl-C or SIGTERM: stop at the next safe point (the journal then resumes the run); a second
/// one quits at once.
async fn watch_signals(cancel: CancellationToken, out: Arc<Output>) {
    wait_for_shutdown_signal().await;
    cancel.cancel();
    out.note("Stopping at the next safe point… (again to quit at once; run the same command again to resume)");
    wait_for_shutdown_signal().await;
    out.finish_bars();
    eprintln!("Interrupted: run the same command again to resume.");
    std::process::exit(i32::from(exit::INTERRUPTED));
}

async fn run_sandbox(
    port: u16,
    latency_ms: u64,
    faults: Option<String>,
    seed: Option<u64>,
) -> ExitCode {
    let plan = match faults.as_deref().map(str::parse::<FaultPlan>) {
        None => FaultPlan::none(),
        Some(Ok(plan)) => plan,
        Some(Err(error)) => {
            eprintln!("error: --faults: {error}");
            return ExitCode::from(exit::BAD_USAGE);
        }
    };
    let mut config = SandboxConfig::default()
        .with_port(port)
        .with_latency(Duration::from_millis(latency_ms))
        .with_faults(plan);
    if let Some(seed) = seed {
        config = config.with_seed(seed);
    }
    let sandbox = match Sandbox::start(config).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(exit::BAD_USAGE);
        }
    };
    // One JSON line, so scripts and tests can read the URLs. The sandbox's fake keys are not in
    // it: they are served at `{control}/seed`.
    let ready = serde_json::json!({
        "event": "sandbox_ready",
        "urls": sandbox.urls(),
        "organization_id": sandbox.seed_data().organization_id,
    });
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{ready}")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::from(exit::REMOTE_REFUSED);
    }
    drop(stdout);
    wait_for_shutdown_signal().await;
    sandbox.shutdown().await;
    ExitCode::from(exit::DONE)
}

async fn wait_for_shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
