//! Device code sign-in, the fallback for machines where the browser cannot come back to a
//! loopback port (docs/services.md, "Microsoft sign-in"): show a code, the admin enters it at
//! `https://microsoft.com/devicelogin` on any device, and we poll the token endpoint.

use std::fmt;
use std::time::Duration;

use oauth2::{EndpointNotSet, EndpointSet, ExtraDeviceAuthorizationFields, Scope};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::config::SignInConfig;
use super::error::{AuthError, Stage};
use super::token::{
    EntraClient, EntraOAuthError, EntraTokenResponse, Tokens, map_request_error, token_client,
    tokens_from_response,
};

/// The OAuth grant type of a device code poll (RFC 8628 §3.4).
const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Added to the poll interval on `slow_down` (RFC 8628 §3.5).
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// Poll requests that fail to reach Microsoft in a row before giving up.
const MAX_NETWORK_FAILURES: u32 = 3;

/// Entra's extra field in the device code response: a ready-made sentence for the user.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct EntraDeviceFields {
    #[serde(default)]
    message: Option<String>,
}

impl ExtraDeviceAuthorizationFields for EntraDeviceFields {}

/// What to show the admin: "go to `verification_uri` and enter `user_code`".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceCodeChallenge {
    /// The code to type in (short-lived, useless without the device code we keep).
    pub user_code: String,
    /// Where to type it, e.g. `https://microsoft.com/devicelogin`.
    pub verification_uri: Url,
    /// How long the code works.
    pub expires_in: Duration,
    /// How often we poll (as Microsoft asked).
    pub interval: Duration,
    /// Microsoft's own sentence ("To sign in, use a web browser to open …").
    pub message: Option<String>,
}

/// Starts device code sign-ins.
#[derive(Debug, Clone, Copy)]
pub struct DeviceCodeSignIn;

impl DeviceCodeSignIn {
    /// Asks Microsoft for a device code. Show [`PendingDeviceCode::challenge`], then call
    /// [`PendingDeviceCode::wait`].
    pub async fn start(config: &SignInConfig) -> Result<PendingDeviceCode, AuthError> {
        let tenant = config.authority().to_owned();
        let client: EntraClient<EndpointNotSet, EndpointSet> = token_client(config, &tenant)?
            .set_device_authorization_url(oauth2::DeviceAuthorizationUrl::from_url(
                config.oauth_url(&tenant, "devicecode")?,
            ));
        let http = config.http_client()?;
        let details: oauth2::DeviceAuthorizationResponse<EntraDeviceFields> = client
            .exchange_device_code()
            .add_scopes(config.scopes().into_iter().map(Scope::new))
            .request_async(&http)
            .await
            .map_err(|error| map_request_error(error, Stage::DeviceCode))?;
        let challenge = DeviceCodeChallenge {
            user_code: details.user_code().secret().clone(),
            verification_uri: details.verification_uri().url().clone(),
            expires_in: details.expires_in(),
            interval: details.interval().max(Duration::from_secs(1)),
            message: details.extra_fields().message.clone(),
        };
        Ok(PendingDeviceCode {
            config: config.clone(),
            tenant,
            device_code: SecretString::from(details.device_code().secret().as_str()),
            deadline: Instant::now() + challenge.expires_in,
            challenge,
            http,
        })
    }
}

/// A device code waiting for the admin.
pub struct PendingDeviceCode {
    config: SignInConfig,
    tenant: String,
    device_code: SecretString,
    challenge: DeviceCodeChallenge,
    deadline: Instant,
    http: reqwest::Client,
}

impl fmt::Debug for PendingDeviceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingDeviceCode")
            .field("tenant", &self.tenant)
            .field("challenge", &self.challenge)
            .finish_non_exhaustive()
    }
}

impl PendingDeviceCode {
    pub fn challenge(&self) -> &DeviceCodeChallenge {
        &self.challenge
    }

    /// Polls until the admin approves (→ tokens), declines, the code expires, or `cancel`.
    /// Honours the interval, adding 5 s whenever Microsoft says `slow_down`.
    pub async fn wait(self, cancel: &CancellationToken) -> Result<Tokens, AuthError> {
        let token_url = self.config.oauth_url(&self.tenant, "token")?;
        let mut interval = self.challenge.interval;
        let mut network_failures = 0;
        loop {
            let next_poll = Instant::now() + interval;
            if next_poll >= self.deadline {
                tokio::select! {
                    biased;
                    () = cancel.cancelled() => return Err(AuthError::Cancelled),
                    () = tokio::time::sleep_until(self.deadline) => {}
                }
                return Err(AuthError::DeviceCodeExpired { details: None });
            }
            tokio::select! {
                biased;
                () = cancel.cancelled() => return Err(AuthError::Cancelled),
                () = tokio::time::sleep_until(next_poll) => {}
            }
            let poll = tokio::select! {
                biased;
                () = cancel.cancelled() => return Err(AuthError::Cancelled),
                poll = self.poll_once(&token_url) => poll,
            };
            match poll {
                Poll::Done(tokens) => return Ok(*tokens),
                Poll::Pending => network_failures = 0,
                Poll::SlowDown => {
                    network_failures = 0;
                    interval += SLOW_DOWN_STEP;
                }
                Poll::NetworkFailure(error) => {
                    network_failures += 1;
                    if network_failures >= MAX_NETWORK_FAILURES {
                        return Err(error);
                    }
                    tracing::debug!(code = error.code(), "device code poll failed; retrying");
                }
                Poll::Failed(error) => return Err(error),
            }
        }
    }

    async fn poll_once(&self, token_url: &Url) -> Poll {
        let form = [
            ("grant_type", DEVICE_CODE_GRANT),
            ("client_id", self.config.client_id()),
            ("device_code", self.device_code.expose_secret()),
        ];
        let response = match self
            .http
            .post(token_url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&form)
            .send()
            .await
        {
            Ok(response) => response,
            Err(error) => return Poll::NetworkFailure(AuthError::network(&error)),
        };
        let status = response.status();
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(error) => return Poll::NetworkFailure(AuthError::network(&error)),
        };
        if status.is_success() {
            return match serde_json::from_slice::<EntraTokenResponse>(&body) {
                Ok(tokens) => Poll::Done(Box::new(tokens_from_response(&tokens))),
                Err(_) => Poll::Failed(AuthError::UnexpectedResponse {
                    message: "the sign-in service's token answer could not be read".into(),
                    request_id: None,
                }),
            };
        }
        let Ok(error) = serde_json::from_slice::<EntraOAuthError>(&body) else {
            if status.is_server_error() {
                return Poll::NetworkFailure(AuthError::UnexpectedResponse {
                    message: format!("the sign-in service answered HTTP {status}"),
                    request_id: None,
                });
            }
            return Poll::Failed(AuthError::UnexpectedResponse {
                message: format!(
                    "the sign-in service answered HTTP {status} without an OAuth error"
                ),
                request_id: None,
            });
        };
        match error.error.as_str() {
            "authorization_pending" => Poll::Pending,
            "slow_down" => Poll::SlowDown,
            _ => Poll::Failed(AuthError::from_entra(error.details(), Stage::DevicePoll)),
        }
    }
}

enum Poll {
    Done(Box<Tokens>),
    Pending,
    SlowDown,
    NetworkFailure(AuthError),
    Failed(AuthError),
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;
    use crate::cloud::{Cloud, Endpoints};

    /// A token endpoint that answers each poll in turn from `answers` (status, JSON).
    async fn fake_token_endpoint(
        answers: Vec<(u16, &'static str)>,
    ) -> Result<(Url, Arc<AtomicU32>), Box<dyn std::error::Error>> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let polls = Arc::new(AtomicU32::new(0));
        let counter = Arc::clone(&polls);
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut buffer = vec![0_u8; 8192];
                let _ = stream.read(&mut buffer).await;
                let index = counter.fetch_add(1, Ordering::SeqCst) as usize;
                let (status, body) = answers
                    .get(index)
                    .copied()
                    .unwrap_or((400, r#"{"error":"expired_token"}"#));
                let response = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
            }
        });
        Ok((
            Url::parse(&format!("http://127.0.0.1:{port}/login"))?,
            polls,
        ))
    }

    fn pending(login: &Url, interval: Duration, expires_in: Duration) -> PendingDeviceCode {
        let config = SignInConfig::new(Endpoints::for_cloud(Cloud::Global).with_login(login));
        let challenge = DeviceCodeChallenge {
            user_code: "ABCD".into(),
            verification_uri: login.clone(),
            expires_in,
            interval,
            message: None,
        };
        PendingDeviceCode {
            http: config.http_client().unwrap_or_default(),
            config,
            tenant: "organizations".into(),
            device_code: SecretString::from("device-code-secret"),
            deadline: Instant::now() + challenge.expires_in,
            challenge,
        }
    }

    #[tokio::test]
    async fn slow_down_adds_five_seconds_and_pending_keeps_polling()
    -> Result<(), Box<dyn std::error::Error>> {
        let (login, polls) = fake_token_endpoint(vec![
            (400, r#"{"error":"authorization_pending","error_codes":[70016]}"#),
            (400, r#"{"error":"slow_down"}"#),
            (400, r#"{"error":"authorization_declined","error_description":"AADSTS70000: declined","trace_id":"t"}"#),
        ])
        .await?;
        let pending = pending(&login, Duration::from_secs(1), Duration::from_secs(60));
        let started = Instant::now();
        let error = pending.wait(&CancellationToken::new()).await.err();
        assert_eq!(error.map(|e| e.code()), Some("entra.device_code_declined"));
        assert_eq!(polls.load(Ordering::SeqCst), 3);
        // 1 s, 1 s, then slow_down: 6 s.
        let elapsed = started.elapsed();
        assert!(elapsed >= Duration::from_secs(8), "{elapsed:?}");
        assert!(elapsed < Duration::from_secs(12), "{elapsed:?}");
        Ok(())
    }

    #[tokio::test]
    async fn bad_verification_code_and_local_expiry() -> Result<(), Box<dyn std::error::Error>> {
        let (login, _) =
            fake_token_endpoint(vec![(400, r#"{"error":"bad_verification_code"}"#)]).await?;
        let error = pending(&login, Duration::from_secs(1), Duration::from_secs(60))
            .wait(&CancellationToken::new())
            .await
            .err();
        assert_eq!(error.map(|e| e.code()), Some("entra.device_code_rejected"));

        // Pending until our own copy of expires_in runs out.
        let (login, _) =
            fake_token_endpoint(vec![(400, r#"{"error":"authorization_pending"}"#); 20]).await?;
        let started = Instant::now();
        let error = pending(&login, Duration::from_secs(1), Duration::from_millis(2500))
            .wait(&CancellationToken::new())
            .await
            .err();
        assert_eq!(error.map(|e| e.code()), Some("entra.device_code_expired"));
        assert!(started.elapsed() < Duration::from_secs(4));
        Ok(())
    }

    #[tokio::test]
    async fn debug_hides_the_device_code() -> Result<(), Box<dyn std::error::Error>> {
        let login = Url::parse("http://127.0.0.1:9/login")?;
        let printed = format!(
            "{:?}",
            pending(&login, Duration::from_secs(1), Duration::from_secs(60))
        );
        assert!(!printed.contains("device-code-secret"), "{printed}");
        assert!(printed.contains("ABCD"));
        Ok(())
    }
}
