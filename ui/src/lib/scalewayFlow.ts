// Step 1 (Scaleway) as a small, pure state machine, one decision per view:
//
//   credentials ──► enable (only when SCIM is off) ──► token ──► base_url (only when the app
//        │            (one click: enable, then mint;    ▲       could not find it) ──► ready
//        │             the token view only shows if     at the limit of two tokens:
//        │             minting failed)                  delete the older one, then mint
//        └── "I already have a token and Base URL" (manual path) ───────────────────► ready
//
// Practice mode connects with the sandbox's key by itself, so Back from enable/token leaves the step.
//
// It holds no secret: the secret key, a pasted token and a revealed token stay in the
// components that need them for the length of one call.

import type { Result } from "./api";
import type {
  ConnectReport_Serialize as ConnectReport,
  MintOutcome_Serialize as MintOutcome,
  ScimState_Serialize as ScimState,
  TokenSummary_Serialize as TokenSummary,
  UiError,
} from "./bindings";

export type View = "credentials" | "enable" | "token" | "base_url" | "ready";

/** The three ways of giving the Scaleway key (practice mode has its own single button). */
export const CREDENTIAL_METHODS = ["typed", "imported", "existing"] as const;
export type CredentialMethod = (typeof CREDENTIAL_METHODS)[number];

export type FlowState = {
  readonly view: View;
  readonly practice: boolean;
  /** The connection check's result; null before it, and on the manual path. */
  readonly report: ConnectReport | null;
  /** SCIM and its tokens, as last read. */
  readonly scim: ScimState | null;
  /** The token this setup uses; null until minted (and on the manual path, where it is not listed). */
  readonly token: TokenSummary | null;
  /** True when no new token was needed because this setup already had one. */
  readonly resumed: boolean;
  readonly storedInKeychain: boolean;
  /** The keychain refused the token right after it was made: Rust holds it in memory, and the
   *  admin can copy it, reveal it or try the keychain again. */
  readonly keychainProblem: UiError | null;
  /** A Base URL that Rust has checked against the SCIM endpoint with the token. */
  readonly baseUrl: string | null;
  /** True after "I already have a token and Base URL". */
  readonly manual: boolean;
  /** The keychain answered `keychain_unavailable`: offer to go on without storing the token. */
  readonly keychainUnavailable: boolean;
  /** Step 1 was finished in an earlier session: the setup was resumed past it. */
  readonly earlier: boolean;
};

export function initialFlow(practice: boolean): FlowState {
  return {
    view: "credentials",
    practice,
    report: null,
    scim: null,
    token: null,
    resumed: false,
    storedInKeychain: false,
    keychainProblem: null,
    baseUrl: null,
    manual: false,
    keychainUnavailable: false,
    earlier: false,
  };
}

/**
 * Step 1 as a resumed setup finds it: finished earlier, the token in the keychain and the Base URL
 * in the journal (Rust copies and reveals both; the page only learns the Base URL if it asks).
 */
export function finishedEarlier(): FlowState {
  return { ...initialFlow(false), view: "ready", resumed: true, storedInKeychain: true, earlier: true };
}

/** The key was checked: turn SCIM on if it is off, else go straight to the token. */
export function connected(state: FlowState, report: ConnectReport): FlowState {
  if (state.view !== "credentials") return state;
  return {
    ...initialFlow(state.practice),
    view: report.scim_enabled ? "token" : "enable",
    report,
  };
}

/** SCIM was turned on (the admin confirmed). */
export function enabled(state: FlowState, scim: ScimState): FlowState {
  if (state.view !== "enable" || !scim.enabled) return state;
  return { ...state, view: "token", scim };
}

/** A fresh read of SCIM and its tokens (on entering the token view, after a delete, after an error). */
export function scimLoaded(state: FlowState, scim: ScimState): FlowState {
  if (state.view !== "token") return { ...state, scim };
  // Someone turned SCIM off meanwhile: ask again.
  return { ...state, scim, view: scim.enabled ? "token" : "enable" };
}

/** The admin consented and the older token is gone; the new list comes back with it. */
export function tokenDeleted(state: FlowState, scim: ScimState): FlowState {
  return scimLoaded(state, scim);
}

/** The token exists (new or resumed) and is safe; the Base URL is next if the app could not find it. */
export function minted(state: FlowState, outcome: MintOutcome): FlowState {
  if (state.view !== "token") return state;
  const baseUrl = outcome.base_url?.trim() ? outcome.base_url : null;
  return {
    ...state,
    token: outcome.token,
    resumed: outcome.resumed,
    storedInKeychain: outcome.stored_in_keychain,
    keychainProblem: outcome.keychain_problem,
    baseUrl,
    view: baseUrl === null ? "base_url" : "ready",
  };
}

/**
 * The end of a mint attempt, from the enable view (right after turning SCIM on) or the token view:
 * on with the token, or the token view with what the error taught it. Report this state before the
 * error: a new view clears the error shown for the old one.
 */
export function mintSettled(state: FlowState, result: Result<MintOutcome>): FlowState {
  return result.status === "ok" ? minted(state, result.data) : failed(state, result.error);
}

/** "Try the keychain again" worked: the token is kept there now. */
export function keptInKeychain(state: FlowState): FlowState {
  if (state.keychainProblem === null) return state;
  return { ...state, storedInKeychain: true, keychainProblem: null };
}

/** The pasted Base URL answered like Scaleway's SCIM endpoint with our token. */
export function baseUrlVerified(state: FlowState, baseUrl: string): FlowState {
  if (state.view !== "base_url" || state.token === null) return state;
  return { ...state, baseUrl, view: "ready" };
}

/** Manual path: the pasted token and Base URL were both checked and the token is in the keychain. */
export function usedExisting(state: FlowState, baseUrl: string): FlowState {
  if (state.view !== "credentials" || state.practice) return state;
  return { ...initialFlow(false), manual: true, baseUrl, storedInKeychain: true, view: "ready" };
}

/** Remembers what an error tells the flow (today: that the keychain can't be reached). */
export function failed(state: FlowState, error: UiError): FlowState {
  if (error.code === "keychain_unavailable" && !state.keychainUnavailable) {
    return { ...state, keychainUnavailable: true };
  }
  return state;
}

/** Whether the token view must first get rid of a token (Scaleway allows two). */
export function mustDeleteFirst(state: FlowState): boolean {
  return state.view === "token" && state.scim?.at_token_limit === true;
}

/** The token to offer for deletion at the limit: the oldest one. Undated tokens count as oldest. */
export function olderToken(scim: ScimState | null): TokenSummary | null {
  if (!scim || scim.tokens.length === 0) return null;
  const time = (t: TokenSummary) => (t.created_at ? Date.parse(t.created_at) : Number.NEGATIVE_INFINITY);
  return [...scim.tokens].sort((a, b) => time(a) - time(b))[0] ?? null;
}

/** "Next" to the Entra step: a token exists and its Base URL was verified. */
export function canContinue(state: FlowState): boolean {
  if (state.view === "ready" && state.earlier) return true;
  return state.view === "ready" && state.baseUrl !== null && (state.token !== null || state.manual);
}

/**
 * The view "Back" returns to inside this step, or null when Back leaves the step. Once a token
 * exists there is nothing to redo before it, so Back leaves the step.
 */
export function previousView(state: FlowState): View | null {
  switch (state.view) {
    case "enable":
    case "token":
      // Practice connects by itself: going back to its credentials would only connect again.
      return state.practice ? null : "credentials";
    case "ready":
      return state.manual ? "credentials" : null;
    case "credentials":
    case "base_url":
      return null;
  }
}

export function back(state: FlowState): FlowState {
  return previousView(state) === null ? state : initialFlow(state.practice);
}
