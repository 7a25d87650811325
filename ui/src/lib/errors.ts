// How an error from the Rust side is shown to the admin.
//
// Rust writes its message and hint in English, for a non-technical admin, often with specifics
// (the missing permission, a request id). So:
// - in English, the server's message and hint come first; the UI's sentences only fill gaps;
// - in another language, the UI's own sentence and hint for the code are shown, and the
//   server's English text stays available under "Details".

import type { ErrorCode, UiError } from "./bindings";
import { translate, type Locale, type MessageKey } from "./i18n";

export type ErrorSentence = { readonly message: MessageKey; readonly hint: MessageKey };

/**
 * A localized sentence and hint for every stable error code. Typed as a complete record: a new
 * code added on the Rust side does not compile until it has its sentences here.
 */
export const ERROR_SENTENCES: Readonly<Record<ErrorCode, ErrorSentence>> = {
  internal: { message: "error.message.internal", hint: "error.hint.internal" },
  invalid_input: { message: "error.message.invalid_input", hint: "error.hint.invalid_input" },
  not_ready: { message: "error.message.not_ready", hint: "error.hint.not_ready" },
  keychain_unavailable: {
    message: "error.message.keychain_unavailable",
    hint: "error.hint.keychain_unavailable",
  },
  keychain_locked: { message: "error.message.keychain_locked", hint: "error.hint.keychain_locked" },
  keychain_failed: { message: "error.message.keychain_failed", hint: "error.hint.keychain_failed" },
  sandbox_unavailable: {
    message: "error.message.sandbox_unavailable",
    hint: "error.hint.sandbox_unavailable",
  },
  journal_failed: { message: "error.message.journal_failed", hint: "error.hint.journal_failed" },
  journal_mismatch: { message: "error.message.journal_mismatch", hint: "error.hint.journal_mismatch" },
  setup_in_use: { message: "error.message.setup_in_use", hint: "error.hint.setup_in_use" },
  scaleway_credentials_not_found: {
    message: "error.message.scaleway_credentials_not_found",
    hint: "error.hint.scaleway_credentials_not_found",
  },
  scaleway_credentials_invalid: {
    message: "error.message.scaleway_credentials_invalid",
    hint: "error.hint.scaleway_credentials_invalid",
  },
  scaleway_profile_unknown: {
    message: "error.message.scaleway_profile_unknown",
    hint: "error.hint.scaleway_profile_unknown",
  },
  scaleway_key_refused: {
    message: "error.message.scaleway_key_refused",
    hint: "error.hint.scaleway_key_refused",
  },
  scaleway_key_expired: {
    message: "error.message.scaleway_key_expired",
    hint: "error.hint.scaleway_key_expired",
  },
  scaleway_permission_denied: {
    message: "error.message.scaleway_permission_denied",
    hint: "error.hint.scaleway_permission_denied",
  },
  scaleway_organization_not_found: {
    message: "error.message.scaleway_organization_not_found",
    hint: "error.hint.scaleway_organization_not_found",
  },
  scaleway_token_limit: {
    message: "error.message.scaleway_token_limit",
    hint: "error.hint.scaleway_token_limit",
  },
  scaleway_rate_limited: {
    message: "error.message.scaleway_rate_limited",
    hint: "error.hint.scaleway_rate_limited",
  },
  scaleway_unavailable: {
    message: "error.message.scaleway_unavailable",
    hint: "error.hint.scaleway_unavailable",
  },
  scaleway_outcome_unknown: {
    message: "error.message.scaleway_outcome_unknown",
    hint: "error.hint.scaleway_outcome_unknown",
  },
  scaleway_unexpected: {
    message: "error.message.scaleway_unexpected",
    hint: "error.hint.scaleway_unexpected",
  },
  scim_base_url_not_found: {
    message: "error.message.scim_base_url_not_found",
    hint: "error.hint.scim_base_url_not_found",
  },
  scim_token_refused: {
    message: "error.message.scim_token_refused",
    hint: "error.hint.scim_token_refused",
  },
  scim_token_lost: { message: "error.message.scim_token_lost", hint: "error.hint.scim_token_lost" },
  token_already_created: { message: "error.message.token_already_created", hint: "error.hint.token_already_created" },
  unsaved_token_at_risk: { message: "error.message.unsaved_token_at_risk", hint: "error.hint.unsaved_token_at_risk" },
  tenant_not_confirmed: { message: "error.message.tenant_not_confirmed", hint: "error.hint.tenant_not_confirmed" },
  entra_sign_in_required: { message: "error.message.entra_sign_in_required", hint: "error.hint.entra_sign_in_required" },
  entra_consent_required: { message: "error.message.entra_consent_required", hint: "error.hint.entra_consent_required" },
  entra_missing_role: { message: "error.message.entra_missing_role", hint: "error.hint.entra_missing_role" },
  entra_sign_in_failed: { message: "error.message.entra_sign_in_failed", hint: "error.hint.entra_sign_in_failed" },
  graph_forbidden: { message: "error.message.graph_forbidden", hint: "error.hint.graph_forbidden" },
  graph_throttled: { message: "error.message.graph_throttled", hint: "error.hint.graph_throttled" },
  graph_unavailable: { message: "error.message.graph_unavailable", hint: "error.hint.graph_unavailable" },
  graph_credentials_rejected: { message: "error.message.graph_credentials_rejected", hint: "error.hint.graph_credentials_rejected" },
  graph_replication_timeout: { message: "error.message.graph_replication_timeout", hint: "error.hint.graph_replication_timeout" },
  graph_outcome_unknown: { message: "error.message.graph_outcome_unknown", hint: "error.hint.graph_outcome_unknown" },
  graph_not_found: { message: "error.message.graph_not_found", hint: "error.hint.graph_not_found" },
  graph_rejected: { message: "error.message.graph_rejected", hint: "error.hint.graph_rejected" },
  graph_unexpected: { message: "error.message.graph_unexpected", hint: "error.hint.graph_unexpected" },
  mappings_not_applied: { message: "error.message.mappings_not_applied", hint: "error.hint.mappings_not_applied" },
  principal_not_found: { message: "error.message.principal_not_found", hint: "error.hint.principal_not_found" },
  provisioning_quarantined: { message: "error.message.provisioning_quarantined", hint: "error.hint.provisioning_quarantined" },
  provisioning_failed: { message: "error.message.provisioning_failed", hint: "error.hint.provisioning_failed" },
  proof_user_not_found: { message: "error.message.proof_user_not_found", hint: "error.hint.proof_user_not_found" },
  cancelled: { message: "error.message.cancelled", hint: "error.hint.cancelled" },
  confirmation_required: { message: "error.message.confirmation_required", hint: "error.hint.confirmation_required" },
  scaleway_key_needed: { message: "error.message.scaleway_key_needed", hint: "error.hint.scaleway_key_needed" },
};

const GENERIC: ErrorSentence = { message: "error.message.generic", hint: "error.hint.generic" };

/** The language the Rust side writes its messages in. */
export const SERVER_LOCALE: Locale = "en";

export type ErrorView = {
  title: string;
  message: string;
  /** What the admin can do about it; null when there is nothing useful to add. */
  hint: string | null;
  /** The server's own English text, offered under "Details" when the sentence above is a translation. */
  details: string | null;
  detailsLabel: string;
  /** Whether to offer "Try again". */
  canRetry: boolean;
  retryLabel: string;
  dismissLabel: string;
};

/** The sentence keys for a code; an unknown code (from a newer backend) gets the generic ones. */
export function sentenceFor(code: string): ErrorSentence {
  return Object.prototype.hasOwnProperty.call(ERROR_SENTENCES, code)
    ? ERROR_SENTENCES[code as ErrorCode]
    : GENERIC;
}

/** Kept for callers that only need the message key. */
export function fallbackKey(code: string): MessageKey {
  return sentenceFor(code).message;
}

export function presentError(error: UiError, locale: Locale): ErrorView {
  const t = (key: MessageKey) => translate(locale, key);
  const sentence = sentenceFor(error.code);
  const serverMessage = error.message.trim();
  const serverHint = error.hint.trim();
  const common = {
    title: t("error.title"),
    detailsLabel: t("error.details"),
    canRetry: error.retryable === true,
    retryLabel: t("error.retry"),
    dismissLabel: t("error.dismiss"),
  };
  if (locale === SERVER_LOCALE) {
    return {
      ...common,
      message: serverMessage === "" ? t(sentence.message) : serverMessage,
      hint: serverHint !== "" ? serverHint : serverMessage === "" ? t(sentence.hint) : null,
      details: null,
    };
  }
  const details = [serverMessage, serverHint].filter((s) => s !== "").join(" ");
  return {
    ...common,
    message: t(sentence.message),
    hint: t(sentence.hint),
    details: details === "" ? null : details,
  };
}

export function isUiError(value: unknown): value is UiError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === "string" &&
    typeof v.message === "string" &&
    typeof v.hint === "string" &&
    typeof v.retryable === "boolean"
  );
}

/**
 * Turns anything a command rejected with into a UiError. A well-formed error from Rust is
 * kept as is; anything else (a bug, a missing backend) becomes an "internal" error whose
 * message is left empty so that the localized fallback is shown, never a raw exception text.
 */
export function toUiError(value: unknown): UiError {
  if (isUiError(value)) return value;
  return { code: "internal", message: "", hint: "", retryable: false };
}
