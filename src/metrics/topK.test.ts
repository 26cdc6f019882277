import { describe, expect, it } from 'vitest';
import { HAND_GENRES, handLabels, handProbs } from './testFixtures';
import { precisionAtK, recallAtK } from './topK';

describe('precisionAtK / recallAtK', () => {
  it('matches the hand example', () => {
    // Top-1 per sample: s0 g0 (true), s1 g0 0.75 > 0.7 (false), s2 g1 (true), s3 g1 (true) -> 3/4.
    expect(precisionAtK(handProbs, handLabels, HAND_GENRES, 1)).toBeCloseTo(0.75, 12);
    // Top-2: s0 {0,1} finds 1/1; s1 {0,1} 1/1; s2 {1,2} 1/2; s3 {1,0} 1/1 -> (1+1+0.5+1)/4.
    expect(recallAtK(handProbs, handLabels, HAND_GENRES, 2)).toBeCloseTo(0.875, 12);
    // Top-2 precision: s0 1/2, s1 1/2, s2 1/2, s3 1/2.
    expect(precisionAtK(handProbs, handLabels, HAND_GENRES, 2)).toBeCloseTo(0.5, 12);
  });

  it('on a single 4-genre row', () => {
    const probs = Float32Array.from([0.9, 0.1, 0.5, 0.3]);
    const labels = Uint8Array.from([0, 1, 1, 0]);
    // Top-2 = genres 0 and 2: one hit of two true genres.
    expect(precisionAtK(probs, labels, 4, 2)).toBe(0.5);
    expect(recallAtK(probs, labels, 4, 2)).toBe(0.5);
    expect(recallAtK(probs, labels, 4, 4)).toBe(1);
  });

  it('shares credit among genres tied at the cut-off', () => {
    // All-zero predictions over 4 genres, one true genre: any genre is equally likely top-1.
    const probs = new Float32Array(4);
    const labels = Uint8Array.from([1, 0, 0, 0]);
    expect(precisionAtK(probs, labels, 4, 1)).toBe(0.25);
    // 3 of 4 tied slots -> expected hits 3/4, recall 3/4, precision (3/4)/3.
    expect(recallAtK(probs, labels, 4, 3)).toBe(0.75);
    expect(precisionAtK(probs, labels, 4, 3)).toBeCloseTo(0.25, 12);
  });

  it('credits only the tied slots that are left after strictly higher scores', () => {
    // 0.9 (false) is in; 2 tied at 0.5 (one true) share 1 slot -> 1/2 hit in top-2.
    const probs = Float32Array.from([0.9, 0.5, 0.5, 0.1]);
    const labels = Uint8Array.from([0, 1, 0, 1]);
    expect(recallAtK(probs, labels, 4, 2)).toBeCloseTo(0.25, 12);
  });

  it('skips samples with no true genre, and is null when none has one', () => {
    const probs = Float32Array.from([0.9, 0.1, 0.2, 0.8]);
    // s0 has genre 0 (top-1 hit); s1 has nothing and must not count as a miss.
    expect(precisionAtK(probs, Uint8Array.from([1, 0, 0, 0]), 2, 1)).toBe(1);
    expect(precisionAtK(probs, new Uint8Array(4), 2, 1)).toBeNull();
    expect(recallAtK(probs, new Uint8Array(4), 2, 3)).toBeNull();
  });

  it('treats k above the genre count as all genres and rejects k < 1', () => {
    expect(recallAtK(handProbs, handLabels, HAND_GENRES, 10)).toBe(1);
    expect(() => precisionAtK(handProbs, handLabels, HAND_GENRES, 0)).toThrow(RangeError);
    expect(() => precisionAtK(handProbs, handLabels, HAND_GENRES, 1.5)).toThrow(RangeError);
  });
});
