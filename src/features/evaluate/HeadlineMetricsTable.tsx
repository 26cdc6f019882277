import type { MultiLabelMetrics } from '../../metrics';
import { formatMetric } from './format';
import { beatsBaseline, headlineRows } from './headlineMetrics';

interface HeadlineMetricsTableProps {
  metrics: MultiLabelMetrics;
  /** The constant-prior baseline on the same posters; its column is left out when absent. */
  baseline?: MultiLabelMetrics;
  /** Accessible name of the table. */
  label?: string;
}

/** Model vs constant-prior baseline on the headline metrics; undefined values show as a dash. */
export function HeadlineMetricsTable({ metrics, baseline, label = 'Headline metrics' }: HeadlineMetricsTableProps) {
  const rows = headlineRows(metrics, baseline);
  return (
    <div className="table-scroll">
      <table className="summary-table eval-headline" aria-label={label}>
        <caption>
          {metrics.numSamples} posters × {metrics.numGenres} genres
        </caption>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col" className="num">
              Model
            </th>
            {baseline && (
              <th scope="col" className="num">
                Constant prior
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const better = beatsBaseline(row);
            return (
              <tr key={row.key}>
                <th scope="row">
                  {row.label}
                  {row.note && <span className="eval-note"> ({row.note})</span>}
                </th>
                <td className={better === undefined ? 'num' : better ? 'num eval-better' : 'num eval-worse'}>
                  {formatMetric(row.model, row.digits)}
                  {better !== undefined && (
                    <>
                      <span aria-hidden="true"> {better ? '▲' : '▼'}</span>
                      <span className="eval-sr-only">{better ? ', better than the prior' : ', worse than the prior'}</span>
                    </>
                  )}
                </td>
                {baseline && <td className="num">{formatMetric(row.baseline, row.digits)}</td>}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
