//! Everything the CLI shows: `--json` lines on stdout, or progress bars (a terminal) / plain lines
//! (a pipe or a log) on stderr with the results on stdout. Nothing given to it is a secret: the
//! engine's events, plans and reports never hold one.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use scim_wizard_setup::{Phase, ProgressEvent, ProgressSink, Step};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// One JSON object per line on stdout.
    Json,
    /// indicatif spinners on stderr (a terminal).
    Bars,
    /// One line per event on stderr.
    Plain,
}

pub struct Output {
    style: Style,
    multi: Option<MultiProgress>,
    bars: Mutex<HashMap<Step, ProgressBar>>,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output")
            .field("style", &self.style)
            .finish_non_exhaustive()
    }
}

impl Output {
    pub fn new(json: bool) -> Self {
        let style = if json {
            Style::Json
        } else if std::io::stderr().is_terminal() {
            Style::Bars
        } else {
            Style::Plain
        };
        let multi = (style == Style::Bars)
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        Self {
            style,
            multi,
            bars: Mutex::new(HashMap::new()),
        }
    }

    pub fn is_json(&self) -> bool {
        self.style == Style::Json
    }

    /// One JSON object on its own line, flushed at once (scripts react to each event). Only in
    /// `--json` mode.
    pub fn event(&self, value: &Value) {
        if self.style == Style::Json {
            write_stdout(&value.to_string());
        }
    }

    /// A sentence for the admin: stderr, or a `note` event in `--json` mode.
    pub fn note(&self, message: &str) {
        match self.style {
            Style::Json => self.event(&json!({"event": "note", "message": message})),
            Style::Bars => {
                if let Some(multi) = &self.multi
                    && multi.println(message).is_ok()
                {
                    return;
                }
                eprintln!("{message}");
            }
            Style::Plain => eprintln!("{message}"),
        }
    }

    /// A line the admin must see even in `--json` mode (a sign-in prompt): always stderr.
    pub fn tell(&self, message: &str) {
        if let Some(multi) = &self.multi
            && multi.println(message).is_ok()
        {
            return;
        }
        eprintln!("{message}");
    }

    /// A result for the admin (plan, status, report) on stdout; nothing in `--json` mode, where
    /// the final summary object carries it.
    pub fn text(&self, text: &str) {
        if self.style != Style::Json {
            self.finish_bars();
            write_stdout(text);
        }
    }

    /// Stops every spinner still turning (before a prompt or the results).
    pub fn finish_bars(&self) {
        let mut bars = self.bars.lock().unwrap_or_else(PoisonError::into_inner);
        for (_, bar) in bars.drain() {
            bar.abandon();
        }
    }

    fn bar_event(&self, event: &ProgressEvent) {
        let Some(multi) = &self.multi else { return };
        let mut bars = self.bars.lock().unwrap_or_else(PoisonError::into_inner);
        let label = event.step.label();
        match event.phase {
            Phase::Started | Phase::Progress => {
                let bar = bars.entry(event.step).or_insert_with(|| {
                    let bar = multi.add(ProgressBar::new_spinner());
                    bar.set_style(
                        ProgressStyle::with_template("{spinner} {msg} {elapsed:.dim}")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    );
                    bar.enable_steady_tick(Duration::from_millis(120));
                    bar
                });
                bar.set_message(format!("{label}: {}", event.message.english()));
            }
            Phase::Finished | Phase::Skipped | Phase::Failed => {
                let mark = match event.phase {
                    Phase::Finished => "✔",
                    Phase::Skipped => "·",
                    _ => "✘",
                };
                let line = format!("{mark} {label}: {}", event.message.english());
                let bar = bars
                    .remove(&event.step)
                    .unwrap_or_else(|| multi.add(ProgressBar::new_spinner()));
                bar.set_style(
                    ProgressStyle::with_template("{msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar.finish_with_message(line);
            }
        }
    }
}

impl ProgressSink for Output {
    fn event(&self, event: ProgressEvent) {
        match self.style {
            Style::Json => self.event(&json!({
                "event": "progress",
                "step": event.step,
                "phase": event.phase,
                "label": event.step.label(),
                // The English sentence, and what it says as a typed value (`kind` and its
                // parameters), for scripts that branch on it.
                "message": event.message.english(),
                "said": event.message,
                "elapsed_ms": event.elapsed_ms,
            })),
            Style::Bars => self.bar_event(&event),
            Style::Plain => {
                let mark = match event.phase {
                    Phase::Started => "..",
                    Phase::Progress => "  ",
                    Phase::Finished => "ok",
                    Phase::Skipped => "--",
                    Phase::Failed => "!!",
                };
                eprintln!(
                    "[{:>6.1}s] {mark} {}: {}",
                    event.elapsed_ms as f64 / 1000.0,
                    event.step.label(),
                    event.message.english()
                );
            }
        }
    }
}

/// Writes a line to stdout and flushes it; a closed pipe is not worth failing the setup for.
fn write_stdout(line: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}").and_then(|()| stdout.flush());
}
