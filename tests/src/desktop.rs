//! What the desktop suites share: starting tauri-driver (with the environment the app inherits),
//! the app binary, screenshots, the clipboard, the count of what a user had to do, and the
//! screens every setup goes through once signed in to Entra.

// Test support: a failed expectation here is a failed test, said loudly.
#![allow(clippy::expect_used, clippy::panic, clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::process::{ChildGuard, free_local_port};
use crate::repo_root;
use crate::sandbox::SandboxProcess;
use crate::webdriver::{Element, Result, Session, wait_until_ready};

/// How long a screen or a field may take to show up.
pub const SHORT: Duration = Duration::from_secs(15);
/// How long a step that calls the services may take.
pub const LONG: Duration = Duration::from_secs(60);

/// tauri-driver, killed on drop. The app it launches inherits its environment.
#[derive(Debug)]
pub struct Driver {
    pub base: String,
    /// WebKitWebDriver's port: tauri-driver starts one per session, on this port.
    native_port: u16,
    _process: ChildGuard,
}

/// The built desktop app (`SCIM_WIZARD_APP`, set by `make test` / `make e2e`).
///
/// # Panics
/// When the variable is missing or names no file: the suite cannot run without the app.
pub fn app_binary() -> PathBuf {
    let Some(path) = std::env::var_os("SCIM_WIZARD_APP") else {
        panic!(
            "SCIM_WIZARD_APP is not set: build the app with `make app` and point it at the binary"
        );
    };
    let path = PathBuf::from(path);
    assert!(path.is_file(), "SCIM_WIZARD_APP={path:?} does not exist");
    path
}

/// The process ids of running instances of the app binary (read from `/proc`; none where there
/// is no `/proc`).
fn running_instances(app: &Path) -> Vec<u32> {
    let Ok(app) = app.canonicalize() else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let exe = std::fs::read_link(entry.path().join("exe")).ok()?;
            (exe == app).then_some(pid)
        })
        .collect()
}

/// Waits until no instance of the app from an earlier test is still going away, then stops any
/// that will not: the app is single-instance, so a new one started while an old one lingers
/// hands over to it and exits, and the WebDriver session never starts. On a loaded machine an
/// old instance can take seconds to close.
fn no_earlier_instance(app: &Path) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !running_instances(app).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    let left = running_instances(app);
    if left.is_empty() {
        return;
    }
    println!(
        "stopping {} earlier instance(s) of the app: {left:?}",
        left.len()
    );
    for pid in &left {
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while !running_instances(app).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
}

impl Driver {
    /// Starts tauri-driver on free ports, with `env` added to what the app will inherit.
    ///
    /// # Panics
    /// Without a display (run through tests/session.sh) or without tauri-driver installed.
    pub fn start(env: &[(&str, &str)]) -> Self {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no DISPLAY: run this suite through tests/session.sh (it starts Xvfb)"
        );
        let port = free_local_port().expect("a free port for tauri-driver");
        let native_port = free_local_port().expect("a free port for WebKitWebDriver");
        let mut command = Command::new("tauri-driver");
        command
            .args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        for (key, value) in env {
            command.env(key, value);
        }
        let process = ChildGuard::spawn("tauri-driver", &mut command)
            .unwrap_or_else(|e| panic!("could not start tauri-driver ({e}): run `make test-deps`"));
        let base = format!("http://127.0.0.1:{port}");
        wait_until_ready(&base, Duration::from_secs(20)).expect("tauri-driver answers");
        Self {
            base,
            native_port,
            _process: process,
        }
    }

    /// [`Driver::start`] for an app that keeps its journal in `dir/data` and its settings in
    /// `dir/config` (`SCIM_WIZARD_DATA_DIR`, `SCIM_WIZARD_CONFIG_DIR`), with `env` added.
    ///
    /// # Panics
    /// As [`Driver::start`], or when `dir` is not UTF-8.
    pub fn start_in(dir: &Path, env: &[(&str, &str)]) -> Self {
        let data = dir.join("data");
        let config = dir.join("config");
        let mut all = vec![
            ("SCIM_WIZARD_DATA_DIR", data.to_str().expect("a UTF-8 dir")),
            (
                "SCIM_WIZARD_CONFIG_DIR",
                config.to_str().expect("a UTF-8 dir"),
            ),
        ];
        all.extend_from_slice(env);
        Self::start(&all)
    }

    /// Launches the app in a new WebDriver session.
    ///
    /// # Errors
    /// When the driver refuses the session.
    pub fn launch(&self) -> Result<Session> {
        let app = app_binary();
        no_earlier_instance(&app);
        Session::start(&self.base, &app.to_string_lossy())
    }

    /// Launches the app and waits for its Welcome screen; retried briefly while a previous
    /// instance is still going away (the app is single-instance).
    ///
    /// # Panics
    /// When the app does not show its Welcome screen within 20 s.
    pub fn launch_to_welcome(&self) -> Session {
        self.launch_to("[data-testid=screen-welcome]")
    }

    /// Launches the app and waits for the screen `css` (the Welcome screen, or the home screen
    /// of a finished setup), retrying while the app starts.
    ///
    /// # Panics
    /// When the app does not start, or does not show that screen.
    pub fn launch_to(&self, css: &str) -> Session {
        // tauri-driver starts a WebKitWebDriver per session on the same port: the last one
        // must have let go of it first.
        let closing = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", self.native_port)).is_ok()
            && Instant::now() < closing
        {
            std::thread::sleep(Duration::from_millis(100));
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match self.launch() {
                Ok(session) => {
                    if session.wait_for(css, Duration::from_secs(20)).is_ok() {
                        return session;
                    }
                    let shown = session
                        .execute("return document.body.innerText;", json!([]))
                        .ok()
                        .and_then(|text| text.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    let _ = session.end();
                    assert!(
                        Instant::now() < deadline,
                        "the app did not show {css}; it shows: {shown}"
                    );
                }
                Err(error) if Instant::now() > deadline => panic!("the app did not start: {error}"),
                Err(_) => {}
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

/// Clicks `css` once it is there and enabled (not counted: for checks, not for the setup).
///
/// # Panics
/// When it does not become clickable within [`SHORT`].
pub fn click(session: &Session, css: &str) {
    let element = session
        .wait_enabled(css, SHORT)
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    session
        .click(&element)
        .unwrap_or_else(|e| panic!("{css}: {e}"));
}

/// Replaces the text of the field `css` (not counted).
///
/// # Panics
/// When the field does not appear within [`SHORT`] or refuses the keys.
pub fn type_into(session: &Session, css: &str, text: &str) {
    let element = session
        .wait_enabled(css, SHORT)
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    session
        .clear(&element)
        .and_then(|()| session.send_keys(&element, text))
        .unwrap_or_else(|e| panic!("{css}: {e}"));
}

/// Waits until the text of `css` satisfies `accept`, returning it; when it does not in time, the
/// failure quotes what `instead` shows (an error banner, a status panel).
///
/// # Panics
/// When the text does not come within `within`.
pub fn wait_for_text_or_show(
    session: &Session,
    css: &str,
    within: Duration,
    accept: impl Fn(&str) -> bool,
    instead: &str,
) -> String {
    session
        .wait_for_text(css, within, accept)
        .unwrap_or_else(|e| {
            let shown = session
                .find(instead)
                .and_then(|element| session.text(&element))
                .unwrap_or_default();
            panic!("{e}; {instead} shows: {shown}")
        })
}

/// Real mode, once "Connect my accounts" was clicked: the Scaleway screen, without the
/// practice badge.
///
/// # Panics
/// When the screen does not show within [`SHORT`], or shows the practice badge.
pub fn wait_real_accounts_scaleway(session: &Session) {
    session
        .wait_for("[data-testid=screen-scaleway]", SHORT)
        .expect("the Scaleway screen");
    assert!(
        session.find("[data-testid=sandbox-badge]").is_err(),
        "real accounts, not practice"
    );
}

/// Real mode, once Sign in was clicked: the app shows its sign-in link (it cannot open a browser
/// under Xvfb), which must go to `login_url`; the test plays the admin's browser with it; the
/// signed-in account then shows. Returns the account's text.
///
/// # Panics
/// When the link is elsewhere, or the sign-in does not complete within [`LONG`].
pub fn sign_in_through_link(session: &Session, login_url: &str) -> String {
    let link = session
        .wait_for_text("[data-testid=sign-in-url]", LONG, |t| t.starts_with("http"))
        .expect("the sign-in link");
    assert!(
        link.starts_with(login_url),
        "signs in at {login_url}: {link}"
    );
    follow_sign_in(&link);
    session
        .wait_for_text("[data-testid=entra-account]", LONG, |t| !t.is_empty())
        .expect("the signed-in account")
}

/// What the admin's browser would do: open the sign-in link (the sandbox consents at once) and
/// follow its redirect to the app's loopback listener. If a real browser was opened by the app and
/// got there first, the listener is already gone: the account showing up is what counts.
///
/// # Panics
/// When the sandbox does not answer with a redirect.
pub fn follow_sign_in(link: &str) {
    let http = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client");
    let response = http.get(link).send().expect("the sign-in page answers");
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or_else(|| panic!("the sandbox did not redirect ({})", response.status()))
        .to_owned();
    let _ = http.get(&location).send();
}

/// What the wizard showed at the end of a setup.
#[derive(Debug)]
pub struct Outcome {
    /// Start & verify's headline, e.g. "adele.vance now exists in Scaleway".
    pub headline: String,
    /// Everything the Start & verify screen says once the user is seen.
    pub verify_text: String,
    /// Everything the Done screen says.
    pub done_text: String,
    /// The whole proof notice under the headline (user id, and how the user was looked up).
    pub proof_notice: String,
    /// Start & verify's live progress, one step a line.
    pub progress: String,
    /// The Done screen's proof.
    pub done_proof: String,
}

/// How the Entra sign-in completes once Sign in is clicked.
#[derive(Debug, Clone, Copy)]
pub enum SignIn<'a> {
    /// Practice: the built-in sandbox consents by itself.
    Practice,
    /// Real mode: through the sign-in link, which must go to this address
    /// ([`sign_in_through_link`]).
    Link(&'a str),
}

/// Someone of the sandbox's directory, assigned and proven by a setup.
#[derive(Debug, Clone, Copy)]
pub struct TestUser<'a> {
    /// As the people picker shows them.
    pub name: &'a str,
    /// As Scaleway shows them (the UPN's local part).
    pub username: &'a str,
    /// A group of theirs assigned with them, as the picker shows it: one the Users screen has
    /// something to say about before assigning (the sandbox's "Engineering" has a group inside
    /// it), then proven in Scaleway with its members.
    pub group: Option<&'a str>,
    /// A group whose people would collide on one Scaleway username: ticked, the impact view
    /// blocks the start and says who; unticked again (leaving them out), the setup goes on.
    pub colliding_group: Option<&'a str>,
    /// Someone with a Scaleway account under the username Entra would send: ticked beside the
    /// colliding group, the impact view shows all four of its groups; unticked with it.
    pub taken_over: Option<&'a str>,
}

/// Adele Vance, of the sandbox's directory.
pub const ADELE: TestUser<'static> = TestUser {
    name: "Adele Vance",
    username: "adele.vance",
    group: None,
    colliding_group: None,
    taken_over: None,
};

/// Adele Vance and her group "Engineering" (with "Platform" inside it).
pub const ADELE_AND_ENGINEERING: TestUser<'static> = TestUser {
    group: Some("Engineering"),
    colliding_group: Some("Support"),
    taken_over: Some("Inès Admin"),
    ..ADELE
};

/// Ticks the option of kind `kind` (`user` or `group`) whose label contains `label`.
///
/// # Panics
/// When no such option is offered, or the selection does not show it.
pub fn pick(session: &Session, act: &mut Actions, kind: &str, label: &str) {
    toggle(session, act, kind, label);
    session
        .wait_for_text("[data-testid=selection]", SHORT, |t| t.contains(label))
        .unwrap_or_else(|e| panic!("{label} is selected: {e}"));
}

/// Clicks the checkbox of the option of kind `kind` whose label contains `label`.
fn toggle(session: &Session, act: &mut Actions, kind: &str, label: &str) {
    let picks = session
        .find_all(&format!("[data-testid=pick-{kind}]"))
        .expect("the options offered");
    let labels = session
        .execute(
            &format!(
                "return [...document.querySelectorAll('[data-testid=pick-{kind}]')].map(i => i.closest('label').innerText);"
            ),
            json!([]),
        )
        .expect("the names offered");
    let index = labels
        .as_array()
        .and_then(|labels| {
            labels
                .iter()
                .position(|l| l.as_str().unwrap_or_default().contains(label))
        })
        .unwrap_or_else(|| panic!("{label} is offered: {labels}"));
    act.click_element(session, &picks[index], &format!("pick {label}"))
        .expect("the option is clicked");
}

/// Steps 2 to 4 from the Entra screen, as the admin clicks them (counted in `act`): sign in,
/// the preflight, create the app, Test connection, apply the mapping changes, pick `user` among
/// the people offered and assign, then Start & verify until the proof that `user` exists in
/// Scaleway, and on to Done, which says it again. With `screenshots`, each screen is saved as
/// docs/screenshots/{entra,connection,mappings,users,verify}.png.
///
/// # Panics
/// When a screen does not show what it should in time.
pub fn finish_setup(
    session: &Session,
    act: &mut Actions,
    sign_in: SignIn<'_>,
    user: TestUser<'_>,
    language: Language,
    screenshots: bool,
) -> Outcome {
    let shoot = |name: &str| {
        if screenshots {
            save_screenshot(session, name);
        }
    };
    let wait = |css: &str, within: Duration| {
        session
            .wait_for(css, within)
            .unwrap_or_else(|e| panic!("{css}: {e}"))
    };
    let wait_text = |css: &str, within: Duration, accept: &dyn Fn(&str) -> bool| {
        session
            .wait_for_text(css, within, accept)
            .unwrap_or_else(|e| panic!("{css}: {e}"))
    };
    let click = |act: &mut Actions, css: &str| {
        act.click(session, css, SHORT)
            .unwrap_or_else(|e| panic!("{css}: {e}"));
    };

    // 2 Entra: sign in, the preflight in words, then create the app.
    wait("[data-testid=screen-entra]", SHORT);
    click(act, "[data-testid=sign-in-browser]");
    match sign_in {
        SignIn::Practice => {
            wait_text("[data-testid=entra-account]", LONG, &|t| !t.is_empty());
        }
        SignIn::Link(login_url) => {
            sign_in_through_link(session, login_url);
        }
    }
    wait("[data-testid=preflight-ready]", SHORT);
    let role = wait_text("[data-testid=entra-role]", SHORT, &|t| !t.is_empty());
    assert!(!role.is_empty(), "the role is named");
    session
        .wait_enabled("[data-testid=create-app]", SHORT)
        .expect("Create the app");
    shoot("entra");
    click(act, "[data-testid=create-app]");

    // 3 Connection: Test connection (saved only when it passes) → on to the mappings.
    wait("[data-testid=screen-connection]", LONG);
    session
        .wait_enabled("[data-testid=test-connection]", SHORT)
        .expect("Test connection");
    shoot("connection");
    click(act, "[data-testid=test-connection]");

    // 4 Mappings: the before/after list, then apply.
    wait("[data-testid=screen-mappings]", LONG);
    let changes = wait_text("[data-testid=mapping-changes]", LONG, &|t| !t.is_empty());
    assert!(
        changes.contains("userName"),
        "the userName change is listed: {changes}"
    );
    shoot("mappings");
    click(act, "[data-testid=apply-mappings]");

    // Users: the first people of the directory are offered without typing; pick one, assign
    // (and start).
    let person = user.name;
    wait("[data-testid=screen-users]", LONG);
    wait("[data-testid=directory-note]", LONG);
    wait_text("[data-testid=people-results]", SHORT, &|t| {
        t.contains(person)
    });
    pick(session, act, "user", person);
    if let Some(group) = user.group {
        pick(session, act, "group", group);
        // What the group will do in Scaleway is said before anything is assigned.
        wait_text("[data-testid=group-scope]", LONG, &|t| t.contains(group));
    }
    if let Some(colliding) = user.colliding_group {
        // Two of its people would get one username: the start is blocked, and says who.
        pick(session, act, "group", colliding);
        let said = wait_text("[data-testid=impact-collisions]", LONG, &|t| {
            t.contains("jordan.lee")
        });
        assert!(said.contains("fabrikam.example"), "{said}");
        let assign = session
            .find("[data-testid=assign]")
            .expect("the Assign button");
        assert!(
            !session.is_enabled(&assign).expect("its state"),
            "Assign stays closed while a collision stands"
        );
        if let Some(taken_over) = user.taken_over {
            // Already in Scaleway: said to be managed by Entra from now on.
            pick(session, act, "user", taken_over);
            wait_text("[data-testid=impact-match]", LONG, &|t| {
                t.contains("ines.admin")
            });
        }
        if screenshots {
            save_screenshot_of(session, "impact", Some("[data-testid=impact]"));
        }
        // Leaving them out resolves it.
        if let Some(taken_over) = user.taken_over {
            toggle(session, act, "user", taken_over);
        }
        toggle(session, act, "group", colliding);
        session
            .wait_for_gone("[data-testid=impact-collisions]", LONG)
            .expect("the collision is resolved");
    }
    // Show the ticked person and the selection in the picture, not the top of the page.
    if screenshots {
        save_screenshot_of(session, "users", Some("[data-testid=assign]"));
    }
    click(act, "[data-testid=assign]");

    // Start & verify: live progress until the test user is seen in Scaleway.
    wait("[data-testid=screen-verify]", LONG);
    let headline = wait_text(
        "[data-testid=proof-headline]",
        Duration::from_secs(90),
        &|t| !t.is_empty(),
    );
    assert!(
        headline.contains(&language.now_exists(user.username)),
        "{headline}"
    );
    if let Some(group) = user.group {
        // The group arrived in Scaleway with its members.
        let proof = session
            .wait_for("[data-testid=group-proof][data-finding=arrived]", SHORT)
            .and_then(|element| session.text(&element))
            .unwrap_or_else(|e| panic!("the group is proven: {e}"));
        assert!(proof.contains(group), "{proof}");
    }
    let progress = wait_text("[data-testid=progress-list]", SHORT, &|t| !t.is_empty());
    let proof_notice = wait_text("[data-testid=proof-ok]", SHORT, &|t| !t.is_empty());
    let verify_text = wait_text("main", SHORT, &|t| !t.is_empty());
    shoot("verify");
    click(act, "[data-testid=verify-next]");

    // Done: the proof again, with what was created.
    wait("[data-testid=screen-done]", SHORT);
    let done_proof = wait_text("[data-testid=done-proof]", SHORT, &|t| !t.is_empty());
    assert!(
        done_proof.contains(&language.exists(user.username)),
        "{done_proof}"
    );
    wait_text("[data-testid=summary]", SHORT, &|t| !t.is_empty());
    let done_text = wait_text("main", SHORT, &|t| !t.is_empty());
    Outcome {
        headline,
        verify_text,
        done_text,
        proof_notice,
        progress,
        done_proof,
    }
}

/// The language the admin chose (the header's switch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    English,
    French,
}

impl Language {
    /// Picks it in the header's language switch, as the admin would.
    ///
    /// # Panics
    /// When the switch cannot be found or set.
    pub fn choose(self, session: &Session) {
        let code = match self {
            Language::English => "en",
            Language::French => "fr",
        };
        session
            .execute(
                "const s = document.querySelector('[data-testid=language-switch]'); \
                 s.value = arguments[0]; s.dispatchEvent(new Event('change', { bubbles: true })); \
                 return document.documentElement.lang;",
                json!([code]),
            )
            .expect("the language switch");
        session
            .wait_for(&format!("html[lang={code}]"), SHORT)
            .expect("the page in the chosen language");
    }

    /// Start & verify's headline for `username` (`verify.ok` in the catalogues).
    fn now_exists(self, username: &str) -> String {
        match self {
            Language::English => format!("{username} now exists in Scaleway"),
            Language::French => format!("{username} existe maintenant dans Scaleway"),
        }
    }

    /// The Done screen's proof (`done.proof`).
    fn exists(self, username: &str) -> String {
        match self {
            Language::English => format!("{username} exists in Scaleway"),
            Language::French => format!("{username} existe dans Scaleway"),
        }
    }
}

/// The English sentences in `text`, which a French admin must never see: every sentence of the
/// English catalogue (three words or more) that French says otherwise, and any phrase built on
/// English words ("the", "is", "was", …) such as Rust's own English.
///
/// # Panics
/// When the catalogues cannot be read.
pub fn english_in(text: &str) -> Vec<String> {
    let read = |name: &str| {
        let path = repo_root().join(format!("ui/src/lib/i18n/{name}.ts"));
        catalogue(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}")))
    };
    let (english, french) = (read("en"), read("fr"));
    let mut found: Vec<String> = english
        .iter()
        .filter(|(key, sentence)| {
            sentence.split_whitespace().count() >= 3
                && french.get(*key) != Some(sentence)
                && !sentence.contains('{')
                && text.contains(sentence.as_str())
        })
        .map(|(_, sentence)| sentence.clone())
        .collect();
    const ENGLISH_WORDS: [&str; 9] = [
        "the", "is", "was", "and", "your", "with", "has", "been", "works",
    ];
    for line in text.lines() {
        let words: Vec<String> = line
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .map(str::to_lowercase)
            .collect();
        if words.iter().any(|w| ENGLISH_WORDS.contains(&w.as_str())) {
            found.push(line.trim().to_owned());
        }
    }
    found
}

/// The key → sentence pairs of a catalogue file (`"key": "sentence",`, the sentence perhaps on
/// the next line).
fn catalogue(source: &str) -> std::collections::BTreeMap<String, String> {
    let mut pairs = std::collections::BTreeMap::new();
    let mut pending: Option<String> = None;
    for line in source.lines().map(str::trim) {
        let (key, rest) = match (pending.take(), line.split_once("\":")) {
            (Some(key), _) => (key, line),
            (None, Some((key, rest))) if key.starts_with('"') => (key[1..].to_owned(), rest.trim()),
            _ => continue,
        };
        let value = rest.trim_end_matches(',');
        if value.is_empty() {
            pending = Some(key);
            continue;
        }
        if let Ok(sentence) = serde_json::from_str::<String>(value) {
            pairs.insert(key, sentence);
        }
    }
    pairs
}

/// Everything the page holds: its text, its markup, and the values of its fields (which the
/// markup does not show).
///
/// # Panics
/// When the script cannot run.
pub fn page_contents(session: &Session) -> String {
    session
        .execute(
            "return document.body.innerText + document.body.innerHTML + [...document.querySelectorAll('input, textarea')].map(f => f.value).join('\\n');",
            json!([]),
        )
        .expect("the page's contents")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Saves a PNG of the window into `docs/screenshots/{name}.png` (after two animation frames).
///
/// # Panics
/// When the screenshot fails or cannot be written.
pub fn save_screenshot(session: &Session, name: &str) {
    save_screenshot_of(session, name, None);
}

/// Saves `docs/screenshots/{name}.png` with the page scrolled so that the element `shown` (a CSS
/// selector) ends at the bottom of the window, or from the top when `None`.
///
/// # Panics
/// When the screenshot can't be taken or written.
pub fn save_screenshot_of(session: &Session, name: &str, shown: Option<&str>) {
    // Nothing focused, no caret: the picture shows the screen, not where the test clicked last.
    let _ = session.execute(
        "document.activeElement instanceof HTMLElement && document.activeElement.blur();\
         const shown = arguments[0] && document.querySelector(arguments[0]);\
         if (shown) shown.scrollIntoView({block: 'end'}); else window.scrollTo(0, 0);",
        json!([shown]),
    );
    let png = session.screenshot().expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG"), "screenshot is not a PNG");
    let dir = repo_root().join("docs/screenshots");
    std::fs::create_dir_all(&dir).expect("docs/screenshots");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write the screenshot");
}

/// What the X clipboard holds now (`xclip -o`), or `None` when it holds nothing.
pub fn read_clipboard() -> Option<String> {
    let output = Command::new("timeout")
        .args(["5", "xclip", "-o", "-selection", "clipboard"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    (!text.is_empty()).then_some(text)
}

/// Counts what the user had to do: clicks and typed fields (pastes of a token would count too).
#[derive(Debug, Default)]
pub struct Actions {
    pub clicks: u32,
    pub typed_fields: u32,
    pub token_pastes: u32,
    pub log: Vec<String>,
}

impl Actions {
    /// Waits until the element is there and enabled, then clicks it (one action).
    ///
    /// # Errors
    /// When it never becomes clickable.
    pub fn click(&mut self, session: &Session, css: &str, within: Duration) -> Result<Element> {
        let element = session.wait_enabled(css, within)?;
        session.click(&element)?;
        self.clicks += 1;
        self.log.push(format!("click {css}"));
        Ok(element)
    }

    /// Clicks an element already found (one action).
    ///
    /// # Errors
    /// When the click fails.
    pub fn click_element(
        &mut self,
        session: &Session,
        element: &Element,
        what: &str,
    ) -> Result<()> {
        session.click(element)?;
        self.clicks += 1;
        self.log.push(format!("click {what}"));
        Ok(())
    }

    /// Types into a field (one action, however long the text).
    ///
    /// # Errors
    /// When the field never appears or refuses the keys.
    pub fn type_into(
        &mut self,
        session: &Session,
        css: &str,
        text: &str,
        within: Duration,
    ) -> Result<()> {
        let element = session.wait_enabled(css, within)?;
        session.click(&element)?;
        session.send_keys(&element, text)?;
        self.typed_fields += 1;
        self.log.push(format!("type {css}"));
        Ok(())
    }

    pub fn total(&self) -> u32 {
        self.clicks + self.typed_fields
    }

    /// `{clicks, typed_fields, total, token_pastes, actions}` as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "clicks": self.clicks,
            "typed_fields": self.typed_fields,
            "total": self.total(),
            "token_pastes": self.token_pastes,
            "actions": self.log,
        })
    }

    /// Prints the count and writes it to `$CARGO_TARGET_DIR/{file}` when the variable is set.
    pub fn report(&self, file: &str) {
        let text = serde_json::to_string_pretty(&self.to_json()).unwrap_or_default();
        println!("{file}: {text}");
        if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
            let _ = std::fs::write(PathBuf::from(dir).join(file), text);
        }
    }
}

/// Opens Settings, types the sandbox's addresses into Advanced: connection, saves, and closes.
///
/// # Panics
/// When the dialog does not show, or does not say the settings were saved.
pub fn enter_sandbox_endpoints(session: &Session, sandbox: &SandboxProcess) {
    click(session, "[data-testid=open-settings]");
    session
        .wait_for("[data-testid=settings-dialog]", SHORT)
        .expect("the settings dialog");
    click(session, "[data-testid=settings-connection-toggle]");
    let practice_note = session
        .wait_for_text("[data-testid=settings-connection-practice]", SHORT, |t| {
            !t.is_empty()
        })
        .expect("the settings dialog");
    assert!(practice_note.contains("Practice"), "{practice_note}");
    for (field, value) in [
        ("settings-login-url", sandbox.url("login")),
        ("settings-graph-url", sandbox.url("graph")),
        ("settings-scaleway-url", sandbox.url("scaleway_api")),
        (
            "settings-scim-base-url",
            sandbox.url("scim_base_url_pattern"),
        ),
    ] {
        type_into(session, &format!("[data-testid={field}]"), &value);
    }
    // The dialog scrolls inside; WebKitWebDriver does not always bring a button at its edge in.
    session
        .execute(
            "document.querySelector('[data-testid=settings-connection-save]').scrollIntoView({block: 'center'})",
            serde_json::json!([]),
        )
        .expect("the settings dialog");
    click(session, "[data-testid=settings-connection-save]");
    let status = wait_for_text_or_show(
        session,
        "[data-testid=settings-connection-status]",
        SHORT,
        |t| t.starts_with("Saved"),
        "[data-testid=settings-connection]",
    );
    assert!(status.starts_with("Saved"), "{status}");
    click(session, "[data-testid=close-settings]");
    session
        .wait_for("[data-testid=screen-welcome]", SHORT)
        .expect("the settings dialog");
    assert!(session.find("[data-testid=settings-dialog]").is_err());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_told_from_french() {
        assert!(
            !english_in("Provisioning is running and has reached its steady state.").is_empty()
        );
        assert!(!english_in("Adele\nIt works: adele is in Scaleway as “adele”.").is_empty());
        // A sentence of the English catalogue, word for word.
        assert!(!english_in("Reading the summary…").is_empty());
        assert!(
            english_in("L’approvisionnement tourne et a atteint son régime stable.").is_empty()
        );
        assert!(english_in("adele.vance@contoso.com\nScaleway SCIM (1a2b3c4d)").is_empty());
    }
}
