import { describe, expect, it } from 'vitest';
import type { SaliencyGrid } from '../../worker/protocol';
import { describeHotRegion, explainSaliency } from './saliencyText';

function grid(hot: Array<[number, number]>): SaliencyGrid {
  const heat = new Array<number>(64).fill(0);
  hot.forEach(([row, col]) => (heat[row * 8 + col] = 1));
  return { rows: 8, cols: 8, heat, probability: 0.62, lowestProbability: 0.31, copies: 49 };
}

describe('saliency in words', () => {
  it('names the third of the poster that holds the most heat', () => {
    expect(
      describeHotRegion(
        grid([
          [0, 0],
          [1, 1],
        ]),
      ),
    ).toBe('the top left');
    expect(
      describeHotRegion(
        grid([
          [7, 4],
          [7, 3],
        ]),
      ),
    ).toBe('the bottom');
    expect(describeHotRegion(grid([[4, 7]]))).toBe('the right side');
    expect(
      describeHotRegion(
        grid([
          [3, 3],
          [4, 4],
        ]),
      ),
    ).toBe('the middle');
    expect(describeHotRegion(grid([]))).toBeUndefined();
  });

  it('says how far hiding the region lowers the genre, or that no region carries it', () => {
    expect(explainSaliency('Horror', grid([[0, 7]]))).toBe(
      'Horror comes mostly from the top right (highlighted): hiding that region lowers Horror from 62% to 31%.',
    );
    expect(explainSaliency('Drama', grid([]))).toBe('No single region carries Drama: hiding any one of them does not lower its 62%.');
  });
});
