import { useMemo, useState } from 'react';
import type { SortDirection } from '../evaluate/genreTable';
import { formatPercent } from '../evaluate/format';
import { TOP_GENRES_SHOWN, batchRows, batchSortValue, parseBatchSortValue, sortBatchRows, type BatchSort } from './batchRows';

/** Rows rendered per "show more": a folder can hold thousands of posters. */
export const ROWS_PER_PAGE = 200;

interface BatchPredictionsTableProps {
  ids: string[];
  /** [ids.length * genres.length], values in [0, 1]. */
  probs: Float32Array;
  genres: string[];
  thresholds: number[];
  /** Per row: in the model's training split (flagged: its scores flatter the model). */
  seenInTraining?: boolean[];
}

/** One row per poster: top-3 genres and the predicted set; sorted by Id or by one genre's probability. */
export function BatchPredictionsTable({ ids, probs, genres, thresholds, seenInTraining }: BatchPredictionsTableProps) {
  const [sort, setSort] = useState<BatchSort>({ by: 'id' });
  const [direction, setDirection] = useState<SortDirection>('ascending');
  const [shown, setShown] = useState(ROWS_PER_PAGE);
  const rows = useMemo(() => batchRows(ids, probs, genres, thresholds), [ids, probs, genres, thresholds]);
  const sorted = useMemo(() => sortBatchRows(rows, probs, genres.length, sort, direction), [rows, probs, genres.length, sort, direction]);
  const sortGenre = sort.by === 'genre' ? sort.genre : undefined;

  return (
    <div className="batch-table">
      <div className="picker-row">
        <label>
          Sort predictions by
          <select
            value={batchSortValue(sort)}
            onChange={(event) => {
              const next = parseBatchSortValue(event.target.value, genres.length);
              setSort(next);
              // Ids read best A-Z, probabilities best highest-first.
              setDirection(next.by === 'id' ? 'ascending' : 'descending');
            }}
          >
            <option value="id">Id</option>
            {genres.map((genre, j) => (
              <option key={j} value={`genre:${j}`}>
                P({genre})
              </option>
            ))}
          </select>
        </label>
        <label>
          Order
          <select value={direction} onChange={(event) => setDirection(event.target.value === 'descending' ? 'descending' : 'ascending')}>
            <option value="ascending">ascending</option>
            <option value="descending">descending</option>
          </select>
        </label>
      </div>
      <div className="table-scroll">
        <table className="summary-table" aria-label="Batch predictions">
          <thead>
            <tr>
              <th scope="col" aria-sort={sort.by === 'id' ? direction : 'none'}>
                Id
              </th>
              {sortGenre !== undefined && (
                <th scope="col" className="num" aria-sort={direction}>
                  P({genres[sortGenre]})
                </th>
              )}
              <th scope="col">Top {TOP_GENRES_SHOWN} genres</th>
              <th scope="col">Predicted genres</th>
            </tr>
          </thead>
          <tbody>
            {sorted.slice(0, shown).map((row) => (
              <tr key={row.index}>
                <th scope="row">
                  {row.id}
                  {seenInTraining?.[row.index] && <span className="seen-badge"> seen in training</span>}
                </th>
                {sortGenre !== undefined && <td className="num">{formatPercent(probs[row.index * genres.length + sortGenre], 1)}</td>}
                <td>{row.top.map((score) => `${score.genre} ${formatPercent(score.probability, 1)}`).join(' · ')}</td>
                <td>{row.predicted.length > 0 ? row.predicted.join(' · ') : <span className="hint">none</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {sorted.length > shown && (
        <button type="button" onClick={() => setShown(shown + ROWS_PER_PAGE)}>
          Show more ({sorted.length - shown} hidden)
        </button>
      )}
    </div>
  );
}
