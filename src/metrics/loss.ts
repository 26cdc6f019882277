/** The training loss, recomputed on plain numbers for reports and baselines. */

/** Same clipping as Keras / tfjs `binaryCrossentropy`, so the numbers agree. */
export const BCE_EPSILON = 1e-7;

/**
 * Mean binary cross-entropy over every (sample, genre) value, in nats:
 * -mean(y ln p + (1 - y) ln(1 - p)), p clipped to [eps, 1 - eps] so a
 * confident mistake costs ~16.1 instead of Infinity. null for empty input.
 */
export function binaryCrossEntropy(probs: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  if (probs.length !== labels.length) {
    throw new RangeError(`probs has ${probs.length} values but labels has ${labels.length}`);
  }
  if (probs.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = Math.min(1 - BCE_EPSILON, Math.max(BCE_EPSILON, probs[i]));
    sum -= labels[i] !== 0 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / probs.length;
}
