import { useEffect, useMemo, useRef } from 'react';
import { problemsToCsv } from '../../data/predictionsCsv';
import type { TrainConfig } from '../../worker/protocol';
import type { AppState } from '../appState';
import { downloadJson, downloadTextFile } from '../downloadFile';
import { TrainConfigForm } from './TrainConfigForm';
import { TrainingCharts } from '../charts/lazyCharts';
import { TrainingLog } from './TrainingLog';
import { TrainingProgressView } from './TrainingProgressView';
import { EstimateLine } from './EstimateLine';
import { RunPhase } from './RunPhase';

interface TrainingSectionProps {
  state: AppState;
  config: TrainConfig;
  onConfig: (config: TrainConfig) => void;
  onTrain: () => void;
  onStop: () => void;
  /** Backbone weights picked as a folder; [] forgets them. */
  onBackboneFiles: (files: File[]) => void;
}

export function TrainingSection({ state, config, onConfig, onTrain, onStop, onBackboneFiles }: TrainingSectionProps) {
  const running = state.status === 'running' || state.status === 'stopping';
  // What the dataset report found and what the run skipped: the CLI writes these as problems.csv.
  const problems = useMemo(() => [...(state.dataset?.issues ?? []), ...state.skippedPosters], [state.dataset, state.skippedPosters]);
  const trainButton = useRef<HTMLButtonElement>(null);
  const stopButton = useRef<HTMLButtonElement>(null);
  // Keyboard users keep their place: the button they pressed becomes disabled, so focus moves to the one that now acts.
  useEffect(() => {
    const lost = document.activeElement === document.body || (document.activeElement as HTMLButtonElement | null)?.disabled === true;
    if (!lost) return;
    if (state.status === 'running') stopButton.current?.focus();
    else if (state.status !== 'stopping') trainButton.current?.focus();
  }, [state.status]);
  const canTrain = !running && state.dataset !== undefined && state.dataset.examples > 0;
  return (
    <>
      <TrainConfigForm config={config} onChange={onConfig} disabled={running} backboneFiles={state.backboneFiles} onBackboneFiles={onBackboneFiles} />
      {canTrain && <EstimateLine estimate={state.estimate} config={config} onUse={(patch) => onConfig({ ...config, ...patch })} />}
      <div className="buttons">
        <button ref={trainButton} type="button" disabled={!canTrain} onClick={onTrain}>
          Train
        </button>
        <button ref={stopButton} type="button" disabled={state.status !== 'running'} onClick={onStop}>
          Stop
        </button>
        <button
          type="button"
          disabled={state.history.length === 0}
          onClick={() => downloadJson('metrics.json', { config: state.config, epochs: state.history })}
        >
          Download metrics (JSON)
        </button>
        <button
          type="button"
          disabled={state.log.length === 0}
          onClick={() => downloadTextFile('training-log.txt', state.log.join('\n') + '\n', 'text/plain')}
        >
          Download log
        </button>
        {problems.length > 0 && (
          <button type="button" onClick={() => downloadTextFile('problems.csv', problemsToCsv(problems))}>
            Download problems (CSV)
          </button>
        )}
      </div>
      {running && state.phase && <RunPhase phase={state.phase} startedAt={state.runStartedAt} />}
      {state.stage && state.stage.done < state.stage.total && (
        <p>
          <progress aria-label="Embedding progress" max={state.stage.total} value={state.stage.done} /> Embedding posters with the backbone:{' '}
          {state.stage.done}/{state.stage.total} ({state.stage.imagesPerSecond.toFixed(1)} posters/s)
        </p>
      )}
      {state.progress && <TrainingProgressView progress={state.progress} status={state.status} earlyStop={state.earlyStop} />}
      {state.skippedPosters.length > 0 && (
        <details aria-label="Skipped posters" open>
          <summary>{state.skippedPosters.length} posters skipped</summary>
          <ul>
            {state.skippedPosters.map((issue, k) => (
              <li key={k}>{issue.message}</li>
            ))}
          </ul>
        </details>
      )}
      {state.history.length > 0 && <TrainingCharts history={state.history} />}
      {state.log.length > 0 && <TrainingLog lines={state.log} />}
    </>
  );
}
