// If the app's script fails to start, the admin must not be left looking at the static first
// frame: it is replaced by a sentence that says what to do.
import { waitFor } from "@testing-library/svelte";
import { expect, it, vi } from "vitest";

vi.mock("./app", () => ({
  mountApp: () => {
    throw new Error("a damaged installation");
  },
}));

it("a failed start replaces the first frame with a plain sentence, announced", async () => {
  document.body.innerHTML = '<div id="app"><div class="boot" aria-hidden="true">Scaleway SCIM Wizard</div></div>';
  vi.spyOn(console, "error").mockImplementation(() => {});
  // jsdom has finished loading by now, so main.ts starts the app at once.
  expect(document.readyState).toBe("complete");
  await import("./main");
  const alert = await waitFor(() => {
    const found = document.querySelector('#app [role="alert"]');
    expect(found).not.toBeNull();
    return found;
  });
  expect(alert?.textContent).toContain("could not start");
  expect(document.querySelector(".boot")).toBeNull();
});
