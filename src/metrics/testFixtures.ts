/**
 * A 4-poster x 3-genre example small enough to check every metric by hand.
 * Genre 2 has no positives, to prove it is excluded rather than counted as 0.
 *
 *            probs                 labels
 *   s0  [0.9,  0.3,  0.1 ]        [1, 0, 0]
 *   s1  [0.75, 0.7,  0.2 ]        [0, 1, 0]
 *   s2  [0.4,  0.8,  0.6 ]        [1, 1, 0]
 *   s3  [0.2,  0.55, 0.05]        [0, 1, 0]
 */
export const HAND_GENRES = 3;
export const handProbs = Float32Array.from([0.9, 0.3, 0.1, 0.75, 0.7, 0.2, 0.4, 0.8, 0.6, 0.2, 0.55, 0.05]);
export const handLabels = Uint8Array.from([1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0]);
