import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { tick } from "svelte";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import App from "./App.svelte";
import { i18n } from "$lib/i18n/locale.svelte";
import { STORAGE_KEY } from "$lib/i18n/locale.svelte";
import type { AppInfo } from "$lib/bindings";

const info: AppInfo = { name: "Scaleway SCIM Wizard", version: "0.1.0-test.7", identifier: "com.example.test" };

function answerAppInfo(calls: string[] = []) {
  mockIPC((cmd) => {
    calls.push(cmd);
    if (cmd === "app_info") return info;
    throw new Error(`unexpected command ${cmd}`);
  });
}

beforeEach(() => {
  localStorage.clear();
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
    expect(calls).toEqual(["app_info"]);
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

  it("'Connect my accounts' goes to the Scaleway step, and Back returns", async () => {
    answerAppInfo();
    render(App);
    const connect = screen.getByTestId("connect-accounts");
    expect(connect.tagName).toBe("BUTTON");
    await fireEvent.click(connect);

    const step = screen.getByTestId("screen-scaleway");
    expect(screen.queryByTestId("screen-welcome")).toBeNull();
    expect(screen.queryByTestId("sandbox-badge")).toBeNull();
    expect(step.textContent).toContain("later version");
    const current = document.querySelector('[aria-current="step"]');
    expect(current?.textContent).toContain("Scaleway");
    expect(screen.getByTestId("progress").textContent).toContain("Step 1 of 4");
    await waitFor(() => expect(document.activeElement?.tagName).toBe("H1"));

    await fireEvent.click(screen.getByTestId("back"));
    expect(screen.getByTestId("screen-welcome")).toBeTruthy();
  });

  it("'Practice in the sandbox' goes to the Scaleway step in sandbox mode", async () => {
    answerAppInfo();
    render(App);
    await fireEvent.click(screen.getByTestId("practice-sandbox"));
    expect(screen.getByTestId("screen-scaleway")).toBeTruthy();
    expect(screen.getByTestId("sandbox-badge")).toBeTruthy();
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
