//! Fuzzing of the loopback listener's request reading and parsing, as property tests.
//!
//! Why proptest and not `cargo fuzz` (issue 13, item 16): cargo fuzz does build and run here on
//! the stable toolchain with `RUSTC_BOOTSTRAP=1`, but a cold CI run cannot afford it. Measured on
//! this project's 2-core machine, with other builds sharing it: `cargo install cargo-fuzz` took
//! 2 min 11 s (1 min 30 s of CPU), and the first sanitizer-instrumented release build of one
//! target depending on this crate 10 min 33 s (7 min 7 s of CPU over 135 crates, so at least
//! 3.5 min even with both cores to itself), none of it shared with the debug build the other
//! tests use. Together that is over the 5 minutes the CI budget leaves for fuzzing, before a
//! single run. These properties reuse the test build and run with `cargo test`; their case
//! counts are fixed below.
//!
//! What they check: no input panics; every input ends as one of the typed outcomes; the head
//! reader never holds more than its bound, whatever the peer sends and however it is split.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use proptest::prelude::*;
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};

use super::*;

/// Cases per property: all of this module runs in a few seconds in a debug build.
const CASES: u32 = 1024;

/// The read buffer of [`read_head`]: the most it can take past the bound in one read.
const CHUNK: usize = 2048;

/// A peer that sends `chunks` one read at a time, then closes.
struct Chunked {
    chunks: std::collections::VecDeque<Vec<u8>>,
    sent: usize,
}

impl Chunked {
    fn new(chunks: Vec<Vec<u8>>) -> Self {
        Self {
            chunks: chunks.into_iter().filter(|c| !c.is_empty()).collect(),
            sent: 0,
        }
    }
}

impl AsyncRead for Chunked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Some(mut chunk) = self.chunks.pop_front() {
            let taken = chunk.len().min(buf.remaining());
            buf.put_slice(&chunk[..taken]);
            self.sent += taken;
            if taken < chunk.len() {
                self.chunks.push_front(chunk.split_off(taken));
            }
        }
        Poll::Ready(Ok(()))
    }
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(future)
}

fn has_terminator(bytes: &[u8]) -> bool {
    bytes.windows(4).any(|w| w == b"\r\n\r\n") || bytes.windows(2).any(|w| w == b"\n\n")
}

/// Splits `bytes` at the given cut points (taken modulo the length).
fn split(bytes: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    if bytes.is_empty() {
        return Vec::new();
    }
    let mut points: Vec<usize> = cuts.iter().map(|cut| cut % bytes.len()).collect();
    points.push(0);
    points.push(bytes.len());
    points.sort_unstable();
    points.dedup();
    points
        .windows(2)
        .map(|pair| bytes[pair[0]..pair[1]].to_vec())
        .collect()
}

/// What the request line says, checked independently of [`parse_request`].
fn first_line(head: &[u8]) -> Option<&[u8]> {
    let end = head.iter().position(|b| *b == b'\n')?;
    let line = &head[..end];
    Some(line.strip_suffix(b"\r").unwrap_or(line))
}

/// Methods, targets and versions near the one valid form, and some far from it.
fn near_valid_request() -> impl Strategy<Value = Vec<u8>> {
    let method = prop_oneof![
        Just("GET".to_owned()),
        Just("get".to_owned()),
        Just("POST".to_owned()),
        Just(String::new()),
        Just("GET\0".to_owned()),
        "[A-Z]{1,8}",
    ];
    let target = prop_oneof![
        Just("/".to_owned()),
        Just("/?".to_owned()),
        "/\\?[a-z_=&%0-9A-F+]{0,40}",
        "/[a-z.]{1,10}(\\?[a-z=&]{0,10})?",
        "https?://[a-z.]{1,10}/\\?code=[a-z]{1,5}",
        Just("/?code=%FF%FE&state=%00".to_owned()),
        Just("/?%".to_owned()),
        Just("/?code=a%2".to_owned()),
        any::<String>(),
    ];
    let version = prop_oneof![
        Just("HTTP/1.1"),
        Just("HTTP/1.0"),
        Just("HTTP/2"),
        Just("HTTP/1.1 extra"),
        Just(""),
    ];
    let newline = prop_oneof![Just("\r\n"), Just("\n"), Just("\r"), Just("")];
    let tail = prop::collection::vec(any::<u8>(), 0..256);
    (method, target, version, newline, tail).prop_map(|(method, target, version, newline, tail)| {
        let mut head = format!("{method} {target} {version}{newline}").into_bytes();
        head.extend_from_slice(&tail);
        head
    })
}

/// Query pairs with the names the listener reads, in any number and order.
fn callback_pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        Just("code".to_owned()),
        Just("state".to_owned()),
        Just("error".to_owned()),
        Just("error_description".to_owned()),
        Just("trace_id".to_owned()),
        Just("correlation_id".to_owned()),
        any::<String>(),
    ];
    let value = prop_oneof![
        Just("expected-state".to_owned()),
        Just(String::new()),
        Just("AADSTS65004: User declined".to_owned()),
        "AADSTS[0-9]{0,30}.{0,10}",
        any::<String>(),
    ];
    prop::collection::vec((name, value), 0..8)
}

/// The three outcomes of a callback, from the rules in the module documentation of
/// `loopback.rs`: duplicates and non-answers are bad requests, a wrong or missing state is
/// reported as such, then an error wins over a code.
fn expected_outcome(pairs: &[(String, String)], expected: &str) -> &'static str {
    let count = |name: &str| pairs.iter().filter(|(key, _)| key == name).count();
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, v)| v.as_str())
    };
    if ["state", "error", "error_description", "code"]
        .iter()
        .any(|name| count(name) > 1)
        || (count("code") == 0 && count("error") == 0)
    {
        return "page";
    }
    if value("state") != Some(expected) {
        return "wrong state";
    }
    if count("error") == 1 {
        return "error";
    }
    if value("code").is_some_and(|code| !code.is_empty()) {
        "code"
    } else {
        "page"
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// Any bytes: a typed outcome, consistent with what the request line says.
    #[test]
    fn parse_request_takes_any_bytes(head in prop::collection::vec(any::<u8>(), 0..4096)) {
        let outcome = parse_request(&head);
        let line = first_line(&head);
        match &outcome {
            Incoming::Callback(_) | Incoming::NotFound => {
                prop_assert!(line.is_some_and(|l| l.starts_with(b"GET /")), "{outcome:?}");
            }
            Incoming::MethodNotAllowed => {
                prop_assert!(line.is_some_and(|l| !l.starts_with(b"GET ")), "{outcome:?}");
            }
            Incoming::BadRequest => {}
        }
    }

    #[test]
    fn parse_request_takes_near_valid_requests(head in near_valid_request()) {
        let outcome = parse_request(&head);
        if let Incoming::Callback(pairs) = &outcome {
            let line = first_line(&head).unwrap();
            prop_assert!(line.starts_with(b"GET /?") || line.starts_with(b"GET / "));
            prop_assert!(pairs.len() <= head.len());
        }
    }

    /// Whatever the pairs (NUL, non-ASCII, `&`, `=`, `%`, `+`), a well-formed request gives
    /// exactly them back.
    #[test]
    fn callback_pairs_round_trip(
        pairs in prop::collection::vec((any::<String>(), any::<String>()), 0..8),
        version in prop_oneof![Just("HTTP/1.1"), Just("HTTP/1.0")],
        newline in prop_oneof![Just("\r\n"), Just("\n")],
        headers in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&pairs)
            .finish();
        let mut head = format!("GET /?{query} {version}{newline}").into_bytes();
        head.extend_from_slice(&headers);
        prop_assert_eq!(parse_request(&head), Incoming::Callback(pairs));
    }

    #[test]
    fn classify_takes_any_pairs(pairs in callback_pairs()) {
        let expected = "expected-state";
        let outcome = match classify(pairs.clone(), expected) {
            Handled::Page(_) => "page",
            Handled::WrongState => "wrong state",
            Handled::Answer(CallbackAnswer::Error(details)) => {
                // What reaches the error page is one clean line.
                prop_assert!(!details.error.chars().any(char::is_control));
                let _ = details.support_reference();
                let _ = details.aadsts_number();
                "error"
            }
            Handled::Answer(CallbackAnswer::Code(code)) => {
                let sent = pairs.iter().find(|(key, _)| key == "code").map(|(_, v)| v);
                prop_assert_eq!(Some(code.as_str()), sent.map(String::as_str));
                "code"
            }
        };
        prop_assert_eq!(outcome, expected_outcome(&pairs, expected));
    }

    /// Any bytes, split into any reads: the head is kept only when it is within the bound, and
    /// the reader never takes more than the bound plus one read.
    #[test]
    fn read_head_is_bounded_however_the_peer_splits_its_bytes(
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..4096),
            (1..3 * MAX_REQUEST_BYTES, prop::collection::vec(any::<u8>(), 0..64))
                .prop_map(|(len, tail)| {
                    let mut bytes = b"GET /?code=".to_vec();
                    bytes.resize(len, b'a');
                    bytes.extend_from_slice(&tail);
                    bytes
                }),
        ],
        cuts in prop::collection::vec(any::<usize>(), 0..32),
    ) {
        let mut peer = Chunked::new(split(&bytes, &cuts));
        let outcome = block_on(read_head(&mut peer)).unwrap();
        prop_assert!(peer.sent <= MAX_REQUEST_BYTES + CHUNK, "read {} bytes", peer.sent);
        match outcome {
            ReadOutcome::Head(head) => {
                prop_assert!(head.len() <= MAX_REQUEST_BYTES);
                prop_assert!(bytes.starts_with(&head));
                prop_assert!(has_terminator(&head) || head.len() == bytes.len());
            }
            ReadOutcome::TooLarge => prop_assert!(bytes.len() > MAX_REQUEST_BYTES),
            ReadOutcome::Closed => prop_assert!(!has_terminator(&bytes)),
        }
    }
}

/// A peer that never stops sending (no blank line ever comes): refused once the bound is passed,
/// after reading at most one buffer more than the bound, not everything it offers.
#[test]
fn an_endless_head_is_refused_at_the_bound() {
    let offered: u64 = 64 * 1024 * 1024;
    let mut peer = tokio::io::repeat(b'a').take(offered);
    let outcome = block_on(read_head(&mut peer)).unwrap();
    assert!(matches!(outcome, ReadOutcome::TooLarge));
    let read = offered - peer.limit();
    assert!(
        read as usize <= MAX_REQUEST_BYTES + CHUNK,
        "read {read} bytes"
    );
}

/// A peer that sends its head one byte at a time, never ending it: the reader looks for the end
/// of the head only in what each read brought. Regression: it used to rescan the whole buffer
/// after every read, 8 s of CPU here (debug build) for one such connection; now about 10 ms, so
/// the limit below is generous and still far under the quadratic cost.
#[test]
fn a_head_sent_byte_by_byte_is_refused_at_the_bound() {
    let bytes = vec![b'a'; MAX_REQUEST_BYTES + 1];
    let mut peer = Chunked::new(bytes.iter().map(|b| vec![*b]).collect());
    let started = std::time::Instant::now();
    let outcome = block_on(read_head(&mut peer)).unwrap();
    let took = started.elapsed();
    assert!(matches!(outcome, ReadOutcome::TooLarge));
    assert_eq!(peer.sent, MAX_REQUEST_BYTES + 1);
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

/// The end of the head split across two reads is still found.
#[test]
fn a_terminator_split_across_reads_is_found() {
    for split_at in 1..4 {
        let head = b"GET /?code=a&state=b HTTP/1.1\r\nHost: x\r\n\r\n";
        let cut = head.len() - split_at;
        let mut peer = Chunked::new(vec![head[..cut].to_vec(), head[cut..].to_vec()]);
        let outcome = block_on(read_head(&mut peer)).unwrap();
        assert!(
            matches!(&outcome, ReadOutcome::Head(read) if read == head),
            "split {split_at}"
        );
    }
    let mut peer = Chunked::new(vec![b"GET / HTTP/1.1\n".to_vec(), b"\n".to_vec()]);
    assert!(matches!(
        block_on(read_head(&mut peer)).unwrap(),
        ReadOutcome::Head(_)
    ));
}
