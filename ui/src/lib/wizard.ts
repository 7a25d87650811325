// The wizard's screens as a small, pure state machine.
// Every function returns a new state and never mutates its input.

import type { UiError } from "./bindings";

export const SCREENS = [
  "welcome",
  "scaleway",
  "entra",
  "connection",
  "mappings",
  "users",
  "verify",
  "done",
] as const;

export type Screen = (typeof SCREENS)[number];
export type Mode = "real" | "sandbox";

export type WizardState = {
  readonly screen: Screen;
  /** Chosen on the Welcome screen; null until then. */
  readonly mode: Mode | null;
  /** The last failure to show, cleared by any move. */
  readonly error: UiError | null;
};

/** The four steps of Scaleway's guide, as shown in the progress indicator. */
export const TOTAL_STEPS = 4;

const STEP_OF: Readonly<Record<Screen, number | null>> = {
  welcome: null,
  scaleway: 1,
  entra: 2,
  connection: 3,
  mappings: 4,
  users: 4,
  verify: 4,
  done: null,
};

export function initialState(): WizardState {
  return { screen: "welcome", mode: null, error: null };
}

/** Leaves the Welcome screen in the chosen mode. */
export function start(state: WizardState, mode: Mode): WizardState {
  if (state.screen !== "welcome") return state;
  return { screen: "scaleway", mode, error: null };
}

export function canGoNext(state: WizardState): boolean {
  return state.screen !== "welcome" && state.screen !== "done";
}

export function next(state: WizardState): WizardState {
  if (!canGoNext(state)) return state;
  const i = SCREENS.indexOf(state.screen);
  return { ...state, screen: SCREENS[i + 1] ?? state.screen, error: null };
}

/** Back is offered on every step screen, but not on Welcome nor once the setup is done. */
export function canGoBack(state: WizardState): boolean {
  return state.screen !== "welcome" && state.screen !== "done";
}

export function back(state: WizardState): WizardState {
  if (!canGoBack(state)) return state;
  const i = SCREENS.indexOf(state.screen);
  const screen = SCREENS[i - 1] ?? "welcome";
  // Returning to Welcome means the mode can be chosen again.
  return { screen, mode: screen === "welcome" ? null : state.mode, error: null };
}

export function fail(state: WizardState, error: UiError): WizardState {
  return { ...state, error };
}

export function clearError(state: WizardState): WizardState {
  return state.error === null ? state : { ...state, error: null };
}

export function reset(): WizardState {
  return initialState();
}

/** Which of the four steps a screen belongs to (1-based), or null outside the steps. */
export function stepNumber(screen: Screen): number | null {
  return STEP_OF[screen];
}
