import { beforeEach, describe, expect, it } from "vitest";
import { CLEAR_DELAY, CLEAR_DELAY_KEY, loadClearDelay, parseClearDelay, saveClearDelay } from "./settings";
import { settings } from "./settings.svelte";

beforeEach(() => localStorage.clear());

describe("clipboard clear delay", () => {
  it("accepts whole seconds from 5 to 120", () => {
    expect(parseClearDelay("5")).toBe(5);
    expect(parseClearDelay(" 30 ")).toBe(30);
    expect(parseClearDelay(120)).toBe(120);
    for (const bad of ["4", "121", "600", "", "abc", "10.5", "-10", "1e2", null, undefined, 3.5, NaN]) {
      expect(parseClearDelay(bad), String(bad)).toBeNull();
    }
  });

  it("defaults to 30 s and survives a bad stored value", () => {
    expect(loadClearDelay()).toBe(CLEAR_DELAY.default);
    localStorage.setItem(CLEAR_DELAY_KEY, "9999");
    expect(loadClearDelay()).toBe(30);
    saveClearDelay(45);
    expect(loadClearDelay()).toBe(45);
  });

  it("keeps only valid values in the reactive settings", () => {
    settings.reload();
    expect(settings.clearAfterSeconds).toBe(30);
    expect(settings.setClearAfterSeconds("2")).toBe(false);
    expect(settings.clearAfterSeconds).toBe(30);
    expect(settings.setClearAfterSeconds("121")).toBe(false);
    expect(settings.setClearAfterSeconds("90")).toBe(true);
    expect(settings.clearAfterSeconds).toBe(90);
    expect(localStorage.getItem(CLEAR_DELAY_KEY)).toBe("90");
  });
});
