import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import SettingsDialog from "./SettingsDialog.svelte";
import { i18n } from "$lib/i18n/locale.svelte";
import { settings } from "$lib/settings.svelte";
import { uiError } from "../test/fixtures";
import { Fail, scriptedBackend } from "../test/ipc";
import { connectionSettings, connectionView, withVariables } from "../test/settingsFixtures";

beforeEach(() => {
  localStorage.clear();
  settings.reload();
  i18n.set("en");
});
afterEach(() => clearMocks());

const SANDBOX = "http://127.0.0.1:4010";

async function openConnection() {
  const onClose = vi.fn();
  render(SettingsDialog, { onClose });
  const toggle = screen.getByTestId("settings-connection-toggle");
  expect(toggle.getAttribute("aria-expanded")).toBe("false");
  expect(screen.queryByTestId("settings-connection")).toBeNull();
  await fireEvent.click(toggle);
  expect(toggle.getAttribute("aria-expanded")).toBe("true");
  expect(toggle.getAttribute("aria-controls")).toBe("settings-connection");
  await screen.findByTestId("settings-cloud");
  return { onClose };
}

function input(testid: string): HTMLInputElement {
  return screen.getByTestId(testid) as HTMLInputElement;
}

describe("Settings: connection", () => {
  it("reads the settings only when opened, and shows the defaults as placeholders", async () => {
    const backend = scriptedBackend({ settings_get: connectionSettings() });
    render(SettingsDialog, { onClose: vi.fn() });
    // The clipboard delay and the language stay, first.
    expect(screen.getByTestId("settings-clear-delay")).toBeTruthy();
    expect(screen.getByTestId("settings-language")).toBeTruthy();
    expect(backend.calls).toHaveLength(0);

    await fireEvent.click(screen.getByTestId("settings-connection-toggle"));
    await screen.findByTestId("settings-cloud");
    expect(backend.commands()).toEqual(["settings_get"]);

    const cloud = screen.getByTestId("settings-cloud") as HTMLSelectElement;
    expect([...cloud.options].map((o) => o.textContent?.trim())).toEqual([
      "Global",
      "US Government",
      "China (21Vianet)",
    ]);
    expect(cloud.value).toBe("global");
    expect(input("settings-client-id").placeholder).toBe("14d82eec-204b-4c2f-b7e8-296a70dab67e");
    expect(input("settings-login-url").placeholder).toBe("https://login.microsoftonline.com");
    expect(input("settings-graph-url").placeholder).toBe("https://graph.microsoft.com");
    expect(input("settings-scaleway-url").placeholder).toBe("https://api.scaleway.com");
    expect(input("settings-scim-base-url").placeholder).toBe("Found by the app");
    expect(screen.getByTestId("settings-connection").textContent).toContain(
      "Leave empty to use Microsoft Graph Command Line Tools",
    );
    // Practice mode never uses these: said plainly.
    expect(screen.getByTestId("settings-connection-practice").textContent).toContain("Practice mode ignores");
    expect(screen.queryByTestId("settings-connection-practice-now")).toBeNull();

    // The placeholders follow the chosen cloud.
    await fireEvent.change(cloud, { target: { value: "usgov" } });
    expect(input("settings-login-url").placeholder).toBe("https://login.microsoftonline.us");
    expect(input("settings-graph-url").placeholder).toBe("https://graph.microsoft.us");
    expect(screen.getByTestId("settings-connection-status").textContent).toContain("not saved yet");
  });

  it("names a sign-in or Graph host that no Microsoft cloud uses, in both languages", async () => {
    const view = connectionView({
      unfamiliar_hosts: [{ field: "graph_url", host: "graph.contoso-proxy.example" }],
    });
    scriptedBackend({ settings_get: { connection: view, practice: false } });
    await openConnection();
    const warning = screen.getByTestId("settings-graph-url-warning");
    expect(warning.textContent).toContain("graph.contoso-proxy.example is not a Microsoft address");
    expect(input("settings-graph-url").getAttribute("aria-describedby")).toContain("settings-graph-url-warning");
    expect(screen.queryByTestId("settings-login-url-warning")).toBeNull();
    i18n.set("fr");
    await waitFor(() =>
      expect(screen.getByTestId("settings-graph-url-warning").textContent).toContain(
        "graph.contoso-proxy.example n’est pas une adresse Microsoft",
      ),
    );
  });

  it("saves the typed endpoints, trimmed, and says so", async () => {
    const saved = connectionView({
      saved: {
        cloud: null,
        client_id: null,
        tenant: null,
        login_url: `${SANDBOX}/login`,
        graph_url: `${SANDBOX}/graph`,
        scaleway_url: `${SANDBOX}/scaleway`,
        scim_base_url: `${SANDBOX}/scim/{scim_id}/v2`,
      },
    });
    const backend = scriptedBackend({
      settings_get: connectionSettings(),
      settings_save: { status: "saved", settings: { connection: saved, practice: false }, reconnect: false },
    });
    await openConnection();
    await fireEvent.input(input("settings-login-url"), { target: { value: ` ${SANDBOX}/login ` } });
    await fireEvent.input(input("settings-graph-url"), { target: { value: `${SANDBOX}/graph` } });
    await fireEvent.input(input("settings-scaleway-url"), { target: { value: `${SANDBOX}/scaleway` } });
    await fireEvent.input(input("settings-scim-base-url"), { target: { value: `${SANDBOX}/scim/{scim_id}/v2` } });
    await fireEvent.click(screen.getByTestId("settings-connection-save"));

    const status = screen.getByTestId("settings-connection-status");
    await waitFor(() => expect(status.textContent).toContain("Saved."));
    expect(status.getAttribute("role")).toBe("status");
    const call = backend.calls.find((c) => c.cmd === "settings_save");
    expect(call?.args).toEqual({
      preferences: {
        cloud: null,
        client_id: null,
        tenant: null,
        login_url: `${SANDBOX}/login`,
        graph_url: `${SANDBOX}/graph`,
        scaleway_url: `${SANDBOX}/scaleway`,
        scim_base_url: `${SANDBOX}/scim/{scim_id}/v2`,
      },
      discardUnsavedToken: false,
    });
    expect(input("settings-login-url").value).toBe(`${SANDBOX}/login`);
  });

  it("marks each refused field, links its message, focuses the first, and saves nothing", async () => {
    scriptedBackend({
      settings_get: connectionSettings(),
      settings_save: {
        status: "invalid",
        problems: [
          { field: "client_id", message: "This is not usable: an Application (client) ID is a GUID." },
          { field: "graph_url", message: "This is not usable: it must be an http(s) address." },
        ],
      },
    });
    await openConnection();
    await fireEvent.input(input("settings-client-id"), { target: { value: "abc" } });
    await fireEvent.input(input("settings-graph-url"), { target: { value: "ftp://graph" } });
    await fireEvent.click(screen.getByTestId("settings-connection-save"));

    const clientId = input("settings-client-id");
    await waitFor(() => expect(clientId.getAttribute("aria-invalid")).toBe("true"));
    expect(clientId.getAttribute("aria-describedby")).toBe("settings-client-id-error settings-client-id-help");
    expect(screen.getByTestId("settings-client-id-error").id).toBe("settings-client-id-error");
    expect(screen.getByTestId("settings-client-id-error").textContent).toContain("GUID");
    expect(input("settings-graph-url").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("settings-graph-url-error").textContent).toContain("http(s)");
    expect(input("settings-login-url").getAttribute("aria-invalid")).toBe("false");
    expect(document.activeElement).toBe(clientId);
    expect(screen.getByTestId("settings-connection-status").textContent).toContain("Nothing was saved");
    // What was typed stays, so it can be corrected.
    expect(clientId.value).toBe("abc");

    // Correcting a field clears its mark.
    await fireEvent.input(clientId, { target: { value: "11111111-2222-3333-4444-555555555555" } });
    expect(clientId.getAttribute("aria-invalid")).toBe("false");
    expect(screen.queryByTestId("settings-client-id-error")).toBeNull();
  });

  it("in French, explains a refused field in French and keeps Rust's words as a detail", async () => {
    i18n.set("fr");
    scriptedBackend({
      settings_get: connectionSettings(),
      settings_save: {
        status: "invalid",
        problems: [{ field: "scaleway_url", message: "The URL must start with https:// (it starts with ftp://)." }],
      },
    });
    await openConnection();
    expect(screen.getByTestId("settings-connection-toggle").textContent).toContain("Avancé");
    await fireEvent.input(input("settings-scaleway-url"), { target: { value: "ftp://x" } });
    await fireEvent.click(screen.getByTestId("settings-connection-save"));
    const error = await screen.findByTestId("settings-scaleway-url-error");
    expect(error.textContent).toContain("Saisissez une adresse complète");
    expect(error.querySelector('[lang="en"]')?.textContent).toContain("ftp://");
  });

  it("shows a field set by an environment variable read-only, and keeps its saved value", async () => {
    const view = withVariables(
      connectionView({ saved: { ...connectionView().saved, login_url: "https://login.saved.example" } }),
      { login_url: `${SANDBOX}/login`, cloud: "usgov" },
    );
    const backend = scriptedBackend({
      settings_get: { connection: { ...view, effective: null }, practice: false },
      settings_save: { status: "saved", settings: { connection: view, practice: false }, reconnect: false },
    });
    await openConnection();
    const login = input("settings-login-url");
    expect(login.readOnly).toBe(true);
    expect(login.value).toBe(`${SANDBOX}/login`);
    expect(login.getAttribute("aria-describedby")).toBe("settings-login-url-lock settings-login-url-help");
    expect(screen.getByTestId("settings-login-url-lock").textContent).toContain("Set by SCIM_WIZARD_LOGIN_URL");
    const cloud = input("settings-cloud");
    expect(cloud.readOnly).toBe(true);
    expect(cloud.value).toBe("usgov");
    expect(screen.getByTestId("settings-cloud-lock").textContent).toContain("SCIM_WIZARD_CLOUD");
    expect(input("settings-graph-url").readOnly).toBe(false);

    await fireEvent.click(screen.getByTestId("settings-connection-save"));
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === "settings_save")).toBe(true));
    const sent = backend.calls.find((c) => c.cmd === "settings_save")?.args.preferences as Record<string, unknown>;
    expect(sent.login_url).toBe("https://login.saved.example");
  });

  it("Reset to defaults saves empty settings at once, and says when accounts must reconnect", async () => {
    const backend = scriptedBackend({
      settings_get: connectionSettings({ saved: { ...connectionView().saved, tenant: "contoso.com", cloud: "china" } }),
      settings_save: { status: "saved", settings: connectionSettings(), reconnect: true },
    });
    await openConnection();
    expect(input("settings-tenant").value).toBe("contoso.com");
    await fireEvent.click(screen.getByTestId("settings-connection-reset"));
    await waitFor(() =>
      expect(screen.getByTestId("settings-connection-status").textContent).toContain("connect again"),
    );
    expect(backend.calls.find((c) => c.cmd === "settings_save")?.args.preferences).toEqual({
      cloud: null,
      client_id: null,
      tenant: null,
      login_url: null,
      graph_url: null,
      scaleway_url: null,
      scim_base_url: null,
    });
    expect(input("settings-tenant").value).toBe("");
    expect((screen.getByTestId("settings-cloud") as HTMLSelectElement).value).toBe("global");
  });

  it("a damaged settings file is explained, and the panel still opens to reset it", async () => {
    scriptedBackend({
      settings_get: connectionSettings({
        error: uiError("invalid_input", {
          message: "The saved connection settings (/x/connection.json) are damaged and cannot be used.",
        }),
      }),
    });
    await openConnection();
    const banner = screen.getByTestId("settings-connection-error");
    expect(banner.textContent).toContain("damaged");
    expect(screen.getByTestId("settings-connection-reset")).toBeTruthy();
  });

  it("says when the app is practising, and shows a save failure without losing the form", async () => {
    scriptedBackend({
      settings_get: connectionSettings({}, true),
      settings_save: new Fail(uiError("not_ready", { message: "A step is still running.", retryable: true })),
    });
    await openConnection();
    expect(screen.getByTestId("settings-connection-practice-now").textContent).toContain("practising now");
    await fireEvent.input(input("settings-tenant"), { target: { value: "contoso.com" } });
    await fireEvent.click(screen.getByTestId("settings-connection-save"));
    const banner = await screen.findByTestId("error-banner");
    expect(banner.getAttribute("data-error-code")).toBe("not_ready");
    expect(input("settings-tenant").value).toBe("contoso.com");
  });

  it("submits with Enter from a field", async () => {
    const backend = scriptedBackend({
      settings_get: connectionSettings(),
      settings_save: { status: "saved", settings: connectionSettings(), reconnect: false },
    });
    await openConnection();
    const tenant = input("settings-tenant");
    await fireEvent.input(tenant, { target: { value: "contoso.com" } });
    await fireEvent.submit(tenant.form as HTMLFormElement);
    await waitFor(() => expect(backend.commands()).toEqual(["settings_get", "settings_save"]));
  });

  it("a failed read is shown with Try again", async () => {
    const backend = scriptedBackend({
      settings_get: [new Fail(uiError("journal_failed", { retryable: true })), connectionSettings()],
    });
    render(SettingsDialog, { onClose: vi.fn() });
    await fireEvent.click(screen.getByTestId("settings-connection-toggle"));
    await fireEvent.click(await screen.findByTestId("error-retry"));
    await screen.findByTestId("settings-cloud");
    expect(backend.commands()).toEqual(["settings_get", "settings_get"]);
  });
});

describe("Settings: saved sign-ins and keys", () => {
  it("forgets them on request and says what went", async () => {
    const backend = scriptedBackend({
      forget_saved_credentials: [
        [
          { kind: "entra_sign_in", tenant_id: "tenant-1" },
          { kind: "scaleway_key", organization_id: "org-1" },
        ],
        [],
      ],
    });
    render(SettingsDialog, { onClose: vi.fn() });
    await fireEvent.click(screen.getByTestId("settings-forget-button"));
    const status = screen.getByTestId("settings-forget-status");
    await waitFor(() => expect(status.textContent).toContain("the Scaleway key for Organization org-1"));
    expect(status.textContent).toContain("the Microsoft sign-in for tenant tenant-1");
    expect(status.getAttribute("role")).toBe("status");
    await fireEvent.click(screen.getByTestId("settings-forget-button"));
    await waitFor(() => expect(status.textContent).toContain("Nothing to forget"));
    expect(backend.commands()).toEqual(["forget_saved_credentials", "forget_saved_credentials"]);
  });

  it("asks before new Scaleway addresses drop a token held only in memory", async () => {
    const backend = scriptedBackend({
      settings_get: connectionSettings(),
      settings_save: [
        new Fail(uiError("unsaved_token_at_risk")),
        { status: "saved", settings: { connection: connectionView(), practice: false }, reconnect: true },
      ],
    });
    await openConnection();
    await fireEvent.input(input("settings-scaleway-url"), { target: { value: `${SANDBOX}/scaleway` } });
    await fireEvent.click(screen.getByTestId("settings-connection-save"));
    await fireEvent.click(await screen.findByTestId("error-discard-token"));
    await waitFor(() => expect(backend.commands()).toEqual(["settings_get", "settings_save", "settings_save"]));
    const discards = backend.calls.filter((c) => c.cmd === "settings_save").map((c) => c.args?.discardUnsavedToken);
    expect(discards).toEqual([false, true]);
  });
});
