// The wizard's screens as a small, pure state machine.
// Every function returns a new state and never mutates its input.
//
//   welcome ──start(mode)──► scaleway ─► entra ─► connection ─► mappings ─► users ─► verify ─► done
//      │                        ▲  next / back (no back from done)                              │
//      ├──resume(next_screen)───┴── straight to the screen an unfinished setup continues on     │
//      ├──resume("done")──► home ◄──openHome()── from Done ◄───────────────────────────────────┤
//      │                     ├──addPeople()──► users ─► verify ─► done                           │
//      │                     └──checkAgain()──► verify ─► done                                   │
//      ◄──rolledBack()── from any screen once something was created (failure banner or Done) ◄──┘

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
  "home",
] as const;

export type Screen = (typeof SCREENS)[number];
export type Mode = "real" | "sandbox";

export type WizardState = {
  readonly screen: Screen;
  /** Chosen on the Welcome screen; null until then. */
  readonly mode: Mode | null;
  /** The last failure to show, cleared by any move. */
  readonly error: UiError | null;
  /**
   * True once the Entra app exists (created now or found by a resumed setup): from then on
   * "Roll back" can undo what the setup created, from Done and from any failure.
   */
  readonly created: boolean;
  /** True on the Welcome screen right after a rollback, to say that it is done. */
  readonly rolledBack: boolean;
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
  home: null,
};

export function initialState(): WizardState {
  return { screen: "welcome", mode: null, error: null, created: false, rolledBack: false };
}

export function isScreen(value: unknown): value is Screen {
  return typeof value === "string" && (SCREENS as readonly string[]).includes(value);
}

/** Leaves the Welcome screen in the chosen mode. */
export function start(state: WizardState, mode: Mode): WizardState {
  if (state.screen !== "welcome") return state;
  return { ...initialState(), screen: "scaleway", mode };
}

/**
 * Continues an unfinished setup (real accounts only: practice setups never resume) on the screen
 * Rust named. An unknown name, or "welcome", starts at step 1.
 */
export function resume(state: WizardState, nextScreen: string): WizardState {
  if (state.screen !== "welcome") return state;
  // A finished setup opens on its home screen.
  if (nextScreen === "done" || nextScreen === "home") return { ...initialState(), screen: "home", mode: "real", created: true };
  const screen: Screen = isScreen(nextScreen) && nextScreen !== "welcome" ? nextScreen : "scaleway";
  const created = SCREENS.indexOf(screen) > SCREENS.indexOf("entra");
  return { ...initialState(), screen, mode: "real", created };
}

export function canGoNext(state: WizardState): boolean {
  return state.screen !== "welcome" && state.screen !== "done" && state.screen !== "home";
}

export function next(state: WizardState): WizardState {
  if (!canGoNext(state)) return state;
  const i = SCREENS.indexOf(state.screen);
  return { ...state, screen: SCREENS[i + 1] ?? state.screen, error: null };
}

/** Back is offered on every step screen, but not on Welcome nor once the setup is done. */
export function canGoBack(state: WizardState): boolean {
  return state.screen !== "welcome" && state.screen !== "done" && state.screen !== "home";
}

/** Done → the setup's home (where its later changes are made). */
export function openHome(state: WizardState): WizardState {
  if (state.screen !== "done") return state;
  return { ...state, screen: "home", error: null };
}

/** Home → the Users screen, to assign more people or groups (then the proof again). */
export function addPeople(state: WizardState): WizardState {
  if (state.screen !== "home") return state;
  return { ...state, screen: "users", error: null };
}

/** Home → Start & verify: one assigned person sent now and looked for in Scaleway. */
export function checkAgain(state: WizardState): WizardState {
  if (state.screen !== "home") return state;
  return { ...state, screen: "verify", error: null };
}

export function back(state: WizardState): WizardState {
  if (!canGoBack(state)) return state;
  const i = SCREENS.indexOf(state.screen);
  const screen = SCREENS[i - 1] ?? "welcome";
  // Returning to Welcome means the mode can be chosen again.
  if (screen === "welcome") return initialState();
  return { ...state, screen, error: null };
}

/** The Entra app now exists: Roll back becomes available. */
export function markCreated(state: WizardState): WizardState {
  return state.created ? state : { ...state, created: true };
}

/** Whether "Roll back" is offered (on Done, and in failure banners). */
export function canRollBack(state: WizardState): boolean {
  return state.created && state.screen !== "welcome";
}

/** Everything the setup created was removed: back to Welcome, saying so. */
export function rolledBack(state: WizardState): WizardState {
  if (!canRollBack(state)) return state;
  return { ...initialState(), rolledBack: true };
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
