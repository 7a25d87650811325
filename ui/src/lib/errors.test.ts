import { describe, expect, it } from "vitest";
import type { ErrorCode, UiError } from "./bindings";
import { ERROR_CODES, fallbackKey, isErrorCode, isUiError, presentError, sentenceFor, toUiError } from "./errors";
import errorCodesFromRust from "./errorCodes.json";
import { translate } from "./i18n";
import { en } from "./i18n/en";
import { fr } from "./i18n/fr";
import bindingsSource from "./bindings.ts?raw";

function err(partial: Partial<UiError>): UiError {
  return { code: "internal", message: "", hint: "", retryable: false, ...partial };
}

/** Every ErrorCode, read from the generated bindings themselves (not from our own map). */
function codesInBindings(): string[] {
  const code = bindingsSource.replace(/\/\*[\s\S]*?\*\//g, "");
  const union = code.match(/export type ErrorCode =([\s\S]*?);/)?.[1] ?? "";
  return [...union.matchAll(/"([a-z_]+)"/g)].map((m) => m[1] ?? "");
}

describe("error sentences", () => {
  // Written from Rust's `ErrorCode::ALL` by a Rust test that fails while it is stale.
  const codes: string[] = errorCodesFromRust;

  it("reads the codes Rust lists, the same as the ErrorCode union in bindings.ts", () => {
    expect(codes.length).toBeGreaterThanOrEqual(24);
    expect(codes).toContain("scaleway_token_limit");
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort()).toEqual(codesInBindings().sort());
    expect(ERROR_CODES).toEqual(codes);
  });

  it("names each code's sentence and hint after the code", () => {
    for (const code of codes) {
      expect(isErrorCode(code), code).toBe(true);
      const sentence = sentenceFor(code);
      expect(sentence.message, code).toBe(`error.message.${code}`);
      expect(sentence.hint, code).toBe(`error.hint.${code}`);
    }
  });

  it.each([
    ["en", en],
    ["fr", fr],
  ] as const)("every sentence and hint exists and is not empty in %s", (_locale, catalogue) => {
    for (const code of codes) {
      const { message, hint } = sentenceFor(code);
      expect(catalogue[message]?.trim(), message).toBeTruthy();
      expect(catalogue[hint]?.trim(), hint).toBeTruthy();
    }
  });

  it("French sentences are translations, not copies of the English", () => {
    for (const code of codes) {
      const { message, hint } = sentenceFor(code);
      expect(fr[message], message).not.toBe(en[message]);
      expect(fr[hint], hint).not.toBe(en[hint]);
    }
  });
});

describe("presentError in English", () => {
  it("shows the server's plain message and hint as they are, with no details", () => {
    const view = presentError(
      err({
        code: "keychain_locked",
        message: "Your keychain is locked.",
        hint: "Unlock it from your session, then try again.",
        retryable: true,
      }),
      "en",
    );
    expect(view).toEqual({
      title: "Something went wrong",
      message: "Your keychain is locked.",
      hint: "Unlock it from your session, then try again.",
      details: null,
      detailsLabel: "Details",
      canRetry: true,
      retryLabel: "Try again",
      dismissLabel: "Dismiss",
    });
  });

  it("offers Try again only when the error is retryable", () => {
    expect(presentError(err({ message: "x", retryable: false }), "en").canRetry).toBe(false);
    expect(presentError(err({ message: "x", retryable: true }), "en").canRetry).toBe(true);
  });

  it("fills an empty message and hint with the sentence for the code", () => {
    const view = presentError(err({ code: "keychain_unavailable" }), "en");
    expect(view.message).toBe(en["error.message.keychain_unavailable"]);
    expect(view.hint).toBe(en["error.hint.keychain_unavailable"]);
  });

  it("adds no guessed hint to a server message that has none", () => {
    expect(presentError(err({ message: "m", hint: " " }), "en").hint).toBeNull();
  });

  it("falls back to a generic sentence for a code it does not know", () => {
    const unknown = { ...err({}), code: "some_new_code" } as unknown as UiError;
    expect(presentError(unknown, "en").message).toBe(en["error.message.generic"]);
    expect(fallbackKey("toString")).toBe("error.message.generic");
    expect(fallbackKey("__proto__")).toBe("error.message.generic");
  });
});

describe("presentError in French", () => {
  const fromRust = err({
    code: "scaleway_permission_denied",
    message: "This key cannot manage SCIM (missing: write iam).",
    hint: "Use a key of the Organization Owner.",
  });

  it("shows the French sentence and hint, and keeps the English text under Details", () => {
    const view = presentError(fromRust, "fr");
    expect(view.title).toBe("Un problème est survenu");
    expect(view.message).toBe(fr["error.message.scaleway_permission_denied"]);
    expect(view.hint).toBe(fr["error.hint.scaleway_permission_denied"]);
    expect(view.details).toBe("This key cannot manage SCIM (missing: write iam). Use a key of the Organization Owner.");
    expect(view.detailsLabel).toBe(fr["error.details"]);
  });

  it("has no Details when the server sent no text", () => {
    const view = presentError(err({ code: "keychain_locked", message: "  " }), "fr");
    expect(view.message).toBe("Le trousseau de votre ordinateur est verrouillé, ou son accès a été refusé.");
    expect(view.details).toBeNull();
  });

  it("uses the generic French sentence for an unknown code", () => {
    const unknown = { ...err({ message: "New thing." }), code: "some_new_code" } as unknown as UiError;
    const view = presentError(unknown, "fr");
    expect(view.message).toBe(translate("fr", "error.message.generic"));
    expect(view.details).toBe("New thing.");
  });
});

describe("toUiError", () => {
  it("keeps a well-formed error from Rust", () => {
    const e = err({ code: "keychain_locked", message: "m", hint: "h", retryable: true });
    expect(isUiError(e)).toBe(true);
    expect(toUiError(e)).toBe(e);
  });

  it("never shows a raw exception text", () => {
    for (const thrown of [new Error("TypeError: window.__TAURI_INTERNALS__ is undefined"), "boom", null, 42, {}]) {
      expect(toUiError(thrown)).toEqual(err({}));
    }
  });
});

// Compile-time: every code of the ErrorCode union has its sentence and hint keys in the catalogue
// (a missing one fails `npm run check`, naming the key). errors.ts checks it too, where it builds
// the keys; this keeps the check if that code changes.
type MissingKeys = Exclude<`error.message.${ErrorCode}` | `error.hint.${ErrorCode}`, keyof typeof en>;
const _complete: [MissingKeys] extends [never] ? true : { missingKeys: MissingKeys } = true;
void _complete;
