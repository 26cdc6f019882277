import { describe, expect, it } from 'vitest';
import { batchRows, batchSortValue, parseBatchSortValue, sortBatchRows } from './batchRows';

const genres = ['Action', 'Comedy', 'Drama', 'Horror'];
const ids = ['tt10', 'tt2', 'tt1'];
// [3 posters x 4 genres]
const probs = Float32Array.from([0.9, 0.1, 0.6, 0.2, 0.05, 0.7, 0.7, 0.1, 0.3, 0.3, 0.3, 0.3]);
const thresholds = [0.5, 0.5, 0.65, 0.3];

describe('batchRows', () => {
  const rows = batchRows(ids, probs, genres, thresholds);

  it('lists the top 3 most probable first, ties in vocabulary order', () => {
    expect(rows[0].top.map((s) => s.genre)).toEqual(['Action', 'Drama', 'Horror']);
    expect(rows[0].top[0].probability).toBeCloseTo(0.9, 6);
    expect(rows[1].top.map((s) => s.genre)).toEqual(['Comedy', 'Drama', 'Horror']);
    expect(rows[2].top.map((s) => s.genre)).toEqual(['Action', 'Comedy', 'Drama']);
  });

  it('predicts genres at or above their own threshold', () => {
    expect(rows.map((r) => r.predicted)).toEqual([['Action'], ['Comedy', 'Drama'], ['Horror']]);
  });
});

describe('sortBatchRows', () => {
  const rows = batchRows(ids, probs, genres, thresholds);
  const order = (sorted: typeof rows) => sorted.map((r) => r.id);

  it('sorts Ids naturally', () => {
    expect(order(sortBatchRows(rows, probs, 4, { by: 'id' }, 'ascending'))).toEqual(['tt1', 'tt2', 'tt10']);
    expect(order(sortBatchRows(rows, probs, 4, { by: 'id' }, 'descending'))).toEqual(['tt10', 'tt2', 'tt1']);
  });

  it("sorts by one genre's probability, ties by Id", () => {
    expect(order(sortBatchRows(rows, probs, 4, { by: 'genre', genre: 0 }, 'descending'))).toEqual(['tt10', 'tt1', 'tt2']);
    expect(order(sortBatchRows(rows, probs, 4, { by: 'genre', genre: 2 }, 'descending'))).toEqual(['tt2', 'tt10', 'tt1']);
    // Horror: tt10 0.2 and tt1 0.3 and tt2 0.1.
    expect(order(sortBatchRows(rows, probs, 4, { by: 'genre', genre: 3 }, 'ascending'))).toEqual(['tt2', 'tt10', 'tt1']);
  });

  it('does not mutate its input', () => {
    sortBatchRows(rows, probs, 4, { by: 'genre', genre: 1 }, 'descending');
    expect(order(rows)).toEqual(ids);
  });
});

describe('batch sort <select> values', () => {
  it('round-trips and falls back to Id on anything unknown', () => {
    expect(parseBatchSortValue(batchSortValue({ by: 'genre', genre: 3 }), 4)).toEqual({ by: 'genre', genre: 3 });
    expect(parseBatchSortValue(batchSortValue({ by: 'id' }), 4)).toEqual({ by: 'id' });
    expect(parseBatchSortValue('genre:4', 4)).toEqual({ by: 'id' });
    expect(parseBatchSortValue('nonsense', 4)).toEqual({ by: 'id' });
  });
});
