import { describe, expect, it } from 'vitest';
import { createRng } from '../lib/random';
import { splitTrainValidation } from './split';
import type { TrainValidationSplit } from './split';

/** Multi-hot rows from lists of genre indices. */
function rows(numGenres: number, genreLists: number[][]): Uint8Array[] {
  return genreLists.map((genres) => {
    const row = new Uint8Array(numGenres);
    for (const genre of genres) row[genre] = 1;
    return row;
  });
}

/**
 * A poster-like dataset: 25 genres whose prevalence falls from ~30% to a few
 * posters, up to 3 genres per poster, and ~2% of posters with no genre.
 */
function syntheticPosters(numSamples: number, seed: number): Uint8Array[] {
  const rng = createRng(seed);
  const prevalence = Array.from({ length: 25 }, (_, genre) => 0.3 * Math.pow(0.8, genre));
  return Array.from({ length: numSamples }, () => {
    const row = new Uint8Array(25);
    if (rng() < 0.02) return row;
    for (let genre = 0; genre < 25; genre++) if (rng() < prevalence[genre]) row[genre] = 1;
    return row;
  });
}

function countInGenre(labels: Uint8Array[], indices: number[], genre: number): number {
  return indices.reduce((count, i) => count + labels[i][genre], 0);
}

function expectPartition(split: TrainValidationSplit, numSamples: number): void {
  const all = [...split.train, ...split.validation].sort((a, b) => a - b);
  expect(all).toEqual(Array.from({ length: numSamples }, (_, i) => i));
  expect(split.train).toEqual([...split.train].sort((a, b) => a - b));
  expect(split.validation).toEqual([...split.validation].sort((a, b) => a - b));
}

describe('splitTrainValidation', () => {
  const posters = syntheticPosters(600, 1);

  it('is deterministic for a seed', () => {
    expect(splitTrainValidation(posters, 0.2, 42)).toEqual(splitTrainValidation(posters, 0.2, 42));
  });

  it('changes with the seed', () => {
    const first = splitTrainValidation(posters, 0.2, 1).validation;
    const others = [2, 3, 4, 5].map((seed) => splitTrainValidation(posters, 0.2, seed).validation);
    expect(others.some((validation) => validation.join() !== first.join())).toBe(true);
  });

  it('partitions every sample exactly once, with validation size round(n * f)', () => {
    for (const numSamples of [0, 1, 2, 3, 7, 10, 101]) {
      const labels = syntheticPosters(numSamples, numSamples);
      for (const valFraction of [0, 0.1, 0.2, 0.25, 0.5, 0.9, 1]) {
        const split = splitTrainValidation(labels, valFraction, 7);
        expectPartition(split, numSamples);
        expect(split.validation).toHaveLength(Math.round(numSamples * valFraction));
      }
    }
  });

  it('puts everything in train for valFraction 0 and in validation for 1', () => {
    expect(splitTrainValidation(posters, 0, 3)).toEqual({ train: posters.map((_, i) => i), validation: [] });
    expect(splitTrainValidation(posters, 1, 3)).toEqual({ train: [], validation: posters.map((_, i) => i) });
  });

  it('handles samples with no labels, including an all-empty dataset', () => {
    const empty = rows(4, [[], [], [], [], [], [], [], [], [], []]);
    const split = splitTrainValidation(empty, 0.3, 5);
    expectPartition(split, 10);
    expect(split.validation).toHaveLength(3);
    // Zero-genre rows: no genres at all.
    const noGenres = splitTrainValidation([new Uint8Array(0), new Uint8Array(0)], 0.5, 5);
    expect(noGenres.validation).toHaveLength(1);
  });

  it('puts one of a 2-poster genre on each side', () => {
    // 40 posters of common genres 0/1; genre 2 only on posters 5 and 30.
    const genreLists = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? [0] : i % 3 === 1 ? [1] : [0, 1]));
    genreLists[5] = [...genreLists[5], 2];
    genreLists[30] = [...genreLists[30], 2];
    const labels = rows(3, genreLists);
    for (const valFraction of [0.1, 0.2, 0.3, 0.5]) {
      for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
        const split = splitTrainValidation(labels, valFraction, seed);
        expect(countInGenre(labels, split.train, 2)).toBe(1);
        expect(countInGenre(labels, split.validation, 2)).toBe(1);
      }
    }
  });

  it('copes with a 1-poster genre', () => {
    const labels = rows(2, [[0], [0], [0, 1], [0], [0], [], [0], [0], [0], [0]]);
    const split = splitTrainValidation(labels, 0.2, 9);
    expectPartition(split, 10);
    expect(countInGenre(labels, split.train, 1) + countInGenre(labels, split.validation, 1)).toBe(1);
  });

  it('stratifies: every genre with >= 2 posters is on both sides, near its share', () => {
    const labels = syntheticPosters(2000, 11);
    const valFraction = 0.2;
    for (const seed of [1, 2, 3]) {
      const split = splitTrainValidation(labels, valFraction, seed);
      for (let genre = 0; genre < 25; genre++) {
        const total = countInGenre(
          labels,
          labels.map((_, i) => i),
          genre,
        );
        const inValidation = countInGenre(labels, split.validation, genre);
        if (total >= 2) {
          expect(inValidation).toBeGreaterThanOrEqual(1);
          expect(inValidation).toBeLessThanOrEqual(total - 1);
        }
        // A random split's sd would be sqrt(total * 0.16), ~10 for the commonest genre.
        expect(Math.abs(inValidation - Math.max(1, total * valFraction))).toBeLessThanOrEqual(2);
      }
    }
  });

  it('rejects a fraction outside [0, 1] and ragged rows', () => {
    expect(() => splitTrainValidation(posters, -0.1, 1)).toThrow(RangeError);
    expect(() => splitTrainValidation(posters, 1.5, 1)).toThrow(RangeError);
    expect(() => splitTrainValidation(posters, Number.NaN, 1)).toThrow(RangeError);
    expect(() => splitTrainValidation([new Uint8Array(3), new Uint8Array(2)], 0.5, 1)).toThrow(RangeError);
  });
});
