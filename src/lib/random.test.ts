import { describe, expect, it } from 'vitest';
import { createRng, randomInt, shuffleInPlace } from './random';

function take(rng: () => number, count: number): number[] {
  return Array.from({ length: count }, () => rng());
}

describe('createRng', () => {
  it('pins the mulberry32 stream so seeded splits never change silently', () => {
    // Golden values from an independent Python port of mulberry32.
    expect(take(createRng(42), 3)).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
    expect(take(createRng(0), 2)).toEqual([0.26642920868471265, 0.0003297457005828619]);
  });

  it('gives the same stream for the same seed and a different one for another seed', () => {
    expect(take(createRng(7), 20)).toEqual(take(createRng(7), 20));
    expect(take(createRng(7), 20)).not.toEqual(take(createRng(8), 20));
  });

  it('reduces seeds to uint32', () => {
    expect(take(createRng(1.7), 5)).toEqual(take(createRng(1), 5));
    expect(take(createRng(-1), 5)).toEqual(take(createRng(4294967295), 5));
  });

  it('stays in [0, 1) with a mean near 0.5', () => {
    const values = take(createRng(123), 20_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    // Standard error of the mean of U(0,1) over 20k draws is ~0.002.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
  });
});

describe('randomInt', () => {
  it('covers exactly [0, max)', () => {
    const rng = createRng(5);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(randomInt(rng, 6));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('shuffleInPlace', () => {
  it('permutes in place and returns the same array', () => {
    const array = Array.from({ length: 50 }, (_, i) => i);
    const result = shuffleInPlace(array, createRng(3));
    expect(result).toBe(array);
    expect([...array].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(array).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('is deterministic per seed and works on typed arrays', () => {
    const a = shuffleInPlace(
      Uint32Array.from({ length: 30 }, (_, i) => i),
      createRng(9),
    );
    const b = shuffleInPlace(
      Uint32Array.from({ length: 30 }, (_, i) => i),
      createRng(9),
    );
    expect(a).toEqual(b);
  });

  it('handles empty and single-element arrays', () => {
    expect(shuffleInPlace([], createRng(1))).toEqual([]);
    expect(shuffleInPlace(['only'], createRng(1))).toEqual(['only']);
  });

  it('makes all 6 orders of 3 items about equally likely', () => {
    const rng = createRng(2024);
    const counts = new Map<string, number>();
    const trials = 6000;
    for (let t = 0; t < trials; t++) {
      const key = shuffleInPlace(['a', 'b', 'c'], rng).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    // Expected 1000 each, sd ~29; 150 is > 5 sd, so this only fails on a real bias
    // (e.g. the classic off-by-one `j < i` that never leaves an item in place).
    for (const count of counts.values()) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });
});
