// A scripted backend for component tests: each command answers from a table, every call is
// recorded, and a UiError is thrown the way Tauri rejects with one.

import { mockIPC } from "@tauri-apps/api/mocks";
import type { UiError } from "$lib/bindings";

export type Call = { cmd: string; args: Record<string, unknown> };
export type Answer = unknown | ((args: Record<string, unknown>) => unknown);

/** Rejects the command with this UiError. */
export class Fail {
  constructor(readonly error: UiError) {}
}

export function scriptedBackend(table: Record<string, Answer | Answer[]>) {
  const calls: Call[] = [];
  const queues = new Map<string, Answer[]>();
  for (const [cmd, answer] of Object.entries(table)) {
    queues.set(cmd, Array.isArray(answer) ? [...answer] : [answer]);
  }
  // Events are mocked too: `emit` from a test (or from an answer) reaches the page's listeners.
  mockIPC(async (cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args });
    const queue = queues.get(cmd);
    if (!queue || queue.length === 0) throw new Error(`unexpected command ${cmd}`);
    // The last answer repeats.
    const answer = queue.length > 1 ? queue.shift() : queue[0];
    const value: unknown = await (typeof answer === "function"
      ? (answer as (a: Record<string, unknown>) => unknown)(args)
      : answer);
    if (value instanceof Fail) throw value.error;
    return value;
  }, { shouldMockEvents: true });
  return {
    calls,
    // The App's reads at start (version, the setups on this computer) are left out.
    commands: () => calls.map((c) => c.cmd).filter((c) => !["app_info", "resume_info", "setups_list"].includes(c)),
  };
}
