import { describe, expect, it } from 'vitest';
import { createRng } from '../lib/random';
import { evaluateMultiLabel } from './evaluate';
import { HAND_GENRES, handLabels, handProbs } from './testFixtures';
import type { MultiLabelMetrics } from './types';

/** Compares every number to 1e-6 (probs are float32) and every null exactly. */
function expectMetrics(actual: MultiLabelMetrics, expected: MultiLabelMetrics): void {
  const round = (value: unknown): unknown =>
    typeof value === 'number'
      ? Math.round(value * 1e6) / 1e6
      : Array.isArray(value)
        ? value.map(round)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, round(v)]))
          : value;
  expect(round(actual)).toEqual(round(expected));
}

// Hand arithmetic for the example in testFixtures.ts (predictions at p >= 0.5:
// s0 {0}, s1 {0,1}, s2 {1,2}, s3 {1}; truth s0 {0}, s1 {1}, s2 {0,1}, s3 {1}).
//
// genre 0: 0.9+ 0.75- 0.4+ 0.2-. AP = 1/2*1 + 1/2*2/3 = 5/6. AUC: 0.9 beats both,
//          0.4 beats 0.2 only -> 3/4. F1@0.5: TP1 FP1 FN1 -> 1/2.
// genre 1: 0.8+ 0.7+ 0.55+ 0.3-: perfect -> AP 1, AUC 1, F1 1.
// genre 2: no positives -> AP null, AUC null, F1 0 (one false alarm); left out of macros.
// mapMacro = (5/6 + 1)/2 = 11/12; aucMacro = (3/4 + 1)/2 = 7/8.
// mapMicro, all 12 scores ranked: 0.9+ 0.8+ 0.75- 0.7+ 0.6- 0.55+ 0.4+ 0.3- 0.2- 0.2- 0.1- 0.05-
//   (5 positives): R steps of 1/5 at P = 1, 1, 3/4, 4/6, 5/7
//   -> (1 + 1 + 3/4 + 2/3 + 5/7)/5 = 347/420.
// labelAccuracy (p > 0.5): s0 3/3, s1 2/3 (g0 wrong), s2 1/3 (g0, g2 wrong), s3 3/3 -> 9/12.
// F1 micro 8/11, macro 3/4, samples 19/24 (see f1.test.ts).
// precision@1: top genres g0 g0 g1 g1 -> right, wrong, right, right = 3/4.
// recall@3 with 3 genres takes every genre -> 1.
// bce: -mean ln(.9 .7 .9 .25 .7 .8 .4 .8 .4 .8 .55 .95) (see loss.test.ts).
const handBce = -[0.9, 0.7, 0.9, 0.25, 0.7, 0.8, 0.4, 0.8, 0.4, 0.8, 0.55, 0.95].reduce((s, p) => s + Math.log(p), 0) / 12;

const handAtHalf: MultiLabelMetrics = {
  numSamples: 4,
  numGenres: 3,
  bce: handBce,
  labelAccuracy: 0.75,
  mapMacro: 11 / 12,
  apGenresUsed: 2,
  mapMicro: 347 / 420,
  aucMacro: 0.875,
  aucGenresUsed: 2,
  f1MicroAt05: 8 / 11,
  f1MacroAt05: 0.75,
  f1SamplesAt05: 19 / 24,
  f1MicroTuned: 8 / 11,
  f1MacroTuned: 0.75,
  f1SamplesTuned: 19 / 24,
  thresholdsGiven: false,
  precisionAt1: 0.75,
  recallAt3: 1,
  perGenre: [
    { support: 2, ap: 5 / 6, auc: 0.75, threshold: 0.5, f1: 0.5 },
    { support: 3, ap: 1, auc: 1, threshold: 0.5, f1: 1 },
    { support: 0, ap: null, auc: null, threshold: 0.5, f1: 0 },
  ],
};

describe('evaluateMultiLabel', () => {
  it('matches the hand-computed example without thresholds (tuned = 0.5)', () => {
    expectMetrics(evaluateMultiLabel(handProbs, handLabels, HAND_GENRES), handAtHalf);
  });

  it('uses given thresholds for the tuned F1 values and perGenre', () => {
    // See f1.test.ts for [0.3, 0.425, 0.5]: micro 5/6, macro 0.9, samples 13/15, per genre [0.8, 1, 0].
    const thresholds = [0.3, 0.425, 0.5];
    expectMetrics(evaluateMultiLabel(handProbs, handLabels, HAND_GENRES, thresholds), {
      ...handAtHalf,
      f1MicroTuned: 5 / 6,
      f1MacroTuned: 0.9,
      f1SamplesTuned: 13 / 15,
      thresholdsGiven: true,
      perGenre: [
        { ...handAtHalf.perGenre[0], threshold: 0.3, f1: 0.8 },
        { ...handAtHalf.perGenre[1], threshold: 0.425, f1: 1 },
        { ...handAtHalf.perGenre[2], threshold: 0.5, f1: 0 },
      ],
    });
  });

  it('gives AP = 1 and AUC = 1 for perfect predictions', () => {
    const labels = Uint8Array.from([1, 0, 0, 1, 1, 0, 0, 0]);
    const probs = Float32Array.from(labels, (y) => (y ? 0.8 : 0.1));
    const metrics = evaluateMultiLabel(probs, labels, 2);
    expect(metrics.mapMacro).toBe(1);
    expect(metrics.mapMicro).toBe(1);
    expect(metrics.aucMacro).toBe(1);
    expect(metrics.f1MicroAt05).toBe(1);
    expect(metrics.labelAccuracy).toBe(1);
    expect(metrics.precisionAt1).toBe(1);
  });

  it('exposes the 91%-accuracy trap: all-zero predictions on sparse labels', () => {
    // 100 posters x 25 genres, ~9% positives, a model that predicts 0 everywhere.
    const rng = createRng(4);
    const labels = Uint8Array.from({ length: 100 * 25 }, () => (rng() < 0.09 ? 1 : 0));
    const positives = labels.reduce((sum, y) => sum + y, 0);
    const metrics = evaluateMultiLabel(new Float32Array(labels.length), labels, 25);
    expect(metrics.labelAccuracy).toBeCloseTo(1 - positives / labels.length, 12);
    expect(metrics.labelAccuracy ?? 0).toBeGreaterThan(0.85);
    expect(metrics.aucMacro).toBe(0.5);
    expect(metrics.mapMicro).toBeCloseTo(positives / labels.length, 12);
    expect(metrics.f1MicroAt05).toBe(0);
    expect(metrics.f1MacroAt05).toBe(0);
  });

  it('handles zero samples without throwing', () => {
    const metrics = evaluateMultiLabel(new Float32Array(0), new Uint8Array(0), 2);
    expect(metrics).toMatchObject({
      numSamples: 0,
      bce: null,
      labelAccuracy: null,
      mapMacro: null,
      apGenresUsed: 0,
      mapMicro: null,
      aucMacro: null,
      aucGenresUsed: 0,
      f1MicroAt05: null,
      f1MacroAt05: null,
      f1SamplesAt05: null,
      precisionAt1: null,
      recallAt3: null,
    });
    expect(metrics.perGenre).toEqual([
      { support: 0, ap: null, auc: null, threshold: 0.5, f1: 0 },
      { support: 0, ap: null, auc: null, threshold: 0.5, f1: 0 },
    ]);
  });

  it('rejects a wrong number of thresholds', () => {
    expect(() => evaluateMultiLabel(handProbs, handLabels, HAND_GENRES, [0.5, 0.5])).toThrow(RangeError);
  });

  it('returns plain data that survives structured cloning (worker -> UI)', () => {
    const metrics = evaluateMultiLabel(handProbs, handLabels, HAND_GENRES);
    expect(structuredClone(metrics)).toEqual(metrics);
  });
});
