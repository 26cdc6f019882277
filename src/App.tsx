import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { BatchPredictPanel } from './features/batchPredict/BatchPredictPanel';
import { separateCsv } from './features/dataset/collectDroppedFiles';
import { DatasetPicker } from './features/dataset/DatasetPicker';
import { DatasetReportView } from './features/dataset/DatasetReportView';
import { ExamplePosters } from './features/dataset/ExamplePosters';
import { EvaluationSection } from './features/evaluate/EvaluationSection';
import type { ExplainApi } from './features/explain/ExplainedPoster';
import { ModelFilesPanel } from './features/model/ModelFilesPanel';
import { ModelSummaryTable } from './features/model/ModelSummaryTable';
import { PredictPanel } from './features/predict/PredictPanel';
import { Panel } from './features/Panel';
import { CheckpointBanner } from './features/session/CheckpointBanner';
import { StoragePanel } from './features/session/StoragePanel';
import { TrainingSection } from './features/training/TrainingSection';
import { useTrainingWorker, workerOptionsFromUrl } from './features/useTrainingWorker';
import { DEFAULT_TRAIN_CONFIG, HEAD } from './config/registry.js';
import type { TrainConfig } from './worker/protocol';

/** Settings rest this long before the worker measures what a run with them would cost. */
const ESTIMATE_DELAY_MS = 800;

export function App() {
  const workerOptions = useMemo(() => workerOptionsFromUrl(window.location.search), []);
  const { state, send, stop, dispatch } = useTrainingWorker(workerOptions);
  const backendReady = state.backend !== undefined;
  const [config, setConfig] = useState<TrainConfig>(DEFAULT_TRAIN_CONFIG);
  const [postersByName, setPostersByName] = useState<ReadonlyMap<string, File>>(new Map());
  const nextRequestId = useRef(1);
  const running = state.status === 'running' || state.status === 'stopping';
  const onExportDelivered = useCallback(() => dispatch({ type: 'ui/exportDelivered' }), [dispatch]);
  const refreshStorage = useCallback(() => send({ type: 'storageUsage' }), [send]);
  // The worker deletes what it stored; the page deletes the offline copy (the service worker's caches).
  const clearSiteData = useCallback(() => {
    send({ type: 'clearStorage' });
    void caches?.keys().then((keys) => Promise.all(keys.map((key) => caches.delete(key))));
  }, [send]);

  const loadDataset = useCallback(
    (posters: File[], csv: File) => {
      setPostersByName(new Map(posters.map((file) => [file.name, file])));
      dispatch({ type: 'ui/loadingDataset' });
      send({ type: 'loadDataset', posters, csv });
    },
    [dispatch, send],
  );

  // "Why this genre": one occlusion map per poster and genre, asked for on demand.
  const explain = useMemo<ExplainApi>(
    () => ({
      enabled: state.model !== null,
      explanations: state.explanations,
      explain: (file, genre) => {
        dispatch({ type: 'ui/explainRequested', file: file.name, genre });
        send({ type: 'explain', requestId: nextRequestId.current++, file, genre });
      },
    }),
    [state.model, state.explanations, dispatch, send],
  );

  // A saved run found on start brings its settings with it (once, and only before anything else is trained).
  const [restoredRunId, setRestoredRunId] = useState<string | undefined>();
  const savedRun = state.checkpoint;
  useEffect(() => {
    if (!savedRun || restoredRunId !== undefined || state.status !== 'idle') return;
    setConfig(savedRun.metadata.trainConfig);
    setRestoredRunId(savedRun.runId);
  }, [savedRun, restoredRunId, state.status]);

  // What a run with these settings would cost here, measured in the worker once the settings rest for a moment.
  const idle = state.status !== 'running' && state.status !== 'stopping';
  const hasDataset = state.dataset !== undefined && state.dataset.examples > 0;
  useEffect(() => {
    if (!backendReady || !hasDataset || !idle) return;
    const timer = setTimeout(() => send({ type: 'estimate', config }), ESTIMATE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [backendReady, hasDataset, idle, config, send]);

  // The summary follows what shapes the model: its kind, backbone, input size, head count and the genre count.
  const backendName = state.backend?.name;
  const { modelKind, backbone, backboneUrl, height, width, headEnsemble } = config;
  useEffect(() => {
    if (!backendName) return;
    send({ type: 'describeModel', config: { ...DEFAULT_TRAIN_CONFIG, modelKind, backbone, backboneUrl, height, width, headEnsemble } });
  }, [backendName, state.dataset, modelKind, backbone, backboneUrl, height, width, headEnsemble, send]);

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
        {state.notices.map((notice, k) => (
          <p key={k} className="notice" role="status">
            {notice}
          </p>
        ))}
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

      {state.checkpointProblem && (
        <p role="alert" className="errors">
          Checkpoints are not being saved: {state.checkpointProblem}. Training goes on, but a reload would lose this run.
        </p>
      )}
      {state.trainingElsewhere > 0 && (
        <p role="status" className="notice">
          {state.trainingElsewhere === 1 ? 'A run is' : `${state.trainingElsewhere} runs are`} training in another tab of this app: continue or stop
          {state.trainingElsewhere === 1 ? ' it' : ' them'} there.
        </p>
      )}
      {state.unreadableRun && !running && (
        <div role="alert" className="errors">
          <p>A saved run cannot be used: {state.unreadableRun.reason}.</p>
          <button type="button" onClick={() => send({ type: 'discardCheckpoint', runId: state.unreadableRun!.runId })}>
            Discard saved run
          </button>
        </div>
      )}
      {state.checkpoint && !running && (
        <CheckpointBanner
          checkpoint={state.checkpoint}
          canResume={state.checkpoint.matchesDataset !== null && !running}
          onResume={(epochs) => {
            dispatch({ type: 'ui/trainRequested', config: { ...state.checkpoint!.metadata.trainConfig, epochs }, at: Date.now() });
            send({ type: 'resume', runId: state.checkpoint!.runId, epochs });
          }}
          onDiscard={() => send({ type: 'discardCheckpoint', runId: state.checkpoint!.runId })}
        />
      )}

      <Panel id="dataset" title="1. Dataset" onClearSiteData={clearSiteData}>
        <DatasetPicker disabled={running || !state.backend} onDataset={loadDataset} />
        <ExamplePosters disabled={running || !state.backend || state.datasetLoading} onDataset={loadDataset} />
        {state.datasetLoading && <p>Reading the CSV and matching posters…</p>}
        {state.dataset && <DatasetReportView summary={state.dataset} />}
      </Panel>

      <Panel id="model" title="2. Model" onClearSiteData={clearSiteData}>
        <p>
          {config.modelKind === 'tutorial-cnn'
            ? 'Tutorial CNN, trained from scratch: four 5x5 conv blocks (16-32-64-64), dense 128-64, sigmoid per genre. Choose the model under Training.'
            : `ImageNet-pretrained MobileNetV2 as a feature extractor (224x224 input), with ${headEnsemble === 1 ? 'a dense head' : `${headEnsemble} dense heads averaged`} (${HEAD.hiddenUnits} ReLU, dropout ${HEAD.dropout}, sigmoid per genre) trained on its embeddings.`}
        </p>
        {state.modelSummary && <ModelSummaryTable summary={state.modelSummary} />}
      </Panel>

      <Panel id="training" title="3. Training" onClearSiteData={clearSiteData}>
        <TrainingSection
          // Remounted when a saved run's settings replace the defaults, so the form shows them.
          key={restoredRunId ?? 'defaults'}
          state={state}
          config={config}
          onConfig={setConfig}
          onTrain={() => {
            dispatch({ type: 'ui/trainRequested', config, at: Date.now() });
            send({ type: 'train', config });
          }}
          onStop={stop}
          onBackboneFiles={(files) => send({ type: 'chooseBackboneFiles', backbone: config.backbone, files })}
        />
      </Panel>

      <Panel id="evaluate" title="4. Evaluation" onClearSiteData={clearSiteData}>
        <EvaluationSection state={state} postersByName={postersByName} explain={explain} />
      </Panel>

      <Panel id="predict" title="5. Classify a poster" onClearSiteData={clearSiteData}>
        <PredictPanel
          enabled={state.model !== null}
          prediction={state.prediction}
          onPoster={(file) => send({ type: 'predict', requestId: nextRequestId.current++, file })}
          explain={explain}
        />
      </Panel>

      <Panel id="batch" title="6. Predict a folder" onClearSiteData={clearSiteData}>
        <BatchPredictPanel
          enabled={state.model !== null}
          genres={state.model?.metadata.genres ?? []}
          thresholds={state.model?.metadata.thresholds ?? []}
          running={state.batch.running}
          progress={state.batch.progress}
          startedAt={state.batch.startedAt}
          onCancel={() => send({ type: 'cancelPrediction' })}
          result={
            state.batch.result && {
              ids: state.batch.result.ids,
              probs: state.batch.result.probs,
              skipped: state.batch.result.skipped,
              evaluation: state.batch.result.evaluation?.metrics,
              baseline: state.batch.result.evaluation?.baseline,
              seenInTraining: state.batch.result.seenInTraining,
              seenExcluded: state.batch.result.seenExcluded,
              cancelled: state.batch.result.cancelled,
            }
          }
          onFolder={(files, pickedCsv) => {
            const { csv, others } = separateCsv(files);
            dispatch({ type: 'ui/batchRequested', at: Date.now() });
            send({ type: 'predictFolder', files: others, csv: pickedCsv ?? csv });
          }}
        />
      </Panel>

      <Panel id="files" title="7. Save and share the model" onClearSiteData={clearSiteData}>
        <ModelFilesPanel
          model={state.model}
          exported={state.exported}
          disabled={running}
          onExport={() => send({ type: 'exportModel' })}
          onDelivered={onExportDelivered}
          onImport={(files) => send({ type: 'importModel', files })}
        />
        <StoragePanel
          storage={state.storage}
          onRefresh={refreshStorage}
          // Asked once the worker has started, and again after each run (its checkpoints and spill change the numbers).
          refreshKey={state.backend && `${state.backend.name} ${state.status}`}
          onClear={clearSiteData}
          disabled={running}
        />
      </Panel>
    </main>
  );
}
