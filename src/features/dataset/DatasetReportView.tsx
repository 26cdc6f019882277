import { useMemo, useState } from 'react';
import type { InputIssue } from '../../data/types';
import type { DatasetSummary } from '../../worker/protocol';
import { GenreCountChart } from '../charts/lazyCharts';

const ISSUES_SHOWN = 20;

function groupByKind(issues: readonly InputIssue[]): Map<string, InputIssue[]> {
  const groups = new Map<string, InputIssue[]>();
  for (const issue of issues) {
    const group = groups.get(issue.kind);
    if (group) group.push(issue);
    else groups.set(issue.kind, [issue]);
  }
  return groups;
}

function IssueGroup({ kind, issues }: { kind: string; issues: InputIssue[] }) {
  const [expanded, setExpanded] = useState(false);
  const shown = expanded ? issues : issues.slice(0, ISSUES_SHOWN);
  return (
    <details open={issues.length <= 5}>
      <summary>
        {kind}: {issues.length}
      </summary>
      <ul className="issue-list">
        {shown.map((issue, k) => (
          <li key={k}>{issue.message}</li>
        ))}
      </ul>
      {issues.length > ISSUES_SHOWN && (
        <button type="button" onClick={() => setExpanded(!expanded)}>
          {expanded ? 'Show fewer' : `Show all ${issues.length}`}
        </button>
      )}
    </details>
  );
}

/** Everything found in the dropped dataset, problems included. */
export function DatasetReportView({ summary }: { summary: DatasetSummary }) {
  const counts = useMemo(() => summary.genres.map((genre, k) => ({ genre, posters: summary.genreCounts[k] })), [summary]);
  // A 50,000-row CSV can carry 50,000 issues: group them once per report, not per render.
  const groups = useMemo(() => groupByKind(summary.issues), [summary.issues]);
  return (
    <section aria-label="Dataset report">
      <dl className="stats">
        <dt>Posters found</dt>
        <dd data-testid="posters-found">{summary.postersFound}</dd>
        <dt>CSV rows</dt>
        <dd data-testid="rows-read">{summary.rowsRead}</dd>
        <dt>Unique labelled rows</dt>
        <dd>{summary.uniqueRows}</dd>
        <dt>Usable (row + poster)</dt>
        <dd data-testid="usable-examples">{summary.examples}</dd>
        <dt>Genres</dt>
        <dd data-testid="genre-count">{summary.genres.length}</dd>
      </dl>
      <h3>Posters per genre</h3>
      <figure className="chart" aria-label="Posters per genre chart">
        <GenreCountChart counts={counts} />
      </figure>
      <h3>Problems ({summary.issues.length})</h3>
      {summary.issues.length === 0 ? (
        <p>None: every row has a poster and every poster a row.</p>
      ) : (
        <div role="group" aria-label="Dataset problems">
          {[...groups].map(([kind, issues]) => (
            <IssueGroup key={kind} kind={kind} issues={issues} />
          ))}
        </div>
      )}
    </section>
  );
}
