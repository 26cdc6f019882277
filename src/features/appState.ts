import type { InputIssue } from '../data/types';
import type { BackendName } from '../config/trainConfig';
import type { ModelSummary } from '../ml/modelSummary';
import { totalEpochs } from '../config/trainConfig';
import type {
  BackboneFilesInfo,
  BatchPredictions,
  EarlyStop,
  CheckpointInfo,
  DatasetSummary,
  EpochMetrics,
  ExportedFile,
  GenreScore,
  ModelInfo,
  SaliencyGrid,
  TrainConfig,
  ValidationPredictions,
  WorkerEvent,
} from '../worker/protocol';

export type TrainingStatus = 'idle' | 'running' | 'stopping' | 'completed' | 'stopped' | 'failed';

export interface TrainingProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batchesPerEpoch: number;
  imagesPerSecond: number;
  etaSeconds: number;
  trainPosters: number;
  validationPosters: number;
}

export interface Prediction {
  requestId: number;
  file: string;
  top: GenreScore[];
  scores: GenreScore[];
}

/** "Why this genre" for one poster file and genre: asked for, or its saliency grid. */
export type Explanation = { status: 'pending' } | { status: 'ready'; saliency: SaliencyGrid } | { status: 'failed'; message: string };

/** The key of a file's explanation for a genre in `AppState.explanations`. */
export function explanationKey(file: string, genre: string): string {
  return `${file}\u0000${genre}`;
}

/** Explanations kept; older ones are dropped (each is 64 numbers, but a grid can ask for hundreds). */
const EXPLANATIONS_KEPT = 48;

function keepRecent(explanations: Record<string, Explanation>, key: string, value: Explanation): Record<string, Explanation> {
  const entries = Object.entries(explanations).filter(([k]) => k !== key);
  return Object.fromEntries([...entries.slice(-(EXPLANATIONS_KEPT - 1)), [key, value]]);
}

export interface AppState {
  backend?: { name: BackendName; adapter: string; skipped: string[] };
  datasetLoading: boolean;
  dataset?: DatasetSummary;
  modelSummary?: ModelSummary;
  status: TrainingStatus;
  config?: TrainConfig;
  progress?: TrainingProgress;
  history: EpochMetrics[];
  log: string[];
  skippedPosters: InputIssue[];
  prediction?: Prediction;
  /** "Why this genre" maps, by explanationKey; cleared when the model changes. */
  explanations: Record<string, Explanation>;
  errors: string[];
  /** The model in the worker (trained, resumed or imported); null when none. */
  model: ModelInfo | null;
  checkpoint: CheckpointInfo | null;
  /** Saved runs that other tabs are training now (never offered here). */
  trainingElsewhere: number;
  /** A saved run that cannot be read back, and why: it can only be discarded. */
  unreadableRun?: { runId: string; reason: string };
  /** Why this run's checkpoints are not being saved, when they are not. */
  checkpointProblem?: string;
  /** What the run is doing before its first batch ends. */
  phase?: string;
  /** When Train (or Resume) was clicked, for the elapsed time (ms since the epoch). */
  runStartedAt?: number;
  /** The latest estimate of a run's cost, for the settings it was made with. */
  estimate?: Extract<WorkerEvent, { type: 'estimate' }>;
  /** The pretrained head of the last run stopped early: when, and which epoch it kept. */
  earlyStop?: EarlyStop;
  /** What this site stores, once asked. */
  storage?: { bytes: number | null; quota: number | null; savedRuns: number };
  validation?: ValidationPredictions;
  batch: { running: boolean; progress?: { done: number; total: number }; result?: BatchPredictions; startedAt?: number };
  /** Files the worker exported, waiting to be downloaded by the UI. */
  exported?: ExportedFile[];
  notices: string[];
  stage?: { stage: 'embedding'; done: number; total: number; imagesPerSecond: number };
  /** Backbone weights picked as a folder, used instead of the URL; null when none. */
  backboneFiles: BackboneFilesInfo | null;
}

export const initialAppState: AppState = {
  datasetLoading: false,
  status: 'idle',
  history: [],
  log: [],
  skippedPosters: [],
  explanations: {},
  errors: [],
  model: null,
  checkpoint: null,
  trainingElsewhere: 0,
  batch: { running: false },
  notices: [],
  backboneFiles: null,
};

/** What the UI itself does, besides worker events. */
export type UiAction =
  | { type: 'ui/loadingDataset' }
  | { type: 'ui/trainRequested'; config: TrainConfig; at: number }
  | { type: 'ui/stopRequested' }
  | { type: 'ui/dismissErrors' }
  | { type: 'ui/error'; message: string }
  | { type: 'ui/batchRequested'; at: number }
  | { type: 'ui/explainRequested'; file: string; genre: string }
  | { type: 'ui/exportDelivered' }
  /** The worker did not stop the run in time: it was ended, and a fresh one started. */
  | { type: 'ui/stopForced'; seconds: number }
  /** TensorFlow.js did not start on `backend` in time; `next` is tried (null: none left). */
  | { type: 'ui/startTimedOut'; backend: string; next: string | null; seconds: number };

export type AppAction = WorkerEvent | UiAction;

/**
 * A bound on memory, not on what "Download log" gets: a 20-epoch tutorial run
 * logs ~150 lines, so only a pathological run ever loses its first lines.
 */
const MAX_LOG_LINES = 50_000;

export function appReducer(state: AppState, action: AppAction): AppState {
  switch (action.type) {
    case 'ready':
      return { ...state, backend: { name: action.backend, adapter: action.adapter, skipped: action.skipped } };
    case 'datasetLoaded':
      return { ...state, datasetLoading: false, dataset: action.summary };
    case 'modelSummary':
      return { ...state, modelSummary: action.summary };
    case 'trainingStarted':
      return {
        ...state,
        status: 'running',
        config: action.config,
        history: [],
        skippedPosters: [],
        progress: {
          epoch: 0,
          // Head epochs plus fine-tuning epochs for mobilenet-finetune.
          epochs: totalEpochs(action.config),
          batch: 0,
          batchesPerEpoch: action.batchesPerEpoch,
          imagesPerSecond: 0,
          etaSeconds: 0,
          trainPosters: action.trainPosters,
          validationPosters: action.validationPosters,
        },
      };
    case 'epochStart':
      return state.progress ? { ...state, progress: { ...state.progress, epoch: action.epoch, batch: 0 } } : state;
    case 'batchEnd':
      return state.progress
        ? {
            ...state,
            phase: undefined,
            progress: {
              ...state.progress,
              epoch: action.epoch,
              batch: action.batch,
              imagesPerSecond: action.imagesPerSecond,
              etaSeconds: action.etaSeconds,
            },
          }
        : state;
    case 'log':
      return { ...state, log: [...state.log, action.message].slice(-MAX_LOG_LINES) };
    case 'posterSkipped':
      return { ...state, skippedPosters: [...state.skippedPosters, action.issue] };
    case 'epochEnd':
      return { ...state, history: [...state.history, action.metrics] };
    case 'stageProgress':
      return { ...state, stage: { stage: action.stage, done: action.done, total: action.total, imagesPerSecond: action.imagesPerSecond } };
    case 'evaluated':
      return { ...state, validation: action.predictions };
    case 'modelChanged':
      return { ...state, model: action.model, explanations: {} };
    case 'checkpoint':
      return { ...state, checkpoint: action.checkpoint, trainingElsewhere: action.trainingElsewhere, unreadableRun: action.unreadable };
    case 'phase':
      return { ...state, phase: action.text };
    case 'estimate':
      return { ...state, estimate: action };
    case 'storage':
      return { ...state, storage: { bytes: action.bytes, quota: action.quota, savedRuns: action.savedRuns } };
    case 'checkpointFailed':
      return { ...state, checkpointProblem: action.reason };
    case 'backboneFiles':
      return { ...state, backboneFiles: action.source };
    case 'resumed':
      return { ...state, history: action.history };
    case 'backendChanged':
      return {
        ...state,
        backend: state.backend && { ...state.backend, name: action.backend },
        notices: [...state.notices, action.reason],
      };
    case 'batchProgress':
      return { ...state, batch: { ...state.batch, progress: { done: action.done, total: action.total } } };
    case 'batchPredicted':
      return { ...state, batch: { running: false, result: action.result } };
    case 'modelExported':
      return { ...state, exported: action.files };
    case 'done': {
      const completed = action.reason === 'completed';
      // A completed run's bar is full and has no time left, early stop or not.
      const progress =
        completed && state.progress
          ? { ...state.progress, epoch: state.progress.epochs, batch: state.progress.batchesPerEpoch, etaSeconds: 0 }
          : state.progress;
      return { ...state, status: completed ? 'completed' : 'stopped', progress, earlyStop: action.earlyStop };
    }
    case 'prediction':
      return { ...state, prediction: { requestId: action.requestId, file: action.file, top: action.top, scores: action.scores } };
    case 'explanation':
      return {
        ...state,
        explanations: keepRecent(state.explanations, explanationKey(action.file, action.genre), { status: 'ready', saliency: action.saliency }),
      };
    case 'ui/explainRequested':
      return { ...state, explanations: keepRecent(state.explanations, explanationKey(action.file, action.genre), { status: 'pending' }) };
    case 'error':
      // A refused request changed nothing in the worker: only its message is news.
      if (action.refused) return { ...state, errors: [...state.errors, action.message] };
      return {
        ...state,
        errors: [...state.errors, action.message],
        datasetLoading: action.request === 'loadDataset' ? false : state.datasetLoading,
        status: action.request === 'train' || action.request === 'resume' ? 'failed' : state.status,
        batch: action.request === 'predictFolder' ? { running: false } : state.batch,
        // Explanations run one at a time, so the one that failed is the pending one.
        explanations:
          action.request === 'explain'
            ? Object.fromEntries(
                Object.entries(state.explanations).map(([key, value]) => [
                  key,
                  value.status === 'pending' ? { status: 'failed', message: action.message } : value,
                ]),
              )
            : state.explanations,
      };
    case 'ui/loadingDataset':
      return { ...state, datasetLoading: true, errors: [] };
    case 'ui/trainRequested':
      // The log restarts with the user's click, so lines the worker writes before its first epoch survive.
      return {
        ...state,
        status: 'running',
        config: action.config,
        errors: [],
        stage: undefined,
        log: [],
        checkpointProblem: undefined,
        phase: 'starting',
        runStartedAt: action.at,
        earlyStop: undefined,
      };
    case 'ui/stopRequested':
      return state.status === 'running' ? { ...state, status: 'stopping' } : state;
    case 'ui/dismissErrors':
      return { ...state, errors: [], notices: [] };
    case 'ui/error':
      return { ...state, errors: [...state.errors, action.message] };
    case 'ui/batchRequested':
      return { ...state, batch: { running: true, startedAt: action.at }, errors: [] };
    case 'ui/exportDelivered':
      return { ...state, exported: undefined };
    case 'ui/stopForced':
      // A fresh worker starts: until it is ready, no backend, no model.
      return {
        ...state,
        status: 'stopped',
        backend: undefined,
        model: null,
        notices: [
          ...state.notices,
          `The run did not stop within ${action.seconds} s (a step was still computing), so the worker was ended and started afresh. ` +
            'The run is kept as of its last checkpoint: resume it, or use its model, once the app is ready again.',
        ],
      };
    case 'ui/startTimedOut':
      return {
        ...state,
        notices: [
          ...state.notices,
          action.next
            ? `TensorFlow.js did not start on ${action.backend} within ${action.seconds} s; trying ${action.next}.`
            : `TensorFlow.js did not start on ${action.backend} within ${action.seconds} s, and no backend is left to try: reload the page, or try another browser.`,
        ],
      };
    default: {
      const unhandled: never = action;
      return unhandled;
    }
  }
}
