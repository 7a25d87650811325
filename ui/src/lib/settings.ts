// Non-secret preferences, kept in localStorage. Nothing secret ever goes here.

// The same bounds as MIN/MAX_CLEAR_AFTER_SECONDS in src-tauri/src/clipboard.rs (a test there
// compares them).
export const CLEAR_DELAY = { min: 5, max: 120, default: 30 } as const;
export const CLEAR_DELAY_KEY = "scim-wizard.clipboard-clear-seconds";

/** A clipboard clear delay in whole seconds within bounds, or null when the value isn't one. */
export function parseClearDelay(value: unknown): number | null {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
  if (!/^\d{1,4}$/.test(text)) return null;
  const seconds = Number(text);
  return seconds >= CLEAR_DELAY.min && seconds <= CLEAR_DELAY.max ? seconds : null;
}

export function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    // Access can throw when storage is disabled.
    return null;
  }
}

export function loadClearDelay(store: Storage | null = storage()): number {
  try {
    return parseClearDelay(store?.getItem(CLEAR_DELAY_KEY)) ?? CLEAR_DELAY.default;
  } catch {
    return CLEAR_DELAY.default;
  }
}

export function saveClearDelay(seconds: number, store: Storage | null = storage()): void {
  try {
    store?.setItem(CLEAR_DELAY_KEY, String(seconds));
  } catch {
    // Not remembering the choice is harmless.
  }
}
