import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import RevealToken from "./RevealToken.svelte";
import { i18n } from "$lib/i18n/locale.svelte";

const SECRET = "scim-bearer-7f3a9c-do-not-log";

function answerReveal(calls: string[] = []) {
  mockIPC((cmd) => {
    calls.push(cmd);
    if (cmd === "reveal_scim_token") return SECRET;
    throw new Error(`unexpected command ${cmd}`);
  });
}

function pageText() {
  return document.body.innerHTML;
}

beforeEach(() => i18n.set("en"));
afterEach(() => clearMocks());

describe("Hold to reveal", () => {
  it("shows the token only while the pointer holds the button", async () => {
    const calls: string[] = [];
    answerReveal(calls);
    render(RevealToken, { onError: vi.fn() });
    const button = screen.getByTestId("reveal-token");
    expect(pageText()).not.toContain(SECRET);

    await fireEvent.pointerDown(button);
    expect((await screen.findByTestId("revealed-token")).textContent).toBe(SECRET);
    expect(button.getAttribute("aria-pressed")).toBe("true");

    await fireEvent.pointerUp(button);
    expect(screen.queryByTestId("revealed-token")).toBeNull();
    expect(pageText()).not.toContain(SECRET);
    expect(button.getAttribute("aria-pressed")).toBe("false");
    expect(calls).toEqual(["reveal_scim_token"]);
  });

  it.each(["pointerLeave", "pointerCancel", "blur"] as const)("clears the token on %s", async (release) => {
    answerReveal();
    render(RevealToken, { onError: vi.fn() });
    const button = screen.getByTestId("reveal-token");
    await fireEvent.pointerDown(button);
    await screen.findByTestId("revealed-token");
    await fireEvent[release](button);
    expect(pageText()).not.toContain(SECRET);
  });

  it.each([" ", "Enter"])("works from the keyboard with %j held down", async (key) => {
    const calls: string[] = [];
    answerReveal(calls);
    render(RevealToken, { onError: vi.fn() });
    const button = screen.getByTestId("reveal-token");
    button.focus();
    await fireEvent.keyDown(button, { key });
    await screen.findByTestId("revealed-token");
    // Auto-repeat while the key is held asks nothing more.
    await fireEvent.keyDown(button, { key, repeat: true });
    await fireEvent.keyUp(button, { key });
    expect(pageText()).not.toContain(SECRET);
    expect(calls).toEqual(["reveal_scim_token"]);
  });

  it("never shows an answer that arrives after the release", async () => {
    let answer: (value: string) => void = () => {};
    mockIPC((cmd) => {
      if (cmd === "reveal_scim_token") return new Promise<string>((resolve) => (answer = resolve));
      throw new Error(`unexpected command ${cmd}`);
    });
    render(RevealToken, { onError: vi.fn() });
    const button = screen.getByTestId("reveal-token");
    await fireEvent.pointerDown(button);
    await fireEvent.pointerUp(button);
    answer(SECRET);
    await new Promise((r) => setTimeout(r, 0));
    expect(pageText()).not.toContain(SECRET);
  });

  it("clears the token when the window loses focus", async () => {
    answerReveal();
    render(RevealToken, { onError: vi.fn() });
    await fireEvent.pointerDown(screen.getByTestId("reveal-token"));
    await screen.findByTestId("revealed-token");
    await fireEvent.blur(window);
    expect(pageText()).not.toContain(SECRET);
  });

  it("reports an error and shows nothing", async () => {
    mockIPC(() => {
      throw { code: "not_ready", message: "There is no SCIM token yet.", hint: "Create it first.", retryable: false };
    });
    const onError = vi.fn();
    render(RevealToken, { onError });
    const button = screen.getByTestId("reveal-token");
    await fireEvent.pointerDown(button);
    await waitFor(() => expect(onError).toHaveBeenCalledOnce());
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: "not_ready" });
    expect(screen.queryByTestId("revealed-token")).toBeNull();
    expect(button.getAttribute("aria-pressed")).toBe("false");
  });

  it("keeps the token out of storage and the console", async () => {
    const log = vi.spyOn(console, "log");
    const warn = vi.spyOn(console, "warn");
    const error = vi.spyOn(console, "error");
    answerReveal();
    render(RevealToken, { onError: vi.fn() });
    const button = screen.getByTestId("reveal-token");
    await fireEvent.pointerDown(button);
    await screen.findByTestId("revealed-token");
    await fireEvent.pointerUp(button);
    const logged = [...log.mock.calls, ...warn.mock.calls, ...error.mock.calls].flat().map(String).join(" ");
    expect(logged).not.toContain(SECRET);
    expect(JSON.stringify({ ...localStorage })).not.toContain(SECRET);
    expect(JSON.stringify({ ...sessionStorage })).not.toContain(SECRET);
  });
});
