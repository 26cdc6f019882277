import { describe, expect, it } from 'vitest';
import { flatFrom, median, roundTo3, summarizeDecode } from './stats';

describe('benchmark arithmetic', () => {
  it('median takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('roundTo3 keeps three significant digits', () => {
    expect(roundTo3(123456)).toBe(123000);
    expect(roundTo3(0.0123456)).toBe(0.0123);
    expect(roundTo3(0)).toBe(0);
  });

  it('flatFrom compares everything from an index on with the value there', () => {
    expect(flatFrom([10, 12, 12, 12], 1)).toBe(true);
    expect(flatFrom([10, 12, 13], 1)).toBe(false);
  });

  it('summarizeDecode takes the median round per decoder count and compares the largest pool with one worker', () => {
    const run = (workers: number, imagesPerSecond: number) => ({ workers, posters: 10, failures: 0, seconds: 10 / imagesPerSecond, imagesPerSecond });
    const rounds = [run(0, 50), run(1, 40), run(2, 70), run(0, 54), run(1, 44), run(2, 74), run(0, 10), run(1, 42), run(2, 72)];
    expect(summarizeDecode(rounds)).toEqual({
      inRequestingWorker: 50,
      oneWorker: 42,
      pool: { workers: 2, imagesPerSecond: 72 },
      poolOverOneWorker: 1.71,
    });
    expect(summarizeDecode([run(1, 40)])).toEqual({ inRequestingWorker: null, oneWorker: 40, pool: null, poolOverOneWorker: null });
  });
});
