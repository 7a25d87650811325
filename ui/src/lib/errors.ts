// How an error from the Rust side is shown to the admin.
//
// Rust writes its message and hint in English, for a non-technical admin, often with specifics
// (the missing permission, a request id). So:
// - in English, the server's message and hint come first; the UI's sentences only fill gaps;
// - in another language, the UI's own sentence and hint for the code are shown, and the
//   server's English text stays available under "Details".

import type { ErrorCode, UiError } from "./bindings";
import errorCodes from "./errorCodes.json";
import { translate, type Locale, type MessageKey } from "./i18n";

export type ErrorSentence = { readonly message: MessageKey; readonly hint: MessageKey };

/**
 * Every stable error code, in Rust's order. `errorCodes.json` is written from `ErrorCode::ALL`
 * by a Rust test (`crates/setup/src/error.rs`), which fails while the file is stale; errors.test.ts
 * checks it against the `ErrorCode` union in bindings.ts.
 */
export const ERROR_CODES: readonly ErrorCode[] = errorCodes as ErrorCode[];

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(code: string): code is ErrorCode {
  return KNOWN_CODES.has(code);
}

/**
 * A code's sentence and hint keys, named after it. The keys are typed from the `ErrorCode` union:
 * a code without both `error.message.<code>` and `error.hint.<code>` in the English catalogue
 * (and so in French, typed against it) does not compile.
 */
function keysOf(code: ErrorCode): ErrorSentence {
  return { message: `error.message.${code}` as const, hint: `error.hint.${code}` as const };
}

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
  return isErrorCode(code) ? keysOf(code) : GENERIC;
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
