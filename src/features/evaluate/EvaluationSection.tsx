import { useMemo } from 'react';
import { posterIdFromFileName } from '../../data/vocabulary';
import type { AppState } from '../appState';
import type { ExplainApi } from '../explain/ExplainedPoster';
import { EvaluationPanel } from './EvaluationPanel';
import type { ValidationPosters } from './validationPosters';

interface EvaluationSectionProps {
  state: AppState;
  /** The poster files the user dropped, by file name, for the poster grid. */
  postersByName: ReadonlyMap<string, File>;
  explain: ExplainApi;
}

/**
 * The validation metrics, per-genre views and poster grid of the model in
 * hand: the epoch the run kept (a pretrained head keeps its best epoch, not
 * its last), else the latest.
 */
export function EvaluationSection({ state, postersByName, explain }: EvaluationSectionProps) {
  const validation = state.validation;
  const latest = state.history.find((metrics) => metrics.epoch === validation?.epoch) ?? state.history.at(-1);
  const kept = validation !== undefined && latest !== state.history.at(-1);
  const genres = state.model?.metadata.genres ?? state.dataset?.genres ?? [];
  const posters = useMemo<ValidationPosters | undefined>(() => {
    if (!validation) return undefined;
    const files = validation.files.map((name) => postersByName.get(name));
    return {
      ids: validation.files.map((name) => posterIdFromFileName(name) ?? name),
      files: files.every((file) => file !== undefined) ? (files as File[]) : null,
      probs: validation.probs,
      labels: validation.labels,
      thresholds: validation.thresholds,
    };
  }, [validation, postersByName]);

  if (!latest?.validation) {
    return <p className="hint">Validation metrics appear after the first epoch (with a validation fraction above 0).</p>;
  }
  return (
    <>
      <p className="hint">
        Epoch {latest.epoch}
        {kept && ` of ${state.history.length} (the one the model keeps: its best validation mAP)`}, {latest.validation.numSamples} validation posters.
        Thresholds are tuned per genre on this split to maximise F1, so &ldquo;tuned&rdquo; F1 is optimistic.
      </p>
      <EvaluationPanel genres={genres} metrics={latest.validation} baseline={latest.baseline} posters={posters} explain={explain} />
    </>
  );
}
