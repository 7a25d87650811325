//! Shared by the CLI end-to-end suites (`cli_*.rs`): the `scim-wizard-cli` binary (built once),
//! a sandbox run as `scim-wizard-cli sandbox` (one per test, each with its own seed, so its
//! Organization and tenant ids, hence its keychain entries, are its own), a throw-away HOME and
//! XDG dirs per test, and the checks the suites share.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    dead_code,
    missing_debug_implementations
)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

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

/// The CLI binary, built once per test process (`SCIM_WIZARD_CLI` names a prebuilt one).
///
/// It is built in its own target directory (`<target>/cli-e2e`): the workspace's test build
/// unifies dependency features differently (e.g. tokio's `test-util` from a dev-dependency), and
/// sharing the directory would make each build throw away the other's artifacts.
pub fn cli_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        if let Some(path) = std::env::var_os("SCIM_WIZARD_CLI") {
            return PathBuf::from(path);
        }
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| scim_wizard_tests::repo_root().join("target"))
            .join("cli-e2e");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let output = Command::new(cargo)
            .args([
                "build",
                "--quiet",
                "-p",
                "scim-wizard-cli",
                "--bin",
                "scim-wizard-cli",
                "--message-format=json",
            ])
            .arg("--target-dir")
            .arg(&target)
            .current_dir(scim_wizard_tests::repo_root())
            .stderr(Stdio::inherit())
            .output()
            .expect("cargo runs");
        assert!(output.status.success(), "building scim-wizard-cli failed");
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|message| {
                message["reason"] == "compiler-artifact"
                    && message["target"]["name"] == "scim-wizard-cli"
            })
            .find_map(|message| message["executable"].as_str().map(PathBuf::from))
            .expect("cargo names the scim-wizard-cli executable")
    })
}

/// A seed no other test of this run (or of an earlier run in the same keyring) uses.
fn unique_seed() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or_default();
    nanos ^ (u64::from(std::process::id()) << 32) ^ NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A child process killed (and reaped) when dropped, even when a test fails half-way.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `scim-wizard-cli sandbox`, killed when dropped.
pub struct SandboxProcess {
    _child: Killed,
    pub urls: Value,
    pub seed: Value,
    http: reqwest::blocking::Client,
}

impl SandboxProcess {
    pub fn start(extra: &[&str]) -> Self {
        let seed = unique_seed().to_string();
        let mut command = Command::new(cli_binary());
        command
            .args(["sandbox", "--seed", &seed])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = Killed(command.spawn().expect("the sandbox starts"));
        let stdout = child.0.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let ready: Value = serde_json::from_str(&line).expect("one JSON line");
        assert_eq!(ready["event"], "sandbox_ready", "{line}");
        let http = reqwest::blocking::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let mut sandbox = Self {
            _child: child,
            urls: ready["urls"].clone(),
            seed: Value::Null,
            http,
        };
        sandbox.seed = sandbox.get("seed");
        // Device codes are approved on the second poll; one second apart keeps sign-ins short.
        sandbox.post(
            "login/behaviour",
            json!({"device_poll_interval_seconds": 1}),
        );
        sandbox
    }

    pub fn url(&self, name: &str) -> String {
        self.urls[name].as_str().unwrap().to_owned()
    }

    pub fn get(&self, path: &str) -> Value {
        self.http
            .get(format!("{}/{path}", self.url("control")))
            .send()
            .unwrap()
            .json()
            .unwrap()
    }

    pub fn post(&self, path: &str, body: Value) -> Value {
        let response = self
            .http
            .post(format!("{}/{path}", self.url("control")))
            .json(&body)
            .send()
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.json().unwrap_or(Value::Null)
    }

    pub fn organization_id(&self) -> String {
        self.seed["organization_id"].as_str().unwrap().to_owned()
    }

    pub fn tenant_id(&self) -> String {
        self.seed["tenant"]["tenant_id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub fn upn(&self, local: &str) -> String {
        format!(
            "{local}@{}",
            self.seed["tenant"]["domain"].as_str().unwrap()
        )
    }

    /// A seeded API key (`iam_manager_application`, `no_iam_rights`, `expired`, …).
    pub fn secret_key(&self, label: &str) -> String {
        self.seed["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["label"] == label)
            .unwrap_or_else(|| panic!("no {label} key"))["secret_key"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub fn requests(&self) -> Vec<Value> {
        let log = self.get("requests");
        log["requests"].as_array().cloned().unwrap_or_default()
    }

    /// The parts of both worlds a setup touches, without what moves by itself.
    pub fn snapshot(&self) -> Value {
        let scaleway = self.get("state");
        let graph = self.get("graph/state");
        let live_tokens: Vec<Value> = scaleway["scim_tokens"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| !t["deleted"].as_bool().unwrap_or(false))
            .map(|t| t["id"].clone())
            .collect();
        let jobs: Vec<Value> = graph["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| json!({"sp": j["servicePrincipalId"], "id": j["job"]["id"], "schema": j["schema"]}))
            .collect();
        json!({
            "scim": scaleway["scim"],
            "tokens": live_tokens,
            "iam_users": scaleway["iam_users"],
            "applications": graph["applications"],
            "servicePrincipals": graph["servicePrincipals"],
            "assignments": graph["assignments"],
            "secrets": graph["secrets"],
            "jobs": jobs,
        })
    }
}

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
        let dir = match std::env::var_os("SCIM_WIZARD_TEST_TMPDIR") {
            Some(base) => tempfile::Builder::new()
                .prefix("cli-")
                .tempdir_in(base)
                .unwrap(),
            None => tempfile::Builder::new()
                .prefix("scim-wizard-cli-")
                .tempdir()
                .unwrap(),
        };
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

    /// Runs the CLI to the end (killed after [`RUN_TIMEOUT`]).
    pub fn run(&self, args: &[&str]) -> Run {
        let child = self.command(args).spawn().expect("the CLI starts");
        let run = wait_with_timeout(child, RUN_TIMEOUT);
        self.remember(&run);
        run
    }

    pub fn remember(&self, run: &Run) {
        let mut printed = self.printed.lock().unwrap();
        printed.push_str(&run.stdout);
        printed.push_str(&run.stderr);
    }

    /// `apply --device-code --yes --json`, assigning these users (local parts).
    pub fn apply_args(&self, users: &[&str]) -> Vec<String> {
        let mut args: Vec<String> = ["apply", "--device-code", "--yes", "--json"]
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

/// Every regular file under `dir` (sockets and the like are skipped).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_dir() {
            files.extend(files_under(&path));
        } else if kind.is_file() {
            files.push(path);
        }
    }
    files
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
