// What `settings_get` / `settings_save` answer, for the Settings tests.

import type {
  ConnectionSettingsView_Serialize as ConnectionSettingsView,
  ConnectionSettings_Serialize as ConnectionSettings,
  FieldStatus_Serialize,
} from "$lib/bindings";

const VARIABLES = {
  cloud: "SCIM_WIZARD_CLOUD",
  client_id: "SCIM_WIZARD_CLIENT_ID",
  tenant: "SCIM_WIZARD_TENANT",
  login_url: "SCIM_WIZARD_LOGIN_URL",
  graph_url: "SCIM_WIZARD_GRAPH_URL",
  scaleway_url: "SCIM_WIZARD_SCALEWAY_URL",
  scim_base_url: "SCIM_WIZARD_SCIM_BASE_URL",
} as const;

export function connectionView(partial: Partial<ConnectionSettingsView> = {}): ConnectionSettingsView {
  const fields: FieldStatus_Serialize[] = (Object.keys(VARIABLES) as (keyof typeof VARIABLES)[]).map(
    (field) => ({ field, variable: VARIABLES[field], environment_value: null, source: "default" }),
  );
  return {
    saved: {
      cloud: null,
      client_id: null,
      tenant: null,
      login_url: null,
      graph_url: null,
      scaleway_url: null,
      scim_base_url: null,
    },
    fields,
    effective: null,
    error: null,
    unfamiliar_hosts: [],
    clouds: [
      { cloud: "global", login_url: "https://login.microsoftonline.com", graph_url: "https://graph.microsoft.com" },
      { cloud: "usgov", login_url: "https://login.microsoftonline.us", graph_url: "https://graph.microsoft.us" },
      {
        cloud: "china",
        login_url: "https://login.chinacloudapi.cn",
        graph_url: "https://microsoftgraph.chinacloudapi.cn",
      },
    ],
    default_client_id: "14d82eec-204b-4c2f-b7e8-296a70dab67e",
    default_scaleway_url: "https://api.scaleway.com",
    default_scim_base_patterns: ["https://api.scaleway.com/iam/v1alpha1/scim/{scim_id}/v2"],
    file: "/home/admin/.config/scim-wizard/connection.json",
    ...partial,
  };
}

/** The panel with these variables set (their fields become read-only). */
export function withVariables(
  view: ConnectionSettingsView,
  set: Partial<Record<keyof typeof VARIABLES, string>>,
): ConnectionSettingsView {
  return {
    ...view,
    fields: view.fields.map((f) => {
      const value = set[f.field];
      return value === undefined ? f : { ...f, source: "environment", environment_value: value };
    }),
  };
}

export function connectionSettings(
  partial: Partial<ConnectionSettingsView> = {},
  practice: boolean | null = false,
): ConnectionSettings {
  return { connection: connectionView(partial), practice };
}
