//! The small pages the loopback listener shows in the browser tab: self-contained (no external
//! resources, inline style only, allowed by a `default-src 'none'` CSP), every dynamic text
//! HTML-escaped.

/// `Content-Security-Policy` of every page: nothing may load, inline style only.
pub const PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'";

const APP_NAME: &str = "Scaleway SCIM Wizard";

/// A complete HTTP response for the browser tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page {
    pub status: u16,
    pub title: String,
    pub heading: String,
    pub lines: Vec<String>,
    pub ok: bool,
}

impl Page {
    pub(crate) fn signed_in() -> Page {
        Page {
            status: 200,
            title: "Signed in".into(),
            heading: "You are signed in".into(),
            lines: vec![format!("You can close this tab and return to {APP_NAME}.")],
            ok: true,
        }
    }

    pub(crate) fn error(message: &str, hint: &str, reference: Option<&str>) -> Page {
        let mut lines = vec![message.to_owned(), hint.to_owned()];
        if let Some(reference) = reference {
            lines.push(format!("Reference for support: {reference}"));
        }
        lines.push(format!("You can close this tab and return to {APP_NAME}."));
        Page {
            status: 200,
            title: "Sign-in failed".into(),
            heading: "Sign-in did not complete".into(),
            lines,
            ok: false,
        }
    }

    pub(crate) fn not_found() -> Page {
        Page {
            status: 404,
            title: "Not found".into(),
            heading: "Not found".into(),
            lines: vec![format!(
                "This address only receives the sign-in answer for {APP_NAME}."
            )],
            ok: false,
        }
    }

    pub(crate) fn wrong_state() -> Page {
        Page {
            status: 400,
            title: "Out-of-date sign-in".into(),
            heading: "This sign-in answer is out of date".into(),
            lines: vec![
                "It does not belong to the sign-in the wizard is waiting for (perhaps an old tab)."
                    .into(),
                format!("Return to {APP_NAME} and start the sign-in again if needed."),
            ],
            ok: false,
        }
    }

    pub(crate) fn bad_request() -> Page {
        Page {
            status: 400,
            title: "Bad request".into(),
            heading: "This request was not understood".into(),
            lines: vec![format!(
                "This address only receives the sign-in answer for {APP_NAME}."
            )],
            ok: false,
        }
    }

    pub(crate) fn method_not_allowed() -> Page {
        Page {
            status: 405,
            ..Page::bad_request()
        }
    }

    pub(crate) fn too_large() -> Page {
        Page {
            status: 431,
            ..Page::bad_request()
        }
    }

    pub(crate) fn already_finished() -> Page {
        Page {
            status: 200,
            title: "Sign-in finished".into(),
            heading: "This sign-in has already finished".into(),
            lines: vec![format!("You can close this tab and return to {APP_NAME}.")],
            ok: false,
        }
    }

    pub(crate) fn html(&self) -> String {
        let accent = if self.ok { "#4f0599" } else { "#b3261e" };
        let mark = if self.ok { "&#10003;" } else { "!" };
        let paragraphs: String = self
            .lines
            .iter()
            .map(|line| format!("<p>{}</p>", escape_html(line)))
            .collect();
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"referrer\" content=\"no-referrer\">\
<title>{title} – {app}</title>\
<style>\
body{{margin:0;font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;background:#f6f4fa;color:#1d1b20;}}\
main{{max-width:32rem;margin:12vh auto;padding:2rem 2.25rem;background:#fff;border-radius:14px;box-shadow:0 2px 18px rgba(40,10,80,.12);}}\
.mark{{display:inline-flex;align-items:center;justify-content:center;width:2.5rem;height:2.5rem;border-radius:50%;background:{accent};color:#fff;font-weight:700;font-size:1.3rem;}}\
h1{{font-size:1.35rem;margin:1rem 0 .75rem;}}\
p{{line-height:1.5;margin:.5rem 0;}}\
footer{{margin-top:1.5rem;font-size:.8rem;color:#6b6473;}}\
@media (prefers-color-scheme: dark){{body{{background:#141218;color:#e6e0e9;}}main{{background:#1d1b20;}}footer{{color:#a09aa8;}}}}\
</style></head><body><main>\
<span class=\"mark\" aria-hidden=\"true\">{mark}</span>\
<h1>{heading}</h1>{paragraphs}<footer>{app}</footer>\
</main></body></html>\n",
            title = escape_html(&self.title),
            heading = escape_html(&self.heading),
            app = APP_NAME,
        )
    }

    /// The whole HTTP/1.1 response, `Connection: close`.
    pub(crate) fn http_response(&self) -> Vec<u8> {
        let body = self.html();
        let reason = match self.status {
            200 => "OK",
            400 => "Bad Request",
            404 => "Not Found",
            405 => "Method Not Allowed",
            408 => "Request Timeout",
            431 => "Request Header Fields Too Large",
            _ => "Error",
        };
        let mut response = format!(
            "HTTP/1.1 {status} {reason}\r\n\
Content-Type: text/html; charset=utf-8\r\n\
Content-Length: {length}\r\n\
Content-Security-Policy: {PAGE_CSP}\r\n\
Cache-Control: no-store\r\n\
Referrer-Policy: no-referrer\r\n\
X-Content-Type-Options: nosniff\r\n\
X-Frame-Options: DENY\r\n\
Connection: close\r\n\r\n",
            status = self.status,
            length = body.len(),
        )
        .into_bytes();
        response.extend_from_slice(body.as_bytes());
        response
    }
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_self_contained_and_escaped() {
        let page = Page::error("<script>alert(1)</script>", "a & b", Some("AADSTS1 \"x\""));
        let html = page.html();
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("a &amp; b"));
        assert!(html.contains("&quot;x&quot;"));
        for external in ["http://", "https://", "src=", "<link", "<img", "url("] {
            assert!(!html.contains(external), "{external}");
        }
        let response = String::from_utf8(Page::signed_in().http_response()).unwrap_or_default();
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(response.contains(
            "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n"
        ));
        assert!(response.contains("You are signed in"));
        assert!(
            response.contains("you can close this tab")
                || response.contains("You can close this tab")
        );
        assert!(response.contains("Scaleway SCIM Wizard"));
    }
}
