import { describe, expect, it } from "vitest";
import type { UiError } from "./bindings";
import { fallbackKey, isUiError, presentError, toUiError } from "./errors";
import { translate } from "./i18n";

const tEn = translate.bind(null, "en");
const tFr = translate.bind(null, "fr");

function err(partial: Partial<UiError>): UiError {
  return { code: "internal", message: "", hint: "", retryable: false, ...partial };
}

describe("presentError", () => {
  it("shows the server's plain message and hint as they are", () => {
    const view = presentError(
      err({
        code: "keychain_locked",
        message: "Your keychain is locked.",
        hint: "Unlock it from your session, then try again.",
        retryable: true,
      }),
      tEn,
    );
    expect(view).toEqual({
      title: "Something went wrong",
      message: "Your keychain is locked.",
      hint: "Unlock it from your session, then try again.",
      canRetry: true,
      retryLabel: "Try again",
      dismissLabel: "Dismiss",
    });
  });

  it("offers Try again only when the error is retryable", () => {
    expect(presentError(err({ message: "x", retryable: false }), tEn).canRetry).toBe(false);
    expect(presentError(err({ message: "x", retryable: true }), tEn).canRetry).toBe(true);
  });

  it("has a localized sentence for every code it knows", () => {
    for (const code of ["internal", "invalid_input", "keychain_unavailable", "keychain_locked", "keychain_failed", "sandbox_unavailable"]) {
      expect(fallbackKey(code), code).toBe(`error.fallback.${code}`);
    }
  });

  it("uses a localized sentence per known code when the message is empty", () => {
    expect(presentError(err({ code: "keychain_unavailable" }), tEn).message).toBe(
      tEn("error.fallback.keychain_unavailable"),
    );
    expect(presentError(err({ code: "keychain_locked", message: "  " }), tFr).message).toBe(
      "Le trousseau de votre ordinateur est verrouillé, ou son accès a été refusé. Déverrouillez-le, puis réessayez.",
    );
    expect(presentError(err({ code: "internal" }), tFr).title).toBe("Un problème est survenu");
  });

  it("falls back to a generic sentence for a code it does not know", () => {
    const unknown = { ...err({}), code: "some_new_code" } as unknown as UiError;
    expect(presentError(unknown, tEn).message).toBe(tEn("error.fallback.generic"));
    expect(fallbackKey("toString")).toBe("error.fallback.generic");
  });

  it("hides an empty hint", () => {
    expect(presentError(err({ message: "m", hint: " " }), tEn).hint).toBeNull();
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
