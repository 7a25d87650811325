// The connection section of Settings (cloud, client id, tenant, service addresses): plain
// functions over what `settings_get` returns, so the dialog only wires them to inputs. None of
// these values is secret; Rust checks them all before saving.

import type {
  CloudPreset,
  ConnectionField,
  ConnectionPreferences_Deserialize as ConnectionPreferences,
  ConnectionPreferences_Serialize as SavedPreferences,
  ConnectionSettingsView_Serialize as ConnectionSettingsView,
  FieldProblem,
} from "./bindings";
import { SERVER_LOCALE } from "./errors";
import type { Locale, MessageKey } from "./i18n";

export const CLOUDS: readonly CloudPreset[] = ["global", "usgov", "china"];

/** The text fields, in the order the dialog shows them. */
export const TEXT_FIELDS = [
  "client_id",
  "tenant",
  "login_url",
  "graph_url",
  "scaleway_url",
  "scim_base_url",
] as const satisfies readonly ConnectionField[];
export type TextField = (typeof TEXT_FIELDS)[number];

/** What the form holds: an empty text means "the default". */
export type ConnectionForm = { cloud: CloudPreset } & Record<TextField, string>;

export function emptyForm(): ConnectionForm {
  return {
    cloud: "global",
    client_id: "",
    tenant: "",
    login_url: "",
    graph_url: "",
    scaleway_url: "",
    scim_base_url: "",
  };
}

/** The form as the saved file has it. */
export function formFrom(saved: SavedPreferences): ConnectionForm {
  const form = emptyForm();
  form.cloud = saved.cloud ?? "global";
  for (const field of TEXT_FIELDS) form[field] = saved[field] ?? "";
  return form;
}

/** What `settings_save` takes: trimmed, empty → default (null), Global is the default cloud. */
export function toPreferences(form: ConnectionForm): ConnectionPreferences {
  const text = (value: string) => (value.trim() === "" ? null : value.trim());
  return {
    cloud: form.cloud === "global" ? null : form.cloud,
    client_id: text(form.client_id),
    tenant: text(form.tenant),
    login_url: text(form.login_url),
    graph_url: text(form.graph_url),
    scaleway_url: text(form.scaleway_url),
    scim_base_url: text(form.scim_base_url),
  };
}

/** True when saving the form would change the saved file. */
export function isDirty(form: ConnectionForm, saved: SavedPreferences): boolean {
  return JSON.stringify(toPreferences(form)) !== JSON.stringify(toPreferences(formFrom(saved)));
}

/** The environment variable that sets a field, and its value, when one does: the field is then
 *  shown read-only ("set by SCIM_WIZARD_…"), since the variable wins over anything saved. */
export function lockOf(
  view: ConnectionSettingsView,
  field: ConnectionField,
): { variable: string; value: string } | null {
  const status = view.fields.find((f) => f.field === field);
  if (!status || status.source !== "environment" || status.environment_value === null) return null;
  return { variable: status.variable, value: status.environment_value };
}

/** The default each empty field stands for, shown as its placeholder. `null` for the fields
 *  whose default is better said in words (the dialog's own localized placeholder). */
export function placeholderOf(
  view: ConnectionSettingsView,
  cloud: CloudPreset,
  field: TextField,
): string | null {
  const preset = view.clouds.find((c) => c.cloud === cloud);
  switch (field) {
    case "client_id":
      return view.default_client_id;
    case "login_url":
      return preset?.login_url ?? null;
    case "graph_url":
      return preset?.graph_url ?? null;
    case "scaleway_url":
      return view.default_scaleway_url;
    case "tenant":
    case "scim_base_url":
      return null;
  }
}

/** Problems by field (the first one of each field). */
export function problemsByField(problems: readonly FieldProblem[]): Partial<Record<ConnectionField, string>> {
  const byField: Partial<Record<ConnectionField, string>> = {};
  for (const problem of problems) byField[problem.field] ??= problem.message;
  return byField;
}

/** A localized sentence for a refused field, for languages other than Rust's own. */
export function problemKey(field: ConnectionField): MessageKey {
  switch (field) {
    case "client_id":
      return "settings.connection.invalid.clientId";
    case "tenant":
      return "settings.connection.invalid.tenant";
    case "scim_base_url":
      return "settings.connection.invalid.scimBaseUrl";
    case "login_url":
    case "graph_url":
    case "scaleway_url":
      return "settings.connection.invalid.url";
    case "cloud":
      return "settings.connection.invalid.cloud";
  }
}

/**
 * What to show under a refused field. In Rust's language (English) its own sentence is the most
 * precise; in another language the UI's sentence comes first and Rust's stays as a detail.
 */
export function presentProblem(
  field: ConnectionField,
  serverMessage: string,
  locale: Locale,
  t: (key: MessageKey) => string,
): { message: string; detail: string | null } {
  if (locale === SERVER_LOCALE && serverMessage.trim() !== "") {
    return { message: serverMessage, detail: null };
  }
  return { message: t(problemKey(field)), detail: serverMessage.trim() === "" ? null : serverMessage };
}

/** The id of a field's input, and of its help and error texts (for aria-describedby). */
export function fieldIds(field: ConnectionField): {
  input: string;
  help: string;
  error: string;
  lock: string;
  warning: string;
} {
  const base = `settings-${field.replaceAll("_", "-")}`;
  return { input: base, help: `${base}-help`, error: `${base}-error`, lock: `${base}-lock`, warning: `${base}-warning` };
}

/** aria-describedby of a field: its error first (read first), then its lock note, then the
 *  warning about an unfamiliar host, then its help. */
export function describedBy(field: ConnectionField, invalid: boolean, locked: boolean, warned = false): string {
  const ids = fieldIds(field);
  return [invalid ? ids.error : null, locked ? ids.lock : null, warned ? ids.warning : null, ids.help]
    .filter((id) => id !== null)
    .join(" ");
}

/** The host of the address in use for `field` when it is no Microsoft cloud's (Rust decides). */
export function unfamiliarHostOf(view: ConnectionSettingsView | null, field: ConnectionField): string | null {
  return view?.unfamiliar_hosts.find((entry) => entry.field === field)?.host ?? null;
}

/** The words of each text field: its label, its help, and, when its default is better said in
 *  words than shown as a value, its placeholder. */
export const FIELD_TEXT: Readonly<Record<TextField, { label: MessageKey; help: MessageKey; placeholder?: MessageKey }>> = {
  client_id: { label: "settings.connection.clientId.label", help: "settings.connection.clientId.help" },
  tenant: {
    label: "settings.connection.tenant.label",
    help: "settings.connection.tenant.help",
    placeholder: "settings.connection.tenant.placeholder",
  },
  login_url: { label: "settings.connection.loginUrl.label", help: "settings.connection.microsoftUrl.help" },
  graph_url: { label: "settings.connection.graphUrl.label", help: "settings.connection.microsoftUrl.help" },
  scaleway_url: { label: "settings.connection.scalewayUrl.label", help: "settings.connection.scalewayUrl.help" },
  scim_base_url: {
    label: "settings.connection.scimBaseUrl.label",
    help: "settings.connection.scimBaseUrl.help",
    placeholder: "settings.connection.scimBaseUrl.placeholder",
  },
};

export const CLOUD_LABEL: Readonly<Record<CloudPreset, MessageKey>> = {
  global: "settings.connection.cloud.global",
  usgov: "settings.connection.cloud.usgov",
  china: "settings.connection.cloud.china",
};
