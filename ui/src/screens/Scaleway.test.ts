import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import App from "../App.svelte";
import { i18n } from "$lib/i18n/locale.svelte";
import { settings } from "$lib/settings.svelte";
import type { PracticeInfo } from "$lib/bindings";
import { BASE_URL, ORG_ID, outcome, report, scim, token, uiError } from "../test/fixtures";
import { Fail, scriptedBackend } from "../test/ipc";

const APP_INFO = { name: "Scaleway SCIM Wizard", version: "0.1.0", identifier: "test" };
const PRACTICE: PracticeInfo = { organization_name: "Acme Practice", organization_id: ORG_ID };

beforeEach(() => {
  localStorage.clear();
  settings.reload();
  i18n.set("en");
});
afterEach(() => clearMocks());

async function openPractice() {
  render(App);
  await fireEvent.click(screen.getByTestId("practice-sandbox"));
  return screen.findByTestId("screen-scaleway");
}

describe("Scaleway step in practice mode", () => {
  it("happy path: the practice key is used at once → one click turns SCIM on and creates the token → copy → Next", async () => {
    const backend = scriptedBackend({
      app_info: APP_INFO,
      start_practice: PRACTICE,
      scaleway_connect: report({ scim_enabled: false }),
      scim_enable: scim([]),
      scim_state: scim([]),
      scim_mint_token: outcome(),
      copy_to_clipboard: { clears_in_seconds: 30 },
    });
    await openPractice();
    expect(screen.getByTestId("sandbox-badge")).toBeTruthy();
    // No form in practice: the sandbox's key is checked without asking.
    expect(screen.queryByTestId("check-key")).toBeNull();
    expect(screen.queryByTestId("secret-key")).toBeNull();
    expect((screen.getByTestId("scaleway-next") as HTMLButtonElement).disabled).toBe(true);
    expect((await screen.findByTestId("connect-summary")).textContent).toContain(
      "Key OK — organization 'Acme Practice' — this key can manage SCIM",
    );

    // Turning SCIM on is one explicit button that says everything it does.
    const enable = (await screen.findByTestId("enable-scim")) as HTMLButtonElement;
    expect(enable.disabled).toBe(false);
    expect(enable.textContent).toContain("Turn on SCIM and create the token");
    expect(screen.getByTestId("screen-scaleway").textContent).toContain(
      "Nothing changes for existing users until Entra sends them.",
    );
    expect(enable.getAttribute("aria-describedby")).toBe("enable-explain enable-token-note");
    await fireEvent.click(enable);

    expect((await screen.findByTestId("token-created")).textContent).toContain("Token created — kept in your keychain");
    expect(screen.getByTestId("token-expiry").textContent).toBe("Valid until 16 June 2027");
    expect(screen.getByTestId("base-url").textContent).toBe(BASE_URL);

    await fireEvent.click(screen.getByTestId("copy-token"));
    expect((await screen.findByTestId("copy-token-countdown")).textContent).toBe("Copied — clears in 30 s");
    await fireEvent.click(screen.getByTestId("copy-base-url"));
    await screen.findByTestId("copy-base-url-countdown");

    const next = screen.getByTestId("scaleway-next") as HTMLButtonElement;
    expect(next.disabled).toBe(false);
    await fireEvent.click(next);
    expect(await screen.findByTestId("screen-entra")).toBeTruthy();

    expect(backend.commands()).toEqual([
      "start_practice",
      "scaleway_connect",
      "scim_enable",
      "scim_mint_token",
      "copy_to_clipboard",
      "copy_to_clipboard",
    ]);
    const args = (cmd: string) => backend.calls.filter((c) => c.cmd === cmd).map((c) => c.args);
    expect(args("scaleway_connect")).toEqual([
      { credentials: { kind: "practice" }, keepForLater: false, discardUnsavedToken: false },
    ]);
    expect(args("scim_mint_token")).toEqual([{ storeInKeychain: true }]);
    expect(args("copy_to_clipboard")).toEqual([
      { target: "scim_token", clearAfterSeconds: 30 },
      { target: "base_url", clearAfterSeconds: 30 },
    ]);

    // Back from Entra finds step 1 finished, not started over.
    await fireEvent.click(screen.getByTestId("back"));
    expect(screen.getByTestId("base-url").textContent).toBe(BASE_URL);
  });

  it("SCIM already on: reads the tokens, deletes the older one after confirming, then mints", async () => {
    const older = token("tok-old", "2025-03-01T08:00:00Z");
    const newer = token("tok-newer", "2026-01-10T08:00:00Z");
    const backend = scriptedBackend({
      app_info: APP_INFO,
      start_practice: PRACTICE,
      scaleway_connect: report({ scim_enabled: true }),
      scim_state: scim([older, newer]),
      scim_delete_token: scim([newer]),
      scim_mint_token: outcome({ base_url: null }),
      scim_set_base_url: [new Fail(uiError("invalid_input", { message: "The Base URL must start with https://." })), BASE_URL],
    });
    await openPractice();

    const list = await screen.findByTestId("token-list");
    expect(list.querySelectorAll("li")).toHaveLength(2);
    expect(list.textContent).toContain("1 March 2025");
    expect(screen.queryByTestId("mint-token")).toBeNull();

    await fireEvent.click(screen.getByTestId("delete-older-token"));
    const dialog = screen.getByTestId("delete-token-dialog");
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    expect(dialog.textContent).toContain("Entra may still be using it; provisioning that uses it stops at once");
    // Cancel is the safe default.
    expect(document.activeElement).toBe(screen.getByTestId("cancel-delete-token"));
    await fireEvent.click(screen.getByTestId("confirm-delete-token"));

    const mint = await screen.findByTestId("mint-token");
    await waitFor(() => expect(document.activeElement?.textContent).toBe("Create the SCIM token"));
    await fireEvent.click(mint);

    // The app could not find the Base URL: paste it; a bad one is explained under the field.
    const input = (await screen.findByTestId("base-url-input")) as HTMLInputElement;
    await fireEvent.input(input, { target: { value: "http://wrong" } });
    await fireEvent.click(screen.getByTestId("check-base-url"));
    expect((await screen.findByTestId("base-url-error")).textContent).toContain("must start with https://");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect((screen.getByTestId("scaleway-next") as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.input(input, { target: { value: BASE_URL } });
    await fireEvent.click(screen.getByTestId("check-base-url"));
    expect((await screen.findByTestId("base-url")).textContent).toBe(BASE_URL);
    expect((screen.getByTestId("scaleway-next") as HTMLButtonElement).disabled).toBe(false);

    expect(backend.commands()).toEqual([
      "start_practice",
      "scaleway_connect",
      "scim_state",
      "scim_delete_token",
      "scim_mint_token",
      "scim_set_base_url",
      "scim_set_base_url",
    ]);
    expect(backend.calls.find((c) => c.cmd === "scim_delete_token")?.args).toEqual({ tokenId: "tok-old" });
  });

  it("says when the token was resumed", async () => {
    scriptedBackend({
      app_info: APP_INFO,
      start_practice: PRACTICE,
      scaleway_connect: report({ scim_enabled: true }),
      scim_state: scim([token("tok-new", "2026-06-16T10:00:00Z", { ours: true })]),
      scim_mint_token: outcome({ resumed: true }),
    });
    await openPractice();
    await fireEvent.click(await screen.findByTestId("mint-token"));
    expect((await screen.findByTestId("token-created")).textContent).toContain(
      "Using the token created earlier — no new token was needed",
    );
  });

  it("offers to go on without the keychain only after keychain_unavailable", async () => {
    const backend = scriptedBackend({
      app_info: APP_INFO,
      start_practice: PRACTICE,
      scaleway_connect: report({ scim_enabled: true }),
      scim_state: scim([]),
      scim_mint_token: [new Fail(uiError("keychain_unavailable")), outcome({ stored_in_keychain: false })],
    });
    await openPractice();
    await fireEvent.click(await screen.findByTestId("mint-token"));
    expect(screen.queryByTestId("mint-token-unstored")).toBeNull();
    expect((await screen.findByTestId("error-banner")).dataset.errorCode).toBe("keychain_unavailable");
    await fireEvent.click(await screen.findByTestId("mint-token-unstored"));
    expect((await screen.findByTestId("token-created")).textContent).toContain("not kept on this computer");
    expect(backend.calls.filter((c) => c.cmd === "scim_mint_token").map((c) => c.args)).toEqual([
      { storeInKeychain: true },
      { storeInKeychain: false },
    ]);
  });

  it("a token the keychain refused is held, said, and kept once the keychain takes it", async () => {
    const refused = uiError("keychain_locked", { retryable: true });
    const backend = scriptedBackend({
      app_info: APP_INFO,
      start_practice: PRACTICE,
      scaleway_connect: report({ scim_enabled: true }),
      scim_state: scim([]),
      scim_mint_token: outcome({ stored_in_keychain: false, keychain_problem: refused }),
      scim_keep_token_in_keychain: [new Fail(refused), null],
    });
    await openPractice();
    await fireEvent.click(await screen.findByTestId("mint-token"));
    expect((await screen.findByTestId("token-created")).textContent).toContain("held by the app until it closes");
    const notice = screen.getByTestId("keychain-refused");
    expect(notice.getAttribute("role")).toBe("alert");
    expect(notice.textContent).toContain("Nothing is lost");
    // Copy and reveal are there, and the setup can go on.
    expect(screen.getByTestId("copy-token")).toBeTruthy();
    expect((screen.getByTestId("scaleway-next") as HTMLButtonElement).disabled).toBe(false);
    // Still locked: said, and the notice stays.
    await fireEvent.click(screen.getByTestId("keychain-try-again"));
    expect((await screen.findByTestId("error-banner")).dataset.errorCode).toBe("keychain_locked");
    expect(screen.getByTestId("keychain-refused")).toBeTruthy();
    // Unlocked: kept.
    await fireEvent.click(screen.getByTestId("keychain-try-again"));
    await waitFor(() => expect(screen.queryByTestId("keychain-refused")).toBeNull());
    expect(screen.getByTestId("token-created").textContent).toContain("kept in your keychain");
    expect(backend.commands().filter((c) => c === "scim_mint_token")).toHaveLength(1);
  });

  it("a token that was created but lost is explained, with the token list read again", async () => {
    const backend = scriptedBackend({
      app_info: APP_INFO,
      start_practice: PRACTICE,
      scaleway_connect: report({ scim_enabled: true }),
      scim_state: [scim([]), scim([token("tok-lost", "2026-06-16T10:00:00Z")])],
      scim_mint_token: new Fail(uiError("scim_token_lost")),
    });
    await openPractice();
    await fireEvent.click(await screen.findByTestId("mint-token"));
    expect((await screen.findByTestId("error-banner")).dataset.errorCode).toBe("scim_token_lost");
    // The unusable token now shows in the list, and the admin can create another one.
    expect(await screen.findByTestId("one-token-exists")).toBeTruthy();
    expect(screen.getByTestId("screen-scaleway").dataset.view).toBe("token");
    expect((screen.getByTestId("mint-token") as HTMLButtonElement).disabled).toBe(false);
    expect(screen.queryByTestId("mint-token-unstored")).toBeNull();
    expect(backend.commands()).toEqual(["start_practice", "scaleway_connect", "scim_state", "scim_mint_token", "scim_state"]);
  });

  it("keeps SCIM on and offers the token choices when the token can't be kept after enabling", async () => {
    const backend = scriptedBackend({
      app_info: APP_INFO,
      start_practice: PRACTICE,
      scaleway_connect: report({ scim_enabled: false }),
      scim_enable: scim([]),
      scim_mint_token: [new Fail(uiError("keychain_unavailable")), outcome({ stored_in_keychain: false })],
    });
    await openPractice();
    await fireEvent.click(await screen.findByTestId("enable-scim"));
    expect((await screen.findByTestId("error-banner")).dataset.errorCode).toBe("keychain_unavailable");
    // The token view took over: SCIM is not asked for again.
    expect(screen.getByTestId("screen-scaleway").dataset.view).toBe("token");
    expect(screen.queryByTestId("enable-scim")).toBeNull();
    await fireEvent.click(await screen.findByTestId("mint-token-unstored"));
    expect((await screen.findByTestId("token-created")).textContent).toContain("not kept on this computer");
    expect(backend.commands()).toEqual([
      "start_practice",
      "scaleway_connect",
      "scim_enable",
      "scim_mint_token",
      "scim_mint_token",
    ]);
  });

  it("retries turning SCIM on without minting anything when enabling fails", async () => {
    const backend = scriptedBackend({
      app_info: APP_INFO,
      start_practice: PRACTICE,
      scaleway_connect: report({ scim_enabled: false }),
      scim_enable: [new Fail(uiError("scaleway_unavailable", { retryable: true })), scim([])],
      scim_mint_token: outcome(),
    });
    await openPractice();
    await fireEvent.click(await screen.findByTestId("enable-scim"));
    expect((await screen.findByTestId("error-banner")).dataset.errorCode).toBe("scaleway_unavailable");
    expect(backend.commands()).not.toContain("scim_mint_token");
    await fireEvent.click(screen.getByTestId("error-retry"));
    expect((await screen.findByTestId("token-created")).textContent).toContain("Token created");
  });

  it("Back from turning SCIM on leaves the practice step instead of checking the key again", async () => {
    const backend = scriptedBackend({
      app_info: APP_INFO,
      start_practice: PRACTICE,
      scaleway_connect: report({ scim_enabled: false }),
    });
    await openPractice();
    await screen.findByTestId("enable-scim");
    await fireEvent.click(screen.getByTestId("back"));
    expect(await screen.findByTestId("screen-welcome")).toBeTruthy();
    expect(backend.commands().filter((c) => c === "scaleway_connect")).toHaveLength(1);
  });

  it("shows a failed start in the banner, and Try again starts the sandbox", async () => {
    scriptedBackend({
      app_info: APP_INFO,
      start_practice: [new Fail(uiError("sandbox_unavailable", { retryable: true })), PRACTICE],
    });
    render(App);
    await fireEvent.click(screen.getByTestId("practice-sandbox"));
    expect((await screen.findByTestId("error-banner")).dataset.errorCode).toBe("sandbox_unavailable");
    expect(screen.getByTestId("screen-welcome")).toBeTruthy();
    await fireEvent.click(screen.getByTestId("error-retry"));
    expect(await screen.findByTestId("screen-scaleway")).toBeTruthy();
    expect(screen.queryByTestId("error-banner")).toBeNull();
  });
});

describe("Scaleway step with real accounts", () => {
  async function openReal() {
    render(App);
    await fireEvent.click(screen.getByTestId("connect-accounts"));
    return screen.findByTestId("screen-scaleway");
  }

  it("sends the typed key once and clears it from the form, success or not", async () => {
    const secret = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    const backend = scriptedBackend({
      app_info: APP_INFO,
      start_real: null,
      scaleway_connect: [
        new Fail(uiError("scaleway_key_refused", { message: "Scaleway does not recognise this secret key." })),
        report({ scim_enabled: false }),
      ],
    });
    await openReal();
    expect(screen.queryByTestId("sandbox-badge")).toBeNull();
    expect(screen.queryByTestId("use-practice-key")).toBeNull();

    // Required fields are checked before anything is sent.
    await fireEvent.click(screen.getByTestId("check-key"));
    expect(screen.getByTestId("secret-key").getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(screen.getByTestId("secret-key"));
    expect(backend.commands()).toEqual(["start_real"]);

    const key = screen.getByTestId("secret-key") as HTMLInputElement;
    expect(key.type).toBe("password");
    await fireEvent.input(key, { target: { value: secret } });
    await fireEvent.input(screen.getByTestId("organization-id"), { target: { value: ORG_ID } });
    await fireEvent.click(screen.getByTestId("check-key"));
    expect((await screen.findByTestId("error-banner")).textContent).toContain("does not recognise");
    expect(key.value).toBe("");

    await fireEvent.input(key, { target: { value: secret } });
    await fireEvent.click(screen.getByTestId("check-key"));
    await screen.findByTestId("enable-scim");
    expect(document.body.innerHTML).not.toContain(secret);

    expect(backend.calls.filter((c) => c.cmd === "scaleway_connect").map((c) => c.args)).toEqual([
      {
        credentials: { kind: "typed", secret_key: secret, organization_id: ORG_ID, access_key: null },
        keepForLater: false,
        discardUnsavedToken: false,
      },
      {
        credentials: { kind: "typed", secret_key: secret, organization_id: ORG_ID, access_key: null },
        keepForLater: false,
        discardUnsavedToken: false,
      },
    ]);
    expect(JSON.stringify({ ...localStorage })).not.toContain(secret);
  });

  it("can use the access key instead of the Organization ID", async () => {
    const backend = scriptedBackend({ app_info: APP_INFO, start_real: null, scaleway_connect: report() });
    await openReal();
    const disclosure = screen.getByTestId("only-access-key");
    expect(disclosure.getAttribute("aria-expanded")).toBe("false");
    await fireEvent.click(disclosure);
    expect(disclosure.getAttribute("aria-expanded")).toBe("true");
    expect(screen.queryByTestId("organization-id")).toBeNull();
    await fireEvent.input(screen.getByTestId("secret-key"), { target: { value: "s" } });
    await fireEvent.input(screen.getByTestId("access-key"), { target: { value: "SCWXXXXXXXXXXXXXXXXX" } });
    await fireEvent.click(screen.getByTestId("check-key"));
    await screen.findByTestId("enable-scim");
    expect(backend.calls.find((c) => c.cmd === "scaleway_connect")?.args).toEqual({
      credentials: { kind: "typed", secret_key: "s", organization_id: null, access_key: "SCWXXXXXXXXXXXXXXXXX" },
      keepForLater: false,
      discardUnsavedToken: false,
    });
  });

  it("reads the Scaleway CLI settings with an optional profile", async () => {
    const backend = scriptedBackend({ app_info: APP_INFO, start_real: null, scaleway_connect: report() });
    await openReal();
    await fireEvent.click(screen.getByTestId("method-imported"));
    expect(screen.getByTestId("screen-scaleway").textContent).toContain("~/.config/scw/config.yaml");
    await fireEvent.input(screen.getByTestId("profile"), { target: { value: "work" } });
    // The admin asks to keep the key and the sign-in for later changes.
    const keep = screen.getByTestId("keep-for-later") as HTMLInputElement;
    expect(keep.checked).toBe(false);
    await fireEvent.click(keep);
    await fireEvent.click(screen.getByTestId("check-key"));
    await screen.findByTestId("enable-scim");
    expect(backend.calls.find((c) => c.cmd === "scaleway_connect")?.args).toEqual({
      credentials: { kind: "imported", profile: "work" },
      keepForLater: true,
      discardUnsavedToken: false,
    });
  });

  it("manual path: an existing token and Base URL are checked, then only the Base URL can be copied", async () => {
    const pasted = "scim-token-pasted-by-admin";
    const backend = scriptedBackend({
      app_info: APP_INFO,
      start_real: null,
      scim_use_existing: BASE_URL,
      copy_to_clipboard: { clears_in_seconds: 30 },
    });
    await openReal();
    await fireEvent.click(screen.getByTestId("method-existing"));
    await fireEvent.input(screen.getByTestId("existing-token"), { target: { value: pasted } });
    await fireEvent.input(screen.getByTestId("existing-base-url"), { target: { value: BASE_URL } });
    await fireEvent.click(screen.getByTestId("check-existing"));

    expect((await screen.findByTestId("base-url")).textContent).toBe(BASE_URL);
    expect(screen.queryByTestId("copy-token")).toBeNull();
    expect(screen.queryByTestId("reveal-token")).toBeNull();
    expect(screen.getByTestId("copy-base-url")).toBeTruthy();
    expect((screen.getByTestId("scaleway-next") as HTMLButtonElement).disabled).toBe(false);
    expect(document.body.innerHTML).not.toContain(pasted);
    expect(backend.calls.find((c) => c.cmd === "scim_use_existing")?.args).toEqual({
      token: pasted,
      baseUrl: BASE_URL,
      organizationId: null,
      keepForLater: false,
    });
  });

  it("in French, shows French words and keeps the English message under Details", async () => {
    i18n.set("fr");
    scriptedBackend({
      app_info: APP_INFO,
      start_real: null,
      scaleway_connect: new Fail(
        uiError("scaleway_permission_denied", { message: "This key cannot manage SCIM (missing: write iam)." }),
      ),
    });
    await openReal();
    await fireEvent.click(screen.getByTestId("method-imported"));
    await fireEvent.click(screen.getByTestId("check-key"));
    const banner = await screen.findByTestId("error-banner");
    expect(screen.getByTestId("error-message").textContent).toBe(
      "Cette clé n’a pas le droit de gérer l’approvisionnement automatique des utilisateurs (SCIM).",
    );
    expect(screen.getByTestId("error-hint").textContent).toContain("IAMManager");
    expect(banner.querySelector("details")?.textContent).toContain("missing: write iam");
  });
});
