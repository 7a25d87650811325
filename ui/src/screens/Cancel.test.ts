// Every long step can be stopped: Cancel appears while the call runs, asks Rust to stop it, and
// the "cancelled" answer is said plainly instead of as an error; the step can then be retried.
import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import Connection from "./Connection.svelte";
import RollbackDialog from "../components/RollbackDialog.svelte";
import Mappings from "./Mappings.svelte";
import Users from "./Users.svelte";
import { i18n } from "$lib/i18n/locale.svelte";
import { APP, IMPACT, PEOPLE, PREVIEW, uiError } from "../test/fixtures";
import { Fail, scriptedBackend, type Answer } from "../test/ipc";

beforeEach(() => i18n.set("en"));
afterEach(() => clearMocks());

/** A command that runs until `cancel_operation` arrives, then fails with `cancelled`. */
function untilCancelled() {
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  return {
    running: (async () => {
      await stopped;
      return new Fail(uiError("cancelled"));
    }) as Answer,
    cancel: (() => {
      stop();
      return null;
    }) as Answer,
  };
}

const CONNECTED = { ok: true, message: "Entra reached Scaleway.", tenant_url: "https://scim.example.test/scim/v2" };
const NO_CHOICES = { provision_groups: null, keep_full_upn: false, scim_compat_flag: false };

describe("Cancel on long steps", () => {
  it("Test connection can be stopped, then run again", async () => {
    const call = untilCancelled();
    const backend = scriptedBackend({ setup_connect: [call.running, CONNECTED], cancel_operation: call.cancel });
    const onConnection = vi.fn();
    render(Connection, { app: APP, connection: null, onConnection, onBack: vi.fn(), onNext: vi.fn() });
    expect(screen.queryByTestId("cancel-connection")).toBeNull();
    await fireEvent.click(screen.getByTestId("test-connection"));
    await fireEvent.click(await screen.findByTestId("cancel-connection"));
    expect((await screen.findByTestId("cancel-connection-done")).textContent).toContain("Nothing is lost");
    expect(screen.queryByTestId("error-banner")).toBeNull();
    expect((screen.getByTestId("back") as HTMLButtonElement).disabled).toBe(false);
    await fireEvent.click(screen.getByTestId("test-connection"));
    await waitFor(() => expect(onConnection).toHaveBeenCalledWith(CONNECTED));
    expect(screen.queryByTestId("cancel-connection-done")).toBeNull();
    expect(backend.commands()).toEqual(["setup_connect", "cancel_operation", "setup_connect"]);
  });

  it("Applying the mappings can be stopped", async () => {
    const call = untilCancelled();
    scriptedBackend({
      setup_preview_mappings: PREVIEW,
      setup_apply_mappings: call.running,
      cancel_operation: call.cancel,
    });
    const onApplied = vi.fn();
    render(Mappings, {
      connection: null,
      choices: NO_CHOICES,
      applied: null,
      onChoices: vi.fn(),
      onApplied,
      onBack: vi.fn(),
      onNext: vi.fn(),
    });
    await screen.findByTestId("mapping-changes");
    await fireEvent.click(screen.getByTestId("apply-mappings"));
    await fireEvent.click(await screen.findByTestId("cancel-mappings"));
    expect(await screen.findByTestId("cancel-mappings-done")).toBeTruthy();
    expect(screen.queryByTestId("error-banner")).toBeNull();
    expect(onApplied).not.toHaveBeenCalled();
  });

  it("Assigning can be stopped; a real failure is still an error", async () => {
    const call = untilCancelled();
    scriptedBackend({
      setup_search_people: PEOPLE,
      setup_impact: IMPACT,
      setup_assign: [call.running, new Fail(uiError("graph_throttled", { retryable: true }))],
      cancel_operation: call.cancel,
    });
    render(Users, {
      mappings: null,
      choices: NO_CHOICES,
      assigned: [],
      onMappings: vi.fn(),
      onAssigned: vi.fn(),
      onBack: vi.fn(),
      onNext: vi.fn(),
    });
    await fireEvent.click(await screen.findByRole("checkbox", { name: /Adele Vance/ }));
    await fireEvent.click(screen.getByTestId("assign"));
    await fireEvent.click(await screen.findByTestId("cancel-assign"));
    expect(await screen.findByTestId("cancel-assign-done")).toBeTruthy();
    expect(screen.queryByTestId("error-banner")).toBeNull();
    await fireEvent.click(screen.getByTestId("assign"));
    expect((await screen.findByTestId("error-banner")).dataset.errorCode).toBe("graph_throttled");
    expect(screen.queryByTestId("cancel-assign-done")).toBeNull();
  });

  it("a 'cancelled' answer nobody asked for is shown as an error", async () => {
    scriptedBackend({ setup_connect: new Fail(uiError("cancelled")) });
    render(Connection, { app: APP, connection: null, onConnection: vi.fn(), onBack: vi.fn(), onNext: vi.fn() });
    await fireEvent.click(screen.getByTestId("test-connection"));
    expect((await screen.findByTestId("error-banner")).dataset.errorCode).toBe("cancelled");
  });

  it("A rollback can be stopped: the dialog stays open and shows what is left now", async () => {
    const call = untilCancelled();
    const item = {
      step: "entra_app",
      what: { kind: "delete_app", name: "Scaleway SCIM (11111111)" },
      description: "Delete the enterprise app",
      id: "app-obj-1",
    };
    const plan = { remove: [item], kept: [], needs_scaleway_key: [] };
    const backend = scriptedBackend({
      setup_plan_rollback: [plan, plan],
      setup_rollback: call.running,
      cancel_operation: call.cancel,
    });
    const onDone = vi.fn();
    const onClose = vi.fn();
    render(RollbackDialog, { onClose, onDone });
    await fireEvent.click(await screen.findByTestId("rollback-confirm"));
    const stop = await screen.findByTestId("rollback-stop");
    expect(stop.textContent).toContain("Stop");
    await fireEvent.click(stop);
    // Part of the setup may already be gone: not the usual "nothing is lost".
    expect((await screen.findByTestId("rollback-stop-done")).textContent).toContain("stays removed");
    expect(screen.queryByTestId("error-banner")).toBeNull();
    expect(onDone).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
    await waitFor(() =>
      expect(backend.commands()).toEqual([
        "setup_plan_rollback",
        "setup_rollback",
        "cancel_operation",
        "setup_plan_rollback",
      ]),
    );
    expect(screen.getByTestId("rollback-items").textContent).toContain("Delete the enterprise application");
  });

  it("keyboard focus moves from Cancel to the sentence that replaces it", async () => {
    const call = untilCancelled();
    scriptedBackend({ setup_connect: [call.running, CONNECTED], cancel_operation: call.cancel });
    render(Connection, { app: APP, connection: null, onConnection: vi.fn(), onBack: vi.fn(), onNext: vi.fn() });
    await fireEvent.click(screen.getByTestId("test-connection"));
    const cancel = await screen.findByTestId("cancel-connection");
    cancel.focus();
    await fireEvent.click(cancel);
    // Still focusable while it stops: a disabled button would drop the focus.
    expect(cancel.getAttribute("aria-disabled")).toBe("true");
    expect(document.activeElement).toBe(cancel);
    const done = await screen.findByTestId("cancel-connection-done");
    await waitFor(() => expect(document.activeElement).toBe(done));
  });
});
