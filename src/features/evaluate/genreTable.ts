import type { GenreMetrics, MultiLabelMetrics } from '../../metrics';

/**
 * Genres with fewer validation posters than this get a caution: one or two
 * positives make AP swing between 0 and 1 (a genre with one poster ranked
 * first scores AP 1.000).
 */
export const SMALL_SUPPORT = 10;

/** Whether a genre's validation metrics rest on too few posters to trust. */
export function smallSupport(support: number): boolean {
  return support > 0 && support < SMALL_SUPPORT;
}

export type GenreSortKey = 'genre' | 'support' | 'ap' | 'auc' | 'threshold' | 'f1';

/** The values `aria-sort` takes, so a header can state its order as-is. */
export type SortDirection = 'ascending' | 'descending';

export interface GenreSort {
  key: GenreSortKey;
  direction: SortDirection;
}

export interface GenreRow extends GenreMetrics {
  genre: string;
  /** Position in the vocabulary. */
  index: number;
}

export function genreRows(genres: readonly string[], metrics: MultiLabelMetrics): GenreRow[] {
  return metrics.perGenre.map((m, index) => ({ ...m, genre: genres[index] ?? `#${index}`, index }));
}

/** Names read A-Z first; numbers best-first. */
export function defaultDirection(key: GenreSortKey): SortDirection {
  return key === 'genre' ? 'ascending' : 'descending';
}

/** Clicking the sorted column flips it; clicking another starts at its default order. */
export function nextGenreSort(current: GenreSort, clicked: GenreSortKey): GenreSort {
  if (current.key === clicked) {
    return { key: clicked, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  }
  return { key: clicked, direction: defaultDirection(clicked) };
}

/**
 * A sorted copy. Null values (AP/AUC undefined for this genre) go last in
 * either direction; ties fall back to vocabulary order so the order is stable.
 */
export function sortGenreRows(rows: readonly GenreRow[], sort: GenreSort): GenreRow[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => {
    if (sort.key === 'genre') return sign * a.genre.localeCompare(b.genre) || a.index - b.index;
    const x = a[sort.key];
    const y = b[sort.key];
    if (x === null || y === null) return x === y ? a.index - b.index : x === null ? 1 : -1;
    return sign * (x - y) || a.index - b.index;
  });
}
