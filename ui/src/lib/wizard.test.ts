import { describe, expect, it } from "vitest";
import type { UiError } from "./bindings";
import {
  SCREENS,
  TOTAL_STEPS,
  addPeople,
  back,
  canGoBack,
  canGoNext,
  canRollBack,
  checkAgain,
  clearError,
  fail,
  initialState,
  isScreen,
  markCreated,
  next,
  openHome,
  reset,
  resume,
  rolledBack,
  start,
  stepNumber,
  type Screen,
  type WizardState,
} from "./wizard";

const error: UiError = { code: "internal", message: "Boom", hint: "", retryable: true };

function at(screen: Screen, partial: Partial<WizardState> = {}): WizardState {
  return { ...initialState(), screen, mode: "real", ...partial };
}

describe("wizard state machine", () => {
  it("starts on the Welcome screen with no mode, no error, nothing created", () => {
    expect(initialState()).toEqual({ screen: "welcome", mode: null, error: null, created: false, rolledBack: false });
  });

  it.each(["real", "sandbox"] as const)("start(%s) goes to the Scaleway screen in that mode", (mode) => {
    expect(start(initialState(), mode)).toEqual({ ...initialState(), screen: "scaleway", mode });
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
    // Home is reached from Done on purpose (openHome), not by Next.
    expect(seen).toEqual(SCREENS.slice(1, SCREENS.indexOf("home")));
    expect(s.mode).toBe("sandbox");
    expect(next(s)).toBe(s);
  });

  it("next does nothing on Welcome (the mode must be chosen first)", () => {
    const s = initialState();
    expect(canGoNext(s)).toBe(false);
    expect(next(s)).toBe(s);
  });

  it("back returns to the previous screen and keeps the mode and what was created", () => {
    const s = markCreated(at("connection"));
    expect(back(s)).toEqual({ ...s, screen: "entra" });
    expect(back(next(start(initialState(), "real")))).toEqual({ ...initialState(), screen: "scaleway", mode: "real" });
  });

  it("back walks every screen from verify to Welcome", () => {
    let s: WizardState = at("verify");
    const seen = [s.screen];
    while (canGoBack(s)) {
      s = back(s);
      seen.push(s.screen);
    }
    expect(seen).toEqual(["verify", "users", "mappings", "connection", "entra", "scaleway", "welcome"]);
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

    const done = at("done");
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
    expect(() => markCreated(s)).not.toThrow();
    expect(s.screen).toBe("scaleway");
  });

  it("reset goes back to the initial state", () => {
    expect(reset()).toEqual(initialState());
  });

  it("maps screens to the guide's four steps", () => {
    expect(TOTAL_STEPS).toBe(4);
    expect(SCREENS.map(stepNumber)).toEqual([null, 1, 2, 3, 4, 4, 4, null, null]);
  });

  it("knows its screen names", () => {
    expect(SCREENS.every(isScreen)).toBe(true);
    expect(isScreen("nowhere")).toBe(false);
    expect(isScreen(3)).toBe(false);
  });
});

describe("resume", () => {
  it.each([
    ["scaleway", false],
    ["entra", false],
    ["connection", true],
    ["mappings", true],
    ["users", true],
    ["verify", true],
  ] as const)("resume(%s) opens that screen with real accounts (created: %s)", (screen, created) => {
    expect(resume(initialState(), screen)).toEqual({ ...initialState(), screen, mode: "real", created });
  });

  it("a finished setup opens on its home screen, from which it can be rolled back", () => {
    const home = resume(initialState(), "done");
    expect(home).toEqual({ ...initialState(), screen: "home", mode: "real", created: true });
    expect(canGoNext(home)).toBe(false);
    expect(canGoBack(home)).toBe(false);
    expect(canRollBack(home)).toBe(true);
  });

  it("an unknown screen name, or welcome, continues at step 1", () => {
    expect(resume(initialState(), "somewhere-new").screen).toBe("scaleway");
    expect(resume(initialState(), "welcome").screen).toBe("scaleway");
  });

  it("only resumes from Welcome, and clears a Welcome error", () => {
    const s = at("users");
    expect(resume(s, "verify")).toBe(s);
    expect(resume(fail(initialState(), error), "entra").error).toBeNull();
  });

  it("a resumed setup continues forward and can go back to step 1", () => {
    const s = resume(initialState(), "entra");
    expect(next(s).screen).toBe("connection");
    expect(back(s).screen).toBe("scaleway");
  });
});

describe("home", () => {
  it("is opened from Done only", () => {
    expect(openHome(at("done")).screen).toBe("home");
    const users = at("users");
    expect(openHome(users)).toBe(users);
  });

  it("adds people on the Users screen, then goes on to the proof and Done", () => {
    const users = addPeople(resume(initialState(), "done"));
    expect(users.screen).toBe("users");
    expect(next(users).screen).toBe("verify");
    expect(next(next(users)).screen).toBe("done");
  });

  it("checks again on Start & verify", () => {
    const home = resume(initialState(), "done");
    expect(checkAgain(home).screen).toBe("verify");
    expect(checkAgain(at("users")).screen).toBe("users");
    expect(addPeople(at("verify")).screen).toBe("verify");
  });
});

describe("failure → rollback", () => {
  it("offers Roll back only once the Entra app exists", () => {
    expect(canRollBack(at("scaleway"))).toBe(false);
    expect(canRollBack(at("entra"))).toBe(false);
    const created = markCreated(at("entra"));
    expect(canRollBack(created)).toBe(true);
    expect(canRollBack(next(created))).toBe(true);
    expect(markCreated(created)).toBe(created);
  });

  it("a failure on any later screen keeps Roll back available", () => {
    for (const screen of ["connection", "mappings", "users", "verify", "done"] as const) {
      const failed = fail(markCreated(at(screen)), error);
      expect(canRollBack(failed), screen).toBe(true);
    }
  });

  it("rolledBack returns to Welcome, says so, and forgets mode, error and what was created", () => {
    const failed = fail(markCreated(at("verify")), error);
    const after = rolledBack(failed);
    expect(after).toEqual({ ...initialState(), rolledBack: true });
    expect(canRollBack(after)).toBe(false);
    // The notice goes away with the next start.
    expect(start(after, "sandbox").rolledBack).toBe(false);
  });

  it("rolledBack does nothing when nothing can be rolled back", () => {
    const s = at("mappings");
    expect(rolledBack(s)).toBe(s);
  });

  it("rollback from home, after a resume", () => {
    const done = resume(initialState(), "done");
    expect(canRollBack(done)).toBe(true);
    expect(rolledBack(done).screen).toBe("welcome");
  });
});
