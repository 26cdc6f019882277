import { useId, useMemo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MultiLabelMetrics } from '../../metrics';
import { formatMetric } from './format';
import { genrePrevalence, mostSupportedGenre, prCurvePoints } from './prCurve';
import type { ValidationPosters } from './validationPosters';

interface PrCurveChartProps {
  genres: string[];
  metrics: MultiLabelMetrics;
  posters: ValidationPosters;
}

/** Precision vs recall for one genre picked from a labelled select; the dashed line is a random ranking. */
export function PrCurveChart({ genres, metrics, posters }: PrCurveChartProps) {
  const selectId = useId();
  const [picked, setPicked] = useState<number | undefined>();
  // A pick from an earlier, larger vocabulary falls back to the default.
  const genre = picked !== undefined && picked < genres.length ? picked : mostSupportedGenre(metrics.perGenre);
  const numGenres = genres.length;
  const points = useMemo(() => prCurvePoints(posters.probs, posters.labels, numGenres, genre), [posters, numGenres, genre]);
  const prevalence = useMemo(() => genrePrevalence(posters.labels, numGenres, genre), [posters, numGenres, genre]);
  const title = `Precision-recall curve: ${genres[genre] ?? ''}`;
  return (
    <figure className="chart" aria-label="Precision-recall curve">
      <figcaption>
        <label htmlFor={selectId}>Genre for PR curve</label>
        <select id={selectId} value={genre} onChange={(event) => setPicked(Number(event.target.value))}>
          {genres.map((name, j) => (
            <option key={j} value={j}>
              {name} ({metrics.perGenre[j]?.support ?? 0})
            </option>
          ))}
        </select>
        <span className="hint">
          {' '}
          AP {formatMetric(metrics.perGenre[genre]?.ap)} · prevalence {formatMetric(prevalence)}
        </span>
      </figcaption>
      {points.length === 0 ? (
        <p className="hint">No validation poster has this genre: there is no curve to draw.</p>
      ) : (
        <ResponsiveContainer width="100%" height={260}>
          <LineChart data={points} title={title}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="recall" type="number" domain={[0, 1]} label={{ value: 'recall', position: 'insideBottom', offset: -2 }} />
            <YAxis domain={[0, 1]} label={{ value: 'precision', angle: -90, position: 'insideLeft' }} />
            <Tooltip formatter={(value) => (typeof value === 'number' ? value.toFixed(3) : String(value))} />
            <ReferenceLine y={prevalence} stroke="#9aa7c0" strokeDasharray="5 5" />
            <Line type="stepBefore" dataKey="precision" stroke="#4a7bd0" dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}
