/**
 * The typed protocol between the UI and the training worker: requests go in,
 * a discriminated union of events comes out. Types only.
 * IMPORTANT: posters cross as File handles; pixels never cross this boundary.
 */
import type { DatasetReport } from '../data/datasetReport';
import type { InputIssue } from '../data/types';
import type { MultiLabelMetrics } from '../metrics';
import type { BackboneId } from '../config/trainConfig';
import type { BackendName } from '../config/trainConfig';
import type { ModelMetadata } from '../config/modelMetadata';
import type { ModelSummary } from '../ml/modelSummary';
import type { SaliencyGrid } from '../ml/occlusionSaliency';
import type { TrainConfig } from '../config/trainConfig';

export type { ModelKind, TrainConfig } from '../config/trainConfig';
export type { SaliencyGrid } from '../ml/occlusionSaliency';

/** The dataset report as the UI sees it: no File handles, labels as counts. */
export interface DatasetSummary extends Omit<DatasetReport, 'examples'> {
  examples: number;
}

export interface GenreScore {
  genre: string;
  probability: number;
  /** The genre's tuned decision threshold: at or above it, the genre is predicted. */
  threshold: number;
}

export type WorkerRequest =
  /**
   * decodeWorkers: size of the poster-decoding pool; default from the core count.
   * pixelBudgetBytes: decoded posters kept in memory between epochs; default PIXEL_BUDGET_BYTES.
   */
  | { type: 'init'; backend?: BackendName; decodeWorkers?: number; pixelBudgetBytes?: number }
  | { type: 'loadDataset'; posters: File[]; csv: File }
  | { type: 'describeModel'; config: TrainConfig }
  | { type: 'train'; config: TrainConfig }
  /** Continue a saved run on the loaded dataset. */
  | { type: 'resume'; runId: string; epochs?: number }
  | { type: 'discardCheckpoint'; runId: string }
  | { type: 'stop' }
  | { type: 'predict'; requestId: number; file: File }
  /** Where on the poster the model sees `genre` (occlusion sensitivity, see ml/occlusionSaliency.ts). */
  | { type: 'explain'; requestId: number; file: File; genre: string }
  /** Predict every poster in a folder; with a CSV, also evaluate. */
  | { type: 'predictFolder'; files: File[]; csv?: File }
  /** Ends the folder prediction going on at its next batch; what was predicted is kept. */
  | { type: 'cancelPrediction' }
  | { type: 'exportModel' }
  /** model.json, weights.bin and metadata.json as picked by the user. */
  | { type: 'importModel'; files: File[] }
  /** What a run with these settings would cost on this machine, measured with a small step. */
  | { type: 'estimate'; config: TrainConfig }
  /** How much this site stores (saved runs, the embedding cache, decoded posters). */
  | { type: 'storageUsage' }
  /** Deletes everything this site stored: saved runs, cached embeddings, spilled posters. Refused during a run. */
  | { type: 'clearStorage' }
  /** Backbone weights from a folder the user picked (model.json + weight files), checked against `backbone`; [] forgets them. */
  | { type: 'chooseBackboneFiles'; backbone: BackboneId; files: File[] };

/** What the app knows about the model in memory (trained here or imported). */
export interface BackboneFilesInfo {
  /** e.g. "model.json + 1 weight file" */
  description: string;
  parameters: number;
}

export interface ModelInfo {
  metadata: ModelMetadata;
  source: 'trained' | 'imported' | 'checkpoint';
}

/** A saved run that can be continued. */
export interface CheckpointInfo {
  runId: string;
  metadata: ModelMetadata;
  history: EpochMetrics[];
  savedAt: string;
  optimizerSaved: boolean;
  /** Whether the loaded dataset is the one it was trained on (null: no dataset loaded). */
  matchesDataset: boolean | null;
}

/** Validation predictions of the latest epoch, for the per-poster views. */
export interface ValidationPredictions {
  epoch: number;
  /** Poster file names, in output order. */
  files: string[];
  /** [files.length * genres] */
  probs: Float32Array;
  labels: Uint8Array;
  thresholds: number[];
}

export interface BatchPredictions {
  /** Poster Ids (file name without extension), in output order. */
  ids: string[];
  files: string[];
  /** [ids.length * genres] */
  probs: Float32Array;
  genres: string[];
  thresholds: number[];
  skipped: InputIssue[];
  /** Per row: the poster was in this model's training split (its scores flatter the model). */
  seenInTraining: boolean[];
  /** The user cancelled: these are the posters predicted until then. */
  cancelled: boolean;
  /** Labelled posters left out of `evaluation` for having been in training. */
  seenExcluded: number;
  /**
   * When the folder came with a labels CSV and some labelled posters the
   * model did not train on: metrics on those, next to the constant prior's.
   */
  evaluation?: { metrics: MultiLabelMetrics; baseline: MultiLabelMetrics; posters: number };
}

/** One exported file, handed to the UI to download. */
export interface ExportedFile {
  name: string;
  mime: string;
  data: ArrayBuffer | string;
}

export interface EstimatePart {
  label: string;
  seconds: number;
}

/** Other settings, and what they would cost: offered when a run would be long. */
export interface EstimateAlternative {
  label: string;
  patch: Partial<TrainConfig>;
  seconds: number;
}

/** A pretrained head that stopped early: the epochs it ran, and the one it kept (the best on validation mAP). */
export interface EarlyStop {
  epochsRun: number;
  bestEpoch: number;
}

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
  /** Work before the epochs (computing backbone embeddings). */
  | { type: 'stageProgress'; stage: 'embedding'; done: number; total: number; imagesPerSecond: number }
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
  /** earlyStop: the pretrained head stopped before its last epoch (no better validation mAP for a while). */
  | { type: 'done'; reason: 'completed' | 'stopped'; epochsCompleted: number; earlyStop?: EarlyStop }
  | { type: 'evaluated'; predictions: ValidationPredictions }
  | { type: 'modelChanged'; model: ModelInfo | null }
  /**
   * The newest saved run this tab may continue (null: none); how many runs
   * train in other tabs now (never offered here); and a saved run that
   * cannot be read back, with why (it can only be discarded).
   */
  | { type: 'checkpoint'; checkpoint: CheckpointInfo | null; trainingElsewhere: number; unreadable?: { runId: string; reason: string } }
  /**
   * A run's cost, measured before it is paid: parts (embedding, head, epochs…)
   * and their sum in seconds, on `backend`; on a software GPU, and for long
   * runs, faster settings with their own estimates.
   */
  | {
      type: 'estimate';
      config: TrainConfig;
      backend: string;
      softwareGpu: boolean;
      parts: EstimatePart[];
      seconds: number;
      alternatives: EstimateAlternative[];
    }
  /** What the run is doing before its first batch ends, for the first seconds' feedback. */
  | { type: 'phase'; text: string }
  /** What this site stores now. bytes/quota: the browser's estimate for the whole site (null where it gives none). */
  | { type: 'storage'; bytes: number | null; quota: number | null; savedRuns: number }
  /** A checkpoint could not be saved: the run goes on, but a reload would lose what it did since the last one. */
  | { type: 'checkpointFailed'; reason: string }
  /** Training resumed from a checkpoint: the history so far, so charts show all of it. */
  | { type: 'resumed'; history: EpochMetrics[]; fromEpoch: number }
  | { type: 'backendChanged'; backend: BackendName; reason: string }
  | { type: 'batchProgress'; done: number; total: number }
  | { type: 'batchPredicted'; result: BatchPredictions }
  | { type: 'modelExported'; files: ExportedFile[] }
  | { type: 'prediction'; requestId: number; file: string; top: GenreScore[]; scores: GenreScore[] }
  | { type: 'explanation'; requestId: number; file: string; genre: string; saliency: SaliencyGrid }
  /** The backbone folder that training will use instead of a URL; null: none (the URL or the served copy). */
  | { type: 'backboneFiles'; source: BackboneFilesInfo | null }
  /** refused: the request was not run (a run was going on); nothing it would have changed changed. */
  | { type: 'error'; message: string; request?: WorkerRequest['type']; refused?: boolean };
