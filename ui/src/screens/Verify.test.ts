import { clearMocks } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import type { ProgressMessage_Serialize as ProgressMessage } from "$lib/bindings";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import Verify from "./Verify.svelte";
import { i18n } from "$lib/i18n/locale.svelte";
import type { ProofReport_Serialize as ProofReport } from "$lib/bindings";
import { proof, uiError } from "../test/fixtures";
import { Fail, scriptedBackend } from "../test/ipc";

beforeEach(() => i18n.set("en"));
afterEach(() => clearMocks());

const ASSIGNED = [
  { principal_id: "u-adele", principal_type: "User", display_name: "Adele Vance", assignment_id: "a1", created: true },
];

function renderVerify(props: { startOnArrival?: boolean; proof?: ProofReport | null } = {}) {
  const handlers = { onProof: vi.fn(), onBack: vi.fn(), onNext: vi.fn() };
  const view = render(Verify, {
    assigned: ASSIGNED,
    proof: props.proof ?? null,
    startOnArrival: props.startOnArrival ?? false,
    ...handlers,
  });
  return { ...handlers, ...view };
}

function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

function progress(step: string, phase: string, message: ProgressMessage, elapsed_ms: number) {
  return emit("setup-progress", { step, phase, message, elapsed_ms });
}

describe("Start & verify", () => {
  it("starts on arrival, shows the live progress, then the proof in words", async () => {
    const release = gate();
    scriptedBackend({
      setup_start_and_verify: async () => {
        await progress("start", "started", { kind: "starting" }, 10);
        await progress("start", "finished", { kind: "started" }, 400);
        await progress("proof", "started", { kind: "provisioning_on_demand", upn: "adele.vance@contoso.com" }, 500);
        await release.opened;
        await progress("proof", "finished", { kind: "proof", finding: { kind: "seen", upn: "adele.vance@contoso.com", username: "adele.vance", channel: "iam_users_api", cycle_finished: true } }, 5100);
        return proof();
      },
    });
    const { onProof, rerender } = renderVerify({ startOnArrival: true });

    const list = await screen.findByTestId("progress-list");
    await waitFor(() => expect(list.querySelectorAll("li")).toHaveLength(2));
    const lines = [...list.querySelectorAll("li")];
    expect(lines[0]?.textContent).toContain("Started provisioning.");
    expect(lines[0]?.className).toContain("done");
    expect(lines[1]?.textContent).toContain("Provisioning adele.vance@contoso.com on demand.");
    expect(lines[1]?.className).toContain("running");
    expect(screen.getByTestId("verify-running")).toBeTruthy();
    expect(screen.getByTestId("cancel-verify")).toBeTruthy();
    expect((screen.getByTestId("verify-next") as HTMLButtonElement).disabled).toBe(true);

    release.open();
    await waitFor(() => expect(onProof).toHaveBeenCalledWith(proof()));
    await rerender({ proof: proof() });
    expect(screen.getByTestId("proof-headline").textContent).toBe("adele.vance now exists in Scaleway");
    expect(screen.getByTestId("progress-list").textContent).toContain("is in Scaleway as “adele.vance”");
    expect((screen.getByTestId("verify-next") as HTMLButtonElement).disabled).toBe(false);
    // Checked with the API key: nothing more to say.
    expect(screen.queryByTestId("proof-channel")).toBeNull();
  });

  it("says when the user was found through SCIM with the token (no Scaleway key)", async () => {
    scriptedBackend({});
    renderVerify({ proof: proof({ checked_through: "scim" }) });
    expect(screen.getByTestId("proof-headline").textContent).toBe("adele.vance now exists in Scaleway");
    expect(screen.getByTestId("proof-channel").textContent).toContain("Checked through SCIM with your token");
  });

  it("Cancel stops it: said plainly, and Check again restarts", async () => {
    const release = gate();
    const backend = scriptedBackend({
      setup_start_and_verify: [
        async () => {
          await progress("start", "started", { kind: "starting" }, 10);
          await release.opened;
          return new Fail(uiError("cancelled"));
        },
        proof(),
      ],
      cancel_operation: null,
    });
    const { onProof } = renderVerify();
    await fireEvent.click(screen.getByTestId("start-verify"));
    const cancel = (await screen.findByTestId("cancel-verify")) as HTMLButtonElement;
    expect(cancel.textContent?.trim()).toBe("Cancel");
    await fireEvent.click(cancel);
    // Until Rust answers: said in the status line and on the button, which asks only once.
    await waitFor(() => expect(screen.getByTestId("verify-running").textContent).toBe("Stopping…"));
    expect(cancel.getAttribute("aria-disabled")).toBe("true");
    expect(cancel.textContent?.trim()).toBe("Stopping…");
    await fireEvent.click(cancel);

    release.open();
    expect((await screen.findByTestId("cancel-verify-done")).textContent).toContain("Stopped.");
    expect(screen.queryByTestId("cancel-verify")).toBeNull();
    expect(screen.queryByTestId("error-banner")).toBeNull();
    expect((screen.getByTestId("back") as HTMLButtonElement).disabled).toBe(false);
    const again = screen.getByTestId("start-verify");
    expect(again.textContent).toContain("Check again");
    await fireEvent.click(again);
    await waitFor(() => expect(onProof).toHaveBeenCalled());
    expect(screen.queryByTestId("cancel-verify-done")).toBeNull();
    expect(backend.commands()).toEqual(["setup_start_and_verify", "cancel_operation", "setup_start_and_verify"]);
  });

  it("a stopped run hides the earlier answer; the next run's failure replaces the Stopped note", async () => {
    const release = gate();
    scriptedBackend({
      setup_start_and_verify: [
        async () => {
          await release.opened;
          return new Fail(uiError("cancelled"));
        },
        new Fail(uiError("provisioning_failed", { retryable: true })),
      ],
      cancel_operation: () => {
        release.open();
        return null;
      },
    });
    renderVerify({ proof: proof({ verified: false, message: "Not there yet." }) });
    expect(screen.getByTestId("verify-outcome")).toBeTruthy();
    await fireEvent.click(screen.getByTestId("start-verify"));
    await fireEvent.click(await screen.findByTestId("cancel-verify"));
    await screen.findByTestId("cancel-verify-done");
    expect(screen.queryByTestId("verify-outcome")).toBeNull();

    await fireEvent.click(screen.getByTestId("start-verify"));
    expect((await screen.findByTestId("error-banner")).dataset.errorCode).toBe("provisioning_failed");
    expect(screen.queryByTestId("cancel-verify-done")).toBeNull();
  });

  it("explains a quarantined job in plain words", async () => {
    scriptedBackend({});
    renderVerify({
      proof: proof({
        verified: false,
        expected_username: null,
        finding: { kind: "no_user_to_check" },
        message: "Provisioning is paused.",
        job: {
          job_id: "scim.1",
          status_code: "Quarantine",
          schedule_state: "Active",
          healthy: false,
          steady_state_reached: false,
          last_cycle: { state: "Failed", began: null, ended: null, exported: 0, failed: 0, error: "Scaleway said: invalid token" },
          quarantine: {
            reason: "EncounteredQuarantineException",
            cause: "scaleway_refuses",
            service_message: "Scaleway refused the token.",
            next_attempt: null,
          },
          condition: "quarantined",
          users_in_sync: null,
          groups_in_sync: null,
        },
      }),
    });
    expect(screen.getByTestId("proof-not-yet").textContent).toContain("the test user isn’t in Scaleway yet");
    const job = screen.getByTestId("job-health").textContent ?? "";
    expect(job).toContain("Provisioning job: needs attention");
    expect(job).toContain("Entra paused provisioning (quarantine)");
    expect(job).toContain("Scaleway refused the token.");
    expect(job).toContain("Scaleway said: invalid token");
    expect(screen.getByTestId("start-verify").textContent).toContain("Check again");
  });

  it("a failure shows the banner with Roll back when offered", async () => {
    scriptedBackend({ setup_start_and_verify: new Fail(uiError("provisioning_failed", { retryable: true })) });
    const onRollBack = vi.fn();
    render(Verify, { assigned: ASSIGNED, proof: null, startOnArrival: true, onProof: vi.fn(), onBack: vi.fn(), onNext: vi.fn(), onRollBack });
    await screen.findByTestId("error-banner");
    await fireEvent.click(screen.getByTestId("error-rollback"));
    expect(onRollBack).toHaveBeenCalled();
  });
});
