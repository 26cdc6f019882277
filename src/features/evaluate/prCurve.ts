import { labelColumn, precisionRecallCurve, scoreColumn } from '../../metrics';
import type { GenreMetrics } from '../../metrics';

export interface PrPoint {
  recall: number;
  precision: number;
  /** The score cut-off for this point; null for the closing (recall 0, precision 1) point. */
  threshold: number | null;
}

/**
 * One genre's precision-recall curve, recall ascending, ready for a step chart
 * (`stepBefore`: over (R[k-1], R[k]] the precision is P[k], the sum that AP is).
 * Empty when the genre has no positives in these rows.
 */
export function prCurvePoints(probs: Float32Array, labels: Uint8Array, numGenres: number, genre: number): PrPoint[] {
  const curve = precisionRecallCurve(scoreColumn(probs, numGenres, genre), labelColumn(labels, numGenres, genre));
  const points: PrPoint[] = curve.precision.map((precision, k) => ({
    recall: curve.recall[k],
    precision,
    threshold: k < curve.thresholds.length ? curve.thresholds[k] : null,
  }));
  return points.reverse();
}

/** Share of rows with this genre: the precision of a model that ranks at random. */
export function genrePrevalence(labels: Uint8Array, numGenres: number, genre: number): number {
  const numSamples = labels.length / numGenres;
  if (numSamples === 0) return 0;
  let positives = 0;
  for (let i = 0; i < numSamples; i++) if (labels[i * numGenres + genre] !== 0) positives++;
  return positives / numSamples;
}

/** The genre with the most positives: the curve most worth seeing first (0 when none). */
export function mostSupportedGenre(perGenre: readonly GenreMetrics[]): number {
  let best = 0;
  for (let j = 1; j < perGenre.length; j++) if (perGenre[j].support > perGenre[best].support) best = j;
  return best;
}
