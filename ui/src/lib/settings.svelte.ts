// The preferences as reactive state.

import { CLEAR_DELAY, loadClearDelay, parseClearDelay, saveClearDelay } from "./settings";

class Settings {
  /** Seconds before a copied token or Base URL is wiped from the clipboard. */
  clearAfterSeconds: number = $state(CLEAR_DELAY.default);

  constructor() {
    this.clearAfterSeconds = loadClearDelay();
  }

  /** Keeps a valid delay and returns true; leaves an invalid one out and returns false. */
  setClearAfterSeconds(value: unknown): boolean {
    const seconds = parseClearDelay(value);
    if (seconds === null) return false;
    this.clearAfterSeconds = seconds;
    saveClearDelay(seconds);
    return true;
  }

  /** Re-reads the stored values (for tests). */
  reload(): void {
    this.clearAfterSeconds = loadClearDelay();
  }
}

export const settings = new Settings();
