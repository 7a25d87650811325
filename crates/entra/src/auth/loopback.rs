//! The loopback listener that receives the browser's redirect (RFC 8252 §7.3; Entra's loopback
//! rules: docs/services.md, "Microsoft sign-in").
//!
//! - Binds `127.0.0.1:0` and, where it can, `[::1]` on the same port (some browsers resolve
//!   `localhost` to `::1` first). Never any other address: checked after binding.
//! - Every connection is served by its own task, with a read timeout and a size cap, so a browser
//!   pre-connect or a slow client cannot stall the sign-in.
//! - Only `GET /?code=…&state=…` and `GET /?error=…&state=…` are answers; other paths get a 404
//!   and a wrong `state` (compared in constant time) gets a 400, and the listener keeps waiting.
//! - The first answer with the right state ends the wait. The overall timeout and the cancel token
//!   end it too. Either way the listening sockets are closed when [`LoopbackListener::wait`]
//!   returns, so the port is free again.
//! - The browser connection that brought the answer is kept open until the caller says which page
//!   to show (signed in, or why not), so the tab tells the truth about the code exchange.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use subtle::ConstantTimeEq;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use zeroize::Zeroizing;

use super::error::{AuthError, EntraErrorDetails};
use super::pages::Page;

/// The most a browser may send before we stop reading (the request line and headers).
pub(crate) const MAX_REQUEST_BYTES: usize = 16 * 1024;

/// How long the browser tab that brought the answer waits for the final page.
const RESPONSE_PAGE_WAIT: Duration = Duration::from_secs(90);

/// What came back from the browser, with the right state.
#[derive(Debug)]
pub(crate) enum CallbackAnswer {
    /// `code=`: zeroized when dropped.
    Code(Zeroizing<String>),
    /// `error=`, `error_description=`.
    Error(EntraErrorDetails),
}

/// The answer and the browser connection waiting for its page.
#[derive(Debug)]
pub(crate) struct Callback {
    pub answer: CallbackAnswer,
    respond: oneshot::Sender<Page>,
}

impl Callback {
    /// Shows `page` in the browser tab that brought the answer.
    pub(crate) fn respond(self, page: Page) {
        // The tab may have been closed already; nothing to do then.
        let _ = self.respond.send(page);
    }
}

enum Event {
    Answer(Callback),
    WrongState,
}

/// How many ports to try before giving up on finding one free on both loopback addresses.
const PORT_ATTEMPTS: usize = 10;

/// Listening sockets on the loopback interface, on one port.
#[derive(Debug)]
pub(crate) struct LoopbackListener {
    listeners: Vec<TcpListener>,
    port: u16,
}

/// Refuses any address that is not a loopback address.
pub(crate) fn ensure_loopback(address: SocketAddr) -> Result<(), AuthError> {
    if address.ip().is_loopback() {
        Ok(())
    } else {
        Err(AuthError::ListenerFailed {
            message: format!("refusing to listen on {address}: not a loopback address"),
        })
    }
}

impl LoopbackListener {
    /// Binds `127.0.0.1` on a free port and, if possible, `[::1]` on the same port.
    pub(crate) async fn bind() -> Result<LoopbackListener, AuthError> {
        Self::bind_on(IpAddr::V4(Ipv4Addr::LOCALHOST)).await
    }

    pub(crate) async fn bind_on(ip: IpAddr) -> Result<LoopbackListener, AuthError> {
        Self::bind_trying(ip, std::iter::repeat_n(0, PORT_ATTEMPTS)).await
    }

    /// Binds `ip` on the first of `ports` (0: one the system picks) where, for IPv4, `[::1]` can
    /// be bound on the same port too, unless this computer has no IPv6 loopback at all. The
    /// redirect says `localhost`, which browsers often try on `::1` first: with `[::1]:port` held
    /// by another program, that program would receive the authorization code. So a port whose
    /// IPv6 side is in use is given up for another, never used IPv4-only.
    async fn bind_trying(
        ip: IpAddr,
        ports: impl IntoIterator<Item = u16>,
    ) -> Result<LoopbackListener, AuthError> {
        ensure_loopback(SocketAddr::new(ip, 0))?;
        let failed = |error: std::io::Error| AuthError::ListenerFailed {
            message: error.to_string(),
        };
        for candidate in ports {
            let first = TcpListener::bind(SocketAddr::new(ip, candidate))
                .await
                .map_err(failed)?;
            let address = first.local_addr().map_err(failed)?;
            ensure_loopback(address)?;
            let port = address.port();
            let mut listeners = vec![first];
            if ip.is_ipv4() {
                let v6 = SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), port);
                match TcpListener::bind(v6).await {
                    Ok(second) => match second.local_addr() {
                        Ok(address) if address.ip().is_loopback() && address.port() == port => {
                            listeners.push(second);
                        }
                        _ => continue,
                    },
                    Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => {
                        tracing::debug!(port, "[::1] is taken on this port; trying another");
                        continue;
                    }
                    Err(error) => {
                        // No IPv6 loopback here: no browser can reach ::1 either.
                        tracing::debug!(%error, port, "no IPv6 loopback listener; IPv4 only");
                    }
                }
            }
            return Ok(LoopbackListener { listeners, port });
        }
        Err(AuthError::ListenerFailed {
            message: format!(
                "no port was free on both 127.0.0.1 and [::1] after {PORT_ATTEMPTS} tries"
            ),
        })
    }

    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    pub(crate) fn local_addrs(&self) -> Vec<SocketAddr> {
        self.listeners
            .iter()
            .filter_map(|listener| listener.local_addr().ok())
            .collect()
    }

    /// Waits for the browser's answer. Consumes the listener: when this returns, nothing listens
    /// on the port any more.
    pub(crate) async fn wait(
        self,
        expected_state: &Zeroizing<String>,
        deadline: Instant,
        read_timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<Callback, AuthError> {
        let expected: Arc<Zeroizing<String>> = Arc::new(expected_state.clone());
        let (events, mut received) = mpsc::channel::<Event>(16);
        let mut wrong_state_seen = false;
        let started = Instant::now();
        let [first, rest @ ..] = self.listeners.as_slice() else {
            return Err(AuthError::ListenerFailed {
                message: "no listening socket".into(),
            });
        };
        let second = rest.first();
        loop {
            tokio::select! {
                biased;
                () = cancel.cancelled() => return Err(AuthError::Cancelled),
                () = tokio::time::sleep_until(deadline) => {
                    return Err(if wrong_state_seen {
                        AuthError::StateMismatch
                    } else {
                        AuthError::TimedOut { after: deadline.saturating_duration_since(started) }
                    });
                }
                Some(event) = received.recv() => match event {
                    Event::Answer(callback) => return Ok(callback),
                    Event::WrongState => wrong_state_seen = true,
                },
                accepted = first.accept() => {
                    spawn_connection(accepted, &expected, &events, read_timeout);
                }
                accepted = accept_optional(second) => {
                    spawn_connection(accepted, &expected, &events, read_timeout);
                }
            }
        }
    }
}

async fn accept_optional(
    listener: Option<&TcpListener>,
) -> std::io::Result<(TcpStream, SocketAddr)> {
    match listener {
        Some(listener) => listener.accept().await,
        None => std::future::pending().await,
    }
}

fn spawn_connection(
    accepted: std::io::Result<(TcpStream, SocketAddr)>,
    expected: &Arc<Zeroizing<String>>,
    events: &mpsc::Sender<Event>,
    read_timeout: Duration,
) {
    match accepted {
        Ok((stream, peer)) => {
            if !peer.ip().is_loopback() {
                // Cannot happen on a loopback socket; refuse anyway.
                return;
            }
            let expected = Arc::clone(expected);
            let events = events.clone();
            // Detached on purpose: each task ends by itself (read timeout, then at most
            // RESPONSE_PAGE_WAIT for the page), and the one that brought the answer must outlive
            // the listener to show the final page.
            tokio::spawn(async move {
                handle_connection(stream, &expected, &events, read_timeout).await;
            });
        }
        Err(error) => {
            // Transient accept errors (e.g. too many open files) must not end the sign-in.
            tracing::debug!(%error, "loopback accept failed");
        }
    }
}

enum ReadOutcome {
    Head(Vec<u8>),
    TooLarge,
    Closed,
}

/// Reads the request line and headers, up to the blank line, at most `MAX_REQUEST_BYTES`.
async fn read_head<R: AsyncRead + Unpin>(stream: &mut R) -> std::io::Result<ReadOutcome> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0_u8; 2048];
    loop {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(if buffer.is_empty() {
                ReadOutcome::Closed
            } else if buffer.contains(&b'\n') {
                // A client that sent a request line and closed its side: serve it.
                ReadOutcome::Head(buffer)
            } else {
                ReadOutcome::Closed
            });
        }
        let scanned = buffer.len();
        buffer.extend_from_slice(&chunk[..read]);
        if buffer.len() > MAX_REQUEST_BYTES {
            return Ok(ReadOutcome::TooLarge);
        }
        // Only where this read can have completed the blank line: scanning the whole buffer
        // after every read is quadratic for a peer that sends one byte at a time.
        let recent = &buffer[scanned.saturating_sub(3)..];
        if recent.windows(4).any(|window| window == b"\r\n\r\n")
            || recent.windows(2).any(|window| window == b"\n\n")
        {
            return Ok(ReadOutcome::Head(buffer));
        }
    }
}

/// What a request to the listener is.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Incoming {
    /// `GET /?…` with these query pairs.
    Callback(Vec<(String, String)>),
    NotFound,
    BadRequest,
    MethodNotAllowed,
}

/// Parses the request line. Only `GET /` with a query is a callback.
pub(crate) fn parse_request(head: &[u8]) -> Incoming {
    let Some(line_end) = head.iter().position(|byte| *byte == b'\n') else {
        return Incoming::BadRequest;
    };
    let Ok(line) = std::str::from_utf8(&head[..line_end]) else {
        return Incoming::BadRequest;
    };
    let mut parts = line.trim_end_matches('\r').split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Incoming::BadRequest;
    };
    if !version.starts_with("HTTP/1.") {
        return Incoming::BadRequest;
    }
    if method != "GET" {
        return Incoming::MethodNotAllowed;
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if !path.starts_with('/') {
        return Incoming::BadRequest;
    }
    if path != "/" {
        return Incoming::NotFound;
    }
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    Incoming::Callback(pairs)
}

/// The single value of `name`, `Err` when it appears more than once.
fn single<'a>(pairs: &'a [(String, String)], name: &str) -> Result<Option<&'a str>, ()> {
    let mut values = pairs.iter().filter(|(key, _)| key == name);
    let first = values.next().map(|(_, value)| value.as_str());
    if values.next().is_some() {
        Err(())
    } else {
        Ok(first)
    }
}

/// Compares the returned state with ours in constant time.
pub(crate) fn state_matches(expected: &str, given: &str) -> bool {
    bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

enum Handled {
    Page(Page),
    Answer(CallbackAnswer),
    WrongState,
}

fn classify(pairs: Vec<(String, String)>, expected: &str) -> Handled {
    // Own the pairs in zeroizing strings: one of them may be the code.
    let pairs: Vec<(String, Zeroizing<String>)> = pairs
        .into_iter()
        .map(|(key, value)| (key, Zeroizing::new(value)))
        .collect();
    let plain: Vec<(String, String)> = pairs
        .iter()
        .filter(|(key, _)| key != "code")
        .map(|(key, value)| (key.clone(), value.to_string()))
        .collect();
    let (Ok(state), Ok(error), Ok(description)) = (
        single(&plain, "state"),
        single(&plain, "error"),
        single(&plain, "error_description"),
    ) else {
        return Handled::Page(Page::bad_request());
    };
    let mut codes = pairs.iter().filter(|(key, _)| key == "code");
    let code = codes.next().map(|(_, value)| value);
    if codes.next().is_some() {
        return Handled::Page(Page::bad_request());
    }
    if code.is_none() && error.is_none() {
        // Not an answer (a reload of `/`, a probe): nothing to do with us.
        return Handled::Page(Page::bad_request());
    }
    match state {
        Some(state) if state_matches(expected, state) => {}
        _ => return Handled::WrongState,
    }
    if let Some(error) = error {
        let trace = single(&plain, "trace_id").ok().flatten();
        let correlation = single(&plain, "correlation_id").ok().flatten();
        return Handled::Answer(CallbackAnswer::Error(EntraErrorDetails::new(
            error,
            description,
            &[],
            trace,
            correlation,
            None,
        )));
    }
    match code {
        Some(code) if !code.is_empty() => Handled::Answer(CallbackAnswer::Code(code.clone())),
        _ => Handled::Page(Page::bad_request()),
    }
}

async fn handle_connection(
    mut stream: TcpStream,
    expected: &Zeroizing<String>,
    events: &mpsc::Sender<Event>,
    read_timeout: Duration,
) {
    let head = match tokio::time::timeout(read_timeout, read_head(&mut stream)).await {
        // Pre-connects that never send anything, and slow clients, end here.
        Err(_elapsed) => return,
        Ok(Err(_)) | Ok(Ok(ReadOutcome::Closed)) => return,
        Ok(Ok(ReadOutcome::TooLarge)) => {
            write_page(&mut stream, &Page::too_large()).await;
            return;
        }
        Ok(Ok(ReadOutcome::Head(head))) => Zeroizing::new(head),
    };
    let page = match parse_request(&head) {
        Incoming::NotFound => Page::not_found(),
        Incoming::BadRequest => Page::bad_request(),
        Incoming::MethodNotAllowed => Page::method_not_allowed(),
        Incoming::Callback(pairs) => match classify(pairs, expected) {
            Handled::Page(page) => page,
            Handled::WrongState => {
                let _ = events.send(Event::WrongState).await;
                Page::wrong_state()
            }
            Handled::Answer(answer) => {
                let (respond, page) = oneshot::channel();
                if events
                    .send(Event::Answer(Callback { answer, respond }))
                    .await
                    .is_err()
                {
                    Page::already_finished()
                } else {
                    match tokio::time::timeout(RESPONSE_PAGE_WAIT, page).await {
                        Ok(Ok(page)) => page,
                        // The waiter went away without a page (cancelled) or took too long.
                        Ok(Err(_)) => Page::already_finished(),
                        Err(_) => Page::signed_in(),
                    }
                }
            }
        },
    };
    write_page(&mut stream, &page).await;
}

async fn write_page(stream: &mut TcpStream, page: &Page) {
    let response = page.http_response();
    let write = async {
        stream.write_all(&response).await?;
        stream.flush().await?;
        stream.shutdown().await
    };
    let _ = tokio::time::timeout(Duration::from_secs(10), write).await;
}

#[cfg(test)]
#[path = "loopback_fuzz.rs"]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_get_root_is_a_callback() {
        assert_eq!(
            parse_request(b"GET /?code=abc&state=xyz HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            Incoming::Callback(vec![
                ("code".into(), "abc".into()),
                ("state".into(), "xyz".into())
            ])
        );
        assert_eq!(
            parse_request(b"GET /favicon.ico HTTP/1.1\r\n\r\n"),
            Incoming::NotFound
        );
        assert_eq!(
            parse_request(b"GET /callback?code=a HTTP/1.1\r\n\r\n"),
            Incoming::NotFound
        );
        assert_eq!(
            parse_request(b"POST /?code=a HTTP/1.1\r\n\r\n"),
            Incoming::MethodNotAllowed
        );
        assert_eq!(parse_request(b"garbage\r\n\r\n"), Incoming::BadRequest);
        assert_eq!(parse_request(b"GET / SPDY/3\r\n\r\n"), Incoming::BadRequest);
        assert_eq!(
            parse_request(b"GET http://evil/?code=a HTTP/1.1\r\n\r\n"),
            Incoming::BadRequest
        );
        assert_eq!(parse_request(&[0xff, 0xfe, b'\n']), Incoming::BadRequest);
    }

    #[test]
    fn state_is_compared_exactly() {
        assert!(state_matches("abc", "abc"));
        assert!(!state_matches("abc", "abd"));
        assert!(!state_matches("abc", "ab"));
        assert!(!state_matches("abc", ""));
    }

    #[test]
    fn callbacks_are_classified() {
        let pairs = |items: &[(&str, &str)]| {
            items
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<Vec<_>>()
        };
        assert!(matches!(
            classify(pairs(&[("code", "c"), ("state", "s")]), "s"),
            Handled::Answer(CallbackAnswer::Code(code)) if code.as_str() == "c"
        ));
        assert!(matches!(
            classify(pairs(&[("code", "c"), ("state", "x")]), "s"),
            Handled::WrongState
        ));
        assert!(matches!(
            classify(pairs(&[("code", "c")]), "s"),
            Handled::WrongState
        ));
        assert!(matches!(
            classify(pairs(&[("code", "c"), ("code", "d"), ("state", "s")]), "s"),
            Handled::Page(_)
        ));
        assert!(matches!(
            classify(pairs(&[("state", "s"), ("state", "s"), ("code", "c")]), "s"),
            Handled::Page(_)
        ));
        assert!(matches!(
            classify(pairs(&[("state", "s")]), "s"),
            Handled::Page(_)
        ));
        let error = classify(
            pairs(&[
                ("error", "access_denied"),
                ("error_description", "AADSTS65004: User declined"),
                ("state", "s"),
            ]),
            "s",
        );
        assert!(matches!(
            error,
            Handled::Answer(CallbackAnswer::Error(details))
                if details.aadsts.as_deref() == Some("AADSTS65004")
        ));
    }

    #[test]
    fn non_loopback_addresses_are_refused() {
        for address in [
            "0.0.0.0:0",
            "192.168.1.10:8080",
            "[::]:0",
            "[2001:db8::1]:80",
        ] {
            let parsed: Result<SocketAddr, _> = address.parse();
            assert!(
                parsed.is_ok_and(|addr| ensure_loopback(addr).is_err()),
                "{address}"
            );
        }
        assert!(ensure_loopback(SocketAddr::from((Ipv4Addr::LOCALHOST, 1))).is_ok());
        assert!(ensure_loopback(SocketAddr::from((Ipv6Addr::LOCALHOST, 1))).is_ok());
    }

    #[tokio::test]
    async fn binding_a_non_loopback_address_is_refused() {
        let result = LoopbackListener::bind_on(IpAddr::V4(Ipv4Addr::UNSPECIFIED)).await;
        assert_eq!(
            result.err().map(|e| e.code()),
            Some("entra.listener_failed")
        );
    }

    #[tokio::test]
    async fn a_port_whose_ipv6_side_is_taken_is_given_up_for_one_free_on_both() {
        // Another program holds [::1]:P, while 127.0.0.1:P is free.
        let other_program = std::net::TcpListener::bind((Ipv6Addr::LOCALHOST, 0))
            .expect("this machine has an IPv6 loopback (the test needs one)");
        let taken = other_program.local_addr().unwrap().port();
        let listener =
            LoopbackListener::bind_trying(IpAddr::V4(Ipv4Addr::LOCALHOST), [taken, 0, 0])
                .await
                .unwrap();
        assert_ne!(
            listener.port(),
            taken,
            "it kept the port whose ::1 side is taken"
        );
        let addresses = listener.local_addrs();
        assert!(addresses.iter().any(|a| a.is_ipv4()), "{addresses:?}");
        assert!(addresses.iter().any(|a| a.is_ipv6()), "{addresses:?}");
        assert!(addresses.iter().all(|a| a.port() == listener.port()));
    }
}
