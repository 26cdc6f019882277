import type { MultiLabelMetrics } from '../../metrics';
import type { ExplainApi } from '../explain/ExplainedPoster';
import { GenreApChart, PrCurveChart } from '../charts/lazyCharts';
import { HeadlineMetricsTable } from './HeadlineMetricsTable';
import { VerdictLine } from './VerdictLine';
import { PerGenreTable } from './PerGenreTable';
import { ValidationPosterGrid } from './ValidationPosterGrid';
import { validationPostersProblem, type ValidationPosters } from './validationPosters';

export type { ValidationPosters } from './validationPosters';

interface EvaluationPanelProps {
  genres: string[];
  metrics: MultiLabelMetrics;
  /** The constant-prior baseline on the same validation posters. */
  baseline?: MultiLabelMetrics;
  /** Per-poster scores; without them the PR curve and the poster grid are left out. */
  posters?: ValidationPosters;
  /** "Why this genre" on the validation posters. */
  explain?: ExplainApi;
}

/** Everything known about the model on the validation posters, headline numbers first. */
export function EvaluationPanel({ genres, metrics, baseline, posters, explain }: EvaluationPanelProps) {
  const problem = posters ? validationPostersProblem(posters, genres.length) : undefined;
  const usablePosters = posters && !problem ? posters : undefined;
  return (
    <div className="eval-panel">
      <VerdictLine metrics={metrics} baseline={baseline} />
      <h3>Headline metrics</h3>
      <HeadlineMetricsTable metrics={metrics} baseline={baseline} />
      <h3>Per genre</h3>
      <div className="eval-genre-views">
        <PerGenreTable genres={genres} metrics={metrics} />
        <GenreApChart genres={genres} metrics={metrics} baseline={baseline} />
      </div>
      {problem && <p role="alert">Cannot show the validation posters: {problem}.</p>}
      {usablePosters ? (
        <>
          <h3>Precision-recall</h3>
          <PrCurveChart genres={genres} metrics={metrics} posters={usablePosters} />
          <h3>Validation posters</h3>
          <ValidationPosterGrid genres={genres} posters={usablePosters} explain={explain} />
        </>
      ) : (
        !problem && <p className="hint">Per-poster predictions arrive after the next evaluation.</p>
      )}
    </div>
  );
}
