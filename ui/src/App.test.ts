import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { tick } from "svelte";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import App from "./App.svelte";
import { i18n } from "$lib/i18n/locale.svelte";
import { STORAGE_KEY } from "$lib/i18n/locale.svelte";
import type { AppInfo } from "$lib/bindings";
import { settings } from "$lib/settings.svelte";

const info: AppInfo = { name: "Scaleway SCIM Wizard", version: "0.1.0-test.7", identifier: "com.example.test" };

function answerAppInfo(calls: string[] = []) {
  mockIPC((cmd) => {
    calls.push(cmd);
    if (cmd === "app_info") return info;
    if (cmd === "start_real") return null;
    if (cmd === "start_practice") return { organization_name: "Acme Practice", organization_id: "org-1" };
    throw new Error(`unexpected command ${cmd}`);
  });
}

beforeEach(() => {
  localStorage.clear();
  settings.reload();
  i18n.set("en");
});

afterEach(() => {
  clearMocks();
});

describe("Welcome screen", () => {
  it("shows the title, the four steps and the version from one app_info call", async () => {
    const calls: string[] = [];
    answerAppInfo(calls);
    render(App);

    expect(screen.getByTestId("screen-welcome")).toBeTruthy();
    const title = screen.getByTestId("welcome-title");
    expect(title.tagName).toBe("H1");
    expect(title.textContent).toBe("Scaleway SCIM Wizard");

    const list = screen.getByTestId("step-list");
    expect(list.tagName).toBe("OL");
    expect(list.querySelectorAll("li")).toHaveLength(4);
    expect(list.textContent).toContain("keychain");

    const version = await screen.findByTestId("app-version");
    expect(version.textContent).toContain("0.1.0-test.7");
    // The version, and the setups on this computer (the one to offer, and all of them)
    // (and it listens for a close that would lose a token held only in memory).
    expect(calls.filter((cmd) => !cmd.startsWith("plugin:event|"))).toEqual(["app_info", "resume_info", "setups_list"]);
    expect(document.querySelector("main")).toBeTruthy();
  });

  it("shows no version and nothing broken when app_info fails", async () => {
    mockIPC(() => {
      throw new Error("no backend");
    });
    render(App);
    await tick();
    await new Promise((r) => setTimeout(r, 0));
    expect(screen.queryByTestId("app-version")).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByTestId("connect-accounts")).toBeTruthy();
  });

  it("shows no version without any Tauri backend", async () => {
    render(App);
    await new Promise((r) => setTimeout(r, 0));
    expect(screen.queryByTestId("app-version")).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("'Connect my accounts' switches Rust to real accounts, goes to the Scaleway step, and Back returns", async () => {
    const calls: string[] = [];
    answerAppInfo(calls);
    render(App);
    const connect = screen.getByTestId("connect-accounts");
    expect(connect.tagName).toBe("BUTTON");
    await fireEvent.click(connect);

    const step = await screen.findByTestId("screen-scaleway");
    expect(calls).toContain("start_real");
    expect(screen.queryByTestId("screen-welcome")).toBeNull();
    expect(screen.queryByTestId("sandbox-badge")).toBeNull();
    expect(step.textContent).toContain("Type my API key");
    const current = document.querySelector('[aria-current="step"]');
    expect(current?.textContent).toContain("Scaleway");
    expect(screen.getByTestId("progress").textContent).toContain("Step 1 of 4");
    await waitFor(() => expect(document.activeElement?.tagName).toBe("H1"));

    await fireEvent.click(screen.getByTestId("back"));
    expect(screen.getByTestId("screen-welcome")).toBeTruthy();
  });

  it("'Practice in the sandbox' starts the sandbox, saying so, then goes to the Scaleway step", async () => {
    let started: () => void = () => {};
    mockIPC((cmd) => {
      if (cmd === "app_info") return info;
      if (cmd === "start_practice") {
        return new Promise((resolve) => {
          started = () => resolve({ organization_name: "Acme Practice", organization_id: "org-1" });
        });
      }
      throw new Error(`unexpected command ${cmd}`);
    });
    render(App);
    const practice = screen.getByTestId("practice-sandbox") as HTMLButtonElement;
    await fireEvent.click(practice);
    expect(screen.getByTestId("start-status").textContent).toContain("Starting the practice sandbox…");
    expect(practice.getAttribute("aria-busy")).toBe("true");
    expect(practice.disabled).toBe(true);
    expect((screen.getByTestId("connect-accounts") as HTMLButtonElement).disabled).toBe(true);

    started();
    expect(await screen.findByTestId("screen-scaleway")).toBeTruthy();
    expect(screen.getByTestId("sandbox-badge")).toBeTruthy();
    // Practice checks the sandbox's key by itself.
    expect(screen.getByTestId("use-practice-key")).toBeTruthy();
  });

  it("shows a start failure without a raw exception text", async () => {
    mockIPC((cmd) => {
      if (cmd === "app_info") return info;
      throw new Error("TypeError: something internal");
    });
    render(App);
    await fireEvent.click(screen.getByTestId("connect-accounts"));
    const banner = await screen.findByTestId("error-banner");
    expect(banner.textContent).toContain("Something unexpected happened inside the app.");
    expect(banner.textContent).not.toContain("TypeError");
    expect(screen.getByTestId("screen-welcome")).toBeTruthy();
  });

  it("switches to French, updates <html lang> and remembers the choice", async () => {
    answerAppInfo();
    render(App);
    const select = screen.getByLabelText("Language") as HTMLSelectElement;
    await fireEvent.change(select, { target: { value: "fr" } });

    expect(document.documentElement.lang).toBe("fr");
    expect(localStorage.getItem(STORAGE_KEY)).toBe("fr");
    expect(screen.getByTestId("connect-accounts").textContent?.trim()).toBe("Connecter mes comptes");
    expect(screen.getByTestId("step-list").textContent).toContain("trousseau");
    expect((await screen.findByTestId("app-version")).textContent).toContain("0.1.0-test.7");
  });
});

describe("Settings", () => {
  it("opens from the header as a modal dialog, traps focus and closes with Escape", async () => {
    answerAppInfo();
    render(App);
    const gear = screen.getByTestId("open-settings");
    expect(gear.getAttribute("aria-label")).toBe("Settings");
    await fireEvent.click(gear);

    const dialog = screen.getByTestId("settings-dialog");
    expect(dialog.getAttribute("role")).toBe("dialog");
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    // The connection section is one closed disclosure (read from Rust only when opened).
    expect(screen.getByTestId("settings-connection-toggle").getAttribute("aria-expanded")).toBe("false");
    const delay = screen.getByTestId("settings-clear-delay") as HTMLInputElement;
    expect(document.activeElement).toBe(delay);
    expect(delay.value).toBe("30");

    // Tab from the last control wraps to the first, Shift+Tab from the first to the last.
    const close = screen.getByTestId("close-settings");
    close.focus();
    await fireEvent.keyDown(window, { key: "Tab" });
    expect(document.activeElement).toBe(delay);
    await fireEvent.keyDown(window, { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(close);

    await fireEvent.keyDown(window, { key: "Escape" });
    expect(screen.queryByTestId("settings-dialog")).toBeNull();
    expect(document.activeElement).toBe(gear);
  });

  it("keeps a valid clipboard delay in localStorage and refuses an invalid one", async () => {
    answerAppInfo();
    render(App);
    await fireEvent.click(screen.getByTestId("open-settings"));
    const delay = screen.getByTestId("settings-clear-delay") as HTMLInputElement;

    await fireEvent.input(delay, { target: { value: "2" } });
    expect(delay.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("settings-clear-delay-error").textContent).toContain("from 5 to 120");
    expect(localStorage.getItem("scim-wizard.clipboard-clear-seconds")).toBeNull();
    // A secret stays on the clipboard two minutes at most.
    await fireEvent.input(delay, { target: { value: "600" } });
    expect(delay.getAttribute("aria-invalid")).toBe("true");
    expect(localStorage.getItem("scim-wizard.clipboard-clear-seconds")).toBeNull();

    await fireEvent.input(delay, { target: { value: "90" } });
    expect(delay.getAttribute("aria-invalid")).toBe("false");
    expect(localStorage.getItem("scim-wizard.clipboard-clear-seconds")).toBe("90");
    await fireEvent.click(screen.getByTestId("close-settings"));
    expect(screen.queryByTestId("settings-dialog")).toBeNull();
  });

  it("changes the language", async () => {
    answerAppInfo();
    render(App);
    await fireEvent.click(screen.getByTestId("open-settings"));
    await fireEvent.change(screen.getByTestId("settings-language"), { target: { value: "fr" } });
    expect(screen.getByTestId("settings-dialog").textContent).toContain("Réglages");
    expect(screen.getByTestId("connect-accounts").textContent?.trim()).toBe("Connecter mes comptes");
  });
});
