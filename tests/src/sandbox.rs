//! `scim-wizard-cli sandbox` as the CLI and desktop suites start it: one process per test, each
//! with its own seed (so its Organization and tenant ids, hence its keychain entries, are its
//! own), its control endpoints, and what an admin does in its Scaleway console.

// Test support: a failed expectation here is a failed test, said loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{Value, json};

use crate::process::ChildGuard;

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
            .unwrap_or_else(|| crate::repo_root().join("target"))
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
            .current_dir(crate::repo_root())
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

/// `scim-wizard-cli sandbox`, killed when dropped.
#[derive(Debug)]
pub struct SandboxProcess {
    _child: ChildGuard,
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
        let mut child =
            ChildGuard::spawn("scim-wizard-cli sandbox", &mut command).expect("the sandbox starts");
        let stdout = child.take_stdout().expect("piped stdout");
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
        succeeded(
            path,
            self.http
                .post(format!("{}/{path}", self.url("control")))
                .json(&body),
        )
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

    /// What an admin does in the Scaleway console before choosing "I already have a SCIM token
    /// and Base URL": turn SCIM on and create a token, through the sandbox's Scaleway IAM API with
    /// the seeded IAMManager key (the console calls the same API). The CLI is not involved.
    pub fn console_token(&self) -> ConsoleToken {
        let organization_id = self.organization_id();
        let scim = self.scaleway_post(&format!(
            "iam/v1alpha1/organizations/{organization_id}/scim"
        ));
        let scim_id = scim["id"].as_str().expect("the SCIM id").to_owned();
        let minted = self.scaleway_post(&format!("iam/v1alpha1/scim/{scim_id}/tokens"));
        ConsoleToken {
            token: minted["bearer_token"]
                .as_str()
                .expect("the token, shown once")
                .to_owned(),
            token_id: minted["token"]["id"].as_str().unwrap().to_owned(),
            base_url: self
                .url("scim_base_url_pattern")
                .replace("{scim_id}", &scim_id)
                .replace("{organization_id}", &organization_id),
        }
    }

    fn scaleway_post(&self, path: &str) -> Value {
        succeeded(
            path,
            self.http
                .post(format!("{}/{path}", self.url("scaleway_api")))
                .header("X-Auth-Token", self.secret_key("iam_manager_application"))
                .json(&json!({})),
        )
    }

    /// The HTTP status of `GET {base_url}/Users?count=1` with this SCIM token.
    pub fn scim_status(&self, base_url: &str, token: &str) -> u16 {
        self.http
            .get(format!("{base_url}/Users?count=1"))
            .bearer_auth(token)
            .send()
            .unwrap()
            .status()
            .as_u16()
    }

    /// The usernames of the users in Scaleway (arrived over SCIM or not).
    pub fn scim_usernames(&self) -> Vec<String> {
        self.get("state")["scim_users"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|u| u["userName"].as_str().map(str::to_owned))
            .collect()
    }

    pub fn requests(&self) -> Vec<Value> {
        let log = self.get("requests");
        log["requests"].as_array().cloned().unwrap_or_default()
    }

    /// The parts of both worlds a setup touches, without what moves by itself.
    pub fn snapshot(&self) -> Value {
        scim_wizard_sandbox::setup_footprint(&self.get("state"), &self.get("graph/state"))
    }
}

/// Sends `request`, which must succeed; its JSON body (null when there is none).
fn succeeded(path: &str, request: reqwest::blocking::RequestBuilder) -> Value {
    let response = request.send().unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().unwrap_or(Value::Null)
}

/// A SCIM token and its Base URL, made in the (sandbox's) Scaleway console.
#[derive(Debug)]
pub struct ConsoleToken {
    pub token: String,
    pub token_id: String,
    pub base_url: String,
}

/// The routes of the sandbox's Scaleway IAM API among `entries` (a token-only run calls none).
pub fn scaleway_api_routes(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .filter_map(|e| e["route"].as_str())
        .filter(|route| route.starts_with("scaleway."))
        .map(str::to_owned)
        .collect()
}

/// The wizard's own SCIM look-ups of `user_name` among `entries` (`GET {base}/Users?filter=
/// userName eq "…"`, sent with its user agent, not Entra's): how a token-only proof checks.
pub fn wizard_scim_lookups(entries: &[Value], user_name: &str) -> usize {
    entries
        .iter()
        .filter(|e| e["route"] == "scim.list_users")
        .filter(|e| {
            e["headers"]["user-agent"]
                .as_str()
                .is_some_and(|agent| agent.starts_with("scim-wizard/"))
        })
        .filter(|e| {
            e["path"]
                .as_str()
                .is_some_and(|path| path.contains("filter=userName") && path.contains(user_name))
        })
        .count()
}
