/**
 * Per-poster decisions read from the row-major layout of `src/metrics/layout.ts`:
 * probs Float32Array [numSamples * numGenres], values in [0, 1].
 */

/** Genre indices with p >= that genre's threshold, in vocabulary order. */
export function predictedGenreIndices(probs: Float32Array, numGenres: number, row: number, thresholds: readonly number[]): number[] {
  const predicted: number[] = [];
  const start = row * numGenres;
  for (let j = 0; j < numGenres; j++) if (probs[start + j] >= thresholds[j]) predicted.push(j);
  return predicted;
}

/** Genre indices with label 1, in vocabulary order. */
export function trueGenreIndices(labels: Uint8Array, numGenres: number, row: number): number[] {
  const actual: number[] = [];
  const start = row * numGenres;
  for (let j = 0; j < numGenres; j++) if (labels[start + j] !== 0) actual.push(j);
  return actual;
}

/**
 * The k most probable genre indices, most probable first. Ties keep vocabulary
 * order, so the same probabilities always give the same list.
 */
export function topGenreIndices(probs: Float32Array, numGenres: number, row: number, k: number): number[] {
  const start = row * numGenres;
  const order = Array.from({ length: numGenres }, (_, j) => j);
  order.sort((a, b) => probs[start + b] - probs[start + a] || a - b);
  return order.slice(0, Math.max(0, k));
}
