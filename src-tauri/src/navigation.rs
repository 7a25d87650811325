//! What the window may show: the app's own pages, nothing else. A link or a script that tries to
//! take the window elsewhere (a look-alike sign-in page, a `file:` URL) is refused, and no page may
//! open a second window. The addresses the app shows (the consoles, the sign-in link) are copied
//! by the admin or opened in their browser from Rust (the opener plugin), never in this window.

use tauri::Url;

/// How the webview of this platform serves the app's own pages (Tauri's custom protocol).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AppOrigin {
    /// `tauri://localhost`: Linux and macOS.
    Tauri,
    /// `http://tauri.localhost`: Windows, where WebView2 serves custom protocols as a host name.
    HttpLocalhost,
    /// `https://tauri.localhost`: Windows with the window's `useHttpsScheme`.
    HttpsLocalhost,
}

impl AppOrigin {
    /// The origin for this platform and the window's `useHttpsScheme` setting. Only this one: on
    /// Linux, `http://tauri.localhost` would be a real request to whatever listens on loopback
    /// (`.localhost` names resolve there), not the app.
    pub(crate) fn for_this_platform(use_https_scheme: bool) -> Self {
        if cfg!(windows) {
            if use_https_scheme {
                Self::HttpsLocalhost
            } else {
                Self::HttpLocalhost
            }
        } else {
            Self::Tauri
        }
    }

    fn scheme_and_host(self) -> (&'static str, &'static str) {
        match self {
            Self::Tauri => ("tauri", "localhost"),
            Self::HttpLocalhost => ("http", "tauri.localhost"),
            Self::HttpsLocalhost => ("https", "tauri.localhost"),
        }
    }
}

/// Whether `url` is one of the app's own pages: on `origin`, or (dev builds only, where the caller
/// passes `tauri.conf.json`'s `devUrl`) on the Vite dev server's origin.
pub(crate) fn is_own_url(url: &Url, origin: AppOrigin, dev_url: Option<&Url>) -> bool {
    if !url.username().is_empty() || url.password().is_some() {
        return false;
    }
    let (scheme, host) = origin.scheme_and_host();
    let own = url.scheme() == scheme && url.host_str() == Some(host) && url.port().is_none();
    // `Url::origin` compares scheme, host and port; for http(s) only (other schemes' origins are
    // opaque and never equal).
    let dev = dev_url.is_some_and(|dev| {
        matches!(url.scheme(), "http" | "https") && url.origin() == dev.origin()
    });
    own || dev
}

/// The window's navigation guard: `is_own_url`, and a log line for a refusal. Only the scheme and
/// host are logged: the rest of a URL can carry a code or a token.
pub(crate) fn allow(url: &Url, origin: AppOrigin, dev_url: Option<&Url>) -> bool {
    let own = is_own_url(url, origin, dev_url);
    if !own {
        tracing::warn!(
            scheme = url.scheme(),
            host = url.host_str().unwrap_or_default(),
            "refused to take the window away from the app"
        );
    }
    own
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    const ALL: [AppOrigin; 3] = [
        AppOrigin::Tauri,
        AppOrigin::HttpLocalhost,
        AppOrigin::HttpsLocalhost,
    ];

    #[test]
    fn the_apps_own_pages_are_allowed() {
        for (origin, page) in [
            (AppOrigin::Tauri, "tauri://localhost"),
            (AppOrigin::Tauri, "tauri://localhost/index.html#/settings"),
            (AppOrigin::HttpLocalhost, "http://tauri.localhost/"),
            (
                AppOrigin::HttpLocalhost,
                "http://tauri.localhost:80/index.html",
            ),
            (
                AppOrigin::HttpsLocalhost,
                "https://tauri.localhost/assets/app.js",
            ),
        ] {
            assert!(is_own_url(&url(page), origin, None), "{page} on {origin:?}");
        }
    }

    #[test]
    fn the_dev_server_is_allowed_only_when_given() {
        let dev = url("http://127.0.0.1:1420");
        for origin in ALL {
            assert!(is_own_url(
                &url("http://127.0.0.1:1420/"),
                origin,
                Some(&dev)
            ));
            assert!(is_own_url(
                &url("http://127.0.0.1:1420/src/main.ts?t=1"),
                origin,
                Some(&dev)
            ));
            assert!(!is_own_url(&url("http://127.0.0.1:1420/"), origin, None));
            for other in [
                "http://127.0.0.1:1421/",
                "https://127.0.0.1:1420/",
                "http://localhost:1420/",
                "http://127.0.0.1/",
            ] {
                assert!(!is_own_url(&url(other), origin, Some(&dev)), "{other}");
            }
        }
    }

    #[test]
    fn anything_else_is_refused() {
        let dev = url("http://127.0.0.1:1420");
        for other in [
            "https://evil.example/",
            "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
            "http://127.0.0.1:1421/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "data:text/html,<h1>hi</h1>",
            "about:blank",
            "blob:tauri://localhost/1234",
            "http://tauri.localhost.evil.com/",
            "https://tauri.localhost.evil.com/",
            "tauri://localhost.evil.com/",
            "tauri://evil.example/",
            "http://tauri.localhost:8080/",
            "tauri://localhost:1234/",
            "http://user@tauri.localhost/",
            "tauri://user:secret@localhost/",
            "ipc://localhost/app_info",
        ] {
            for origin in ALL {
                assert!(
                    !is_own_url(&url(other), origin, Some(&dev)),
                    "{other} on {origin:?}"
                );
            }
        }
    }

    #[test]
    fn each_platform_has_only_its_own_origin() {
        assert!(!is_own_url(
            &url("http://tauri.localhost/"),
            AppOrigin::Tauri,
            None
        ));
        assert!(!is_own_url(
            &url("https://tauri.localhost/"),
            AppOrigin::Tauri,
            None
        ));
        assert!(!is_own_url(
            &url("tauri://localhost/"),
            AppOrigin::HttpLocalhost,
            None
        ));
        assert!(!is_own_url(
            &url("https://tauri.localhost/"),
            AppOrigin::HttpLocalhost,
            None
        ));
        assert!(!is_own_url(
            &url("http://tauri.localhost/"),
            AppOrigin::HttpsLocalhost,
            None
        ));
        let here = AppOrigin::for_this_platform(false);
        if cfg!(windows) {
            assert_eq!(here, AppOrigin::HttpLocalhost);
            assert_eq!(
                AppOrigin::for_this_platform(true),
                AppOrigin::HttpsLocalhost
            );
        } else {
            assert_eq!(here, AppOrigin::Tauri);
            assert_eq!(AppOrigin::for_this_platform(true), AppOrigin::Tauri);
        }
    }
}
