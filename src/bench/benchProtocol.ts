/**
 * Types only: what the benchmark page and its worker say to each other, and
 * the result they hand to whoever drives the page (scripts/bench.mjs).
 */
import type { BackendName } from '../ml/backend';
import type { DecodeSummary } from './stats';

export interface ImageSize {
  height: number;
  width: number;
}

export interface TrainingRunConfig extends ImageSize {
  batchSize: number;
  /** Steps run first and not timed: shader compilation, kernel selection. */
  warmupSteps: number;
  timedSteps: number;
}

export interface BenchConfig {
  /** Decode throughput (independent of the tf.js backend); null skips it. */
  decode: {
    sizes: ImageSize[];
    /** Pool sizes to compare; 0 decodes in the benchmark worker itself, as the app did before the pool. */
    workerCounts: number[];
    posters: number;
    /** Each round times every worker count once, in turn. */
    rounds: number;
  } | null;
  /** The tf.js parts run on this backend only (no fallback); null skips them. */
  backend: BackendName | null;
  training: TrainingRunConfig[];
  prediction: { size: ImageSize; warmRuns: number } | null;
  memory: { size: ImageSize; posters: number; batchSize: number; epochs: number } | null;
  /** Decode workers behind training, prediction and memory runs. */
  decodeWorkers: number;
  seed: number;
}

export interface DecodeMeasurement {
  /** 0: decoded in the benchmark worker itself; otherwise the pool's size. */
  workers: number;
  posters: number;
  failures: number;
  seconds: number;
  imagesPerSecond: number;
}

export interface AdapterInfo {
  backend: BackendName;
  /** One line: vendor / architecture / device / description, or the WebGL renderer. */
  description: string;
  /** WebGPU's software fallback adapter (SwiftShader is reported as one). */
  isFallbackAdapter?: boolean;
}

export interface TrainingMeasurement extends TrainingRunConfig {
  parameters: number;
  /** Seconds per warm-up step. */
  warmupSeconds: number[];
  /** Seconds per timed step: trainOnBatch alone, loss read back. */
  stepSeconds: number[];
  /** Seconds the loop waited for its next prefetched batch, per timed step. */
  batchWaitSeconds: number[];
  /** Timed images over timed wall time (steps plus waits). */
  imagesPerSecond: number;
}

export interface PredictionMeasurement {
  size: string;
  /** First prediction on a fresh backend: model build, decode, first predict (kernels compiled). */
  cold: { buildMs: number; decodeMs: number; predictMs: number; totalMs: number };
  /** Further single-poster predictions with the same model: decode plus predict. */
  warmMs: number[];
  warmMedianMs: number;
}

export interface MemoryCheckpoint {
  label: string;
  numTensors: number;
  numBytes: number;
  /** The benchmark worker's used JS heap after a forced GC; null when no driver measured it. */
  jsHeapUsedBytes: number | null;
}

export interface MemoryMeasurement {
  size: string;
  posters: number;
  batchSize: number;
  epochs: number;
  /** `before` (model and optimizer built, nothing trained), then one per epoch. */
  checkpoints: MemoryCheckpoint[];
  /** numTensors after every step, all epochs in order. */
  tensorsAfterStep: number[];
  /** Epochs after the first end with the same numTensors and numBytes as the first. */
  tensorsFlatAcrossEpochs: boolean;
  bytesFlatAcrossEpochs: boolean;
}

export type BackendResult =
  | {
      backend: BackendName;
      available: true;
      adapter: AdapterInfo;
      skipped: string[];
      training: TrainingMeasurement[];
      /** Embedding and head-training images/s of the pretrained-backbone path: not measured yet. */
      pretrainedBackbone: null;
      pretrainedBackboneNote: string;
      prediction: PredictionMeasurement | null;
      memory: MemoryMeasurement | null;
    }
  | { backend: BackendName; available: false; reason: string };

export interface BenchResult {
  config: BenchConfig;
  hardwareConcurrency: number;
  userAgent: string;
  posters: number;
  /** Keyed by size (`400x300`). */
  decode: { posters: number; sizes: Record<string, { summary: DecodeSummary; runs: DecodeMeasurement[] }> } | null;
  backend: BackendResult | null;
  seconds: number;
}

export type BenchRequest =
  /** `configText`: JSON overriding the defaults' top-level keys (see parseBenchConfig). */
  | { type: 'run'; configText: string | null; posters: File[]; labelsCsv: File }
  | { type: 'checkpointMeasured'; label: string; jsHeapUsedBytes: number | null };

export type BenchEvent =
  | { type: 'progress'; message: string }
  /** The worker waits for `checkpointMeasured` with the same label before going on. */
  | { type: 'checkpoint'; label: string }
  | { type: 'done'; result: BenchResult }
  | { type: 'error'; message: string };
