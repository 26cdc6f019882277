/**
 * Ranking metrics per poster: "is the top-scored genre right?" (precision@1)
 * and "are the true genres among the top 3?" (recall@3). They need no
 * threshold, so they are fair to a model whose probabilities are all low.
 */
import { sampleCount } from './layout';

/**
 * Expected hits among one sample's top-k genres. Genres tied at the cut-off
 * share the remaining slots' credit (the expected value over a random
 * tie-break), so a constant predictor is neither flattered nor punished by
 * genre order.
 */
function expectedHitsInTopK(probs: Float32Array, labels: Uint8Array, start: number, numGenres: number, k: number): number {
  const row = Array.from(probs.subarray(start, start + numGenres)).sort((a, b) => b - a);
  const cutOff = row[k - 1];
  let above = 0;
  let hitsAbove = 0;
  let tied = 0;
  let hitsTied = 0;
  for (let j = 0; j < numGenres; j++) {
    const score = probs[start + j];
    const actual = labels[start + j] !== 0;
    if (score > cutOff) {
      above++;
      if (actual) hitsAbove++;
    } else if (score === cutOff) {
      tied++;
      if (actual) hitsTied++;
    }
  }
  return hitsAbove + ((k - above) * hitsTied) / tied;
}

function averageAtK(
  probs: Float32Array,
  labels: Uint8Array,
  numGenres: number,
  k: number,
  score: (hits: number, trueCount: number, k: number) => number,
): number | null {
  const numSamples = sampleCount(probs, labels, numGenres);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  // Asking for more genres than exist means all of them.
  const effectiveK = Math.min(k, numGenres);
  let sum = 0;
  let used = 0;
  for (let i = 0; i < numSamples; i++) {
    const start = i * numGenres;
    let trueCount = 0;
    for (let j = 0; j < numGenres; j++) if (labels[start + j] !== 0) trueCount++;
    // A poster with no true genre has nothing to rank correctly; skip it.
    if (trueCount === 0) continue;
    sum += score(expectedHitsInTopK(probs, labels, start, numGenres, effectiveK), trueCount, effectiveK);
    used++;
  }
  return used === 0 ? null : sum / used;
}

/**
 * Share of each sample's k top-scored genres that are true, averaged over
 * samples with at least one true genre. null when there are none.
 */
export function precisionAtK(probs: Float32Array, labels: Uint8Array, numGenres: number, k: number): number | null {
  return averageAtK(probs, labels, numGenres, k, (hits, _trueCount, effectiveK) => hits / effectiveK);
}

/**
 * Share of each sample's true genres found among its k top-scored genres,
 * averaged over samples with at least one true genre. null when there are none.
 */
export function recallAtK(probs: Float32Array, labels: Uint8Array, numGenres: number, k: number): number | null {
  return averageAtK(probs, labels, numGenres, k, (hits, trueCount) => hits / trueCount);
}
