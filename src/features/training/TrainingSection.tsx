import type { TrainConfig } from '../../worker/protocol';
import type { AppState } from '../appState';
import { TrainConfigForm } from './TrainConfigForm';
import { TrainingCharts } from './TrainingCharts';
import { TrainingLog } from './TrainingLog';
import { TrainingProgressView } from './TrainingProgressView';

interface TrainingSectionProps {
  state: AppState;
  config: TrainConfig;
  onConfig: (config: TrainConfig) => void;
  onTrain: () => void;
  onStop: () => void;
}

export function TrainingSection({ state, config, onConfig, onTrain, onStop }: TrainingSectionProps) {
  const running = state.status === 'running' || state.status === 'stopping';
  return (
    <>
      <TrainConfigForm config={config} onChange={onConfig} disabled={running} />
      <div className="buttons">
        <button type="button" disabled={running || !state.dataset || state.dataset.examples === 0} onClick={onTrain}>
          Train
        </button>
        <button type="button" disabled={state.status !== 'running'} onClick={onStop}>
          Stop
        </button>
      </div>
      {state.progress && <TrainingProgressView progress={state.progress} status={state.status} />}
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
      <TrainingCharts history={state.history} />
      <TrainingLog lines={state.log} />
    </>
  );
}
