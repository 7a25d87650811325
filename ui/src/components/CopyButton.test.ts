import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import CopyButton from "./CopyButton.svelte";
import { i18n } from "$lib/i18n/locale.svelte";
import { settings } from "$lib/settings.svelte";

type Call = { cmd: string; args: unknown };

function answerCopy(calls: Call[], seconds?: number) {
  mockIPC((cmd, args) => {
    calls.push({ cmd, args });
    if (cmd === "copy_to_clipboard") {
      const asked = (args as { clearAfterSeconds: number | null }).clearAfterSeconds;
      return { clears_in_seconds: seconds ?? asked ?? 30 };
    }
    throw new Error(`unexpected command ${cmd}`);
  });
}

beforeEach(() => {
  vi.useFakeTimers();
  localStorage.clear();
  settings.reload();
  i18n.set("en");
});
afterEach(() => {
  clearMocks();
  vi.useRealTimers();
});

describe("Copy button", () => {
  it("copies through Rust with the configured delay and counts down each second", async () => {
    const calls: Call[] = [];
    answerCopy(calls);
    render(CopyButton, { props: { target: "scim_token", testid: "copy-token", onError: vi.fn() } });
    const button = screen.getByTestId("copy-token");
    expect(button.textContent?.trim()).toBe("Copy token");

    await fireEvent.click(button);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([{ cmd: "copy_to_clipboard", args: { target: "scim_token", clearAfterSeconds: 30 } }]);
    expect(screen.getByTestId("copy-token-countdown").textContent).toBe("Copied — clears in 30 s");
    expect(screen.getByTestId("copy-token-status").getAttribute("aria-live")).toBe("polite");
    expect(screen.getByTestId("copy-token-status").textContent).toContain("clears in 30 seconds");
    // Its name for assistive technology stays "Copy token".
    expect(screen.getByRole("button", { name: "Copy token" })).toBe(button);

    await vi.advanceTimersByTimeAsync(1000);
    expect(screen.getByTestId("copy-token-countdown").textContent).toBe("Copied — clears in 29 s");
    await vi.advanceTimersByTimeAsync(28_000);
    expect(screen.getByTestId("copy-token-countdown").textContent).toBe("Copied — clears in 1 s");
    await vi.advanceTimersByTimeAsync(1000);
    expect(screen.queryByTestId("copy-token-countdown")).toBeNull();
    expect(button.textContent?.trim()).toBe("Copy token");
    expect(screen.getByTestId("copy-token-status").textContent).toBe("The clipboard was cleared.");
  });

  it("uses the delay Rust actually applied, and the one from the settings", async () => {
    const calls: Call[] = [];
    settings.setClearAfterSeconds(45);
    answerCopy(calls, 12);
    render(CopyButton, { props: { target: "base_url", testid: "copy-base-url", onError: vi.fn() } });
    await fireEvent.click(screen.getByTestId("copy-base-url"));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls[0]?.args).toEqual({ target: "base_url", clearAfterSeconds: 45 });
    expect(screen.getByTestId("copy-base-url-countdown").textContent).toBe("Copied — clears in 12 s");
  });

  it("restarts the countdown on a second copy", async () => {
    answerCopy([]);
    render(CopyButton, { props: { target: "scim_token", testid: "copy-token", onError: vi.fn() } });
    const button = screen.getByTestId("copy-token");
    await fireEvent.click(button);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(screen.getByTestId("copy-token-countdown").textContent).toBe("Copied — clears in 20 s");
    await fireEvent.click(button);
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId("copy-token-countdown").textContent).toBe("Copied — clears in 30 s");
  });

  it("reports a failed copy and shows no countdown", async () => {
    mockIPC(() => {
      throw { code: "not_ready", message: "There is nothing to copy yet.", hint: "Create the SCIM token first.", retryable: false };
    });
    const onError = vi.fn();
    render(CopyButton, { props: { target: "scim_token", testid: "copy-token", onError } });
    await fireEvent.click(screen.getByTestId("copy-token"));
    await vi.advanceTimersByTimeAsync(0);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: "not_ready" }));
    expect(screen.queryByTestId("copy-token-countdown")).toBeNull();
  });
});
