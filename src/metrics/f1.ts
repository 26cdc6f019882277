/**
 * F1 scores for multi-label predictions at per-genre thresholds.
 *
 * Decision rule everywhere in this file: sample i has genre j when
 * probs[i * g + j] >= thresholds[j] (sklearn's convention for score thresholds).
 */
import { checkThresholds, sampleCount } from './layout';

/** Confusion counts for one genre at its threshold. */
export interface GenreConfusion {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** Samples truly in this genre (= truePositives + falseNegatives). */
  support: number;
}

/** Counts per genre: [numGenres]. */
export function confusionByGenre(probs: Float32Array, labels: Uint8Array, numGenres: number, thresholds: ArrayLike<number>): GenreConfusion[] {
  const numSamples = sampleCount(probs, labels, numGenres);
  checkThresholds(thresholds, numGenres);
  const counts: GenreConfusion[] = Array.from({ length: numGenres }, () => ({
    truePositives: 0,
    falsePositives: 0,
    falseNegatives: 0,
    support: 0,
  }));
  for (let i = 0; i < numSamples; i++) {
    for (let j = 0; j < numGenres; j++) {
      const at = i * numGenres + j;
      const predicted = probs[at] >= thresholds[j];
      const actual = labels[at] !== 0;
      const genre = counts[j];
      if (actual) genre.support++;
      if (predicted && actual) genre.truePositives++;
      else if (predicted) genre.falsePositives++;
      else if (actual) genre.falseNegatives++;
    }
  }
  return counts;
}

/**
 * F1 = 2TP / (2TP + FP + FN). 0 when that is 0/0 (no positives, none
 * predicted), like sklearn's zero_division=0; callers that average exclude
 * such genres anyway.
 */
export function f1FromConfusion(counts: GenreConfusion): number {
  const denominator = 2 * counts.truePositives + counts.falsePositives + counts.falseNegatives;
  return denominator === 0 ? 0 : (2 * counts.truePositives) / denominator;
}

/** F1 per genre: [numGenres]. */
export function f1PerGenre(probs: Float32Array, labels: Uint8Array, numGenres: number, thresholds: ArrayLike<number>): number[] {
  return confusionByGenre(probs, labels, numGenres, thresholds).map(f1FromConfusion);
}

/**
 * Micro F1: pool TP/FP/FN over all genres, then F1. Dominated by the common
 * genres. null when there is no positive label and no positive prediction at
 * all (0/0).
 */
export function f1Micro(probs: Float32Array, labels: Uint8Array, numGenres: number, thresholds: ArrayLike<number>): number | null {
  const pooled = { truePositives: 0, falsePositives: 0, falseNegatives: 0, support: 0 };
  for (const genre of confusionByGenre(probs, labels, numGenres, thresholds)) {
    pooled.truePositives += genre.truePositives;
    pooled.falsePositives += genre.falsePositives;
    pooled.falseNegatives += genre.falseNegatives;
  }
  const denominator = 2 * pooled.truePositives + pooled.falsePositives + pooled.falseNegatives;
  return denominator === 0 ? null : f1FromConfusion(pooled);
}

/**
 * Macro F1: the plain mean of per-genre F1 over genres with at least one
 * positive in the truth. null when no genre has one.
 *
 * Why not sklearn's `average='macro'` (all genres, zero_division=0)? A genre
 * absent from this split scores 0 on any false alarm and 0/0 otherwise; it
 * says nothing about the model, yet would drag the mean down by a different
 * amount depending on which rare genres the split happened to leave out. So
 * this is >= sklearn's number whenever some genre has no positives.
 */
export function f1Macro(probs: Float32Array, labels: Uint8Array, numGenres: number, thresholds: ArrayLike<number>): number | null {
  let sum = 0;
  let used = 0;
  for (const genre of confusionByGenre(probs, labels, numGenres, thresholds)) {
    if (genre.support === 0) continue;
    sum += f1FromConfusion(genre);
    used++;
  }
  return used === 0 ? null : sum / used;
}

/**
 * Samples F1: F1 of each poster's predicted genre set against its true set,
 * averaged over all posters. A poster with no true and no predicted genres
 * scores 1: predicting nothing for it is exactly right. That is sklearn's
 * zero_division=1 (its default would count it as 0). null when there are no
 * samples.
 */
export function f1Samples(probs: Float32Array, labels: Uint8Array, numGenres: number, thresholds: ArrayLike<number>): number | null {
  const numSamples = sampleCount(probs, labels, numGenres);
  checkThresholds(thresholds, numGenres);
  if (numSamples === 0) return null;
  let sum = 0;
  for (let i = 0; i < numSamples; i++) {
    let hits = 0;
    let trueCount = 0;
    let predictedCount = 0;
    for (let j = 0; j < numGenres; j++) {
      const at = i * numGenres + j;
      const predicted = probs[at] >= thresholds[j];
      const actual = labels[at] !== 0;
      if (predicted) predictedCount++;
      if (actual) trueCount++;
      if (predicted && actual) hits++;
    }
    sum += trueCount + predictedCount === 0 ? 1 : (2 * hits) / (trueCount + predictedCount);
  }
  return sum / numSamples;
}
