import { describe, expect, it } from 'vitest';
import { describeConstantPredictions, describeDegenerateFeatures } from './degenerate';

describe('describeDegenerateFeatures', () => {
  it('accepts features that differ between posters', () => {
    expect(describeDegenerateFeatures(Float32Array.from([0.1, 2, 0.3, 2]), 2, 2)).toBeNull();
    // One poster: nothing to compare, but still checked for zeros and NaN.
    expect(describeDegenerateFeatures(Float32Array.from([0.1, 0]), 1, 2)).toBeNull();
  });

  it('names posters that all share one embedding, zero rows and NaN', () => {
    expect(describeDegenerateFeatures(Float32Array.from([0.5, 1, 0.5, 1, 0.5, 1]), 3, 2)).toBe(
      'all 3 posters have the same features (none of 2 dimensions varies)',
    );
    expect(describeDegenerateFeatures(Float32Array.from([0.5, 1, 0, 0]), 2, 2)).toBe('1 of 2 posters have all-zero features');
    expect(describeDegenerateFeatures(Float32Array.from([NaN, 1, 0.2, 0.3]), 2, 2)).toBe('1 of 2 posters have NaN or infinite features');
    expect(describeDegenerateFeatures(Float32Array.from([Infinity, 1]), 1, 2)).toBe('1 of 1 posters have NaN or infinite features');
  });

  it('treats float noise as no spread', () => {
    expect(describeDegenerateFeatures(Float32Array.from([3, 3 + 1e-9]), 2, 1)).toMatch(/same features/);
  });
});

describe('describeConstantPredictions', () => {
  it('accepts scores that vary in at least one genre', () => {
    expect(describeConstantPredictions(Float32Array.from([0.2, 0.5, 0.2, 0.51]), 2, 2)).toBeNull();
  });

  it('names scores that are the same for every poster, and NaN', () => {
    expect(describeConstantPredictions(Float32Array.from([0.2, 0.5, 0.2, 0.5, 0.2, 0.5]), 3, 2)).toBe(
      'the model gives all 3 posters the same scores',
    );
    expect(describeConstantPredictions(Float32Array.from([0.2, NaN]), 1, 2)).toMatch(/NaN/);
  });
});
