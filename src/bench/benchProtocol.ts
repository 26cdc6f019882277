/**
 * Types only: what the benchmark page and its worker say to each other, and
 * the result they hand to whoever drives the page (scripts/bench.mjs).
 */
import type { BackboneId } from '../config/trainConfig';
import type { InferenceBackendName } from '../config/trainConfig';
import type { DecodeSummary } from './stats';

/**
 * A backend the benchmark runs on: the training backends, plus `wasm`, which
 * the app uses only for the frozen-backbone stages (src/ml/inferenceBackend.ts),
 * so a `wasm` run measures only the pretrained path.
 */
export type BenchBackendName = InferenceBackendName;

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

/** The pretrained-backbone path: embedding real posters, then training the head on features. */
export interface PretrainedRunConfig {
  backbone: BackboneId;
  /** Posters per backbone call (the app's EMBED_BATCH). */
  embedBatchSize: number;
  /** Each poster also embedded mirrored, as the app does with "Mirror posters" (its default). */
  mirrorPosters: boolean;
  embedWarmupBatches: number;
  embedTimedBatches: number;
  /** Feature rows the head trains on per epoch (random features: the cost does not depend on their values). */
  headRows: number;
  headBatchSize: number;
  headWarmupEpochs: number;
  headTimedEpochs: number;
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
    /** Epochs of `feed` per size and way of keeping posters (0 skips it). */
    feedEpochs: number;
  } | null;
  /** The tf.js parts run on this backend only (no fallback); null skips them. */
  backend: BenchBackendName | null;
  /** Tutorial CNN; must be empty on wasm (the app trains no CNN there). */
  training: TrainingRunConfig[];
  /** Must be null on wasm. */
  prediction: { size: ImageSize; warmRuns: number } | null;
  /** Must be null on wasm. */
  memory: { size: ImageSize; posters: number; batchSize: number; epochs: number } | null;
  /** Pixels to input tensor, per batch; null skips it. */
  input: InputConfig | null;
  /** Null skips it. */
  pretrained: PretrainedRunConfig | null;
  /** Per-kernel times of one training step and one backbone batch; null skips it. */
  profile: KernelProfileConfig | null;
  /** Decode workers behind training, prediction and memory runs. */
  decodeWorkers: number;
  /** TensorFlow.js flags set before the backend starts, e.g. {"WEBGPU_CONV_SEPARATE_IM2COL_SHADER": true}: to try a backend's other programs. */
  tfFlags: Record<string, boolean | number>;
  /** WASM threads: null for the app's (one per core where the page is cross-origin isolated), 1 for the single-thread comparison. */
  wasmThreads: number | null;
  seed: number;
}

/** How epochs after the first get their posters: kept in memory, read back from the OPFS spill, or decoded again. */
export type FeedMode = 'memory' | 'disk' | 'decodeEveryEpoch';

/** Batches per second the training loop could get, with no model: posterBatches over the app's store and pool. */
export interface FeedMeasurement {
  posters: number;
  batchSize: number;
  decodeWorkers: number;
  modes: Record<
    FeedMode,
    {
      /** Posters/s per epoch; the first decodes every poster in every mode. */
      imagesPerSecond: number[];
      /** Median of the epochs after the first. */
      laterEpochs: number;
      keptInMemory: number;
      keptOnDisk: number;
      /** Decodes over all epochs. */
      decodes: number;
      /** Why the spill stopped or never started, if it did. */
      notes: string[];
    }
  >;
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
  backend: BenchBackendName;
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

export interface EmbeddingMeasurement {
  batchSize: number;
  /** Distinct posters decoded (at the backbone's input size, before the clock starts); batches cycle through them. */
  posters: number;
  /** Seconds per warm-up batch (kernel compilation, weight upload). */
  warmupSeconds: number[];
  /** Each poster also mirrored: two backbone forwards per poster (extractFeaturePairs, as the app embeds by default). */
  mirrorPosters: boolean;
  /** Seconds per timed batch: extractFeatures (or extractFeaturePairs) alone, features read back. */
  batchSeconds: number[];
  /** Timed posters over the timed batches' seconds (with their mirrors when mirrorPosters). */
  imagesPerSecond: number;
}

export interface HeadTrainingMeasurement {
  /** Feature rows per epoch. */
  rows: number;
  featureDim: number;
  numGenres: number;
  batchSize: number;
  parameters: number;
  loss: 'weighted-bce';
  /** Seconds per warm-up epoch (the first creates Adam's slots). */
  warmupSeconds: number[];
  /** Seconds per timed epoch of trainHeadEpoch, loss read back. */
  epochSeconds: number[];
  /** Timed rows over the timed epochs' seconds. */
  imagesPerSecond: number;
}

export interface PretrainedTensorCounts {
  /** Before the backbone is loaded. */
  before: number;
  /** After each embedding batch, warm-up included: the backbone's weights and nothing else. */
  afterEmbedBatch: number[];
  /** After each head epoch, warm-up included: backbone, head, Adam's slots. */
  afterHeadEpoch: number[];
  /** Backbone, head and optimizer disposed. */
  after: number;
}

export type PretrainedMeasurement =
  | {
      available: true;
      backbone: BackboneId;
      modelUrl: string;
      /** Input size of the backbone, height x width. */
      size: string;
      /** Fetching and building the backbone. */
      loadSeconds: number;
      /** What loadBackbone adapted (pooling added). */
      notes: string[];
      embedding: EmbeddingMeasurement;
      headTraining: HeadTrainingMeasurement;
      numTensors: PretrainedTensorCounts;
      /** Counts flat across batches and epochs, and `after` equal to `before`. */
      noTensorLeak: boolean;
    }
  /** The model could not be loaded (no models folder served), or a measurement failed. */
  | { available: false; backbone: BackboneId; modelUrl: string; reason: string };

export interface InputConfig {
  size: ImageSize;
  batchSize: number;
  /** Timed rounds after one untimed. */
  repeats: number;
}

/** What turning a batch of uint8 pixels into the model's input costs the training thread. */
export interface InputMeasurement extends InputConfig {
  /** How pixelsToInput hands this backend the pixels (src/ml/preprocess.ts). */
  path: string;
  /** Medians; pixelsToInput: the app; freshInt32: tf.tensor(uint8), a new Int32Array per batch (the app before). */
  msPerBatch: { pixelsToInput: number; freshInt32: number };
  imagesPerSecond: { pixelsToInput: number; freshInt32: number };
  /** Input values that differ from pixel / 255 over two batches in a row, the first one's buffer overwritten after its call: 0. */
  wrongValues: number;
}

export interface KernelProfileConfig {
  /** One tutorial-CNN training step; null skips it (wasm: the app trains no CNN there). */
  training: (ImageSize & { batchSize: number }) | null;
  /** One backbone forward pass on a batch; null skips it. */
  backbone: { id: BackboneId; batchSize: number } | null;
}

/** One kernel's share of a profiled run, summed over its calls. */
export interface KernelTime {
  name: string;
  calls: number;
  ms: number;
  /** Of the summed kernel time. */
  share: number;
}

/** What tf.profile said about one run, kernels by total time. */
export interface KernelProfile {
  what: string;
  backend: string;
  /** How the backend timed each kernel (a GPU timer, the wall clock, or nothing). */
  timer: string;
  /** The profiled run end to end; with per-kernel timing it is slower than unprofiled. */
  wallMs: number;
  kernelMs: number;
  /** Kernels whose time the backend could not give. */
  untimed: number;
  kernels: KernelTime[];
}

export interface KernelProfileMeasurement {
  /**
   * With the kernels the app registers: on WebGPU, the filter gradient as products (src/ml/filterGradientByProducts.ts),
   * and on a software adapter the convolution and its filter gradient as direct kernels (src/ml/webgpuDirectConv.ts).
   */
  trainingStep: KernelProfile | null;
  /** WebGPU only: the same step with tfjs' own convolution kernels, in the same run, for comparison. */
  trainingStepStockKernels: KernelProfile | null;
  /** WebGPU on a real GPU only (where the app does not use them): the same step with the direct kernels, in the same run. */
  trainingStepDirectKernels: KernelProfile | null;
  /** With convs, batch norms, paddings and ReLU6 fused as the app runs them (src/ml/fusedInference.ts). */
  backboneBatch: KernelProfile | { unavailable: string } | null;
  /** The same batch through tfjs-layers' model.predict, layer by layer, in the same run, for comparison. */
  backboneBatchLayerByLayer: KernelProfile | null;
}

export type BackendResult =
  | {
      backend: BenchBackendName;
      available: true;
      adapter: AdapterInfo;
      skipped: string[];
      /** Empty on wasm. */
      training: TrainingMeasurement[];
      /** Embedding and head-training images/s of the pretrained-backbone path; null when the config skipped it. */
      pretrainedBackbone: PretrainedMeasurement | null;
      prediction: PredictionMeasurement | null;
      memory: MemoryMeasurement | null;
      input: InputMeasurement | null;
      kernelProfile: KernelProfileMeasurement | null;
    }
  | { backend: BenchBackendName; available: false; reason: string };

export interface BenchResult {
  config: BenchConfig;
  hardwareConcurrency: number;
  userAgent: string;
  posters: number;
  /** Keyed by size (`400x300`). */
  decode: {
    posters: number;
    sizes: Record<string, { summary: DecodeSummary; runs: DecodeMeasurement[] }>;
    /** Keyed by size, as `sizes`. */
    feed: Record<string, FeedMeasurement>;
  } | null;
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
