import { afterEach, describe, expect, it, vi } from "vitest";
import {
  debounce,
  formatElapsed,
  isPicked,
  mappingLabel,
  pickGroup,
  pickUser,
  principals,
  provedUsername,
  searchable,
  togglePick,
} from "./steps";
import { addProgress, isFailed, isFinished } from "./progress";

afterEach(() => vi.useRealTimers());

describe("steps helpers", () => {
  it("turns people and groups into picks, toggles them, and sends ids", () => {
    const adele = pickUser({ id: "u1", display_name: "Adele Vance", user_principal_name: "adele@x", mail: null });
    const noName = pickUser({ id: "u2", display_name: null, user_principal_name: "bob@x", mail: null });
    const sales = pickGroup({ id: "g1", display_name: "Sales", description: null });
    expect(adele).toEqual({ kind: "user", id: "u1", label: "Adele Vance", detail: "adele@x" });
    expect(noName).toEqual({ kind: "user", id: "u2", label: "bob@x", detail: null });
    let selection = togglePick([], adele);
    selection = togglePick(selection, sales);
    expect(isPicked(selection, adele)).toBe(true);
    expect(principals(selection)).toEqual([
      { kind: "user", value: "u1" },
      { kind: "group", value: "g1" },
    ]);
    expect(togglePick(selection, adele)).toEqual([sales]);
  });

  it("searches only for something with a letter or digit", () => {
    expect(searchable("  ")).toBe(false);
    expect(searchable("-*")).toBe(false);
    expect(searchable("é")).toBe(true);
    expect(searchable("4")).toBe(true);
  });

  it("debounces", () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const d = debounce(fn, 300);
    d.call("a");
    d.call("ab");
    vi.advanceTimersByTime(299);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledExactlyOnceWith("ab");
    d.call("x");
    d.cancel();
    vi.advanceTimersByTime(1000);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("labels every mapping change, with a fallback", () => {
    expect(mappingLabel("user_name")).toBe("mappings.what.user_name");
    expect(mappingLabel("group_provisioning")).toBe("mappings.what.group_provisioning");
    expect(mappingLabel("name_formatted")).toBe("mappings.what.name_formatted");
    expect(mappingLabel("display_name")).toBe("mappings.what.display_name");
    expect(mappingLabel("new_thing")).toBe("mappings.what.other");
  });

  it("says who was proved, from the username or the UPN", () => {
    expect(provedUsername({ expected_username: "adele.vance", user_principal_name: "a@x" })).toBe("adele.vance");
    expect(provedUsername({ expected_username: null, user_principal_name: "adele.vance@contoso.com" })).toBe("adele.vance");
    expect(provedUsername({ expected_username: null, user_principal_name: null })).toBeNull();
  });

  it("formats elapsed time", () => {
    expect(formatElapsed(400)).toBe("0.4 s");
    expect(formatElapsed(12_400)).toBe("12 s");
    expect(formatElapsed(65_000)).toBe("1 min 05 s");
  });
});

describe("progress lines", () => {
  it("keeps one line per step, updated in place, in the order steps began", () => {
    let lines = addProgress([], { step: "start", phase: "started", message: { kind: "starting" }, elapsed_ms: 1 });
    lines = addProgress(lines, {
      step: "proof",
      phase: "started",
      message: { kind: "checking_user_arrives" },
      elapsed_ms: 2,
    });
    lines = addProgress(lines, { step: "start", phase: "finished", message: { kind: "started" }, elapsed_ms: 3 });
    expect(lines.map((l) => [l.step, l.message.kind, l.phase])).toEqual([
      ["start", "started", "finished"],
      ["proof", "checking_user_arrives", "started"],
    ]);
  });

  it("reads the phases", () => {
    expect(isFinished("finished")).toBe(true);
    expect(isFinished("skipped")).toBe(true);
    expect(isFinished("started")).toBe(false);
    expect(isFailed("failed")).toBe(true);
    expect(isFailed("progress")).toBe(false);
  });
});
