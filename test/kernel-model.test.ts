// The SYN schedule model against the kernel documentation (ip-sysctl.rst,
// tcp(7)) and its inversion.
import { describe, expect, it } from "vitest";
import { fitSchedules, modelTimeout, synSchedule } from "../src/analyzer/kernel-model.js";

describe("synSchedule", () => {
  it.each([
    [1, 3],
    [2, 7],
    [3, 15],
    [4, 31],
    [5, 63],
    [6, 127],
    [7, 247],
    [8, 367],
  ])("exponential (L=0), tcp_syn_retries=%i gives up at %i s", (n, t) => {
    const s = synSchedule(1, n, 0);
    expect(s.giveUpAt).toBe(t);
    expect(s.synTimes).toHaveLength(n + 1);
  });

  it("Linux >= 6.5 defaults (N=6, L=4): 11 SYNs at 0,1,2,3,4,5,7,11,19,35,67, ETIMEDOUT at 131 s", () => {
    const s = synSchedule(1, 6, 4);
    expect(s.synTimes).toEqual([0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67]);
    expect(s.giveUpAt).toBe(131);
    expect(s.cap).toBe("count");
  });

  it("small N with linear timeouts hits the time cap first", () => {
    expect(synSchedule(1, 2, 4)).toMatchObject({ synTimes: [0, 1, 2, 3, 4, 5], giveUpAt: 7, cap: "time" });
    expect(synSchedule(1, 1, 4)).toMatchObject({ synTimes: [0, 1, 2], giveUpAt: 3, cap: "time" });
    expect(synSchedule(1, 3, 4).giveUpAt).toBe(19);
  });

  it("initial RTO 3 s (before Linux 3.1), N=5: 0,3,9,21,45,93, gives up at 189 s", () => {
    const s = synSchedule(3, 5, 0);
    expect(s.synTimes).toEqual([0, 3, 9, 21, 45, 93]);
    expect(s.giveUpAt).toBe(189);
  });

  it("caps the RTO at 120 s", () => {
    expect(modelTimeout(8, 1)).toBe(127 + 2 * 120);
    const s = synSchedule(1, 8, 0);
    expect(s.synTimes.at(-1)! - s.synTimes.at(-2)!).toBe(120);
  });
});

describe("fitSchedules", () => {
  it("a complete exponential series fits N=5, L=0 only", () => {
    const complete = fitSchedules([1.006, 2.016, 4.096, 8.192, 16.128]).filter((f) => f.complete);
    expect(complete.map((f) => [f.schedule.synRetries, f.schedule.linearTimeouts])).toEqual([[5, 0]]);
  });

  it("rejects spacing that fires early", () => {
    expect(fitSchedules([0.5, 0.5]).length).toBe(0);
  });

  it("a 3 s first interval means the old initial RTO", () => {
    const complete = fitSchedules([3.01, 6.02, 12.1, 24.2, 48.3]).filter((f) => f.complete);
    expect(complete[0]!.schedule.initialRto).toBe(3);
  });
});
