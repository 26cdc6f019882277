/**
 * Seeded randomness for everything that shuffles or splits, so the same seed
 * always gives the same split and the same batch order.
 */

/** Returns a float in [0, 1). */
export type Rng = () => number;

/** Anything indexable and writable: plain arrays and typed arrays alike. */
export interface MutableArrayLike<T> {
  readonly length: number;
  [index: number]: T;
}

/**
 * mulberry32: tiny, fast, and good enough for shuffles and splits (not for
 * cryptography). `seed` is reduced to an unsigned 32-bit integer, so 1.7 and 1
 * give the same stream, and so do -1 and 4294967295.
 *
 * IMPORTANT: changing this algorithm changes every seeded split and batch
 * order; random.test.ts pins its first outputs to catch that.
 */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [0, maxExclusive). */
export function randomInt(rng: Rng, maxExclusive: number): number {
  // IMPORTANT: rng() < 1, so the floor never reaches maxExclusive.
  return Math.floor(rng() * maxExclusive);
}

/** Fisher-Yates: every permutation equally likely. Returns the same array. */
export function shuffleInPlace<A extends MutableArrayLike<unknown>>(array: A, rng: Rng): A {
  for (let i = array.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const held = array[i];
    array[i] = array[j];
    array[j] = held;
  }
  return array;
}
