import { describe, expect, it } from 'vitest';
import { BCE_EPSILON, binaryCrossEntropy } from './loss';
import { handLabels, handProbs } from './testFixtures';

describe('binaryCrossEntropy', () => {
  it('is -mean ln(probability given to the true class) on the hand example', () => {
    // Probability of the true class per value, row by row:
    // s0 .9 .7 .9 | s1 .25 .7 .8 | s2 .4 .8 .4 | s3 .8 .55 .95
    const trueClass = [0.9, 0.7, 0.9, 0.25, 0.7, 0.8, 0.4, 0.8, 0.4, 0.8, 0.55, 0.95];
    const expected = -trueClass.reduce((sum, p) => sum + Math.log(p), 0) / trueClass.length;
    expect(binaryCrossEntropy(handProbs, handLabels)).toBeCloseTo(expected, 6);
  });

  it('is ln 2 for a coin flip', () => {
    expect(binaryCrossEntropy([0.5, 0.5], [1, 0])).toBeCloseTo(Math.LN2, 12);
  });

  it('clips confident mistakes to -ln(eps) instead of Infinity', () => {
    expect(binaryCrossEntropy([0, 1], [1, 0])).toBeCloseTo(-Math.log(BCE_EPSILON), 9);
    expect(binaryCrossEntropy([1, 0], [1, 0])).toBeCloseTo(-Math.log(1 - BCE_EPSILON), 12);
  });

  it('is null for empty input and throws on mismatched lengths', () => {
    expect(binaryCrossEntropy([], [])).toBeNull();
    expect(() => binaryCrossEntropy([0.5], [])).toThrow(RangeError);
  });
});
