//! What the desktop suites share: starting tauri-driver (with the environment the app inherits),
//! the app binary, screenshots, the clipboard, and the count of what a user had to do.

// Test support: a failed expectation here is a failed test, said loudly.
#![allow(clippy::expect_used, clippy::panic, clippy::print_stdout)]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::json;

use crate::process::{ChildGuard, free_local_port};
use crate::repo_root;
use crate::webdriver::{Element, Result, Session, wait_until_ready};

/// tauri-driver, killed on drop. The app it launches inherits its environment.
#[derive(Debug)]
pub struct Driver {
    pub base: String,
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
            _process: process,
        }
    }

    /// Launches the app in a new WebDriver session.
    ///
    /// # Errors
    /// When the driver refuses the session.
    pub fn launch(&self) -> Result<Session> {
        let app = app_binary();
        Session::start(&self.base, &app.to_string_lossy())
    }
}

/// Saves a PNG of the window into `docs/screenshots/{name}.png` (after two animation frames).
///
/// # Panics
/// When the screenshot fails or cannot be written.
pub fn save_screenshot(session: &Session, name: &str) {
    // Nothing focused, no caret: the picture shows the screen, not where the test clicked last.
    let _ = session.execute(
        "document.activeElement instanceof HTMLElement && document.activeElement.blur(); window.scrollTo(0, 0);",
        json!([]),
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
