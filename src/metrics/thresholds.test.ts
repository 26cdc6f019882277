import { describe, expect, it } from 'vitest';
import { createRng } from '../lib/random';
import { f1PerGenre } from './f1';
import { HAND_GENRES, handLabels, handProbs } from './testFixtures';
import { tuneThresholds } from './thresholds';

const unclamped = { minThreshold: 0, maxThreshold: 1 };

/** One genre as a 1-column layout. */
function column(scores: number[], labels: number[]): [Float32Array, Uint8Array] {
  return [Float32Array.from(scores), Uint8Array.from(labels)];
}

describe('tuneThresholds on the hand example', () => {
  it('tunes genres with >= 3 positives and falls back to 0.5 for the rest', () => {
    // genre 0: 2 positives -> 0.5. genre 2: none -> 0.5.
    // genre 1: 0.8+ 0.7+ 0.55+ 0.3-: best cut keeps the three positives (F1 = 1),
    // placed midway between 0.55 and 0.3 -> 0.425.
    const thresholds = tuneThresholds(handProbs, handLabels, HAND_GENRES);
    expect(thresholds[0]).toBe(0.5);
    expect(thresholds[1]).toBeCloseTo(0.425, 6);
    expect(thresholds[2]).toBe(0.5);
  });

  it('tunes a 2-positive genre when minPositives allows it', () => {
    // genre 0 sweep (P = 2), F1 = 2TP / (TP + FP + P):
    //   >= 0.9  TP1 FP0 -> 2/3;  >= 0.75 TP1 FP1 -> 1/2;
    //   >= 0.4  TP2 FP1 -> 4/5 (best);  >= 0.2 TP2 FP2 -> 2/3.
    // cut = (0.4 + 0.2) / 2 = 0.3
    const thresholds = tuneThresholds(handProbs, handLabels, HAND_GENRES, { minPositives: 1 });
    expect(thresholds[0]).toBeCloseTo(0.3, 6);
    expect(thresholds[2]).toBe(0.5); // still no positives at all
  });

  it('uses a custom fallback', () => {
    expect(tuneThresholds(handProbs, handLabels, HAND_GENRES, { fallbackThreshold: 0.3 })[0]).toBe(0.3);
  });
});

describe('tuneThresholds rules', () => {
  it('never splits tied scores', () => {
    // 0.6+ 0.6- 0.2-: cutting at 0.6 takes both tied rows: F1 = 2/(1+1+1) = 2/3;
    // at 0.2: 2/(1+2+1) = 1/2. Cut midway 0.6 / 0.2 -> 0.4.
    const [probs, labels] = column([0.6, 0.6, 0.2], [1, 0, 0]);
    expect(tuneThresholds(probs, labels, 1, { minPositives: 1 })[0]).toBeCloseTo(0.4, 6);
  });

  it('prefers the highest cut when F1 ties', () => {
    // P = 3. >= 0.9: TP1 FP0 -> 2/4; >= 0.5: TP2 FP3 -> 4/8; >= 0.2: TP3 FP6 -> 6/12. All 0.5.
    const [probs, labels] = column([0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.35, 0.3, 0.2], [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(tuneThresholds(probs, labels, 1, unclamped)[0]).toBeCloseTo(0.85, 6);
  });

  it('returns the lowest score when predicting everything is best', () => {
    const [probs, labels] = column([0.3, 0.2, 0.1], [1, 1, 1]);
    expect(tuneThresholds(probs, labels, 1, unclamped)[0]).toBeCloseTo(0.1, 6);
  });

  it('clamps to [0.05, 0.95] by default', () => {
    const [low, lowLabels] = column([0.03, 0.02, 0.01], [1, 1, 1]);
    expect(tuneThresholds(low, lowLabels, 1)[0]).toBe(0.05);
    // Best cut midway 0.97 / 0.96 = 0.965 -> 0.95.
    const [high, highLabels] = column([0.99, 0.98, 0.97, 0.96], [1, 1, 1, 0]);
    expect(tuneThresholds(high, highLabels, 1)[0]).toBe(0.95);
  });

  it('handles all-zero predictions (one tie group: predict all or nothing)', () => {
    const [probs, labels] = column([0, 0, 0, 0], [1, 1, 1, 0]);
    // Only candidate is >= 0 (F1 = 6/7); clamped up to 0.05, which predicts nothing.
    expect(tuneThresholds(probs, labels, 1)).toEqual([0.05]);
  });

  it('reaches the best F1 achievable on the data (brute force check)', () => {
    const rng = createRng(21);
    const numSamples = 120;
    const numGenres = 6;
    const probs = new Float32Array(numSamples * numGenres);
    const labels = new Uint8Array(numSamples * numGenres);
    for (let i = 0; i < probs.length; i++) {
      const positive = rng() < 0.15;
      labels[i] = positive ? 1 : 0;
      // Informative but noisy, on a grid so ties happen.
      probs[i] = Math.round(Math.min(1, Math.max(0, (positive ? 0.35 : 0.15) + (rng() - 0.5) * 0.5)) * 50) / 50;
    }
    const thresholds = tuneThresholds(probs, labels, numGenres, { ...unclamped, minPositives: 1 });
    const reached = f1PerGenre(probs, labels, numGenres, thresholds);
    for (let genre = 0; genre < numGenres; genre++) {
      let best = 0;
      for (const candidate of new Set(probs)) {
        const atCandidate = f1PerGenre(probs, labels, numGenres, new Array<number>(numGenres).fill(candidate));
        best = Math.max(best, atCandidate[genre]);
      }
      expect(reached[genre]).toBeCloseTo(best, 12);
    }
  });

  it('rejects an inverted clamp range and a broken layout', () => {
    expect(() => tuneThresholds(handProbs, handLabels, HAND_GENRES, { minThreshold: 0.9, maxThreshold: 0.1 })).toThrow(RangeError);
    expect(() => tuneThresholds(handProbs, handLabels, 5)).toThrow(RangeError);
  });
});
