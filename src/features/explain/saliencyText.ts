import type { SaliencyGrid } from '../../worker/protocol';

const VERTICAL = ['top', 'middle', 'bottom'] as const;
const HORIZONTAL = ['left', 'centre', 'right'] as const;

/**
 * The hottest part of a saliency grid in words ("the top left", "the middle"),
 * for screen readers and for anyone who cannot tell the overlay's colours
 * apart; undefined when the grid has no heat.
 */
export function describeHotRegion(grid: SaliencyGrid): string | undefined {
  // Thirds of the poster, each with the heat of the cells whose centre falls in it.
  const sums = Array.from({ length: 9 }, () => 0);
  grid.heat.forEach((value, k) => {
    const row = Math.min(2, Math.floor(((Math.floor(k / grid.cols) + 0.5) / grid.rows) * 3));
    const col = Math.min(2, Math.floor((((k % grid.cols) + 0.5) / grid.cols) * 3));
    sums[row * 3 + col] += value;
  });
  const best = sums.indexOf(Math.max(...sums));
  if (sums[best] <= 0) return undefined;
  const [vertical, horizontal] = [VERTICAL[Math.floor(best / 3)], HORIZONTAL[best % 3]];
  if (vertical === 'middle' && horizontal === 'centre') return 'the middle';
  if (horizontal === 'centre') return `the ${vertical}`;
  if (vertical === 'middle') return `the ${horizontal} side`;
  return `the ${vertical} ${horizontal}`;
}

/** "62%" */
function percent(p: number): string {
  return `${Math.round(p * 100)}%`;
}

/** What the map shows, in a sentence. */
export function explainSaliency(genre: string, grid: SaliencyGrid): string {
  const region = describeHotRegion(grid);
  if (!region) return `No single region carries ${genre}: hiding any one of them does not lower its ${percent(grid.probability)}.`;
  return (
    `${genre} comes mostly from ${region} (highlighted): hiding that region lowers ${genre} from ` +
    `${percent(grid.probability)} to ${percent(grid.lowestProbability)}.`
  );
}
