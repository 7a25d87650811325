//! Step 1: SCIM on the Scaleway Organization and its token, as the engine runs it. The
//! Scaleway session itself (connecting a key, enabling, minting, the Base URL) is in
//! `scaleway_step`.
//!
//! - observe: was the token given by the admin (made in the console)? With a key: SCIM's
//!   configuration, whether this setup holds its token, and (to plan a new one) the tokens;
//! - decide: with a given token, only check it against its Base URL; with a key, enable SCIM
//!   when off, then reuse or mint the token;
//! - run: `ScalewaySession::ensure_scim_enabled` and `mint_token`.

use url::Url;

use super::plan_item;
use crate::engine::SetupEngine;
use crate::failure::SetupError;
use crate::journal::Journal;
use crate::messages::{PlanMessage, ProgressMessage, TokenKept};
use crate::progress::{CancellationToken, Reporter, Step};
use crate::report::{KeyAction, PlanAction, PlanItem};
use crate::scaleway_step::{KeychainChoice, MAX_SCIM_TOKENS, MintOutcome, ScalewaySide};
use crate::secret::Secret;

/// A token the admin gave (made in the Scaleway console) and its Base URL.
pub(crate) type GivenToken = (Secret, Url);

/// What the token part of step 1 produced: the mint (none for a given token), the Base URL,
/// the token, and its Scaleway id when known.
pub(crate) struct TokenReady {
    pub(crate) mint: Option<MintOutcome>,
    pub(crate) base_url: String,
    pub(crate) token: Secret,
    pub(crate) token_id: Option<String>,
}

fn kept(mint: &MintOutcome) -> TokenKept {
    if mint.stored_in_keychain {
        TokenKept::Keychain
    } else if mint.keychain_problem.is_some() {
        TokenKept::MemoryKeychainRefused
    } else {
        TokenKept::MemoryAsChosen
    }
}

pub(crate) fn token_message(mint: &MintOutcome) -> ProgressMessage {
    if mint.resumed {
        ProgressMessage::TokenReused { kept: kept(mint) }
    } else {
        ProgressMessage::TokenCreated { kept: kept(mint) }
    }
}

fn given_token_message(side: &ScalewaySide) -> ProgressMessage {
    ProgressMessage::UsingGivenToken {
        kept: if side.token_only_in_memory() {
            TokenKept::MemoryAsChosen
        } else {
            TokenKept::Keychain
        },
    }
}

/// Round trip 1's Scaleway part: with a given token, check it against its Base URL
/// (`Ok(None)`); with a key, enable SCIM when off (`Ok(Some(enabled_now))`).
pub(crate) async fn check_scim(
    r: &Reporter,
    side: &mut ScalewaySide,
    given: Option<&GivenToken>,
) -> Result<Option<bool>, SetupError> {
    match (given, side) {
        (Some((token, base_url)), side) => r
            .step(
                Step::ScimEnabled,
                ProgressMessage::CheckingGivenToken,
                side.verify_given(base_url, token),
            )
            .await
            .map(|()| None),
        (None, ScalewaySide::Keyed(keyed)) => r
            .step(
                Step::ScimEnabled,
                ProgressMessage::CheckingScim,
                keyed.ensure_scim_enabled(),
            )
            .await
            .map(Some),
        // `given_token` always answers for a token-only side.
        (None, ScalewaySide::TokenOnly(_)) => Err(SetupError::token_gone()),
    }
}

/// Says how the check went.
pub(crate) fn scim_checked(r: &Reporter, enabled_now: Option<bool>) {
    match enabled_now {
        Some(true) => r.finished(Step::ScimEnabled, ProgressMessage::ScimEnabledNow),
        Some(false) => r.finished(Step::ScimEnabled, ProgressMessage::ScimAlreadyEnabled),
        None => r.skipped(Step::ScimEnabled, ProgressMessage::GivenTokenWorks),
    }
}

/// The token part: a given token is used as it is; with a key, reuse the setup's token or
/// mint one, then find its Base URL. The side is handed back for the steps that follow.
pub(crate) async fn ready_token<'a>(
    r: &Reporter,
    side: &'a mut ScalewaySide,
    given: Option<GivenToken>,
    keychain: KeychainChoice,
) -> Result<(TokenReady, &'a ScalewaySide), SetupError> {
    if let Some((token, base_url)) = given {
        r.skipped(Step::ScimToken, given_token_message(side));
        return Ok((
            TokenReady {
                mint: None,
                base_url: base_url.to_string(),
                token,
                token_id: None,
            },
            side,
        ));
    }
    let ScalewaySide::Keyed(keyed) = &mut *side else {
        return Err(SetupError::token_gone());
    };
    let mint = r
        .step(
            Step::ScimToken,
            ProgressMessage::CreatingToken,
            keyed.mint_token(keychain),
        )
        .await?;
    r.finished(Step::ScimToken, token_message(&mint));
    let base_url = mint.base_url.clone().ok_or(SetupError::BaseUrlNeeded)?;
    let token = keyed.token().await?.ok_or(SetupError::NotReady(
        "the SCIM token is not in the keychain",
    ))?;
    // The id `mint_token` has just recorded in the journal.
    let token_id = Some(mint.token.id.clone());
    Ok((
        TokenReady {
            mint: Some(mint),
            base_url,
            token,
            token_id,
        },
        side,
    ))
}

/// observe + decide for a plan: step 1's two items. Reads only.
pub(crate) async fn plan(
    side: &ScalewaySide,
    loaded: Option<&Journal>,
    given: Option<&GivenToken>,
) -> Result<Vec<PlanItem>, SetupError> {
    let keyed = match (given, side.keyed()) {
        (Some((token, base_url)), _) => {
            side.verify_given(base_url, token).await?;
            None
        }
        (None, Some(keyed)) => Some(keyed),
        (None, None) => return Err(SetupError::token_gone()),
    };
    let Some(keyed) = keyed else {
        // The admin gave the token: step 1 was done in the Scaleway console.
        return Ok(vec![
            plan_item(
                Step::ScimEnabled,
                PlanAction::Nothing,
                PlanMessage::GivenTokenWorks,
            ),
            plan_item(
                Step::ScimToken,
                PlanAction::Reuse,
                PlanMessage::UseGivenToken,
            ),
        ]);
    };
    let scim = keyed.client().get_scim(keyed.organization_id()).await?;
    let enable = match &scim {
        Some(_) => plan_item(
            Step::ScimEnabled,
            PlanAction::Nothing,
            PlanMessage::ScimAlreadyEnabled,
        ),
        None => plan_item(
            Step::ScimEnabled,
            PlanAction::Create,
            PlanMessage::EnableScim,
        ),
    };
    let held = keyed.token().await?.is_some();
    let token_known = loaded.and_then(Journal::scaleway_token_id).is_some();
    let token = match (&scim, held && token_known) {
        (Some(_), true) => plan_item(Step::ScimToken, PlanAction::Reuse, PlanMessage::KeepToken),
        (Some(scim), false) => {
            let tokens = keyed.client().list_scim_tokens(&scim.id).await?;
            plan_item(
                Step::ScimToken,
                PlanAction::Create,
                PlanMessage::CreateToken {
                    at_limit: tokens.len() >= MAX_SCIM_TOKENS,
                },
            )
        }
        (None, _) => plan_item(
            Step::ScimToken,
            PlanAction::Create,
            PlanMessage::CreateToken { at_limit: false },
        ),
    };
    Ok(vec![enable, token])
}

impl SetupEngine {
    /// Step 1 in one call: enable SCIM when it is off, then mint (or reuse) the token and find
    /// the Base URL. `base_url: None` in the outcome means the admin must paste it
    /// (`scaleway_mut().set_base_url(…)`).
    ///
    /// Needs a Scaleway API key: with a token-only side, step 1 was done in the console and this
    /// answers [`SetupError::ScalewayKeyNeeded`].
    pub async fn ensure_scim(&mut self) -> Result<MintOutcome, SetupError> {
        let r = self.reporter(&CancellationToken::new());
        if self.scaleway.keyed().is_none() {
            return Err(SetupError::ScalewayKeyNeeded {
                action: KeyAction::CreateToken,
            });
        }
        let enabled_now = check_scim(&r, &mut self.scaleway, None).await?;
        scim_checked(&r, enabled_now);
        let keyed = self
            .scaleway
            .keyed_mut()
            .ok_or(SetupError::ScalewayKeyNeeded {
                action: KeyAction::CreateToken,
            })?;
        let mint = r
            .step(
                Step::ScimToken,
                ProgressMessage::CreatingToken,
                keyed.mint_token(self.options.keychain),
            )
            .await?;
        r.finished(Step::ScimToken, token_message(&mint));
        Ok(mint)
    }
}
