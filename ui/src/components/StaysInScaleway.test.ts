import { render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import StaysInScaleway from "./StaysInScaleway.svelte";
import Welcome from "../screens/Welcome.svelte";
import type { NeedsScalewayKey_Serialize as NeedsScalewayKey } from "$lib/bindings";
import { i18n } from "$lib/i18n/locale.svelte";

beforeEach(() => i18n.set("en"));

const LEFT: NeedsScalewayKey[] = [
  {
    action: "delete_token",
    id: "tok-pasted",
    message: "The SCIM token you gave stays valid in Scaleway: the app has no Scaleway API key to revoke it.",
  },
  { action: "disable_scim", id: null, message: "SCIM stays on in Scaleway." },
];

describe("what stays in Scaleway", () => {
  it("in the rollback dialog: the sentence, then each thing with its id when known", () => {
    render(StaysInScaleway, { items: LEFT, testid: "rollback-by-hand" });
    expect(screen.getByText(/this stays in Scaleway; do it in the Scaleway console/)).toBeTruthy();
    const items = [...screen.getByTestId("rollback-by-hand").querySelectorAll("li")];
    expect(items).toHaveLength(2);
    expect(items[0]?.textContent).toContain("stays valid in Scaleway");
    expect(items[0]?.querySelector(".id")?.textContent).toBe("tok-pasted");
    expect(items[1]?.querySelector(".id")).toBeNull();
  });

  it("in a banner: the same sentence and list, still with the ids to find each thing in the console", () => {
    render(StaysInScaleway, { items: LEFT, testid: "rolled-back-by-hand", inBanner: true });
    const list = screen.getByTestId("rolled-back-by-hand");
    const items = list.querySelectorAll("li");
    expect(items).toHaveLength(2);
    expect(list.textContent).toContain("stays valid in Scaleway");
    expect(items[0]?.querySelector(".id")?.textContent).toBe("tok-pasted");
    expect(items[1]?.querySelector(".id")).toBeNull();
  });

  it("says nothing when nothing stays", () => {
    const { container } = render(StaysInScaleway, { items: [], testid: "rollback-by-hand" });
    expect(container.textContent?.trim()).toBe("");
  });

  it("Welcome puts it in the rolled-back banner, after the partial sentence", () => {
    render(Welcome, { onStart: vi.fn(), rolledBack: true, leftInScaleway: LEFT });
    const banner = screen.getByTestId("rolled-back");
    expect(banner.getAttribute("role")).toBe("status");
    expect(banner.textContent).toContain("Everything the app could remove was removed");
    expect(banner.textContent).toContain("do it in the Scaleway console");
    expect(banner.contains(screen.getByTestId("rolled-back-by-hand"))).toBe(true);
  });

  it("Welcome says a full rollback without the list", () => {
    render(Welcome, { onStart: vi.fn(), rolledBack: true, leftInScaleway: [] });
    expect(screen.getByTestId("rolled-back").textContent).toContain("Everything this setup created was removed");
    expect(screen.queryByTestId("rolled-back-by-hand")).toBeNull();
  });
});
