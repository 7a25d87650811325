import { describe, expect, it } from "vitest";
import type { UiError } from "./bindings";
import {
  SCREENS,
  TOTAL_STEPS,
  back,
  canGoBack,
  canGoNext,
  clearError,
  fail,
  initialState,
  next,
  reset,
  start,
  stepNumber,
  type WizardState,
} from "./wizard";

const error: UiError = { code: "internal", message: "Boom", hint: "", retryable: true };

describe("wizard state machine", () => {
  it("starts on the Welcome screen with no mode and no error", () => {
    expect(initialState()).toEqual({ screen: "welcome", mode: null, error: null });
  });

  it.each(["real", "sandbox"] as const)("start(%s) goes to the Scaleway screen in that mode", (mode) => {
    expect(start(initialState(), mode)).toEqual({ screen: "scaleway", mode, error: null });
  });

  it("start only works from Welcome", () => {
    const s = start(initialState(), "real");
    expect(start(s, "sandbox")).toBe(s);
  });

  it("next walks every screen in order and stops at done", () => {
    let s: WizardState = start(initialState(), "sandbox");
    const seen = [s.screen];
    while (canGoNext(s)) {
      s = next(s);
      seen.push(s.screen);
    }
    expect(seen).toEqual(SCREENS.slice(1));
    expect(s.mode).toBe("sandbox");
    expect(next(s)).toBe(s);
  });

  it("next does nothing on Welcome (the mode must be chosen first)", () => {
    const s = initialState();
    expect(canGoNext(s)).toBe(false);
    expect(next(s)).toBe(s);
  });

  it("back returns to the previous screen and keeps the mode", () => {
    const s = next(start(initialState(), "real"));
    expect(s.screen).toBe("entra");
    expect(back(s)).toEqual({ screen: "scaleway", mode: "real", error: null });
  });

  it("back from the first step returns to Welcome and forgets the mode", () => {
    const s = start(initialState(), "sandbox");
    expect(canGoBack(s)).toBe(true);
    expect(back(s)).toEqual(initialState());
  });

  it("cannot go back from Welcome or once done", () => {
    const welcome = initialState();
    expect(canGoBack(welcome)).toBe(false);
    expect(back(welcome)).toBe(welcome);

    const done: WizardState = { screen: "done", mode: "real", error: null };
    expect(canGoBack(done)).toBe(false);
    expect(back(done)).toBe(done);
  });

  it("fail records the error without moving; clearError and any move drop it", () => {
    const s = start(initialState(), "real");
    const failed = fail(s, error);
    expect(failed).toEqual({ ...s, error });
    expect(clearError(failed)).toEqual(s);
    expect(next(failed).error).toBeNull();
    expect(back(failed).error).toBeNull();
  });

  it("clearError returns the same state when there is no error", () => {
    const s = initialState();
    expect(clearError(s)).toBe(s);
  });

  it("never mutates its input", () => {
    const s = Object.freeze(start(initialState(), "real"));
    expect(() => next(s)).not.toThrow();
    expect(() => back(s)).not.toThrow();
    expect(() => fail(s, error)).not.toThrow();
    expect(s.screen).toBe("scaleway");
  });

  it("reset goes back to the initial state", () => {
    expect(reset()).toEqual(initialState());
  });

  it("maps screens to the guide's four steps", () => {
    expect(TOTAL_STEPS).toBe(4);
    expect(SCREENS.map(stepNumber)).toEqual([null, 1, 2, 3, 4, 4, 4, null]);
  });
});
