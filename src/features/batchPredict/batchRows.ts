import { predictedGenreIndices, topGenreIndices } from '../evaluate/genreDecisions';
import type { SortDirection } from '../evaluate/genreTable';

/** How many most-probable genres each row shows. */
export const TOP_GENRES_SHOWN = 3;

export interface GenreProbability {
  genre: string;
  probability: number;
}

export interface BatchRow {
  /** Row in the result buffers. */
  index: number;
  id: string;
  /** Most probable first. */
  top: GenreProbability[];
  /** Genres with p >= their threshold, in vocabulary order (as in the CSV). */
  predicted: string[];
}

export type BatchSort = { by: 'id' } | { by: 'genre'; genre: number };

/** probs: Float32Array [ids.length * genres.length], values in [0, 1]. */
export function batchRows(
  ids: readonly string[],
  probs: Float32Array,
  genres: readonly string[],
  thresholds: readonly number[],
  k = TOP_GENRES_SHOWN,
): BatchRow[] {
  const numGenres = genres.length;
  return ids.map((id, index) => ({
    index,
    id,
    top: topGenreIndices(probs, numGenres, index, k).map((j) => ({ genre: genres[j], probability: probs[index * numGenres + j] })),
    predicted: predictedGenreIndices(probs, numGenres, index, thresholds).map((j) => genres[j]),
  }));
}

const idCollator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Ids compare naturally (tt2 before tt10); ties in a genre's probability fall back to Id order. */
export function sortBatchRows(
  rows: readonly BatchRow[],
  probs: Float32Array,
  numGenres: number,
  sort: BatchSort,
  direction: SortDirection,
): BatchRow[] {
  const sign = direction === 'ascending' ? 1 : -1;
  const byId = (a: BatchRow, b: BatchRow) => idCollator.compare(a.id, b.id) || a.index - b.index;
  if (sort.by === 'id') return [...rows].sort((a, b) => sign * byId(a, b));
  const p = (row: BatchRow) => probs[row.index * numGenres + sort.genre];
  return [...rows].sort((a, b) => sign * (p(a) - p(b)) || byId(a, b));
}

/** Encodes a sort as a <select> value and back: "id" or "genre:<index>". */
export function batchSortValue(sort: BatchSort): string {
  return sort.by === 'id' ? 'id' : `genre:${sort.genre}`;
}

export function parseBatchSortValue(value: string, numGenres: number): BatchSort {
  const match = /^genre:(\d+)$/.exec(value);
  const genre = match ? Number(match[1]) : -1;
  return genre >= 0 && genre < numGenres ? { by: 'genre', genre } : { by: 'id' };
}
