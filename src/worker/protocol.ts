/**
 * The typed protocol between the UI and the training worker: requests go in,
 * a discriminated union of events comes out. Types only.
 * IMPORTANT: posters cross as File handles; pixels never cross this boundary.
 */
import type { DatasetReport } from '../data/datasetReport';
import type { InputIssue } from '../data/types';
import type { MultiLabelMetrics } from '../metrics';
import type { BackendName } from '../ml/backend';
import type { ModelSummary } from '../ml/modelSummary';

export type ModelKind = 'tutorial-cnn';

export interface TrainConfig {
  modelKind: ModelKind;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Network input size; posters are squashed to it as the tutorial does. */
  height: number;
  width: number;
  /** Share of unique posters held out for validation, 0..0.9. */
  valFraction: number;
  /** Seeds the split, the shuffles and the initialisers. */
  seed: number;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  modelKind: 'tutorial-cnn',
  epochs: 20,
  batchSize: 64,
  learningRate: 1e-3,
  height: 400,
  width: 300,
  valFraction: 0.15,
  seed: 42,
};

/** The dataset report as the UI sees it: no File handles, labels as counts. */
export interface DatasetSummary extends Omit<DatasetReport, 'examples'> {
  examples: number;
}

export interface GenreScore {
  genre: string;
  probability: number;
}

export type WorkerRequest =
  | { type: 'init'; backend?: BackendName }
  | { type: 'loadDataset'; posters: File[]; csv: File }
  | { type: 'describeModel'; config: TrainConfig }
  | { type: 'train'; config: TrainConfig }
  | { type: 'stop' }
  | { type: 'predict'; requestId: number; file: File };

export interface EpochMetrics {
  epoch: number;
  train: { loss: number; labelAccuracy: number; images: number; seconds: number };
  /** Absent when there is no validation split. */
  validation?: MultiLabelMetrics;
  /** The constant-prior baseline on the same validation posters. */
  baseline?: MultiLabelMetrics;
}

export type WorkerEvent =
  | { type: 'ready'; backend: BackendName; skipped: string[]; adapter: string }
  | { type: 'datasetLoaded'; summary: DatasetSummary }
  | { type: 'modelSummary'; summary: ModelSummary; config: TrainConfig }
  | { type: 'trainingStarted'; config: TrainConfig; trainPosters: number; validationPosters: number; batchesPerEpoch: number }
  | { type: 'epochStart'; epoch: number; epochs: number }
  | {
      type: 'batchEnd';
      epoch: number;
      batch: number;
      batchesPerEpoch: number;
      loss: number;
      imagesPerSecond: number;
      etaSeconds: number;
    }
  | { type: 'log'; message: string }
  | { type: 'posterSkipped'; issue: InputIssue }
  | { type: 'epochEnd'; metrics: EpochMetrics }
  | { type: 'done'; reason: 'completed' | 'stopped'; epochsCompleted: number }
  | { type: 'prediction'; requestId: number; file: string; top: GenreScore[]; scores: GenreScore[] }
  | { type: 'error'; message: string; request?: WorkerRequest['type'] };
