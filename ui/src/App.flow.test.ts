// The whole wizard through the App, with a scripted backend: every screen in order, a resumed
// setup, and a failure followed by a rollback.
import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import App from "./App.svelte";
import { i18n } from "$lib/i18n/locale.svelte";
import { settings } from "$lib/settings.svelte";
import type { PracticeInfo, ResumeInfo_Serialize as ResumeInfo } from "$lib/bindings";
import { APP, IMPACT, ORG_ID, PEOPLE, PREVIEW, account, homeStatus, outcome, proof, report, scim, summary, uiError } from "./test/fixtures";
import { Fail, scriptedBackend } from "./test/ipc";

const GROUP_PROOF = {
  group: "Sales",
  member_upn: "adele.vance@contoso.com",
  member_username: "adele.vance",
  finding: { kind: "arrived" as const },
};
const APP_INFO = { name: "Scaleway SCIM Wizard", version: "0.1.0", identifier: "test" };
const PRACTICE: PracticeInfo = { organization_name: "Acme", organization_id: ORG_ID };
const ASSIGNED = [
  { principal_id: "u-adele", principal_type: "User", display_name: "Adele Vance", assignment_id: "a1", created: true },
];
const RESUME: ResumeInfo = {
  organization_id: ORG_ID,
  organization_name: "Acme",
  tenant_id: null,
  app_display_name: null,
  next_screen: "entra",
  updated_at: "2026-06-16T10:00:00Z",
};
const PLAN = {
  remove: [
    {
      step: "entra_app",
      what: { kind: "delete_app", name: "Scaleway SCIM (11111111)" },
      description: "Delete the enterprise app “Scaleway SCIM (11111111)”",
      id: "app-obj-1",
    },
    { step: "scim_token", what: { kind: "delete_token" }, description: "Delete the SCIM token", id: "tok-1" },
  ],
  kept: [{ kind: "scim_enabled_before" }],
  needs_scaleway_key: [],
};

beforeEach(() => {
  localStorage.clear();
  settings.reload();
  i18n.set("en");
});
afterEach(() => clearMocks());

const screenId = () => document.querySelector("main")?.dataset.screen;

async function click(testid: string) {
  const element = await screen.findByTestId(testid);
  await waitFor(() => expect((element as HTMLButtonElement).disabled).not.toBe(true));
  await fireEvent.click(element);
}

describe("the whole wizard", () => {
  it("practice: Welcome → Scaleway → Entra → Connection → Mappings → Users → Verify → Done", async () => {
    const backend = scriptedBackend({
      app_info: APP_INFO,
      resume_info: null,
      start_practice: PRACTICE,
      scaleway_connect: report({ scim_enabled: true }),
      scim_state: scim([]),
      scim_mint_token: outcome(),
      entra_sign_in: account(),
      setup_create_app: APP,
      setup_connect: { ok: true, message: "Entra reached Scaleway and the token works.", tenant_url: "https://scim.example.test/scim/v2" },
      setup_preview_mappings: PREVIEW,
      setup_groups_supported: true,
      setup_apply_mappings: PREVIEW,
      setup_search_people: PEOPLE,
      setup_impact: IMPACT,
      setup_group_scope: {
        groups_provisioned: true,
        nested: [{ group: "Sales", subgroups: ["Sales EMEA"] }],
        clashes: [],
        over_quota: null,
      },
      setup_assign: [ASSIGNED],
      setup_start_and_verify: proof({ group: GROUP_PROOF }),
      setup_summary: summary({ proof_group: GROUP_PROOF }),
      setup_export_report: "/home/admin/Downloads/scim-wizard-report-1.txt",
    });
    render(App);
    await click("practice-sandbox");
    await click("mint-token");
    await click("scaleway-next");
    expect(screenId()).toBe("entra");
    expect(screen.getByTestId("progress").textContent).toContain("Step 2 of 4");

    await click("sign-in-browser");
    await click("create-app");
    // The app exists: on to the connection, which says so.
    await screen.findByTestId("screen-connection");
    expect(screen.getByTestId("app-created").textContent).toContain("Scaleway SCIM (11111111)");
    expect(screen.getByTestId("progress").textContent).toContain("Step 3 of 4");

    await click("test-connection");
    await screen.findByTestId("screen-mappings");
    expect(screen.getByTestId("connection-ok").textContent).toContain(
      "Entra reached Scaleway and the token works — the credentials are saved",
    );
    const changes = await screen.findByTestId("mapping-changes");
    expect(changes.querySelectorAll("tbody tr")).toHaveLength(4);
    expect(changes.textContent).toContain("Display name (displayName)");
    expect(changes.textContent).toContain('Item(Split([userPrincipalName], "@"), 1)');
    // The guide turns groups on, and this Organization's SCIM service takes them.
    expect(screen.getByTestId("groups-note").textContent).toContain("Scaleway now accepts groups");
    await waitFor(() => expect((screen.getByTestId("provision-groups") as HTMLInputElement).checked).toBe(true));

    await click("apply-mappings");
    await screen.findByTestId("screen-users");
    // The first people are offered without typing.
    await fireEvent.click(await screen.findByRole("checkbox", { name: /Adele Vance/ }));
    // A group with a group inside it: said before anything is assigned.
    await fireEvent.click(await screen.findByRole("checkbox", { name: /Sales/ }));
    expect((await screen.findByTestId("scope-nested")).textContent).toContain("“Sales” has groups inside it (Sales EMEA)");
    await click("assign");

    // Verify starts by itself and ends with the proof.
    await screen.findByTestId("screen-verify");
    expect((await screen.findByTestId("proof-headline")).textContent).toBe("adele.vance now exists in Scaleway");
    expect(screen.getByTestId("group-proof").textContent?.trim()).toBe("The group “Sales” is in Scaleway, with “adele.vance” in it.");
    await click("verify-next");

    await screen.findByTestId("screen-done");
    expect(screen.queryByTestId("progress")).toBeNull();
    expect((await screen.findByTestId("done-proof")).textContent).toContain("adele.vance exists in Scaleway");
    expect(screen.getByTestId("done-group-proof").textContent).toContain("The group “Sales” is in Scaleway");
    const summaryBox = await screen.findByTestId("summary");
    expect(summaryBox.textContent).toContain("Scaleway SCIM (11111111)");
    expect(summaryBox.textContent).toContain("scim.job-1");
    // Words stay apart for screen readers and copy-paste, not only on screen.
    expect(summaryBox.textContent).toMatch(/On\s— by this app/i);
    expect(summaryBox.textContent).toMatch(/Scaleway SCIM \(11111111\)\s— by this app/);
    expect(screen.getByTestId("link-scaleway-users").textContent).toBe("https://console.scaleway.com/iam/users");
    expect(screen.getByTestId("link-entra-app-copy")).toBeTruthy();
    await click("export-report");
    expect((await screen.findByTestId("report-saved")).textContent).toContain("scim-wizard-report-1.txt");
    expect(screen.queryByTestId("back")).toBeNull();

    expect(backend.commands()).toEqual([
      "start_practice",
      "scaleway_connect",
      "scim_state",
      "scim_mint_token",
      "entra_sign_in",
      "setup_create_app",
      "setup_connect",
      "setup_preview_mappings",
      "setup_groups_supported",
      "setup_apply_mappings",
      "setup_search_people",
      "setup_impact",
      "setup_group_scope",
      "setup_impact",
      "setup_assign",
      "setup_start_and_verify",
      "setup_summary",
      "setup_export_report",
    ]);
    expect(backend.calls.find((c) => c.cmd === "setup_apply_mappings")?.args).toEqual({
      choices: { provision_groups: null, keep_full_upn: false, scim_compat_flag: false },
    });
  });

  it("a failed connection test stays on the screen with Scaleway's message and what to do", async () => {
    scriptedBackend({
      app_info: APP_INFO,
      resume_info: RESUME,
      resume_setup: { ...RESUME, next_screen: "connection", tenant_id: "tenant-1" },
      setup_connect: { ok: false, message: "Scaleway refused the token: 401 Unauthorized.", tenant_url: "https://x/scim/v2" },
    });
    render(App);
    await click("resume-continue");
    await screen.findByTestId("screen-connection");
    await click("test-connection");
    const failed = await screen.findByTestId("connection-failed");
    expect(failed.textContent).toContain("Scaleway refused the token: 401 Unauthorized.");
    expect(failed.textContent).toContain("Nothing was saved in Entra.");
    expect(screenId()).toBe("connection");
    expect((screen.getByTestId("connection-next") as HTMLButtonElement).disabled).toBe(true);
  });
});

describe("resume", () => {
  it("the banner names the Organization; Continue reconnects and opens the screen Rust names", async () => {
    const backend = scriptedBackend({
      app_info: APP_INFO,
      resume_info: RESUME,
      resume_setup: [new Fail(uiError("keychain_locked", { retryable: true })), RESUME],
      copy_to_clipboard: { clears_in_seconds: 30 },
    });
    render(App);
    const banner = await screen.findByTestId("resume-banner");
    expect(banner.textContent).toContain("An unfinished setup for Organization “Acme” was found");
    await click("resume-continue");
    expect((await screen.findByTestId("error-banner")).dataset.errorCode).toBe("keychain_locked");
    await click("error-retry");
    await screen.findByTestId("screen-entra");
    expect(screen.queryByTestId("sandbox-badge")).toBeNull();

    // Step 1 was done earlier: Back shows it finished, with the token still copyable.
    await click("back");
    expect((await screen.findByTestId("token-created")).textContent).toContain("Step 1 was finished earlier");
    expect((screen.getByTestId("scaleway-next") as HTMLButtonElement).disabled).toBe(false);
    await click("copy-token");
    await screen.findByTestId("copy-token-countdown");
    expect(backend.commands()).toEqual(["resume_setup", "resume_setup", "copy_to_clipboard"]);
  });

  it("Start over hides the banner and leaves the choice of mode", async () => {
    scriptedBackend({ app_info: APP_INFO, resume_info: RESUME });
    render(App);
    await click("resume-start-over");
    expect(screen.queryByTestId("resume-banner")).toBeNull();
    expect(screenId()).toBe("welcome");
  });

  it("a setup resumed at Verify offers Roll back", async () => {
    scriptedBackend({
      app_info: APP_INFO,
      resume_info: RESUME,
      resume_setup: { ...RESUME, next_screen: "verify", tenant_id: "tenant-1" },
    });
    render(App);
    await click("resume-continue");
    await screen.findByTestId("screen-verify");
    expect(screen.getByTestId("start-verify").textContent).toContain("Start provisioning");
  });
});

describe("failure → rollback", () => {
  it("a failure after the app exists offers Roll back; confirming removes and returns to Welcome", async () => {
    const backend = scriptedBackend({
      app_info: APP_INFO,
      resume_info: RESUME,
      resume_setup: { ...RESUME, next_screen: "mappings", tenant_id: "tenant-1" },
      setup_preview_mappings: new Fail(uiError("graph_unavailable", { retryable: true })),
      setup_plan_rollback: PLAN,
      setup_rollback: { undone: PLAN.remove, kept: PLAN.kept, needs_scaleway_key: [] },
    });
    render(App);
    await click("resume-continue");
    await screen.findByTestId("screen-mappings");
    await click("error-rollback");

    const dialog = await screen.findByTestId("rollback-dialog");
    expect(dialog.getAttribute("role")).toBe("alertdialog");
    const items = await screen.findByTestId("rollback-items");
    expect(items.querySelectorAll("li")).toHaveLength(2);
    expect(dialog.textContent).toContain("it stays on");
    expect(dialog.textContent).toContain("This can’t be undone.");
    // Cancel is the safe default.
    expect(document.activeElement).toBe(screen.getByTestId("rollback-cancel"));
    await click("rollback-confirm");

    expect((await screen.findByTestId("rolled-back")).textContent).toContain("Everything this setup created was removed.");
    expect(screenId()).toBe("welcome");
    expect(screen.queryByTestId("resume-banner")).toBeNull();
    expect(backend.calls.find((c) => c.cmd === "setup_rollback")?.args).toEqual({ confirmed: true });
  });

  it("without a Scaleway key, says what stays in Scaleway before and after rolling back", async () => {
    const byHand = [
      {
        action: "delete_token",
        id: "tok-pasted",
        message: "The SCIM token you gave stays valid in Scaleway: the app has no Scaleway API key to revoke it.",
      },
    ];
    const plan = { remove: [PLAN.remove[0]], kept: [], needs_scaleway_key: byHand };
    scriptedBackend({
      app_info: APP_INFO,
      resume_info: RESUME,
      resume_setup: { ...RESUME, next_screen: "mappings", tenant_id: "tenant-1", scaleway_access: "token_only" },
      setup_preview_mappings: new Fail(uiError("graph_unavailable", { retryable: true })),
      setup_plan_rollback: plan,
      setup_rollback: { undone: plan.remove, kept: [], needs_scaleway_key: byHand },
    });
    render(App);
    await click("resume-continue");
    await screen.findByTestId("screen-mappings");
    await click("error-rollback");
    const left = await screen.findByTestId("rollback-by-hand");
    expect(left.textContent).toContain("stays valid in Scaleway");
    expect(left.textContent).toContain("tok-pasted");
    await click("rollback-confirm");
    const notice = await screen.findByTestId("rolled-back");
    expect(notice.textContent).toContain("Everything the app could remove was removed");
    expect(screen.getByTestId("rolled-back-by-hand").textContent).toContain("stays valid in Scaleway");
  });

  it("Cancel in the dialog removes nothing; no Roll back before the app exists", async () => {
    const backend = scriptedBackend({
      app_info: APP_INFO,
      resume_info: { ...RESUME, next_screen: "done", tenant_id: "tenant-1" },
      resume_setup: { ...RESUME, next_screen: "done", tenant_id: "tenant-1", entra_signed_in: true },
      home_status: homeStatus(200, true),
      setup_plan_rollback: PLAN,
    });
    render(App);
    await screen.findByTestId("home-status");
    await click("rollback");
    await screen.findByTestId("rollback-items");
    await click("rollback-cancel");
    expect(screen.queryByTestId("rollback-dialog")).toBeNull();
    expect(screenId()).toBe("home");
    expect(backend.commands()).not.toContain("setup_rollback");
  });

  it("before the Entra app exists, failures offer no Roll back", async () => {
    scriptedBackend({
      app_info: APP_INFO,
      resume_info: RESUME,
      resume_setup: RESUME,
      entra_sign_in: new Fail(uiError("entra_sign_in_failed", { retryable: true })),
    });
    render(App);
    await click("resume-continue");
    await click("sign-in-browser");
    await screen.findByTestId("error-banner");
    expect(screen.queryByTestId("error-rollback")).toBeNull();
  });
});

describe("the home of a finished setup", () => {
  const DONE = { ...RESUME, next_screen: "done" as const, tenant_id: "tenant-1", app_display_name: "Scaleway SCIM (11111111)" };

  it("opens on it, says all is well, and asks for the Microsoft sign-in before any change", async () => {
    const backend = scriptedBackend({
      app_info: APP_INFO,
      resume_info: DONE,
      resume_setup: { ...DONE, scaleway_access: "token_only", entra_signed_in: false },
      home_status: [homeStatus(200, false), homeStatus(200, true)],
      entra_sign_in: account(),
    });
    render(App);
    await screen.findByTestId("home-all-well");
    expect(screenId()).toBe("home");
    expect(screen.getByTestId("home-token").textContent).toContain("200 day(s) left");
    expect(screen.getByTestId("home-token").textContent).toContain("created on 1 June 2026");
    expect(screen.getByTestId("home-proof").textContent).toContain("adele.vance@contoso.com was in Scaleway as adele.vance");
    for (const action of ["home-renew", "home-add-people", "home-check-again", "home-pause", "rollback"]) {
      expect((screen.getByTestId(action) as HTMLButtonElement).disabled, action).toBe(true);
    }
    await click("home-sign-in");
    const job = await screen.findByTestId("home-job");
    expect(job.textContent).toContain("steady state");
    expect(screen.getByTestId("home-last-cycle").textContent).toContain("3 change(s) sent to Scaleway");
    expect(screen.getByTestId("home-last-cycle-failed").textContent).toContain("1 failed");
    expect(screen.getByTestId("home-in-sync").textContent).toBe("3 user(s), 1 group(s)");
    expect(backend.calls.find((c) => c.cmd === "entra_sign_in")?.args).toMatchObject({ tenant: "tenant-1" });
  });

  it("leads with a token near its end and renews it with a key given for this only", async () => {
    const renewed = { new_token: { id: "tok-2", created_at: null, expires_at: "2027-11-15T10:00:00Z", ours: true }, old_token_deleted: "tok-1" };
    const backend = scriptedBackend({
      app_info: APP_INFO,
      resume_info: DONE,
      resume_setup: { ...DONE, scaleway_access: "token_only", entra_signed_in: true },
      home_status: [homeStatus(19, true), homeStatus(364, true)],
      home_use_key: null,
      home_renew_token: renewed,
    });
    render(App);
    const attention = await screen.findByTestId("home-attention");
    expect(attention.textContent).toContain("expires in 19 day(s)");
    await click("home-fix");
    // Read with the kept token only: the key is asked for, and not kept.
    await screen.findByTestId("home-key-form");
    await fireEvent.input(screen.getByTestId("home-secret-key"), { target: { value: "a-secret-key" } });
    await click("home-key-submit");
    await screen.findByTestId("home-renewed");
    await screen.findByTestId("home-all-well");
    // The key goes to Rust once, for this renewal only (no choice about keeping it is changed).
    expect(backend.calls.find((c) => c.cmd === "home_use_key")?.args).toEqual({ secretKey: "a-secret-key" });
    expect(backend.commands()).not.toContain("scaleway_connect");
    expect(backend.commands().filter((c) => c === "home_renew_token")).toHaveLength(1);
    expect(document.body.textContent).not.toContain("a-secret-key");
  });

  it("shows recent errors, asking Microsoft for the permission to read them the first time", async () => {
    const backend = scriptedBackend({
      app_info: APP_INFO,
      resume_info: DONE,
      resume_setup: { ...DONE, entra_signed_in: true },
      home_status: homeStatus(200, true),
      home_recent_errors: [
        new Fail(uiError("audit_log_consent_needed")),
        {
          since: "2026-06-15T10:00:00Z",
          succeeded: 4,
          failures: [
            {
              at: "2026-06-16T09:00:00Z",
              who: "Jordan Lee",
              is_group: false,
              action: "create",
              cause: "already_exists",
              detail: "userName is already taken",
            },
          ],
        },
      ],
      entra_sign_in: account(),
    });
    render(App);
    await click("home-show-errors");
    const list = await screen.findByTestId("home-errors-list");
    expect(list.textContent).toContain("Jordan Lee");
    expect(list.textContent).toContain("Scaleway already has this username");
    expect(list.textContent).toContain("userName is already taken");
    const signIns = backend.calls.filter((c) => c.cmd === "entra_sign_in");
    expect(signIns).toHaveLength(1);
    expect(signIns[0]?.args).toMatchObject({ auditLogs: true, tenant: "tenant-1" });
    expect(backend.commands().filter((c) => c === "home_recent_errors")).toHaveLength(2);
  });

  it("with several setups on this computer, lists them and opens the one picked", async () => {
    const other = { ...DONE, organization_id: "org-b", organization_name: "Globex", setup_id: "0a1b2c3d" };
    const backend = scriptedBackend({
      app_info: APP_INFO,
      resume_info: null,
      // One answer, the whole list (a table's array is a queue of answers).
      setups_list: [[{ ...DONE, setup_id: "first" }, other]],
      resume_setup: { ...other, entra_signed_in: false },
      home_status: homeStatus(200, false),
    });
    render(App);
    const list = await screen.findByTestId("setups-list");
    expect(list.textContent).toContain("Acme");
    expect(list.textContent).toContain("Globex");
    expect(screenId()).toBe("welcome");
    await fireEvent.click(screen.getAllByTestId("setup-open")[1] as HTMLElement);
    await screen.findByTestId("home-status");
    expect(backend.calls.find((c) => c.cmd === "resume_setup")?.args).toEqual({ setupId: "0a1b2c3d" });
    // Home leads back to the list.
    await click("home-all-setups");
    await screen.findByTestId("setups-list");
  });

  it("in French, says it all in French", async () => {
    i18n.set("fr");
    scriptedBackend({
      app_info: APP_INFO,
      resume_info: DONE,
      resume_setup: { ...DONE, entra_signed_in: true },
      home_status: homeStatus(19, true),
    });
    render(App);
    const attention = await screen.findByTestId("home-attention");
    expect(attention.textContent).toContain("expire dans 19 jour(s)");
    expect(screen.getByTestId("home-job").textContent).toContain("régime");
  });

});
