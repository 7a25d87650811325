// How an error from the Rust side is shown to the admin.
// The server's plain-language message and hint come first; the UI only fills in
// a localized sentence when the message is empty.

import type { ErrorCode, UiError } from "./bindings";
import type { MessageKey, Translate } from "./i18n";

/**
 * A localized sentence for each stable error code, used when the server sent no message.
 * Codes without an entry (for instance new ones added on the Rust side) use the generic sentence.
 */
export const FALLBACK_KEYS: Partial<Readonly<Record<ErrorCode, MessageKey>>> = {
  internal: "error.fallback.internal",
  invalid_input: "error.fallback.invalid_input",
  keychain_unavailable: "error.fallback.keychain_unavailable",
  keychain_locked: "error.fallback.keychain_locked",
  keychain_failed: "error.fallback.keychain_failed",
  sandbox_unavailable: "error.fallback.sandbox_unavailable",
};

export type ErrorView = {
  title: string;
  message: string;
  /** What the admin can do about it; null when the server gave no hint. */
  hint: string | null;
  /** Whether to offer "Try again". */
  canRetry: boolean;
  retryLabel: string;
  dismissLabel: string;
};

export function fallbackKey(code: string): MessageKey {
  return Object.prototype.hasOwnProperty.call(FALLBACK_KEYS, code)
    ? (FALLBACK_KEYS[code as ErrorCode] ?? "error.fallback.generic")
    : "error.fallback.generic";
}

export function presentError(error: UiError, t: Translate): ErrorView {
  const message = error.message.trim();
  const hint = error.hint.trim();
  return {
    title: t("error.title"),
    message: message === "" ? t(fallbackKey(error.code)) : message,
    hint: hint === "" ? null : hint,
    canRetry: error.retryable === true,
    retryLabel: t("error.retry"),
    dismissLabel: t("error.dismiss"),
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
