import { describe, expect, it } from 'vitest';
import { constantPriorBaseline } from './baseline';
import { evaluateMultiLabel } from './evaluate';

describe('constantPriorBaseline', () => {
  // 4 training rows x 3 genres: prevalence [2/4, 1/4, 0/4].
  const trainLabels = Uint8Array.from([1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0]);

  it('repeats the training prevalence for every eval row', () => {
    expect(Array.from(constantPriorBaseline(trainLabels, 4, 3, 2))).toEqual([0.5, 0.25, 0, 0.5, 0.25, 0]);
  });

  it('scores AP = eval prevalence and AUC = 0.5 per genre: it learned nothing', () => {
    // 5 eval rows x 2 genres; genre 0 prevalence 2/5, genre 1 prevalence 1/5.
    const evalLabels = Uint8Array.from([1, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
    const probs = constantPriorBaseline(Uint8Array.from([1, 0, 0, 0]), 2, 2, 5);
    const metrics = evaluateMultiLabel(probs, evalLabels, 2);
    expect(metrics.perGenre.map((g) => g.ap)).toEqual([0.4, 0.2]);
    expect(metrics.perGenre.map((g) => g.auc)).toEqual([0.5, 0.5]);
    expect(metrics.mapMacro).toBeCloseTo(0.3, 12);
    expect(metrics.aucMacro).toBe(0.5);
    // Prevalences 0.5 and 0 are never > 0.5: all-negative, right on 7 of 10 labels.
    expect(metrics.labelAccuracy).toBe(0.7);
  });

  it('gives zeros, not NaN, with no training rows, and handles no eval rows', () => {
    expect(Array.from(constantPriorBaseline(new Uint8Array(0), 0, 2, 2))).toEqual([0, 0, 0, 0]);
    expect(constantPriorBaseline(trainLabels, 4, 3, 0)).toHaveLength(0);
  });

  it('throws when the row count does not match the labels', () => {
    expect(() => constantPriorBaseline(trainLabels, 3, 3, 1)).toThrow(RangeError);
  });
});
