import { describe, expect, it } from 'vitest';
import { createRng } from '../lib/random';
import { averagePrecision, precisionRecallCurve, rocAuc } from './ranking';

/** AUC by brute force over every positive-negative pair, ties worth 1/2. */
function pairwiseAuc(scores: number[], labels: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let p = 0; p < scores.length; p++) {
    if (labels[p] !== 1) continue;
    for (let n = 0; n < scores.length; n++) {
      if (labels[n] !== 0) continue;
      pairs++;
      if (scores[p] > scores[n]) wins += 1;
      else if (scores[p] === scores[n]) wins += 0.5;
    }
  }
  return wins / pairs;
}

/** AP straight from the definition: for each distinct threshold, count and sum. */
function definitionAp(scores: number[], labels: number[]): number {
  const distinct = [...new Set(scores)].sort((a, b) => b - a);
  const positives = labels.filter((y) => y === 1).length;
  let ap = 0;
  let previousRecall = 0;
  for (const threshold of distinct) {
    let tp = 0;
    let predicted = 0;
    scores.forEach((s, i) => {
      if (s >= threshold) {
        predicted++;
        tp += labels[i];
      }
    });
    ap += (tp / positives - previousRecall) * (tp / predicted);
    previousRecall = tp / positives;
  }
  return ap;
}

describe('averagePrecision and rocAuc on the sklearn documentation example', () => {
  // y = [0, 0, 1, 1], s = [0.1, 0.4, 0.35, 0.8]. Descending: 0.8(+) 0.4(-) 0.35(+) 0.1(-).
  // Thresholds: 0.8 -> P=1/1 R=1/2; 0.4 -> P=1/2 R=1/2; 0.35 -> P=2/3 R=1; 0.1 -> P=2/4 R=1.
  // AP = (1/2 - 0)*1 + 0*(1/2) + (1 - 1/2)*(2/3) + 0 = 1/2 + 1/3 = 0.8333...
  // AUC: pairs (0.8>0.1) (0.8>0.4) (0.35>0.1) (0.35<0.4) -> 3/4.
  const labels = [0, 0, 1, 1];
  const scores = [0.1, 0.4, 0.35, 0.8];

  it('gives AP = 5/6 and AUC = 0.75 like sklearn', () => {
    expect(averagePrecision(scores, labels)).toBeCloseTo(5 / 6, 12);
    expect(rocAuc(scores, labels)).toBeCloseTo(0.75, 12);
  });

  it('is the same for Float32Array / Uint8Array input', () => {
    expect(averagePrecision(Float32Array.from(scores), Uint8Array.from(labels))).toBeCloseTo(5 / 6, 12);
    expect(rocAuc(Float32Array.from(scores), Uint8Array.from(labels))).toBeCloseTo(0.75, 12);
  });

  it('gives sklearn precision_recall_curve output', () => {
    const curve = precisionRecallCurve(scores, labels);
    // sklearn docs: precision [0.5, 0.667, 0.5, 1, 1], recall [1, 1, 0.5, 0.5, 0], thresholds [0.1, 0.35, 0.4, 0.8]
    expect(curve.thresholds).toEqual([0.1, 0.35, 0.4, 0.8]);
    expect(curve.recall).toEqual([1, 1, 0.5, 0.5, 0]);
    expect(curve.precision.map((p) => Number(p.toFixed(6)))).toEqual([0.5, 0.666667, 0.5, 1, 1]);
  });
});

describe('ties', () => {
  // y = [1, 0, 1, 0], s = [0.5, 0.5, 0.9, 0.1]. Groups: {0.9:+} {0.5:+,-} {0.1:-}.
  // 0.9 -> P=1 R=1/2; 0.5 (whole group at once) -> P=2/3 R=1; 0.1 -> P=1/2 R=1.
  // AP = 1/2*1 + 1/2*2/3 = 5/6. Splitting the tie positive-first would give 1: it must not.
  // AUC pairs: (0.5 vs 0.5)=1/2, (0.5>0.1)=1, (0.9>0.5)=1, (0.9>0.1)=1 -> 3.5/4 = 0.875.
  const labels = [1, 0, 1, 0];
  const scores = [0.5, 0.5, 0.9, 0.1];

  it('groups equal scores into one threshold for AP', () => {
    expect(averagePrecision(scores, labels)).toBeCloseTo(5 / 6, 12);
  });

  it('counts a tied pair as 1/2 for AUC', () => {
    expect(rocAuc(scores, labels)).toBeCloseTo(0.875, 12);
  });

  it('does not depend on the input order of tied samples', () => {
    const reordered = [1, 0, 3, 2];
    const s2 = reordered.map((i) => scores[i]);
    const y2 = reordered.map((i) => labels[i]);
    expect(averagePrecision(s2, y2)).toBeCloseTo(5 / 6, 12);
    expect(rocAuc(s2, y2)).toBeCloseTo(0.875, 12);
  });

  it('gives AP = prevalence and AUC = 0.5 when every score ties', () => {
    expect(averagePrecision([0.3, 0.3, 0.3, 0.3], [1, 0, 0, 0])).toBeCloseTo(0.25, 12);
    expect(rocAuc([0.3, 0.3, 0.3, 0.3], [1, 0, 0, 0])).toBe(0.5);
  });

  it('treats all-zero predictions as one big tie', () => {
    const labels5 = [0, 1, 0, 1, 1];
    expect(averagePrecision([0, 0, 0, 0, 0], labels5)).toBeCloseTo(3 / 5, 12);
    expect(rocAuc([0, 0, 0, 0, 0], labels5)).toBe(0.5);
    expect(precisionRecallCurve([0, 0, 0, 0, 0], labels5)).toEqual({
      precision: [3 / 5, 1],
      recall: [1, 0],
      thresholds: [0],
    });
  });
});

describe('perfect and inverted rankings', () => {
  it('gives AP = 1 and AUC = 1 for a perfect ranking', () => {
    expect(averagePrecision([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])).toBe(1);
  });

  it('gives AUC = 0 for the worst ranking, and AP from the one point at full recall', () => {
    // y = [1, 0, 0], s = [0.1, 0.5, 0.9]: the positive is found last, P = 1/3 at R = 1.
    expect(averagePrecision([0.1, 0.5, 0.9], [1, 0, 0])).toBeCloseTo(1 / 3, 12);
    expect(rocAuc([0.1, 0.5, 0.9], [1, 0, 0])).toBe(0);
  });
});

describe('degenerate label sets', () => {
  it('returns null AP and null AUC with no positives, without throwing', () => {
    expect(averagePrecision([0.2, 0.7], [0, 0])).toBeNull();
    expect(rocAuc([0.2, 0.7], [0, 0])).toBeNull();
    expect(precisionRecallCurve([0.2, 0.7], [0, 0])).toEqual({ precision: [], recall: [], thresholds: [] });
  });

  it('returns null AUC with only positives, but AP = 1', () => {
    expect(rocAuc([0.2, 0.7], [1, 1])).toBeNull();
    expect(averagePrecision([0.2, 0.7], [1, 1])).toBe(1);
  });

  it('returns null for empty input', () => {
    expect(averagePrecision([], [])).toBeNull();
    expect(rocAuc([], [])).toBeNull();
  });

  it('throws on mismatched lengths (a bug upstream, not data)', () => {
    expect(() => averagePrecision([0.1], [1, 0])).toThrow(RangeError);
  });
});

describe('agreement with brute-force definitions on random data', () => {
  it('matches pairwise AUC and definition AP, with many ties', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 30; trial++) {
      const n = 5 + Math.floor(rng() * 60);
      // Scores on a coarse grid so ties are common.
      const scores = Array.from({ length: n }, () => Math.round(rng() * 10) / 10);
      const labels = Array.from({ length: n }, () => (rng() < 0.3 ? 1 : 0));
      labels[0] = 1;
      labels[1] = 0;
      expect(rocAuc(scores, labels)).toBeCloseTo(pairwiseAuc(scores, labels), 12);
      expect(averagePrecision(scores, labels)).toBeCloseTo(definitionAp(scores, labels), 12);
    }
  });

  it('keeps the PR curve consistent: AP is the step integral of the curve', () => {
    const rng = createRng(12);
    const scores = Array.from({ length: 200 }, () => rng());
    const labels = scores.map((s) => (rng() < s * 0.5 ? 1 : 0));
    const curve = precisionRecallCurve(scores, labels);
    expect(curve.precision).toHaveLength(curve.thresholds.length + 1);
    expect(curve.recall).toHaveLength(curve.thresholds.length + 1);
    let stepIntegral = 0;
    for (let k = 0; k < curve.thresholds.length; k++) {
      expect(curve.thresholds[k + 1] ?? Infinity).toBeGreaterThan(curve.thresholds[k]);
      stepIntegral += (curve.recall[k] - curve.recall[k + 1]) * curve.precision[k];
    }
    expect(stepIntegral).toBeCloseTo(averagePrecision(scores, labels) ?? NaN, 12);
  });
});
