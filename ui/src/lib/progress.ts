// The live progress of a long operation, from the `setup-progress` events Rust sends.

import {
  events,
  type Phase,
  type ProgressMessage_Serialize as ProgressMessage,
  type SetupProgress_Serialize as SetupProgress,
  type SignInPrompt_Serialize as SignInPrompt,
  type Step,
} from "./bindings";

type Unlisten = () => unknown;

/** Stopping to listen never fails loudly (the window may be closing, the backend gone). */
function quietly(unlisten: Unlisten): () => void {
  return () => {
    try {
      void Promise.resolve(unlisten()).catch(() => {});
    } catch {
      // Nothing to stop.
    }
  };
}

/** Listens while an operation runs; returns how to stop. Without a backend it does nothing. */
export async function listenProgress(onEvent: (event: SetupProgress) => void): Promise<() => void> {
  try {
    return quietly(await events.setupProgress.listen((event) => onEvent(event.payload)));
  } catch {
    return () => {};
  }
}

/** Listens for the sign-in prompt (the link to open, or the device code) while signing in. */
export async function listenSignInPrompt(onPrompt: (prompt: SignInPrompt) => void): Promise<() => void> {
  try {
    return quietly(await events.signInPrompt.listen((event) => onPrompt(event.payload)));
  } catch {
    // Without events the admin still gets the result; only the link is missing.
    return () => {};
  }
}

export type ProgressLine = {
  readonly step: Step;
  readonly message: ProgressMessage;
  readonly elapsedMs: number;
  readonly phase: Phase;
};

/**
 * The list the admin sees: one line per step, updated in place as its phase changes
 * ("started" → "finished"), in the order the steps began.
 */
export function addProgress(lines: readonly ProgressLine[], event: SetupProgress): ProgressLine[] {
  const line: ProgressLine = { step: event.step, message: event.message, elapsedMs: event.elapsed_ms, phase: event.phase };
  const i = lines.findIndex((l) => l.step === event.step);
  if (i === -1) return [...lines, line];
  return lines.map((l, j) => (j === i ? line : l));
}

/** Whether a line's phase says it is over (the last one still running shows a spinner). */
export function isFinished(phase: Phase): boolean {
  return phase === "finished" || phase === "skipped";
}

/** Whether a line's phase says it failed. */
export function isFailed(phase: Phase): boolean {
  return phase === "failed";
}

/** Listens for "closing now would lose the SCIM token held in memory" for the app's life. */
export async function listenQuitBlocked(onBlocked: () => void): Promise<() => void> {
  try {
    return quietly(await events.quitBlocked.listen(() => onBlocked()));
  } catch {
    return () => {};
  }
}
