import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import QuitDialog from "./QuitDialog.svelte";
import { i18n } from "$lib/i18n/locale.svelte";
import { scriptedBackend } from "../test/ipc";

beforeEach(() => i18n.set("en"));
afterEach(() => clearMocks());

describe("QuitDialog", () => {
  it("says the token would be lost, lets the admin stay, or quit knowingly", async () => {
    const backend = scriptedBackend({ quit_app: null });
    const onClose = vi.fn();
    render(QuitDialog, { onClose });
    const dialog = screen.getByRole("alertdialog");
    expect(dialog.textContent).toContain("Scaleway never shows a token twice");
    expect(screen.getByTestId("quit-copy-token")).toBeTruthy();
    await fireEvent.click(screen.getByTestId("quit-stay"));
    expect(onClose).toHaveBeenCalledOnce();
    expect(backend.calls).toHaveLength(0);
    await fireEvent.click(screen.getByTestId("quit-anyway"));
    await waitFor(() => expect(backend.calls).toEqual([{ cmd: "quit_app", args: { discardUnsavedToken: true } }]));
  });

  it("is worded in French too", () => {
    i18n.set("fr");
    scriptedBackend({});
    render(QuitDialog, { onClose: vi.fn() });
    expect(screen.getByRole("alertdialog").textContent).toContain("Scaleway n’affiche jamais un jeton deux fois");
  });
});
