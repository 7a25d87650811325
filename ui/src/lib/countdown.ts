// The "Copied — clears in 30 s" countdown: whole seconds left, measured against the clock so a
// late timer never makes it drift.

export type Clock = {
  now: () => number;
  setInterval: (callback: () => void, ms: number) => ReturnType<typeof setInterval>;
  clearInterval: (id: ReturnType<typeof setInterval>) => void;
};

const systemClock: Clock = {
  now: () => Date.now(),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (id) => clearInterval(id),
};

/** Whole seconds left until `endsAt` (ms), rounded up, never below zero. */
export function secondsLeft(endsAt: number, now: number): number {
  return Math.max(0, Math.ceil((endsAt - now) / 1000));
}

/**
 * Calls `onTick` with the seconds left at once and then every second, and `onDone` once when
 * the time is up. Returns a function that stops it early (then `onDone` is not called).
 */
export function startCountdown(
  seconds: number,
  onTick: (left: number) => void,
  onDone: () => void,
  clock: Clock = systemClock,
): () => void {
  const total = Math.max(0, Math.floor(seconds));
  if (total === 0) {
    onDone();
    return () => {};
  }
  const endsAt = clock.now() + total * 1000;
  let stopped = false;
  onTick(total);
  const id = clock.setInterval(() => {
    if (stopped) return;
    const left = secondsLeft(endsAt, clock.now());
    if (left > 0) {
      onTick(left);
      return;
    }
    stopped = true;
    clock.clearInterval(id);
    onDone();
  }, 1000);
  return () => {
    if (stopped) return;
    stopped = true;
    clock.clearInterval(id);
  };
}
