import type { MultiLabelMetrics } from '../../metrics';
import { verdictOf } from './verdict';

const MARK = { learning: '✓', 'no-better': '≈', worse: '✗' } as const;

/** The verdict in words, a mark and a colour: the colour is never the only carrier. */
export function VerdictLine({ metrics, baseline }: { metrics: MultiLabelMetrics; baseline?: MultiLabelMetrics }) {
  const verdict = verdictOf(metrics, baseline);
  if (!verdict) return null;
  return (
    <div className={`verdict verdict--${verdict.kind}`} role="status" aria-label="Verdict">
      <p>
        <span aria-hidden="true" className="verdict-mark">
          {MARK[verdict.kind]}
        </span>{' '}
        {verdict.text}
      </p>
      {verdict.advice && <p className="hint">{verdict.advice}</p>}
    </div>
  );
}
