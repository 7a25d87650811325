//! Just enough of the W3C WebDriver protocol to drive the app through tauri-driver, which speaks
//! it to WebKitWebDriver. Each call is one blocking HTTP request on loopback.

use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

#[derive(Debug, thiserror::Error)]
pub enum WebDriverError {
    #[error("WebDriver request failed: {0}")]
    Http(#[from] reqwest::Error),
    #[error("WebDriver answered {status}: {error}: {message}")]
    Protocol {
        status: u16,
        error: String,
        message: String,
    },
    #[error("WebDriver answered something unexpected: {0}")]
    Unexpected(String),
    #[error("timed out after {0:?} waiting for {1}")]
    Timeout(Duration, String),
}

pub type Result<T> = std::result::Result<T, WebDriverError>;

#[derive(Debug)]
pub struct Session {
    http: reqwest::blocking::Client,
    base: String,
    id: String,
}

/// An element reference, as returned by "Find Element".
#[derive(Debug, Clone)]
pub struct Element(String);

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Waits until the driver's `/status` answers ready.
pub fn wait_until_ready(base: &str, within: Duration) -> Result<()> {
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()?;
    let deadline = Instant::now() + within;
    loop {
        if let Ok(response) = http.get(format!("{base}/status")).send()
            && response.status().is_success()
        {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(WebDriverError::Timeout(within, format!("{base}/status")));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

impl Session {
    /// Starts the app at `application` through tauri-driver listening at `base`.
    pub fn start(base: &str, application: &str) -> Result<Self> {
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()?;
        let capabilities = json!({
            "capabilities": { "alwaysMatch": { "tauri:options": { "application": application } } }
        });
        let value = call(http.post(format!("{base}/session")).json(&capabilities))?;
        let id = value["sessionId"]
            .as_str()
            .ok_or_else(|| WebDriverError::Unexpected(value.to_string()))?
            .to_owned();
        Ok(Self {
            http,
            base: base.to_owned(),
            id,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/session/{}{}", self.base, self.id, path)
    }

    pub fn title(&self) -> Result<String> {
        let value = call(self.http.get(self.url("/title")))?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    pub fn find(&self, css: &str) -> Result<Element> {
        let body = json!({ "using": "css selector", "value": css });
        let value = call(self.http.post(self.url("/element")).json(&body))?;
        value[ELEMENT_KEY]
            .as_str()
            .map(|id| Element(id.to_owned()))
            .ok_or_else(|| WebDriverError::Unexpected(value.to_string()))
    }

    pub fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        let body = json!({ "using": "css selector", "value": css });
        let value = call(self.http.post(self.url("/elements")).json(&body))?;
        Ok(value
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| item[ELEMENT_KEY].as_str())
                    .map(|id| Element(id.to_owned()))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Polls for an element until it exists, for pages that render after an IPC answer.
    pub fn wait_for(&self, css: &str, within: Duration) -> Result<Element> {
        let deadline = Instant::now() + within;
        loop {
            match self.find(css) {
                Ok(element) => return Ok(element),
                Err(WebDriverError::Protocol { .. }) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(WebDriverError::Protocol { .. }) => {
                    return Err(WebDriverError::Timeout(within, css.to_owned()));
                }
                Err(other) => return Err(other),
            }
        }
    }

    /// Polls until the element's text satisfies `accept`, returning that text.
    pub fn wait_for_text(
        &self,
        css: &str,
        within: Duration,
        accept: impl Fn(&str) -> bool,
    ) -> Result<String> {
        let deadline = Instant::now() + within;
        loop {
            if let Ok(element) = self.find(css) {
                let text = self.text(&element)?;
                if accept(&text) {
                    return Ok(text);
                }
            }
            if Instant::now() > deadline {
                return Err(WebDriverError::Timeout(within, format!("text of {css}")));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn text(&self, element: &Element) -> Result<String> {
        let value = call(
            self.http
                .get(self.url(&format!("/element/{}/text", element.0))),
        )?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    pub fn click(&self, element: &Element) -> Result<()> {
        call(
            self.http
                .post(self.url(&format!("/element/{}/click", element.0)))
                .json(&json!({})),
        )?;
        Ok(())
    }

    /// Types `text` into the element (W3C "Element Send Keys"), as a user would.
    pub fn send_keys(&self, element: &Element, text: &str) -> Result<()> {
        call(
            self.http
                .post(self.url(&format!("/element/{}/value", element.0)))
                .json(&json!({ "text": text })),
        )?;
        Ok(())
    }

    /// Empties an input (W3C "Element Clear").
    pub fn clear(&self, element: &Element) -> Result<()> {
        call(
            self.http
                .post(self.url(&format!("/element/{}/clear", element.0)))
                .json(&json!({})),
        )?;
        Ok(())
    }

    /// An attribute of the element, or `None` when it has none.
    pub fn attribute(&self, element: &Element, name: &str) -> Result<Option<String>> {
        let value = call(
            self.http
                .get(self.url(&format!("/element/{}/attribute/{name}", element.0))),
        )?;
        Ok(value.as_str().map(str::to_owned))
    }

    /// A DOM property of the element (e.g. `value` of an input, `checked` of a checkbox).
    pub fn property(&self, element: &Element, name: &str) -> Result<Value> {
        call(
            self.http
                .get(self.url(&format!("/element/{}/property/{name}", element.0))),
        )
    }

    pub fn is_enabled(&self, element: &Element) -> Result<bool> {
        let value = call(
            self.http
                .get(self.url(&format!("/element/{}/enabled", element.0))),
        )?;
        Ok(value.as_bool().unwrap_or(false))
    }

    pub fn is_selected(&self, element: &Element) -> Result<bool> {
        let value = call(
            self.http
                .get(self.url(&format!("/element/{}/selected", element.0))),
        )?;
        Ok(value.as_bool().unwrap_or(false))
    }

    /// Polls until no element matches `css` (a notice that goes away after an IPC answer).
    pub fn wait_for_gone(&self, css: &str, within: Duration) -> Result<()> {
        let deadline = Instant::now() + within;
        loop {
            match self.find(css) {
                Err(WebDriverError::Protocol { .. }) => return Ok(()),
                Err(other) => return Err(other),
                Ok(_) if Instant::now() > deadline => {
                    return Err(WebDriverError::Timeout(within, format!("{css} gone")));
                }
                Ok(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }

    /// Polls until the element exists and is enabled, for buttons that wait on an IPC answer.
    pub fn wait_enabled(&self, css: &str, within: Duration) -> Result<Element> {
        let deadline = Instant::now() + within;
        loop {
            if let Ok(element) = self.find(css)
                && self.is_enabled(&element).unwrap_or(false)
            {
                return Ok(element);
            }
            if Instant::now() > deadline {
                return Err(WebDriverError::Timeout(within, format!("{css} enabled")));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Polls until one of `css` selectors matches, returning its index and element.
    pub fn wait_for_any(&self, css: &[&str], within: Duration) -> Result<(usize, Element)> {
        let deadline = Instant::now() + within;
        loop {
            for (i, selector) in css.iter().enumerate() {
                if let Ok(element) = self.find(selector) {
                    return Ok((i, element));
                }
            }
            if Instant::now() > deadline {
                return Err(WebDriverError::Timeout(within, css.join(" | ")));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn execute(&self, script: &str, args: Value) -> Result<Value> {
        let body = json!({ "script": script, "args": args });
        call(self.http.post(self.url("/execute/sync")).json(&body))
    }

    /// Runs an async script: it gets a callback as its last argument and must call it.
    pub fn execute_async(&self, script: &str, args: Value) -> Result<Value> {
        let body = json!({ "script": script, "args": args });
        call(self.http.post(self.url("/execute/async")).json(&body))
    }

    /// A PNG of the webview, taken once the page has painted its latest changes (WebKit can
    /// otherwise hand back the frame from before the last DOM update).
    pub fn screenshot(&self) -> Result<Vec<u8>> {
        self.execute_async(
            "const done = arguments[arguments.length - 1];\
             requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
            json!([]),
        )?;
        let value = call(self.http.get(self.url("/screenshot")))?;
        let encoded = value
            .as_str()
            .ok_or_else(|| WebDriverError::Unexpected("screenshot is not a string".to_owned()))?;
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|e| WebDriverError::Unexpected(format!("screenshot is not base64: {e}")))
    }

    pub fn end(self) -> Result<()> {
        call(self.http.delete(self.url("")))?;
        Ok(())
    }
}

fn call(request: reqwest::blocking::RequestBuilder) -> Result<Value> {
    let response = request.send()?;
    let status = response.status().as_u16();
    let body: Value = response.json()?;
    let value = body.get("value").cloned().unwrap_or(Value::Null);
    if status >= 400 {
        return Err(WebDriverError::Protocol {
            status,
            error: value["error"].as_str().unwrap_or_default().to_owned(),
            message: value["message"].as_str().unwrap_or_default().to_owned(),
        });
    }
    Ok(value)
}
