/**
 * The multi-label layout every metric here reads:
 *
 *   probs  Float32Array [numSamples * numGenres], values in [0, 1]
 *   labels Uint8Array   [numSamples * numGenres], values 0/1
 *
 * Row-major: sample i, genre j sits at i * numGenres + j, exactly what
 * `await predictions.data()` gives for a [numSamples, numGenres] tensor.
 */

/**
 * Checks the layout and returns numSamples. Throws RangeError on a mismatch:
 * that is a programming error upstream, and a silent misread would produce
 * plausible-looking but wrong metrics.
 */
export function sampleCount(probs: ArrayLike<number>, labels: ArrayLike<number>, numGenres: number): number {
  if (!Number.isInteger(numGenres) || numGenres < 1) {
    throw new RangeError(`numGenres must be a positive integer, got ${numGenres}`);
  }
  if (probs.length !== labels.length) {
    throw new RangeError(`probs has ${probs.length} values but labels has ${labels.length}`);
  }
  if (probs.length % numGenres !== 0) {
    throw new RangeError(`${probs.length} values is not a whole number of rows of ${numGenres} genres`);
  }
  return probs.length / numGenres;
}

/** Checks that there is one threshold per genre. */
export function checkThresholds(thresholds: ArrayLike<number>, numGenres: number): void {
  if (thresholds.length !== numGenres) {
    throw new RangeError(`expected ${numGenres} thresholds, got ${thresholds.length}`);
  }
}

/** One genre's scores down all samples: [numSamples]. */
export function scoreColumn(probs: Float32Array, numGenres: number, genre: number): Float32Array {
  const numSamples = probs.length / numGenres;
  const column = new Float32Array(numSamples);
  for (let i = 0; i < numSamples; i++) column[i] = probs[i * numGenres + genre];
  return column;
}

/** One genre's 0/1 labels down all samples: [numSamples]. */
export function labelColumn(labels: Uint8Array, numGenres: number, genre: number): Uint8Array {
  const numSamples = labels.length / numGenres;
  const column = new Uint8Array(numSamples);
  for (let i = 0; i < numSamples; i++) column[i] = labels[i * numGenres + genre];
  return column;
}

/** The same threshold for every genre, e.g. the default 0.5 decision rule. */
export function uniformThresholds(numGenres: number, threshold = 0.5): number[] {
  return new Array<number>(numGenres).fill(threshold);
}
