import { useMemo, useState } from 'react';
import type { MultiLabelMetrics } from '../../metrics';
import { formatMetric } from './format';
import { SMALL_SUPPORT, genreRows, nextGenreSort, smallSupport, sortGenreRows, type GenreSort, type GenreSortKey } from './genreTable';

interface PerGenreTableProps {
  genres: string[];
  metrics: MultiLabelMetrics;
}

const COLUMNS: Array<{ key: GenreSortKey; label: string; numeric: boolean }> = [
  { key: 'genre', label: 'Genre', numeric: false },
  { key: 'support', label: 'Support', numeric: true },
  { key: 'ap', label: 'AP', numeric: true },
  { key: 'auc', label: 'ROC AUC', numeric: true },
  { key: 'threshold', label: 'Threshold', numeric: true },
  { key: 'f1', label: 'F1', numeric: true },
];

/** One row per genre; every column header is a button that sorts by it. */
export function PerGenreTable({ genres, metrics }: PerGenreTableProps) {
  const [sort, setSort] = useState<GenreSort>({ key: 'support', direction: 'descending' });
  const rows = useMemo(() => sortGenreRows(genreRows(genres, metrics), sort), [genres, metrics, sort]);
  const few = rows.filter((row) => smallSupport(row.support)).length;
  return (
    <div className="table-scroll">
      <table className="summary-table eval-genres" aria-label="Per-genre metrics">
        {few > 0 && (
          <caption>
            <span aria-hidden="true">⚠ </span>
            {few} {few === 1 ? 'genre has' : 'genres have'} fewer than {SMALL_SUPPORT} validation posters: their AP, AUC and F1 swing widely.
          </caption>
        )}
        <thead>
          <tr>
            {COLUMNS.map((column) => (
              <th
                key={column.key}
                scope="col"
                className={column.numeric ? 'num' : undefined}
                aria-sort={sort.key === column.key ? sort.direction : 'none'}
              >
                <button type="button" className="eval-sort" onClick={() => setSort(nextGenreSort(sort, column.key))}>
                  {column.label}
                  <span aria-hidden="true">{sort.key === column.key ? (sort.direction === 'ascending' ? ' ▲' : ' ▼') : ''}</span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.index}>
              <th scope="row">{row.genre}</th>
              <td className="num">
                {row.support}
                {smallSupport(row.support) && (
                  <span className="small-support" title={`fewer than ${SMALL_SUPPORT} posters`}>
                    <span aria-hidden="true"> ⚠</span>
                    <span className="eval-sr-only"> (few posters)</span>
                  </span>
                )}
              </td>
              <td className="num">{formatMetric(row.ap)}</td>
              <td className="num">{formatMetric(row.auc)}</td>
              <td className="num">{formatMetric(row.threshold, 2)}</td>
              <td className="num">{formatMetric(row.f1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
