import { describe, expect, it } from 'vitest';
import { predictedGenreIndices, topGenreIndices, trueGenreIndices } from './genreDecisions';

// Two posters x 4 genres.
const probs = Float32Array.from([0.1, 0.9, 0.5, 0.3, 0.2, 0.2, 0.2, 0.7]);
const labels = Uint8Array.from([0, 1, 0, 1, 0, 0, 0, 0]);

describe('genre decisions', () => {
  it('predicts genres at or above their own threshold', () => {
    expect(predictedGenreIndices(probs, 4, 0, [0.5, 0.5, 0.5, 0.5])).toEqual([1, 2]);
    expect(predictedGenreIndices(probs, 4, 0, [0.05, 0.95, 0.6, 0.3])).toEqual([0, 3]);
    expect(predictedGenreIndices(probs, 4, 1, [0.5, 0.5, 0.5, 0.5])).toEqual([3]);
  });

  it('reads true genres', () => {
    expect(trueGenreIndices(labels, 4, 0)).toEqual([1, 3]);
    expect(trueGenreIndices(labels, 4, 1)).toEqual([]);
  });

  it('ranks top-k most probable first, ties in vocabulary order', () => {
    expect(topGenreIndices(probs, 4, 0, 3)).toEqual([1, 2, 3]);
    expect(topGenreIndices(probs, 4, 1, 3)).toEqual([3, 0, 1]);
    expect(topGenreIndices(probs, 4, 1, 10)).toEqual([3, 0, 1, 2]);
    expect(topGenreIndices(probs, 4, 1, 0)).toEqual([]);
  });
});
