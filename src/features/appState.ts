import type { InputIssue } from '../data/types';
import type { BackendName } from '../ml/backend';
import type { ModelSummary } from '../ml/modelSummary';
import type { DatasetSummary, EpochMetrics, GenreScore, TrainConfig, WorkerEvent } from '../worker/protocol';

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
  errors: string[];
  /** True once at least one epoch finished: the model can predict. */
  modelReady: boolean;
}

export const initialAppState: AppState = {
  datasetLoading: false,
  status: 'idle',
  history: [],
  log: [],
  skippedPosters: [],
  errors: [],
  modelReady: false,
};

/** What the UI itself does, besides worker events. */
export type UiAction =
  | { type: 'ui/loadingDataset' }
  | { type: 'ui/trainRequested'; config: TrainConfig }
  | { type: 'ui/stopRequested' }
  | { type: 'ui/dismissErrors' }
  | { type: 'ui/error'; message: string };

export type AppAction = WorkerEvent | UiAction;

/** Keeps the last lines of the log only; the tutorial printed far fewer. */
const MAX_LOG_LINES = 500;

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
        log: [],
        skippedPosters: [],
        progress: {
          epoch: 0,
          epochs: action.config.epochs,
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
      return { ...state, history: [...state.history, action.metrics], modelReady: true };
    case 'done':
      return { ...state, status: action.reason === 'completed' ? 'completed' : 'stopped' };
    case 'prediction':
      return { ...state, prediction: { requestId: action.requestId, file: action.file, top: action.top, scores: action.scores } };
    case 'error':
      return {
        ...state,
        errors: [...state.errors, action.message],
        datasetLoading: action.request === 'loadDataset' ? false : state.datasetLoading,
        status: action.request === 'train' ? 'failed' : state.status,
      };
    case 'ui/loadingDataset':
      return { ...state, datasetLoading: true, errors: [] };
    case 'ui/trainRequested':
      return { ...state, status: 'running', config: action.config, errors: [] };
    case 'ui/stopRequested':
      return state.status === 'running' ? { ...state, status: 'stopping' } : state;
    case 'ui/dismissErrors':
      return { ...state, errors: [] };
    case 'ui/error':
      return { ...state, errors: [...state.errors, action.message] };
    default: {
      const unhandled: never = action;
      return unhandled;
    }
  }
}
