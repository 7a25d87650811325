// Thin helpers over the generated bindings. All IPC goes through ./bindings.

import { commands, type AppInfo, type UiError } from "./bindings";
import { toUiError } from "./errors";

/** What a fallible command resolves to, as tauri-specta types it. */
export type Result<T> = { status: "ok"; data: T } | { status: "error"; error: UiError };

/** The app's name and version, or null when the backend can't be reached (e.g. in a plain browser). */
export async function loadAppInfo(): Promise<AppInfo | null> {
  try {
    return await commands.appInfo();
  } catch {
    return null;
  }
}

/**
 * Waits for a fallible command and never throws: a missing backend, a bug or a malformed error
 * becomes an "internal" UiError (shown with the localized sentence, never a raw exception text).
 */
export async function settle<T>(pending: Promise<Result<T>>): Promise<Result<T>> {
  try {
    const result = await pending;
    return result.status === "ok" ? result : { status: "error", error: toUiError(result.error) };
  } catch (thrown) {
    return { status: "error", error: toUiError(thrown) };
  }
}
