import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { secondsLeft, startCountdown } from "./countdown";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("secondsLeft", () => {
  it("rounds up and never goes below zero", () => {
    expect(secondsLeft(10_000, 0)).toBe(10);
    expect(secondsLeft(10_000, 500)).toBe(10);
    expect(secondsLeft(10_000, 1_000)).toBe(9);
    expect(secondsLeft(10_000, 9_999)).toBe(1);
    expect(secondsLeft(10_000, 10_000)).toBe(0);
    expect(secondsLeft(10_000, 60_000)).toBe(0);
  });
});

describe("startCountdown", () => {
  it("ticks every second from the full delay, then is done once", () => {
    const ticks: number[] = [];
    const done = vi.fn();
    startCountdown(3, (n) => ticks.push(n), done);
    expect(ticks).toEqual([3]);
    vi.advanceTimersByTime(1000);
    expect(ticks).toEqual([3, 2]);
    vi.advanceTimersByTime(1000);
    expect(ticks).toEqual([3, 2, 1]);
    expect(done).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000);
    expect(done).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(5000);
    expect(ticks).toEqual([3, 2, 1]);
    expect(done).toHaveBeenCalledOnce();
  });

  it("counts 30 s down to zero for the default delay", () => {
    const ticks: number[] = [];
    const done = vi.fn();
    startCountdown(30, (n) => ticks.push(n), done);
    vi.advanceTimersByTime(30_000);
    expect(ticks).toEqual(Array.from({ length: 30 }, (_, i) => 30 - i));
    expect(done).toHaveBeenCalledOnce();
  });

  it("follows the clock, not the number of timer calls", () => {
    const ticks: number[] = [];
    startCountdown(10, (n) => ticks.push(n), () => {});
    // The machine slept for 4.5 s: the next tick says what is really left.
    vi.setSystemTime(Date.now() + 4_500);
    vi.advanceTimersByTime(1000);
    expect(ticks.at(-1)).toBe(5);
  });

  it("stops early without calling done", () => {
    const ticks: number[] = [];
    const done = vi.fn();
    const stop = startCountdown(5, (n) => ticks.push(n), done);
    vi.advanceTimersByTime(2000);
    stop();
    stop();
    vi.advanceTimersByTime(10_000);
    expect(ticks).toEqual([5, 4, 3]);
    expect(done).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("is done at once for a zero delay", () => {
    const tick = vi.fn();
    const done = vi.fn();
    startCountdown(0, tick, done);
    expect(tick).not.toHaveBeenCalled();
    expect(done).toHaveBeenCalledOnce();
  });
});
