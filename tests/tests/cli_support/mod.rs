//! Shared by the CLI end-to-end suites (`cli_*.rs`): the `scim-wizard-cli` binary and its sandbox
//! (from `scim_wizard_tests::sandbox`, which the desktop suites use too), a throw-away HOME and
//! XDG dirs per test, and the checks the suites share.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    dead_code,
    missing_debug_implementations
)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

pub use scim_wizard_tests::files_under;
pub use scim_wizard_tests::sandbox::{SandboxProcess, cli_binary};
use serde_json::Value;

pub const KEYCHAIN: &str = "needs a Secret Service: run through `make test`";

/// Serialises the tests whose CLI runs use the keychain. The vault checks the keychain before
/// minting with a fixed throw-away entry (`scim-wizard` / `probe`), so two CLIs minting at the
/// same moment can read each other's probe back deleted ("Your keychain reported an error").
/// Reported for crates/setup (a per-process probe account would let these run in parallel).
pub fn keychain_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// How long one CLI run may take before the test gives up on it.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(120);

pub fn count(snapshot: &Value, key: &str) -> usize {
    snapshot[key].as_array().map_or(0, Vec::len)
}

/// Exactly one SCIM configuration, minted token, app, service principal and job, and one
/// assignment per user.
pub fn assert_one_of_each(snapshot: &Value, assignments: usize, context: &str) {
    for (key, expected) in [
        ("scim", 1),
        ("tokens", 1),
        ("applications", 1),
        ("servicePrincipals", 1),
        ("jobs", 1),
        ("assignments", assignments),
    ] {
        assert_eq!(
            count(snapshot, key),
            expected,
            "{context}: {key}: {snapshot:#}"
        );
    }
}

/// Routes that change something.
pub const WRITING_ROUTES: &[&str] = &[
    "scaleway.enable_scim",
    "scaleway.delete_scim",
    "scaleway.create_scim_token",
    "scaleway.delete_scim_token",
    "graph.instantiate",
    "graph.delete_application",
    "graph.assign",
    "graph.unassign",
    "graph.create_job",
    "graph.delete_job",
    "graph.put_secrets",
    "graph.put_schema",
    "graph.patch_schema",
    "graph.start_job",
    "graph.pause_job",
    "graph.restart_job",
    "graph.provision_on_demand",
];

pub fn writes(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .filter_map(|e| e["route"].as_str())
        .filter(|route| WRITING_ROUTES.contains(route))
        .map(str::to_owned)
        .collect()
}

/// A throw-away HOME, XDG dirs and TMPDIR for the CLI runs of one test.
pub struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("scim-wizard-cli-")
            .tempdir_in(scim_wizard_tests::scratch_base())
            .unwrap();
        for sub in ["home", "data", "config", "cache", "tmp"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        Self { dir }
    }

    pub fn path(&self, sub: &str) -> PathBuf {
        self.dir.path().join(sub)
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The CLI's journal under this HOME's data dir, if there is one.
    pub fn journal(&self) -> Option<PathBuf> {
        files_under(&self.path("data"))
            .into_iter()
            .find(|f| f.file_name().is_some_and(|n| n == "journal.json"))
    }
}

/// One test's CLI: its sandbox, its HOME, the Scaleway key in the environment.
pub struct Cli {
    pub sandbox: SandboxProcess,
    pub home: Home,
    pub key_label: &'static str,
    /// Everything the CLI printed in this test (checked for secrets at the end).
    pub printed: Mutex<String>,
}

pub struct Run {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.status.code().unwrap_or(-1)
    }

    /// The `--json` lines.
    pub fn events(&self) -> Vec<Value> {
        json_lines(&self.stdout)
    }

    /// The final `summary` object.
    pub fn summary(&self) -> Value {
        self.events()
            .into_iter()
            .rev()
            .find(|e| e["event"] == "summary")
            .unwrap_or_else(|| panic!("no summary:\n{}\n{}", self.stdout, self.stderr))
    }

    pub fn describe(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.status.code(),
            self.stdout,
            self.stderr
        )
    }
}

pub fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .collect()
}

impl Cli {
    pub fn new() -> Self {
        Self::with_sandbox(SandboxProcess::start(&[]))
    }

    pub fn with_sandbox(sandbox: SandboxProcess) -> Self {
        Self {
            sandbox,
            home: Home::new(),
            key_label: "iam_manager_application",
            printed: Mutex::new(String::new()),
        }
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(cli_binary());
        command.args(args);
        // Only what the CLI needs: no SCW_* or SCIM_WIZARD_* of the machine leaks in.
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy().into_owned();
            if name.starts_with("SCW_") || name.starts_with("SCIM_WIZARD_") {
                command.env_remove(&name);
            }
        }
        command
            .env("HOME", self.home.path("home"))
            .env("XDG_DATA_HOME", self.home.path("data"))
            .env("XDG_CONFIG_HOME", self.home.path("config"))
            .env("XDG_CACHE_HOME", self.home.path("cache"))
            .env("TMPDIR", self.home.path("tmp"))
            .env("SCW_SECRET_KEY", self.sandbox.secret_key(self.key_label))
            .env(
                "SCW_DEFAULT_ORGANIZATION_ID",
                self.sandbox.organization_id(),
            )
            .env("SCIM_WIZARD_LOGIN_URL", self.sandbox.url("login"))
            .env("SCIM_WIZARD_GRAPH_URL", self.sandbox.url("graph"))
            .env("SCIM_WIZARD_SCALEWAY_URL", self.sandbox.url("scaleway_api"))
            .env(
                "SCIM_WIZARD_SCIM_BASE_URL",
                self.sandbox.url("scim_base_url_pattern"),
            )
            .env("SCIM_WIZARD_POLL_INTERVAL_MS", "200")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// [`Cli::command`] for an admin who has no Scaleway API key at all: no `SCW_*` variable and
    /// no Base URL pattern (the throw-away HOME has no `scw` profile either).
    pub fn keyless(&self, args: &[&str]) -> Command {
        let mut command = self.command(args);
        for name in [
            "SCW_SECRET_KEY",
            "SCW_DEFAULT_ORGANIZATION_ID",
            "SCIM_WIZARD_SCIM_BASE_URL",
        ] {
            command.env_remove(name);
        }
        command
    }

    /// Runs the CLI to the end (killed after [`RUN_TIMEOUT`]).
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_command(self.command(args), None)
    }

    /// Runs a command of [`Cli::command`] or [`Cli::keyless`] to the end, `input` (then the end
    /// of input) on its stdin.
    pub fn run_command(&self, mut command: Command, input: Option<&str>) -> Run {
        if input.is_some() {
            command.stdin(Stdio::piped());
        }
        let mut child = command.spawn().expect("the CLI starts");
        if let Some(input) = input {
            let mut stdin = child.stdin.take().expect("piped stdin");
            // A CLI that stops before reading has closed its end: what it says is the result.
            let _ = stdin.write_all(input.as_bytes());
        }
        let run = wait_with_timeout(child, RUN_TIMEOUT);
        self.remember(&run);
        run
    }

    pub fn remember(&self, run: &Run) {
        let mut printed = self.printed.lock().unwrap();
        printed.push_str(&run.stdout);
        printed.push_str(&run.stderr);
    }

    /// `apply --device-code --yes --json --remember`, assigning these users (local parts): the
    /// key and the sign-in are kept, so the runs that follow need neither.
    pub fn apply_args(&self, users: &[&str]) -> Vec<String> {
        let mut args: Vec<String> = ["apply", "--device-code", "--yes", "--json", "--remember"]
            .map(str::to_owned)
            .to_vec();
        for user in users {
            args.push("--assign".to_owned());
            args.push(self.sandbox.upn(user));
        }
        args
    }

    pub fn apply(&self, users: &[&str]) -> Run {
        let args = self.apply_args(users);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run(&args)
    }
}

/// Waits for a child, reading its output; kills it after `timeout`.
pub fn wait_with_timeout(mut child: Child, timeout: Duration) -> Run {
    let stdout = child.stdout.take().map(read_all_in_background);
    let stderr = child.stderr.take().map(read_all_in_background);
    let began = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if began.elapsed() > timeout {
            let _ = child.kill();
            let status = child.wait().unwrap();
            let stderr = stderr.map(|h| h.join().unwrap()).unwrap_or_default();
            panic!("the CLI took more than {timeout:?} ({status}); stderr:\n{stderr}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        status,
        stdout: stdout.map(|h| h.join().unwrap()).unwrap_or_default(),
        stderr: stderr.map(|h| h.join().unwrap()).unwrap_or_default(),
    }
}

fn read_all_in_background(
    mut pipe: impl std::io::Read + Send + 'static,
) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

/// The `--json` lines of a running CLI, one by one as they come.
pub fn line_reader(stdout: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Reads lines until `stop` says so; returns every line read. Panics on timeout or on the end
/// of the output before `stop`.
pub fn read_until(
    lines: &Receiver<String>,
    timeout: Duration,
    mut stop: impl FnMut(&Value) -> bool,
) -> Vec<String> {
    let deadline = Instant::now() + timeout;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => {
                let value = serde_json::from_str::<Value>(&line).unwrap_or(Value::Null);
                seen.push(line);
                if stop(&value) {
                    return seen;
                }
            }
            Err(RecvTimeoutError::Timeout) => panic!("timed out; read:\n{}", seen.join("\n")),
            Err(RecvTimeoutError::Disconnected) => {
                panic!("the CLI ended first; read:\n{}", seen.join("\n"))
            }
        }
    }
}

/// A progress event saying `step` is done (finished or skipped).
pub fn step_done(event: &Value, step: &str) -> bool {
    event["event"] == "progress"
        && event["step"] == step
        && (event["phase"] == "finished" || event["phase"] == "skipped")
}

/// A JWT-shaped string (three base64url segments, the first starting `eyJ`), as Entra's access
/// and ID tokens are.
pub fn find_jwt(text: &str) -> Option<String> {
    let is_b64 = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut from = 0;
    while let Some(at) = text[from..].find("eyJ") {
        let start = from + at;
        let candidate: String = text[start..]
            .chars()
            .take_while(|c| is_b64(*c) || *c == '.')
            .collect();
        let parts: Vec<&str> = candidate.split('.').collect();
        if parts.len() >= 3 && parts[0].len() >= 10 && parts[1].len() >= 10 {
            return Some(candidate);
        }
        from = start + 3;
    }
    None
}
