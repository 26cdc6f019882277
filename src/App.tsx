import { useEffect, useMemo, useRef, useState } from 'react';
import { DatasetPicker } from './features/dataset/DatasetPicker';
import { DatasetReportView } from './features/dataset/DatasetReportView';
import { ModelSummaryTable } from './features/model/ModelSummaryTable';
import { PredictPanel } from './features/predict/PredictPanel';
import { TrainConfigForm } from './features/training/TrainConfigForm';
import { TrainingCharts } from './features/training/TrainingCharts';
import { TrainingLog } from './features/training/TrainingLog';
import { TrainingProgressView } from './features/training/TrainingProgressView';
import { backendFromUrl, useTrainingWorker } from './features/useTrainingWorker';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from './worker/protocol';

export function App() {
  const forcedBackend = useMemo(() => backendFromUrl(window.location.search), []);
  const { state, send, dispatch } = useTrainingWorker(forcedBackend);
  const [config, setConfig] = useState<TrainConfig>(DEFAULT_TRAIN_CONFIG);
  const nextRequestId = useRef(1);
  const running = state.status === 'running' || state.status === 'stopping';

  useEffect(() => {
    if (state.backend) send({ type: 'describeModel', config });
    // The summary follows the input size and the genre count.
  }, [state.backend, state.dataset, config.height, config.width]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <main>
      <header>
        <h1>Poster Genres</h1>
        <p className="tagline">Train a CNN to tell a movie's genres from its poster, on your own GPU. Nothing leaves this machine.</p>
        <p className="backend" data-testid="backend">
          {state.backend ? (
            <>
              Backend: <strong data-testid="backend-name">{state.backend.name}</strong> ({state.backend.adapter})
              {state.backend.skipped.length > 0 && <span className="hint"> · skipped: {state.backend.skipped.join('; ')}</span>}
            </>
          ) : (
            'Starting TensorFlow.js…'
          )}
        </p>
      </header>

      {state.errors.length > 0 && (
        <div role="alert" className="errors">
          {state.errors.map((message, k) => (
            <p key={k}>{message}</p>
          ))}
          <button type="button" onClick={() => dispatch({ type: 'ui/dismissErrors' })}>
            Dismiss
          </button>
        </div>
      )}

      <section aria-labelledby="dataset-heading">
        <h2 id="dataset-heading">1. Dataset</h2>
        <DatasetPicker
          disabled={running || !state.backend}
          onDataset={(posters, csv) => {
            dispatch({ type: 'ui/loadingDataset' });
            send({ type: 'loadDataset', posters, csv });
          }}
        />
        {state.datasetLoading && <p>Reading the CSV and matching posters…</p>}
        {state.dataset && <DatasetReportView summary={state.dataset} />}
      </section>

      <section aria-labelledby="model-heading">
        <h2 id="model-heading">2. Model</h2>
        <p>Tutorial CNN, trained from scratch: four 5x5 conv blocks (16-32-64-64), dense 128-64, sigmoid per genre.</p>
        {state.modelSummary && <ModelSummaryTable summary={state.modelSummary} />}
      </section>

      <section aria-labelledby="training-heading">
        <h2 id="training-heading">3. Training</h2>
        <TrainConfigForm config={config} onChange={setConfig} disabled={running} />
        <div className="buttons">
          <button
            type="button"
            disabled={running || !state.dataset || state.dataset.examples === 0}
            onClick={() => {
              dispatch({ type: 'ui/trainRequested', config });
              send({ type: 'train', config });
            }}
          >
            Train
          </button>
          <button
            type="button"
            disabled={state.status !== 'running'}
            onClick={() => {
              dispatch({ type: 'ui/stopRequested' });
              send({ type: 'stop' });
            }}
          >
            Stop
          </button>
        </div>
        {state.progress && <TrainingProgressView progress={state.progress} status={state.status} />}
        {state.skippedPosters.length > 0 && (
          <details aria-label="Skipped posters">
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
      </section>

      <section aria-labelledby="predict-heading">
        <h2 id="predict-heading">4. Classify a poster</h2>
        <PredictPanel
          enabled={state.modelReady}
          prediction={state.prediction}
          onPoster={(file) => send({ type: 'predict', requestId: nextRequestId.current++, file })}
        />
      </section>
    </main>
  );
}
