// Shapes the Rust side sends, for tests.

import type {
  ConnectReport_Serialize as ConnectReport,
  MintOutcome_Serialize as MintOutcome,
  ScimState_Serialize as ScimState,
  TokenSummary_Serialize as TokenSummary,
  UiError,
} from "$lib/bindings";

export const ORG_ID = "11111111-2222-3333-4444-555555555555";

export function report(partial: Partial<ConnectReport> = {}): ConnectReport {
  return {
    organization_id: ORG_ID,
    organization_name: "Acme Practice",
    organization_source: "given",
    can_manage_scim: true,
    scim_enabled: false,
    summary: "Key OK — organization 'Acme Practice' — this key can manage SCIM",
    ...partial,
  };
}

export function token(id: string, created: string, partial: Partial<TokenSummary> = {}): TokenSummary {
  const year = Number(created.slice(0, 4)) + 1;
  return {
    id,
    created_at: created,
    expires_at: `${year}${created.slice(4)}`,
    ours: false,
    ...partial,
  };
}

export function scim(tokens: TokenSummary[] = []): ScimState {
  return { enabled: true, scim_id: "scim-1", tokens, at_token_limit: tokens.length >= 2 };
}

export const OFF: ScimState = { enabled: false, scim_id: null, tokens: [], at_token_limit: false };

export const BASE_URL = "https://scim.example.test/scim/v2";

export function outcome(partial: Partial<MintOutcome> = {}): MintOutcome {
  return {
    token: token("tok-new", "2026-06-16T10:00:00Z", { ours: true }),
    base_url: BASE_URL,
    resumed: false,
    stored_in_keychain: true,
    ...partial,
  };
}

export function uiError(code: UiError["code"], partial: Partial<UiError> = {}): UiError {
  return { code, message: `message for ${code}`, hint: `hint for ${code}`, retryable: false, ...partial };
}
