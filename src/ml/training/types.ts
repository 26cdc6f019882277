/**
 * What the training stages need from the outside and what they report, as
 * interfaces: the stages run the loops and know nothing of workers, storage
 * or the page. The worker's TrainingRunner implements these.
 */
import type { TrainConfig } from '../../config/trainConfig';
import type { InputSpec } from '../../data/inputSpec';
import type { MultiLabelMetrics } from '../../metrics';
import type { PixelBatch } from '../trainStep';

/** One epoch's numbers, as the charts and metrics.json show them. */
export interface EpochMetrics {
  epoch: number;
  train: { loss: number; labelAccuracy: number; images: number; seconds: number };
  /** Absent when there is no validation split. */
  validation?: MultiLabelMetrics;
  /** The constant-prior baseline on the same validation posters. */
  baseline?: MultiLabelMetrics;
}

/** Validation predictions of one epoch, for the per-poster views. */
export interface ValidationPredictions {
  epoch: number;
  /** Poster file names, in output order. */
  files: string[];
  /** [files.length * genres] */
  probs: Float32Array;
  labels: Uint8Array;
  thresholds: number[];
}

/** A batch of decoded posters with the indices (into the dataset) they came from. */
export interface IndexedPixelBatch extends PixelBatch {
  indices: number[];
}

/**
 * Decoded posters of the run's dataset at one input spec. Unreadable posters
 * are left out of batches (and reported by the feed itself).
 */
export interface PosterFeed {
  readonly spec: InputSpec;
  /**
   * `order` in batches; a batch's pixels are valid until the next batch is
   * asked for (the buffer is reused).
   */
  batches(order: readonly number[], batchSize: number): AsyncIterable<IndexedPixelBatch>;
  /** One poster's pixels, or null when it cannot be decoded. */
  pixels(index: number): Promise<Uint8Array | null>;
  /** Where decoded posters were kept, for the log after the first epoch. */
  describe(): string;
}

/** How far the run has come, for the progress line and the log. */
export interface TrainingObserver {
  log(message: string): void;
  /** What the run is doing before its first batch ends ("compiling GPU kernels"), for feedback in the first seconds. */
  phase(text: string): void;
  epochStart(epoch: number, epochs: number): void;
  batchEnd(progress: { epoch: number; batch: number; batchesPerEpoch: number; loss: number; imagesPerSecond: number; etaSeconds: number }): void;
  stageProgress(progress: { stage: 'embedding'; done: number; total: number; imagesPerSecond: number }): void;
  epochEnd(metrics: EpochMetrics): void;
  evaluated(predictions: ValidationPredictions): void;
  /**
   * Awaited between batches: the runner serves waiting requests (a poster to
   * classify) there, then puts the run's backend back.
   */
  betweenBatches(): Promise<void>;
}

/** The run's dataset, as the stages see it. */
export interface RunDataset {
  genres: string[];
  /** Per poster: its file name and [genres] 0/1 labels. */
  items: ReadonlyArray<{ name: string; labels: Uint8Array }>;
}

/** The fixed split of a run, computed once: indices into the dataset. */
export interface RunSplit {
  train: number[];
  validation: number[];
}

/** What every stage gets. */
export interface StageContext {
  config: TrainConfig;
  dataset: RunDataset;
  split: RunSplit;
  observe: TrainingObserver;
  stop: { readonly requested: boolean };
  now: () => number;
}
