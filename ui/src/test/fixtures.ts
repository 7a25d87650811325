// Shapes the Rust side sends, for tests.

import type {
  ConnectReport_Serialize as ConnectReport,
  MintOutcome_Serialize as MintOutcome,
  ScimState_Serialize as ScimState,
  SetupStatus_Serialize as SetupStatus,
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
    keychain_problem: null,
    ...partial,
  };
}

export function uiError(code: UiError["code"], partial: Partial<UiError> = {}): UiError {
  return { code, message: `message for ${code}`, hint: `hint for ${code}`, retryable: false, ...partial };
}

import type {
  AppOutcome,
  EntraAccount_Serialize as EntraAccount,
  MappingPreview,
  PeopleSearch_Serialize as PeopleSearch,
  ProofReport_Serialize as ProofReport,
  SetupSummary_Serialize as SetupSummary,
} from "$lib/bindings";

export function account(partial: Partial<EntraAccount> = {}): EntraAccount {
  return {
    display_name: "Inès Admin",
    user_principal_name: "ines.admin@contoso.onmicrosoft.com",
    tenant_id: "tenant-1",
    tenant_name: "Contoso",
    role: "Cloud Application Administrator",
    ready: true,
    missing_roles: [],
    missing_permissions: [],
    fixes: [],
    admin_consent_url: null,
    app_name: "Scaleway SCIM (11111111)",
    ...partial,
  };
}

export const APP: AppOutcome = {
  display_name: "Scaleway SCIM (11111111)",
  application_object_id: "app-obj-1",
  app_id: "app-id-1",
  service_principal_id: "sp-1",
  created: true,
};

export const PREVIEW: MappingPreview = {
  already_applied: false,
  changes: [
    { what: "group_provisioning", before: "off", after: "on", description: "Groups: off → on" },
    { what: "name_formatted", before: "sent", after: "not sent", description: "name.formatted removed" },
    { what: "display_name", before: "sent ([displayName])", after: "not sent", description: "displayName: sent ([displayName]) → not sent" },
    {
      what: "user_name",
      before: "[userPrincipalName]",
      after: 'Item(Split([userPrincipalName], "@"), 1)',
      description: "userName",
    },
  ],
};

export const PEOPLE: PeopleSearch = {
  users: [
    { id: "u-adele", display_name: "Adele Vance", user_principal_name: "adele.vance@contoso.com", mail: null },
    { id: "u-alex", display_name: "Alex Wilber", user_principal_name: "alex.wilber@contoso.com", mail: null },
  ],
  groups: [{ id: "g-sales", display_name: "Sales", description: "Sales team" }],
  groups_unavailable: false,
};

/** Adele alone: created, nobody taken over, no collision. */
export const IMPACT = {
  create: [{ upn: "adele.vance@contoso.com", username: "adele.vance" }],
  match: [],
  collisions: [],
  untouched: [{ username: "olivia.owner", user_id: "scw-owner", owner: true }],
  over_quota: null,
  keep_full_upn: false,
};

export function proof(partial: Partial<ProofReport> = {}): ProofReport {
  return {
    verified: true,
    user_principal_name: "adele.vance@contoso.com",
    expected_username: "adele.vance",
    scaleway_user_id: "scw-user-1",
    on_demand_result: "Success",
    job: null,
    finding: {
      kind: "seen",
      upn: "adele.vance@contoso.com",
      username: "adele.vance",
      channel: "iam_users_api",
      cycle_finished: true,
    },
    message: "It works.",
    ...partial,
  };
}

export function summary(partial: Partial<SetupSummary> = {}): SetupSummary {
  return {
    organization_id: ORG_ID,
    organization_name: "Acme",
    scim_id: "scim-1",
    scim_enabled_by_wizard: true,
    token_id: "tok-1",
    token_expires_at: "2027-06-16T10:00:00Z",
    base_url: BASE_URL,
    tenant_id: "tenant-1",
    app_display_name: APP.display_name,
    application_object_id: "app-obj-1",
    app_id: "app-id-1",
    service_principal_id: "sp-1",
    app_created_by_wizard: true,
    job_id: "scim.job-1",
    tenant_url: BASE_URL,
    mappings_applied_at: "2026-06-16T10:05:00Z",
    assignments: [
      {
        principal_id: "u-adele",
        principal_type: "User",
        display_name: "Adele Vance",
        assignment_id: "as-1",
        created_by_wizard: true,
      },
    ],
    started_at: "2026-06-16T10:06:00Z",
    proof_username: "adele.vance",
    proof_found_in_scaleway: true,
    scim_token_keychain: { service: "scim-wizard", account: `scim-token:${ORG_ID}` },
    credential_retention: "until_setup_done",
    links: {
      entra_app: "https://entra.microsoft.com/#app",
      entra_provisioning: "https://entra.microsoft.com/#prov",
      scaleway_iam_users: "https://console.scaleway.com/iam/users",
      scaleway_security: "https://console.scaleway.com/organization/security",
    },
    ...partial,
  };
}

/** A finished setup read from the home screen: read with the kept SCIM token, `days` left. */
export function homeStatus(days: number, signedIn: boolean): SetupStatus {
  return {
    token_expires_in_days: days,
    token_created_at: "2026-06-01T10:00:00Z",
    token_expires_at: "2027-06-01T10:00:00Z",
    attention: days < 30 ? [{ kind: "token_expires_soon", days }] : [],
    last_proof: {
      upn: "adele.vance@contoso.com",
      username: "adele.vance",
      found: true,
      checked_at: "2026-06-16T10:00:00Z",
      group: null,
    },
    scaleway: {
      organization_id: ORG_ID,
      access: "token_only",
      scim_enabled: true,
      scim_id: null,
      tokens: [],
      base_url: BASE_URL,
      token_works: true,
      needs_scaleway_key: [],
    },
    entra: signedIn
      ? {
          tenant_id: "tenant-1",
          app_display_name: "Scaleway SCIM (11111111)",
          app_exists: true,
          service_principal_id: "sp-1",
          job: {
            job_id: "scim.1",
            status_code: "Active",
            schedule_state: "Active",
            healthy: true,
            steady_state_reached: true,
            last_cycle: { state: "Succeeded", began: null, ended: "2026-06-16T10:05:00Z", exported: 3, failed: 1, error: null },
            quarantine: null,
            condition: "steady_state",
            users_in_sync: 3,
            groups_in_sync: 1,
          },
          assignments: 1,
        }
      : null,
    warnings: [],
  };
}
