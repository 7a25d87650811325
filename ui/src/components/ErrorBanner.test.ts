import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import ErrorBanner from "./ErrorBanner.svelte";
import { i18n } from "$lib/i18n/locale.svelte";
import type { UiError } from "$lib/bindings";

const retryable: UiError = {
  code: "keychain_locked",
  message: "Your keychain is locked.",
  hint: "Unlock it, then try again.",
  retryable: true,
};

beforeEach(() => i18n.set("en"));

describe("ErrorBanner", () => {
  it("is an alert with the server's message and hint, and a working Try again", async () => {
    const onRetry = vi.fn();
    render(ErrorBanner, { error: retryable, onRetry });
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toContain("Your keychain is locked.");
    expect(alert.textContent).toContain("Unlock it, then try again.");
    await fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it("offers no Try again when the error is not retryable", () => {
    render(ErrorBanner, { error: { ...retryable, retryable: false }, onRetry: vi.fn(), onDismiss: vi.fn() });
    expect(screen.queryByTestId("error-retry")).toBeNull();
    expect(screen.getByTestId("error-dismiss")).toBeTruthy();
  });

  it("shows the localized sentence and hint when the message is empty", () => {
    i18n.set("fr");
    render(ErrorBanner, { error: { code: "keychain_unavailable", message: "", hint: "", retryable: false } });
    expect(screen.getByTestId("error-message").textContent).toContain("trousseau");
    expect(screen.getByTestId("error-hint").textContent).toContain("KWallet");
    expect(screen.queryByTestId("error-details")).toBeNull();
  });

  it("in French, shows French words first and the server's English under Details", () => {
    i18n.set("fr");
    render(ErrorBanner, { error: retryable, onRetry: vi.fn() });
    expect(screen.getByTestId("error-message").textContent).toBe(
      "Le trousseau de votre ordinateur est verrouillé, ou son accès a été refusé.",
    );
    const details = screen.getByTestId("error-details");
    expect(details.tagName).toBe("DETAILS");
    expect(details.textContent).toContain("Your keychain is locked.");
    expect(details.querySelector("[lang='en']")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Réessayer" })).toBeTruthy();
  });

  it("for a token held only in memory, going on says plainly that the token goes", async () => {
    const onRetry = vi.fn();
    render(ErrorBanner, {
      error: { code: "unsaved_token_at_risk", message: "", hint: "", retryable: false },
      onRetry,
    });
    expect(screen.queryByTestId("error-retry")).toBeNull();
    const discard = screen.getByTestId("error-discard-token");
    expect(discard.textContent?.trim()).toBe("Go on without this token");
    await fireEvent.click(discard);
    expect(onRetry).toHaveBeenCalledOnce();
  });
});
