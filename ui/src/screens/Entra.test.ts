import { clearMocks } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import Entra from "./Entra.svelte";
import { i18n } from "$lib/i18n/locale.svelte";
import type { EntraAccount_Serialize as EntraAccount } from "$lib/bindings";
import { APP, account, uiError } from "../test/fixtures";
import { Fail, scriptedBackend } from "../test/ipc";

beforeEach(() => i18n.set("en"));
afterEach(() => clearMocks());

function renderEntra(props: { account?: EntraAccount | null } = {}) {
  const handlers = { onAccount: vi.fn(), onApp: vi.fn(), onBack: vi.fn(), onNext: vi.fn() };
  const view = render(Entra, { account: props.account ?? null, app: null, ...handlers });
  return { ...handlers, ...view };
}

/** A sign-in that sends its prompt, then waits until the test lets it finish. */
function pendingSignIn(prompt: Record<string, unknown>, result: () => unknown) {
  let finish: (value: unknown) => void = () => {};
  const done = new Promise((resolve) => (finish = resolve));
  return {
    answer: async () => {
      await emit("sign-in-prompt", prompt);
      await done;
      return result();
    },
    finish: () => finish(null),
  };
}

describe("Entra screen: signing in", () => {
  it("shows the browser link with a Copy link button while waiting, then the account", async () => {
    const url = "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize?client_id=x";
    const signIn = pendingSignIn({ kind: "browser", url, user_code: null, automatic: false }, () => account());
    const backend = scriptedBackend({ entra_sign_in: signIn.answer });
    const { onAccount } = renderEntra();

    await fireEvent.click(screen.getByTestId("sign-in-browser"));
    expect((await screen.findByTestId("sign-in-url")).textContent).toBe(url);
    expect(screen.getByTestId("sign-in-url-copy").textContent).toContain("Copy link");
    expect(screen.getByTestId("screen-entra").textContent).toContain("Finish signing in there");
    expect(screen.queryByTestId("sign-in-automatic")).toBeNull();

    signIn.finish();
    await waitFor(() => expect(onAccount).toHaveBeenCalledWith(account()));
    expect(backend.calls[0]).toEqual({ cmd: "entra_sign_in", args: { deviceCode: false, tenant: null, auditLogs: false } });
  });

  it("says that the practice sandbox signs in by itself", async () => {
    const signIn = pendingSignIn({ kind: "browser", url: "http://127.0.0.1:1/login", user_code: null, automatic: true }, () => account());
    scriptedBackend({ entra_sign_in: signIn.answer });
    renderEntra();
    await fireEvent.click(screen.getByTestId("sign-in-browser"));
    expect((await screen.findByTestId("sign-in-automatic")).textContent).toContain(
      "The practice sandbox signs you in automatically",
    );
    signIn.finish();
    await waitFor(() => expect(screen.queryByTestId("sign-in-waiting")).toBeNull());
  });

  it("device code: the address and the code are both shown and copyable; the tenant is sent", async () => {
    const signIn = pendingSignIn(
      { kind: "device_code", url: "https://microsoft.com/devicelogin", user_code: "ABCD-EFGH", automatic: false },
      () => account(),
    );
    const backend = scriptedBackend({ entra_sign_in: signIn.answer });
    renderEntra();
    await fireEvent.click(screen.getByTestId("entra-advanced"));
    await fireEvent.input(screen.getByTestId("tenant"), { target: { value: " contoso.onmicrosoft.com " } });
    await fireEvent.click(screen.getByTestId("sign-in-device-code"));
    expect((await screen.findByTestId("sign-in-code")).textContent).toBe("ABCD-EFGH");
    expect(screen.getByTestId("sign-in-url").textContent).toBe("https://microsoft.com/devicelogin");
    expect(screen.getByTestId("sign-in-code-copy")).toBeTruthy();
    expect(screen.getByTestId("sign-in-url-copy")).toBeTruthy();
    signIn.finish();
    await waitFor(() => expect(screen.queryByTestId("sign-in-waiting")).toBeNull());
    expect(backend.calls[0]?.args).toEqual({ deviceCode: true, tenant: "contoso.onmicrosoft.com", auditLogs: false });
  });

  it("Cancel stops the sign-in and goes back quietly", async () => {
    const signIn = pendingSignIn({ kind: "browser", url: "https://x", user_code: null, automatic: false }, () => new Fail(uiError("cancelled")));
    const backend = scriptedBackend({ entra_sign_in: signIn.answer, cancel_operation: null });
    const { onAccount } = renderEntra();
    await fireEvent.click(screen.getByTestId("sign-in-browser"));
    const cancel = (await screen.findByTestId("cancel-sign-in")) as HTMLButtonElement;
    expect(cancel.textContent?.trim()).toBe("Cancel sign-in");
    await fireEvent.click(cancel);
    // Until the sign-in ends: said on the button, which asks only once.
    await waitFor(() => expect(cancel.textContent?.trim()).toBe("Stopping…"));
    expect(cancel.getAttribute("aria-disabled")).toBe("true");
    await fireEvent.click(cancel);
    signIn.finish();
    expect(await screen.findByTestId("sign-in-browser")).toBeTruthy();
    expect(screen.queryByTestId("error-banner")).toBeNull();
    expect(screen.queryByTestId("cancel-sign-in-done")).toBeNull();
    expect(onAccount).not.toHaveBeenCalled();
    expect(backend.commands()).toEqual(["entra_sign_in", "cancel_operation"]);
  });

  it("a sign-in that fails for another reason after Cancel is still explained", async () => {
    const signIn = pendingSignIn({ kind: "browser", url: "https://x", user_code: null, automatic: false }, () =>
      new Fail(uiError("entra_sign_in_failed", { message: "The sign-in was declined." })),
    );
    scriptedBackend({ entra_sign_in: signIn.answer, cancel_operation: null });
    renderEntra();
    await fireEvent.click(screen.getByTestId("sign-in-browser"));
    await fireEvent.click(await screen.findByTestId("cancel-sign-in"));
    signIn.finish();
    expect((await screen.findByTestId("error-banner")).textContent).toContain("The sign-in was declined.");
    expect(screen.getByTestId("sign-in-browser")).toBeTruthy();
  });

  it("a failed sign-in is explained, with Try again", async () => {
    scriptedBackend({
      entra_sign_in: [new Fail(uiError("entra_sign_in_failed", { retryable: true, message: "The sign-in was declined." })), account()],
    });
    const { onAccount } = renderEntra();
    await fireEvent.click(screen.getByTestId("sign-in-browser"));
    expect((await screen.findByTestId("error-banner")).textContent).toContain("The sign-in was declined.");
    await fireEvent.click(screen.getByTestId("error-retry"));
    await waitFor(() => expect(onAccount).toHaveBeenCalled());
  });
});

describe("Entra screen: preflight and the app", () => {
  it("a missing role: says exactly what is missing, who can fix it, and the consent link", async () => {
    scriptedBackend({});
    renderEntra({
      account: account({
        ready: false,
        role: null,
        missing_roles: ["Application Administrator"],
        missing_permissions: ["Synchronization.ReadWrite.All"],
        fixes: [{ kind: "ask_for_role" }],
        admin_consent_url: "https://login.microsoftonline.com/tenant-1/adminconsent?client_id=x",
      }),
    });
    expect(screen.getByTestId("entra-role").textContent).toBe("No role that can set up the app");
    expect(screen.getByTestId("missing-roles").textContent).toContain("Application Administrator");
    expect(screen.getByTestId("missing-permissions").textContent).toContain("Synchronization.ReadWrite.All");
    expect(screen.getByTestId("preflight-fixes").textContent).toContain("Privileged Role Administrator");
    expect(screen.getByTestId("admin-consent-url").textContent).toContain("adminconsent");
    expect(screen.getByTestId("admin-consent-url-copy").textContent).toContain("Copy consent link");
    // Nothing can be created until it is fixed.
    expect(screen.queryByTestId("create-app")).toBeNull();
    expect((screen.getByTestId("entra-next") as HTMLButtonElement).disabled).toBe(true);
  });

  it("ready: the default app name is shown, an empty field sends null, and the app is reported", async () => {
    const backend = scriptedBackend({ setup_create_app: APP });
    const { onApp } = renderEntra({ account: account() });
    expect(screen.getByTestId("entra-account").textContent).toContain("Contoso");
    expect(screen.getByTestId("entra-role").textContent).toBe("Cloud Application Administrator");
    expect(screen.getByTestId("preflight-ready")).toBeTruthy();
    expect((screen.getByTestId("app-name") as HTMLInputElement).placeholder).toBe("Scaleway SCIM (11111111)");
    expect(screen.getByTestId("screen-entra").textContent).toContain("Leave it empty to use “Scaleway SCIM (11111111)”.");
    // The tenant and the account are on screen before anything is created, and the click
    // confirms that tenant.
    const confirm = screen.getByTestId("confirm-tenant").textContent ?? "";
    expect(confirm).toContain(account().tenant_id);
    expect(confirm).toContain(account().user_principal_name ?? "");
    expect(screen.getByTestId("create-app").textContent?.trim()).toBe("Create the app in this tenant");
    await fireEvent.click(screen.getByTestId("create-app"));
    await waitFor(() => expect(onApp).toHaveBeenCalledWith(APP));
    expect(backend.calls[0]).toEqual({
      cmd: "setup_create_app",
      args: { name: null, confirmedTenantId: account().tenant_id },
    });
  });

  it("a typed app name is sent; a failure offers Try again", async () => {
    const backend = scriptedBackend({
      setup_create_app: [new Fail(uiError("graph_replication_timeout", { retryable: true })), APP],
    });
    const { onApp } = renderEntra({ account: account() });
    await fireEvent.input(screen.getByTestId("app-name"), { target: { value: "  SCIM for Acme " } });
    await fireEvent.click(screen.getByTestId("create-app"));
    expect((await screen.findByTestId("error-banner")).dataset.errorCode).toBe("graph_replication_timeout");
    await fireEvent.click(screen.getByTestId("error-retry"));
    await waitFor(() => expect(onApp).toHaveBeenCalled());
    const confirmed = { name: "SCIM for Acme", confirmedTenantId: account().tenant_id };
    expect(backend.calls.map((c) => c.args)).toEqual([confirmed, confirmed]);
  });

  it("creating the app can be stopped, and created again without a duplicate call in flight", async () => {
    let stop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const backend = scriptedBackend({
      setup_create_app: [
        async () => {
          await stopped;
          return new Fail(uiError("cancelled"));
        },
        APP,
      ],
      cancel_operation: () => {
        stop();
        return null;
      },
    });
    const { onApp } = renderEntra({ account: account() });
    await fireEvent.click(screen.getByTestId("create-app"));
    expect((screen.getByTestId("create-app") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(await screen.findByTestId("cancel-create-app"));
    expect((await screen.findByTestId("cancel-create-app-done")).textContent).toContain("Stopped.");
    expect(screen.queryByTestId("error-banner")).toBeNull();
    await fireEvent.click(screen.getByTestId("create-app"));
    await waitFor(() => expect(onApp).toHaveBeenCalledWith(APP));
    expect(backend.commands()).toEqual(["setup_create_app", "cancel_operation", "setup_create_app"]);
  });

  it("Sign in with another account signs out first", async () => {
    const backend = scriptedBackend({ entra_sign_out: null });
    const { onAccount } = renderEntra({ account: account() });
    await fireEvent.click(screen.getByTestId("sign-in-again"));
    await waitFor(() => expect(onAccount).toHaveBeenCalledWith(null));
    expect(backend.commands()).toEqual(["entra_sign_out"]);
  });

  it("speaks French", async () => {
    scriptedBackend({});
    i18n.set("fr");
    renderEntra({ account: account({ ready: false, role: null, missing_roles: ["Application Administrator"] }) });
    expect(screen.getByTestId("screen-entra").textContent).toContain("Ce compte ne peut pas encore terminer la configuration");
    expect(screen.getByTestId("screen-entra").textContent).toContain("Rôle manquant");
  });
});
