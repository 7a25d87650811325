// Thin helpers over the generated bindings. All IPC goes through ./bindings.
// A command that fails rejects with a UiError; use toUiError() from ./errors in the catch.

import { commands, type AppInfo } from "./bindings";

/** The app's name and version, or null when the backend can't be reached (e.g. in a plain browser). */
export async function loadAppInfo(): Promise<AppInfo | null> {
  try {
    return await commands.appInfo();
  } catch {
    return null;
  }
}
