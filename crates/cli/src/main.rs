//! `scim-wizard-cli`: the headless front of the setup engine.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use scim_wizard_sandbox::{FAULT_SPEC_HELP, FaultPlan, Sandbox, SandboxConfig};

/// Exit codes, documented in `--help` and the README.
mod exit {
    pub const DONE: u8 = 0;
    pub const BAD_USAGE: u8 = 2;
    pub const REMOTE_REFUSED: u8 = 4;
}

const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  done
  2  bad usage (a flag or a value is wrong; nothing was changed)
  3  needs admin action (a permission or a consent is missing)
  4  remote refused (Scaleway or Microsoft said no)
  5  interrupted; run the same command again to resume";

#[derive(Debug, Parser)]
#[command(name = "scim-wizard-cli", version, about = "Connect Microsoft Entra ID provisioning to a Scaleway Organization over SCIM.", after_help = EXIT_CODES_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the loopback simulator of Microsoft login, Graph, Scaleway IAM and SCIM, for practice
    /// and tests. Prints one JSON line with its URLs, then serves until interrupted.
    #[command(after_help = FAULT_SPEC_HELP)]
    Sandbox {
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Latency added to every request, in milliseconds.
        #[arg(long, default_value_t = 0)]
        latency_ms: u64,
        /// Faults to inject (see below).
        #[arg(long, value_name = "SPEC")]
        faults: Option<String>,
        /// Seed for generated ids, keys and fault draws.
        #[arg(long)]
        seed: Option<u64>,
    },
}

fn main() -> ExitCode {
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
    match cli.command {
        Command::Sandbox {
            port,
            latency_ms,
            faults,
            seed,
        } => runtime.block_on(run_sandbox(port, latency_ms, faults, seed)),
    }
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
