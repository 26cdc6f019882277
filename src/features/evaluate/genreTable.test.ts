import { describe, expect, it } from 'vitest';
import type { GenreMetrics } from '../../metrics';
import { nextGenreSort, sortGenreRows, type GenreRow } from './genreTable';

function row(index: number, genre: string, m: Partial<GenreMetrics>): GenreRow {
  return { index, genre, support: 0, ap: null, auc: null, threshold: 0.5, f1: 0, ...m };
}

const rows = [
  row(0, 'Drama', { support: 50, ap: 0.6, auc: 0.7, f1: 0.5 }),
  row(1, 'Action', { support: 20, ap: 0.4, auc: null, f1: 0.3 }),
  row(2, 'Western', { support: 0, ap: null, auc: null, f1: 0 }),
  row(3, 'Comedy', { support: 20, ap: 0.8, auc: 0.6, f1: 0.3 }),
];

const order = (sorted: GenreRow[]) => sorted.map((r) => r.genre);

describe('sortGenreRows', () => {
  it('sorts names A-Z and back', () => {
    expect(order(sortGenreRows(rows, { key: 'genre', direction: 'ascending' }))).toEqual(['Action', 'Comedy', 'Drama', 'Western']);
    expect(order(sortGenreRows(rows, { key: 'genre', direction: 'descending' }))).toEqual(['Western', 'Drama', 'Comedy', 'Action']);
  });

  it('breaks numeric ties by vocabulary order', () => {
    expect(order(sortGenreRows(rows, { key: 'support', direction: 'descending' }))).toEqual(['Drama', 'Action', 'Comedy', 'Western']);
  });

  it('puts null AP/AUC last in both directions', () => {
    expect(order(sortGenreRows(rows, { key: 'ap', direction: 'descending' }))).toEqual(['Comedy', 'Drama', 'Action', 'Western']);
    expect(order(sortGenreRows(rows, { key: 'ap', direction: 'ascending' }))).toEqual(['Action', 'Drama', 'Comedy', 'Western']);
    expect(order(sortGenreRows(rows, { key: 'auc', direction: 'ascending' }))).toEqual(['Comedy', 'Drama', 'Action', 'Western']);
  });

  it('does not mutate its input', () => {
    const copy = [...rows];
    sortGenreRows(rows, { key: 'f1', direction: 'ascending' });
    expect(rows).toEqual(copy);
  });
});

describe('nextGenreSort', () => {
  it('flips the sorted column and starts others at their default', () => {
    expect(nextGenreSort({ key: 'ap', direction: 'descending' }, 'ap')).toEqual({ key: 'ap', direction: 'ascending' });
    expect(nextGenreSort({ key: 'ap', direction: 'ascending' }, 'genre')).toEqual({ key: 'genre', direction: 'ascending' });
    expect(nextGenreSort({ key: 'genre', direction: 'ascending' }, 'f1')).toEqual({ key: 'f1', direction: 'descending' });
  });
});
