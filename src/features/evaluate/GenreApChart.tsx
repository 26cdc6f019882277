import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { legendText } from '../chartLegend';
import type { MultiLabelMetrics } from '../../metrics';
import { SMALL_SUPPORT, smallSupport } from './genreTable';

interface GenreApChartProps {
  genres: string[];
  metrics: MultiLabelMetrics;
  baseline?: MultiLabelMetrics;
}

/**
 * Average precision per genre, best first, next to the constant prior's (=
 * the genre's prevalence). Genres with few validation posters come last,
 * starred: their AP is mostly luck, and a lucky 1.000 must not top the chart.
 */
export function GenreApChart({ genres, metrics, baseline }: GenreApChartProps) {
  const data = metrics.perGenre
    .map((m, j) => ({
      genre: `${genres[j] ?? `#${j}`}${smallSupport(m.support) ? ' *' : ''}`,
      few: smallSupport(m.support),
      ap: m.ap,
      baselineAp: baseline?.perGenre[j]?.ap ?? null,
    }))
    .filter((row) => row.ap !== null)
    .sort((a, b) => Number(a.few) - Number(b.few) || (b.ap ?? 0) - (a.ap ?? 0));
  const anyFew = data.some((row) => row.few);
  return (
    <figure className="chart" aria-label="Average precision per genre">
      <figcaption>
        Average precision per genre{baseline ? ' vs constant prior' : ''}
        {anyFew && `; * fewer than ${SMALL_SUPPORT} validation posters, shown last`}
      </figcaption>
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={data} margin={{ bottom: 40 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="genre" angle={-45} textAnchor="end" interval={0} fontSize={11} />
          <YAxis domain={[0, 1]} />
          <Tooltip formatter={(value) => (typeof value === 'number' ? value.toFixed(3) : String(value))} />
          <Legend verticalAlign="top" formatter={legendText} />
          <Bar dataKey="ap" name="model" fill="#2e9d5b" isAnimationActive={false} />
          {baseline && <Bar dataKey="baselineAp" name="constant prior" fill="#b8c2d6" isAnimationActive={false} />}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
