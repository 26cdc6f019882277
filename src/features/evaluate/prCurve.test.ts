import { describe, expect, it } from 'vitest';
import { averagePrecision } from '../../metrics';
import { HAND_GENRES, handLabels, handProbs } from '../../metrics/testFixtures';
import type { GenreMetrics } from '../../metrics';
import { genrePrevalence, mostSupportedGenre, prCurvePoints } from './prCurve';

describe('prCurvePoints', () => {
  it('runs recall ascending from the (0, 1) closing point', () => {
    const points = prCurvePoints(handProbs, handLabels, HAND_GENRES, 1);
    expect(points[0]).toEqual({ recall: 0, precision: 1, threshold: null });
    for (let k = 1; k < points.length; k++) expect(points[k].recall).toBeGreaterThanOrEqual(points[k - 1].recall);
    expect(points[points.length - 1].recall).toBe(1);
  });

  it('encloses the area that AP is, read as a step before each point', () => {
    for (const genre of [0, 1]) {
      const points = prCurvePoints(handProbs, handLabels, HAND_GENRES, genre);
      let area = 0;
      for (let k = 1; k < points.length; k++) area += (points[k].recall - points[k - 1].recall) * points[k].precision;
      const column = (source: ArrayLike<number>) => Array.from({ length: 4 }, (_, i) => source[i * HAND_GENRES + genre]);
      expect(area).toBeCloseTo(averagePrecision(column(handProbs), column(handLabels)) ?? Number.NaN, 12);
    }
  });

  it('is empty for a genre without positives', () => {
    expect(prCurvePoints(handProbs, handLabels, HAND_GENRES, 2)).toEqual([]);
  });
});

describe('genrePrevalence / mostSupportedGenre', () => {
  it('is the share of rows with the genre', () => {
    expect(genrePrevalence(handLabels, HAND_GENRES, 0)).toBe(0.5);
    expect(genrePrevalence(handLabels, HAND_GENRES, 1)).toBe(0.75);
    expect(genrePrevalence(handLabels, HAND_GENRES, 2)).toBe(0);
    expect(genrePrevalence(new Uint8Array(0), HAND_GENRES, 0)).toBe(0);
  });

  it('picks the genre with most positives, the first on ties', () => {
    const m = (support: number): GenreMetrics => ({ support, ap: null, auc: null, threshold: 0.5, f1: 0 });
    expect(mostSupportedGenre([m(3), m(9), m(9)])).toBe(1);
    expect(mostSupportedGenre([])).toBe(0);
  });
});
