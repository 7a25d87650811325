import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import Users from "./Users.svelte";
import { i18n } from "$lib/i18n/locale.svelte";
import { SEARCH_DELAY_MS } from "$lib/steps";
import { GUIDE_CHOICES } from "$lib/setupData";
import { IMPACT, PEOPLE, PREVIEW, uiError } from "../test/fixtures";
import { Fail, scriptedBackend } from "../test/ipc";

beforeEach(() => i18n.set("en"));
afterEach(() => {
  clearMocks();
  vi.useRealTimers();
});

function renderUsers() {
  const handlers = { onAssigned: vi.fn(), onBack: vi.fn(), onNext: vi.fn() };
  render(Users, { mappings: null, choices: GUIDE_CHOICES, assigned: [], onMappings: vi.fn(), ...handlers });
  return handlers;
}

async function typeQuery(text: string) {
  await fireEvent.input(screen.getByTestId("people-search"), { target: { value: text } });
}

describe("Users picker", () => {
  it("searches once typing pauses, not on every key", async () => {
    vi.useFakeTimers();
    const backend = scriptedBackend({ setup_search_people: PEOPLE, setup_impact: IMPACT });
    renderUsers();
    await typeQuery("a");
    await typeQuery("ad");
    await typeQuery("adele");
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS - 50);
    // Only the first page of the directory, asked for on arrival.
    expect(backend.calls.map((c) => c.args)).toEqual([{ query: "" }]);
    await vi.advanceTimersByTimeAsync(100);
    vi.useRealTimers();
    await screen.findByText("Adele Vance");
    expect(backend.calls).toEqual([
      { cmd: "setup_search_people", args: { query: "" } },
      { cmd: "setup_search_people", args: { query: "adele" } },
    ]);
  });

  it("Enter searches at once; nothing is sent for blanks", async () => {
    const backend = scriptedBackend({ setup_search_people: PEOPLE, setup_impact: IMPACT });
    renderUsers();
    await typeQuery("   ");
    await fireEvent.keyDown(screen.getByTestId("people-search"), { key: "Enter" });
    await typeQuery("sales");
    await fireEvent.keyDown(screen.getByTestId("people-search"), { key: "Enter" });
    await screen.findByText("Sales");
    expect(backend.calls.map((c) => c.args)).toEqual([{ query: "" }, { query: "sales" }]);
  });

  it("offers the first people of the directory at once, so picking needs no typing", async () => {
    const backend = scriptedBackend({
      setup_impact: IMPACT,
      setup_search_people: [PEOPLE, { users: [], groups: [], groups_unavailable: null }],
      setup_assign: [[]],
    });
    renderUsers();
    expect((await screen.findByTestId("directory-note")).textContent).toContain("Search to find someone else");
    await fireEvent.click(await screen.findByLabelText(/Adele Vance/));
    await fireEvent.click(screen.getByTestId("assign"));
    await waitFor(() => expect(backend.commands()).toContain("setup_assign"));

    // A search that finds no one, then an emptied box: the first page is back without asking again.
    await typeQuery("zz");
    await fireEvent.keyDown(screen.getByTestId("people-search"), { key: "Enter" });
    expect((await screen.findByTestId("no-results")).textContent).toBe("No one matches “zz”.");
    await typeQuery("");
    expect(await screen.findByTestId("directory-note")).toBeTruthy();
    expect(screen.getByRole("checkbox", { name: /Adele Vance/ })).toBeTruthy();
    expect(backend.calls.filter((c) => c.cmd === "setup_search_people").map((c) => c.args)).toEqual([
      { query: "" },
      { query: "zz" },
    ]);
  });

  it("says so when the directory offers no one", async () => {
    scriptedBackend({ setup_search_people: { users: [], groups: [], groups_unavailable: null } });
    renderUsers();
    expect((await screen.findByTestId("no-results")).textContent).toBe("Your directory has no one to offer yet.");
  });

  it("ticks users and groups with checkboxes (labelled, keyboard-usable) and assigns them by id", async () => {
    const backend = scriptedBackend({
      setup_search_people: PEOPLE,
      setup_assign: [
        [
          { principal_id: "u-adele", principal_type: "User", display_name: "Adele Vance", assignment_id: "a1", created: true },
          { principal_id: "g-sales", principal_type: "Group", display_name: "Sales", assignment_id: "a2", created: true },
        ],
      ],
    });
    const { onAssigned } = renderUsers();
    const assign = screen.getByTestId("assign") as HTMLButtonElement;
    expect(assign.disabled).toBe(true);
    await typeQuery("a");
    await fireEvent.keyDown(screen.getByTestId("people-search"), { key: "Enter" });

    const adele = (await screen.findByLabelText(/Adele Vance/)) as HTMLInputElement;
    expect(adele.type).toBe("checkbox");
    expect(screen.getByText("adele.vance@contoso.com")).toBeTruthy();
    await fireEvent.click(adele);
    await fireEvent.click(screen.getByLabelText(/Sales/));
    expect(adele.checked).toBe(true);
    expect(screen.getByTestId("selection").textContent).toContain("Adele Vance");
    expect(screen.getByTestId("screen-users").textContent).toContain("Selected: 2");

    // Unticking and re-ticking keeps one entry each.
    await fireEvent.click(screen.getByLabelText(/Alex Wilber/));
    await fireEvent.click(screen.getByRole("button", { name: "Remove Alex Wilber" }));
    expect(screen.getByTestId("screen-users").textContent).toContain("Selected: 2");

    expect(assign.disabled).toBe(false);
    await fireEvent.click(assign);
    await waitFor(() => expect(onAssigned).toHaveBeenCalled());
    expect(backend.calls.find((c) => c.cmd === "setup_assign")?.args).toEqual({
      principals: [
        { kind: "user", value: "u-adele" },
        { kind: "group", value: "g-sales" },
      ],
    });
  });

  it("says when no one matches, and when groups can't be listed", async () => {
    scriptedBackend({
      setup_search_people: [
        PEOPLE,
        { users: [], groups: [], groups_unavailable: null },
        { ...PEOPLE, groups: [], groups_unavailable: "missing Group.Read.All" },
      ],
    });
    renderUsers();
    await typeQuery("zz");
    await fireEvent.keyDown(screen.getByTestId("people-search"), { key: "Enter" });
    expect((await screen.findByTestId("no-results")).textContent).toBe("No one matches “zz”.");
    await typeQuery("ad");
    await fireEvent.keyDown(screen.getByTestId("people-search"), { key: "Enter" });
    expect(await screen.findByTestId("groups-unavailable")).toBeTruthy();
  });

  it("a collision keeps Assign closed until the domain is kept in usernames", async () => {
    const colliding = {
      ...IMPACT,
      create: [],
      collisions: [{ username: "adele.vance", upns: ["adele.vance@contoso.com", "adele.vance@fabrikam.com"] }],
    };
    const resolved = {
      ...IMPACT,
      create: [
        { upn: "adele.vance@contoso.com", username: "adele.vance@contoso.com" },
        { upn: "adele.vance@fabrikam.com", username: "adele.vance@fabrikam.com" },
      ],
      keep_full_upn: true,
    };
    const backend = scriptedBackend({
      setup_search_people: PEOPLE,
      setup_impact: [colliding, resolved],
      setup_apply_mappings: PREVIEW,
    });
    const onMappings = vi.fn();
    render(Users, {
      mappings: null,
      choices: GUIDE_CHOICES,
      assigned: [],
      onMappings,
      onAssigned: vi.fn(),
      onBack: vi.fn(),
      onNext: vi.fn(),
    });
    await fireEvent.click(await screen.findByRole("checkbox", { name: /Adele Vance/ }));
    const collisions = await screen.findByTestId("impact-collisions");
    expect(collisions.textContent).toContain("adele.vance@contoso.com, adele.vance@fabrikam.com");
    expect(collisions.getAttribute("role")).toBe("alert");
    expect((screen.getByTestId("assign") as HTMLButtonElement).disabled).toBe(true);
    // The Owner is named apart among those left alone.
    expect(screen.getByTestId("impact-untouched").textContent).toContain("olivia.owner (the Organization’s Owner)");

    await fireEvent.click(screen.getByTestId("keep-domain"));
    await waitFor(() => expect(screen.queryByTestId("impact-collisions")).toBeNull());
    expect((screen.getByTestId("assign") as HTMLButtonElement).disabled).toBe(false);
    expect(screen.getByTestId("impact-create").textContent).toContain("adele.vance@fabrikam.com, as “adele.vance@fabrikam.com”");
    expect(backend.calls.find((c) => c.cmd === "setup_apply_mappings")?.args).toEqual({
      choices: { ...GUIDE_CHOICES, keep_full_upn: true },
    });
    expect(onMappings).toHaveBeenCalledWith({ ...GUIDE_CHOICES, keep_full_upn: true }, PREVIEW);
  });

  it("a failed assignment is explained and can be retried", async () => {
    scriptedBackend({
      setup_impact: IMPACT,
      setup_search_people: PEOPLE,
      setup_assign: [new Fail(uiError("graph_throttled", { retryable: true })), []],
    });
    const { onAssigned } = renderUsers();
    await typeQuery("adele");
    await fireEvent.keyDown(screen.getByTestId("people-search"), { key: "Enter" });
    await fireEvent.click(await screen.findByLabelText(/Adele Vance/));
    await fireEvent.click(screen.getByTestId("assign"));
    expect((await screen.findByTestId("error-banner")).dataset.errorCode).toBe("graph_throttled");
    await fireEvent.click(screen.getByTestId("error-retry"));
    await waitFor(() => expect(onAssigned).toHaveBeenCalled());
  });
});
