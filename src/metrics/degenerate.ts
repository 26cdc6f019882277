/**
 * Checks that catch a model that cannot learn before it is trained or saved:
 * features that are the same for every poster, predictions that do not vary.
 * Such numbers come from a broken backend (a read that returned zeros), not
 * from data: a frozen MobileNet gives every real poster its own embedding.
 * Each returns why the numbers are unusable, or null when they look alive.
 */

/** Below this, a spread is rounding noise, not a difference between posters. */
const SPREAD_EPSILON = 1e-7;

/**
 * features: [rows * dim] row-major, the embeddings of `rows` posters.
 * Unusable when any value is NaN or infinite, any row is all zeros (no real
 * poster gives that after MobileNet's ReLU6 and pooling), or no dimension
 * varies across the rows (needs rows >= 2 to say).
 */
export function describeDegenerateFeatures(features: Float32Array, rows: number, dim: number): string | null {
  if (features.length < rows * dim) throw new Error(`features hold ${features.length} values, ${rows * dim} needed`);
  let nonFinite = 0;
  let zeroRows = 0;
  for (let r = 0; r < rows; r++) {
    let finite = true;
    let zero = true;
    for (let d = 0; d < dim; d++) {
      const value = features[r * dim + d];
      if (!Number.isFinite(value)) finite = false;
      if (value !== 0) zero = false;
    }
    if (!finite) nonFinite++;
    else if (zero) zeroRows++;
  }
  if (nonFinite > 0) return `${nonFinite} of ${rows} posters have NaN or infinite features`;
  if (zeroRows > 0) return `${zeroRows} of ${rows} posters have all-zero features`;
  if (rows < 2) return null;
  let varying = 0;
  for (let d = 0; d < dim; d++) {
    let min = Infinity;
    let max = -Infinity;
    for (let r = 0; r < rows; r++) {
      const value = features[r * dim + d];
      if (value < min) min = value;
      if (value > max) max = value;
    }
    if (max - min > SPREAD_EPSILON * Math.max(1, Math.abs(max))) varying++;
  }
  return varying === 0 ? `all ${rows} posters have the same features (none of ${dim} dimensions varies)` : null;
}

/**
 * probs: [rows * genres] row-major. Unusable when a probability is NaN or
 * infinite, or when no genre's score varies across posters: the model gives
 * every poster the same answer. Needs rows >= 2 to say anything.
 */
export function describeConstantPredictions(probs: Float32Array, rows: number, genres: number): string | null {
  if (probs.length < rows * genres) throw new Error(`probabilities hold ${probs.length} values, ${rows * genres} needed`);
  for (let k = 0; k < rows * genres; k++) {
    if (!Number.isFinite(probs[k])) return `the model outputs NaN or infinite scores (poster ${Math.floor(k / genres) + 1} of ${rows})`;
  }
  if (rows < 2) return null;
  for (let g = 0; g < genres; g++) {
    const first = probs[g];
    for (let r = 1; r < rows; r++) if (Math.abs(probs[r * genres + g] - first) > SPREAD_EPSILON) return null;
  }
  return `the model gives all ${rows} posters the same scores`;
}
