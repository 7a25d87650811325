//! `scim-wizard-cli` exit codes, end to end: 2 bad usage, 3 needs admin action, 4 remote
//! refused, 5 interrupted (and the journal then resumes the run).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli_support;

use std::process::{Command, Stdio};
use std::time::Duration;

use cli_support::{
    Cli, SandboxProcess, assert_one_of_each, cli_binary, count, keychain_lock, line_reader,
    read_until, step_done, wait_with_timeout,
};

fn bare(args: &[&str]) -> cli_support::Run {
    let mut command = Command::new(cli_binary());
    command
        .args(args)
        .env_remove("SCW_SECRET_KEY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    wait_with_timeout(command.spawn().unwrap(), Duration::from_secs(30))
}

#[test]
fn bad_usage_exits_with_2() {
    for args in [
        &["apply", "--cloud", "mars"][..],
        &["plan", "--no-such-flag"],
        &["status", "--assign", "someone@contoso.com"],
        &["apply", "--scaleway-api-key", "x"],
        &["frobnicate"],
    ] {
        let run = bare(args);
        assert_eq!(run.code(), 2, "{args:?}: {}", run.describe());
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.describe());
    }
    // The manual path needs the token's Base URL; nothing is read or changed.
    let run = bare(&["apply", "--scim-token-stdin", "--yes", "--json"]);
    assert_eq!(run.code(), 2, "{}", run.describe());
    let summary = run.summary();
    assert_eq!(summary["error"]["code"], "invalid_input");
    assert_eq!(summary["exit_code"], 2);
    // A malformed override is bad usage too, found before any network call.
    let run = bare(&["plan", "--login-url", "not a url", "--json"]);
    assert_eq!(run.code(), 2, "{}", run.describe());
}

#[test]
fn help_documents_the_exit_codes() {
    let run = bare(&["--help"]);
    assert_eq!(run.code(), 0);
    for line in [
        "0  done",
        "2  bad usage",
        "3  needs admin action",
        "4  remote refused",
        "5  interrupted; run the same command again to resume",
    ] {
        assert!(run.stdout.contains(line), "{line}: {}", run.stdout);
    }
    for sub in [
        "plan",
        "apply",
        "status",
        "rollback",
        "rotate-token",
        "sandbox",
    ] {
        assert!(run.stdout.contains(sub), "{sub}");
    }
}

#[test]
fn changes_without_yes_and_without_a_terminal_exit_with_3() {
    for command in ["apply", "rotate-token"] {
        let run = bare(&[command]);
        assert_eq!(run.code(), 3, "{command}: {}", run.describe());
        assert!(
            run.stderr.contains("add --yes") || run.stderr.contains("Add --yes"),
            "{}",
            run.describe()
        );
        let json = bare(&[command, "--json"]);
        assert_eq!(json.code(), 3);
        assert_eq!(json.summary()["error"]["code"], "confirmation_required");
    }
}

#[test]
fn a_key_without_iam_rights_exits_with_3_and_changes_nothing() {
    // --no-keychain: nothing here needs a Secret Service.
    for (label, code) in [
        ("no_iam_rights", "scaleway_permission_denied"),
        ("iam_read_only_application", "scaleway_permission_denied"),
        ("expired", "scaleway_key_expired"),
    ] {
        let mut cli = Cli::with_sandbox(SandboxProcess::start(&[]));
        cli.key_label = label;
        let run = cli.run(&["apply", "--device-code", "--yes", "--json", "--no-keychain"]);
        assert_eq!(run.code(), 3, "{label}: {}", run.describe());
        let summary = run.summary();
        assert_eq!(summary["ok"], false);
        assert_eq!(summary["error"]["code"], code, "{label}: {summary:#}");
        assert!(
            summary["error"]["hint"]
                .as_str()
                .is_some_and(|h| !h.is_empty())
        );
        let snapshot = cli.sandbox.snapshot();
        assert_eq!(count(&snapshot, "scim"), 0, "{label}");
        assert_eq!(count(&snapshot, "applications"), 0, "{label}");
        // The refused key is not printed.
        assert!(!run.stdout.contains(&cli.sandbox.secret_key(label)));
        assert!(!run.stderr.contains(&cli.sandbox.secret_key(label)));
    }
}

#[test]
fn a_setup_another_program_is_changing_is_left_alone_and_the_holder_is_named() {
    // The desktop app (or another CLI) holds the setup's lock: the CLI's data dir, as the
    // journal's default location puts it under this test's XDG_DATA_HOME.
    let cli = Cli::new();
    let store =
        scim_wizard_setup::journal::JournalStore::at(cli.home.path("data").join("scim-wizard"));
    let held = store.lock("the Scaleway SCIM Wizard app").unwrap();
    let logged = cli.sandbox.requests().len();
    for command in [
        &["apply", "--device-code", "--yes", "--json", "--no-keychain"][..],
        &["rollback", "--yes", "--json"],
        &["rotate-token", "--yes", "--json"],
    ] {
        let run = cli.run(command);
        assert_eq!(run.code(), 3, "{command:?}: {}", run.describe());
        let error = &run.summary()["error"];
        assert_eq!(error["code"], "setup_in_use", "{error:#}");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains("the Scaleway SCIM Wizard app (process"),
            "{message}"
        );
    }
    assert!(
        cli.sandbox.requests().len() == logged,
        "the CLI called a service"
    );
    // Reading needs no lock.
    let plan = cli.run(&["plan", "--device-code", "--json", "--no-keychain"]);
    assert_ne!(
        plan.summary()["error"]["code"],
        "setup_in_use",
        "{}",
        plan.describe()
    );
    // Once the other program is done, the same command goes ahead.
    drop(held);
    let run = cli.run(&["rollback", "--device-code", "--yes", "--json"]);
    assert_ne!(
        run.summary()["error"]["code"],
        "setup_in_use",
        "{}",
        run.describe()
    );
}

#[test]
fn no_scaleway_key_is_bad_usage() {
    let cli = Cli::new();
    let mut command = cli.command(&["plan", "--device-code", "--json", "--no-keychain"]);
    command.env_remove("SCW_SECRET_KEY");
    let run = wait_with_timeout(command.spawn().unwrap(), Duration::from_secs(60));
    assert_eq!(run.code(), 2, "{}", run.describe());
    assert_eq!(
        run.summary()["error"]["code"],
        "scaleway_credentials_not_found"
    );
}

#[test]
#[ignore = "needs a Secret Service: run through `make test`"]
fn ctrl_c_during_apply_exits_with_5_and_the_same_command_resumes() {
    let _keychain = keychain_lock();
    // Some latency, so that the signal lands in the middle of the run.
    let cli = Cli::with_sandbox(SandboxProcess::start(&["--latency-ms", "40"]));
    let users = ["adele.vance"];
    let args = cli.apply_args(&users);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut child = cli.command(&args).spawn().unwrap();
    let lines = line_reader(child.stdout.take().unwrap());
    let mut seen = read_until(&lines, Duration::from_secs(60), |e| {
        step_done(e, "scim_enabled")
    });
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let run = wait_with_timeout(child, Duration::from_secs(60));
    // The rest of stdout went to the line reader.
    seen.extend(lines.iter());
    let all = seen.join("\n");
    assert_eq!(run.code(), 5, "{all}\n{}", run.stderr);
    let summary = cli_support::json_lines(&all)
        .into_iter()
        .rev()
        .find(|e| e["event"] == "summary")
        .unwrap();
    assert_eq!(summary["error"]["code"], "cancelled", "{summary:#}");
    assert!(
        summary["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("Run the same command again to resume"),
        "{summary:#}"
    );
    assert!(
        cli.home.journal().is_some(),
        "the journal keeps what was done"
    );
    assert!(count(&cli.sandbox.snapshot(), "applications") <= 1);

    let again = cli.apply(&users);
    assert_eq!(again.code(), 0, "{}", again.describe());
    assert_one_of_each(&cli.sandbox.snapshot(), 1, "after Ctrl-C and resume");
}

#[test]
fn browser_sign_in_prints_the_address_and_completes_when_it_is_opened() {
    // --no-keychain: the sign-in is kept in memory only, so no Secret Service is needed.
    let cli = Cli::new();
    let no_opener = cli.home.path("bin");
    std::fs::create_dir_all(&no_opener).unwrap();
    let mut command = cli.command(&["status", "--json", "--no-keychain"]);
    // No xdg-open on the PATH: nothing is launched, the address is printed instead.
    command.env("PATH", &no_opener);
    let mut child = command.spawn().unwrap();
    let lines = line_reader(child.stdout.take().unwrap());
    let seen = read_until(&lines, Duration::from_secs(30), |e| e["event"] == "sign_in");
    let event: serde_json::Value = serde_json::from_str(seen.last().unwrap()).unwrap();
    assert_eq!(event["method"], "browser");
    let url = event["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&cli.sandbox.url("login")), "{url}");
    // The "browser": the sandbox consents at once and redirects to the CLI's loopback port.
    let http = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .unwrap();
    let page = http.get(&url).send().unwrap();
    assert!(page.status().is_success(), "{}", page.status());
    let run = wait_with_timeout(child, Duration::from_secs(60));
    assert_eq!(run.code(), 0, "{}", run.describe());
    assert!(
        run.stderr.contains(&url),
        "the address is on stderr: {}",
        run.describe()
    );
    let rest: Vec<serde_json::Value> = lines
        .iter()
        .filter_map(|l| serde_json::from_str(&l).ok())
        .collect();
    let summary = rest.iter().find(|e| e["event"] == "summary").unwrap();
    assert_eq!(summary["status"]["scaleway"]["scim_enabled"], false);
    assert!(summary["status"]["entra"]["job"].is_null());
}
