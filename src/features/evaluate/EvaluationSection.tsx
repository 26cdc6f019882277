import { useMemo } from 'react';
import { posterIdFromFileName } from '../../data/vocabulary';
import type { AppState } from '../appState';
import { EvaluationPanel } from './EvaluationPanel';
import type { ValidationPosters } from './validationPosters';

interface EvaluationSectionProps {
  state: AppState;
  /** The poster files the user dropped, by file name, for the poster grid. */
  postersByName: ReadonlyMap<string, File>;
}

/** The latest epoch's validation metrics, per-genre views and poster grid. */
export function EvaluationSection({ state, postersByName }: EvaluationSectionProps) {
  const latest = state.history.at(-1);
  const validation = state.validation;
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
        Epoch {latest.epoch}, {latest.validation.numSamples} validation posters. Thresholds are tuned per genre on this split to maximise F1, so
        "tuned" F1 is optimistic.
      </p>
      <EvaluationPanel genres={genres} metrics={latest.validation} baseline={latest.baseline} posters={posters} />
    </>
  );
}
