import { describe, expect, it } from 'vitest';
import { confusionByGenre, f1Macro, f1Micro, f1PerGenre, f1Samples } from './f1';
import { HAND_GENRES, handLabels, handProbs } from './testFixtures';

const half = [0.5, 0.5, 0.5];

describe('F1 on the hand example at 0.5', () => {
  // Predicted (p >= 0.5): s0 {0}, s1 {0,1}, s2 {1,2}, s3 {1}.
  // True:                 s0 {0}, s1 {1},   s2 {0,1}, s3 {1}.
  // genre 0: TP s0, FP s1, FN s2          -> F1 = 2/(2+1+1) = 0.5
  // genre 1: TP s1 s2 s3                  -> F1 = 1
  // genre 2: FP s2, no positives          -> F1 = 0, excluded from macro

  it('counts the confusion per genre', () => {
    expect(confusionByGenre(handProbs, handLabels, HAND_GENRES, half)).toEqual([
      { truePositives: 1, falsePositives: 1, falseNegatives: 1, support: 2 },
      { truePositives: 3, falsePositives: 0, falseNegatives: 0, support: 3 },
      { truePositives: 0, falsePositives: 1, falseNegatives: 0, support: 0 },
    ]);
  });

  it('gives per-genre F1', () => {
    expect(f1PerGenre(handProbs, handLabels, HAND_GENRES, half)).toEqual([0.5, 1, 0]);
  });

  it('gives micro F1 from pooled counts', () => {
    // TP = 1+3+0 = 4, FP = 1+0+1 = 2, FN = 1 -> 8/(8+2+1) = 8/11
    expect(f1Micro(handProbs, handLabels, HAND_GENRES, half)).toBeCloseTo(8 / 11, 12);
  });

  it('gives macro F1 over genres with positives only', () => {
    // (0.5 + 1) / 2; sklearn's all-genre macro would be (0.5 + 1 + 0) / 3 = 0.5.
    expect(f1Macro(handProbs, handLabels, HAND_GENRES, half)).toBeCloseTo(0.75, 12);
  });

  it('gives samples F1', () => {
    // s0: 2*1/(1+1) = 1; s1: 2*1/(1+2) = 2/3; s2: 2*1/(2+2) = 1/2; s3: 1.
    // mean = (1 + 2/3 + 1/2 + 1) / 4 = 19/24
    expect(f1Samples(handProbs, handLabels, HAND_GENRES, half)).toBeCloseTo(19 / 24, 12);
  });
});

describe('F1 on the hand example at per-genre thresholds [0.3, 0.425, 0.5]', () => {
  // Predicted: s0 {0}; s1 {0,1}; s2 {0,1,2}; s3 {1} (0.3 < 0.425, so s0 lacks genre 1).
  // genre 0: TP s0 s2, FP s1 -> 4/5; genre 1: 1; genre 2: FP s2 -> 0.
  const tuned = [0.3, 0.425, 0.5];

  it('uses each genre its own threshold', () => {
    expect(f1PerGenre(handProbs, handLabels, HAND_GENRES, tuned)).toEqual([0.8, 1, 0]);
    // TP 5, FP 2, FN 0 -> 10/12
    expect(f1Micro(handProbs, handLabels, HAND_GENRES, tuned)).toBeCloseTo(5 / 6, 12);
    expect(f1Macro(handProbs, handLabels, HAND_GENRES, tuned)).toBeCloseTo(0.9, 12);
    // s0 1, s1 2/3, s2 2*2/(2+3) = 4/5, s3 1 -> (1 + 2/3 + 4/5 + 1)/4 = 13/15
    expect(f1Samples(handProbs, handLabels, HAND_GENRES, tuned)).toBeCloseTo(13 / 15, 12);
  });
});

describe('F1 edge cases', () => {
  it('predicts a genre when the probability equals the threshold', () => {
    const probs = Float32Array.from([0.5]);
    expect(f1PerGenre(probs, Uint8Array.from([1]), 1, [0.5])).toEqual([1]);
  });

  it('all-zero predictions: per-genre 0, micro and macro 0, samples counts empty rows as 1', () => {
    const probs = new Float32Array(6);
    // 3 samples x 2 genres; only s0 has a genre.
    const labels = Uint8Array.from([1, 0, 0, 0, 0, 0]);
    expect(f1PerGenre(probs, labels, 2, [0.5, 0.5])).toEqual([0, 0]);
    expect(f1Micro(probs, labels, 2, [0.5, 0.5])).toBe(0);
    expect(f1Macro(probs, labels, 2, [0.5, 0.5])).toBe(0);
    // s0 misses its genre (0); s1 and s2 rightly predict nothing (1 each) -> 2/3.
    expect(f1Samples(probs, labels, 2, [0.5, 0.5])).toBeCloseTo(2 / 3, 12);
  });

  it('scores 0 for a sample with predictions but no true genre', () => {
    expect(f1Samples(Float32Array.from([0.9, 0.1]), Uint8Array.from([0, 0]), 2, [0.5, 0.5])).toBe(0);
  });

  it('perfect predictions score 1 everywhere', () => {
    const labels = Uint8Array.from([1, 0, 0, 1, 1, 1]);
    const probs = Float32Array.from(labels, (y) => (y ? 0.99 : 0.01));
    const thresholds = [0.5, 0.5];
    expect(f1PerGenre(probs, labels, 2, thresholds)).toEqual([1, 1]);
    expect(f1Micro(probs, labels, 2, thresholds)).toBe(1);
    expect(f1Macro(probs, labels, 2, thresholds)).toBe(1);
    expect(f1Samples(probs, labels, 2, thresholds)).toBe(1);
  });

  it('returns null where the average is undefined', () => {
    const probs = Float32Array.from([0.1, 0.2]);
    const labels = new Uint8Array(2);
    expect(f1Micro(probs, labels, 2, [0.5, 0.5])).toBeNull(); // no positives, none predicted
    expect(f1Macro(probs, labels, 2, [0.5, 0.5])).toBeNull(); // no genre has positives
    expect(f1Samples(new Float32Array(0), new Uint8Array(0), 2, [0.5, 0.5])).toBeNull();
  });

  it('throws on a wrong number of thresholds or a broken layout', () => {
    expect(() => f1Micro(handProbs, handLabels, HAND_GENRES, [0.5])).toThrow(RangeError);
    expect(() => f1Micro(handProbs, handLabels, 5, [0.5, 0.5, 0.5, 0.5, 0.5])).toThrow(RangeError);
    expect(() => f1Micro(handProbs, handLabels.subarray(1), HAND_GENRES, half)).toThrow(RangeError);
  });
});
