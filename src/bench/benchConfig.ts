import { BACKEND_ORDER } from '../ml/backend';
import { BACKBONES } from '../config/registry.js';
import { DEFAULT_TRAIN_CONFIG, HEAD, TRANSFER_DEFAULTS } from '../config/registry.js';
import { TUTORIAL_CNN_MIN_SIDE } from '../ml/tutorialCnn';
import { defaultDecodeWorkerCount } from '../worker/decodePool';
import type { BenchBackendName, BenchConfig, ImageSize, PretrainedRunConfig } from './benchProtocol';

export type ConfigResult = { ok: true; value: BenchConfig } | { ok: false; errors: string[] };

export const TUTORIAL_SIZE: ImageSize = { height: 400, width: 300 };
export const SMALL_SIZE: ImageSize = { height: 128, width: 96 };

export const BENCH_BACKENDS: readonly BenchBackendName[] = [...BACKEND_ORDER, 'wasm'];

/**
 * The app's transfer path: its default backbone, embedded HEAD.embedBatch posters
 * at a time (the registry's), each with its mirror image when the app's default
 * mirrors them, the head
 * trained in batches of TRANSFER_DEFAULTS.batchSize on 2000 feature rows per
 * epoch (the full set's training split is about 5300 posters; the cost per row
 * is the same). Few batches and epochs: SwiftShader on two cores is slow.
 */
export const DEFAULT_PRETRAINED: PretrainedRunConfig = {
  backbone: DEFAULT_TRAIN_CONFIG.backbone,
  embedBatchSize: HEAD.embedBatch,
  mirrorPosters: DEFAULT_TRAIN_CONFIG.mirrorPosters,
  embedWarmupBatches: 1,
  embedTimedBatches: 2,
  headRows: 2000,
  headBatchSize: TRANSFER_DEFAULTS.batchSize,
  headWarmupEpochs: 1,
  headTimedEpochs: 2,
};

/**
 * Sized for SwiftShader on two cores, where one tutorial-CNN step at 400x300
 * and batch 2 takes about a minute (the first on WebGPU, two): few steps at
 * the tutorial size, more at the small one. scripts/bench.mjs uses the same
 * numbers; scripts/gpu-bench.sh sets bigger ones for a real GPU.
 */
export function defaultBenchConfig(hardwareConcurrency: number): BenchConfig {
  return {
    decode: {
      sizes: [TUTORIAL_SIZE, { height: 200, width: 150 }],
      workerCounts: [...new Set([0, 1, Math.max(2, hardwareConcurrency)])],
      posters: 96,
      rounds: 3,
      feedEpochs: 3,
    },
    backend: null,
    training: [
      { ...TUTORIAL_SIZE, batchSize: 2, warmupSteps: 1, timedSteps: 1 },
      { ...SMALL_SIZE, batchSize: 8, warmupSteps: 1, timedSteps: 2 },
    ],
    prediction: { size: TUTORIAL_SIZE, warmRuns: 2 },
    memory: { size: SMALL_SIZE, posters: 16, batchSize: 8, epochs: 3 },
    input: { size: TUTORIAL_SIZE, batchSize: 32, repeats: 5 },
    pretrained: DEFAULT_PRETRAINED,
    // Issue 15: where a step's time goes. A batch of 2 at 400x300, as the training row above.
    profile: { training: { ...TUTORIAL_SIZE, batchSize: 2 }, backbone: { id: DEFAULT_PRETRAINED.backbone, batchSize: HEAD.embedBatch } },
    decodeWorkers: defaultDecodeWorkerCount(hardwareConcurrency),
    tfFlags: {},
    wasmThreads: null,
    seed: 42,
  };
}

export function sizeLabel({ height, width }: ImageSize): string {
  return `${height}x${width}`;
}

const isCount = (value: unknown, min: number): value is number => Number.isInteger(value) && (value as number) >= min;

function checkSize(size: ImageSize, where: string, minSide: number, errors: string[]): void {
  if (!isCount(size?.height, minSide) || !isCount(size?.width, minSide)) {
    errors.push(`${where}: height and width must be whole numbers of at least ${minSide}, got ${JSON.stringify(size)}`);
  }
}

/**
 * `text` is a JSON object whose keys replace those of the defaults
 * (`{"backend":"webgl","decode":null}`); for decode, prediction and memory an
 * object replaces only the fields it names (`{"decode":{"posters":24}}`).
 * Null or empty text means the defaults.
 */
export function parseBenchConfig(text: string | null, hardwareConcurrency: number): ConfigResult {
  const defaults = defaultBenchConfig(hardwareConcurrency);
  let overrides: Partial<BenchConfig> = {};
  if (text) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return { ok: false, errors: ['the benchmark config must be a JSON object'] };
      }
      overrides = parsed as Partial<BenchConfig>;
    } catch (error) {
      return { ok: false, errors: [`the benchmark config is not JSON: ${error instanceof Error ? error.message : String(error)}`] };
    }
  }
  const unknownKeys = Object.keys(overrides).filter((key) => !(key in defaults));
  const config: BenchConfig = { ...defaults, ...overrides };
  // An object given for decode, prediction, memory or pretrained replaces only the fields it names.
  for (const key of ['decode', 'prediction', 'memory', 'input', 'pretrained', 'profile'] as const) {
    const override: unknown = overrides[key];
    if (typeof override === 'object' && override !== null && defaults[key] !== null) {
      Object.assign(config, { [key]: { ...defaults[key], ...override } });
    }
  }
  const errors = unknownKeys.map((key) => `unknown config key "${key}"`);

  if (config.backend !== null && !BENCH_BACKENDS.includes(config.backend)) {
    errors.push(`backend must be one of ${BENCH_BACKENDS.join(', ')} or null, got ${JSON.stringify(config.backend)}`);
  }
  if (config.wasmThreads !== null && !isCount(config.wasmThreads, 1)) {
    errors.push(`wasmThreads must be null (the app's: one per core) or at least 1, got ${JSON.stringify(config.wasmThreads)}`);
  }
  if (config.backend === 'wasm' && (config.training.length > 0 || config.prediction !== null || config.memory !== null || config.profile?.training)) {
    // The app uses wasm for the frozen-backbone stages only: it trains and predicts with the CNN elsewhere.
    errors.push('backend wasm measures only the pretrained path: set training to [], prediction and memory to null, and profile.training to null');
  }
  if (config.decode) {
    config.decode.sizes.forEach((size, k) => checkSize(size, `decode.sizes[${k}]`, 1, errors));
    if (config.decode.workerCounts.length === 0 || !config.decode.workerCounts.every((n) => isCount(n, 0))) {
      errors.push(`decode.workerCounts must be whole numbers >= 0 (0 = no pool), got ${JSON.stringify(config.decode.workerCounts)}`);
    }
    if (!isCount(config.decode.posters, 1) || !isCount(config.decode.rounds, 1)) {
      errors.push('decode.posters and decode.rounds must be at least 1');
    }
    if (!isCount(config.decode.feedEpochs, 0) || config.decode.feedEpochs === 1) {
      errors.push(`decode.feedEpochs must be 0 (skip) or at least 2 (the first epoch decodes in every mode), got ${config.decode.feedEpochs}`);
    }
  }
  config.training.forEach((run, k) => {
    checkSize(run, `training[${k}]`, TUTORIAL_CNN_MIN_SIDE, errors);
    if (!isCount(run.batchSize, 1) || !isCount(run.warmupSteps, 0) || !isCount(run.timedSteps, 1)) {
      errors.push(`training[${k}]: batchSize and timedSteps must be at least 1, warmupSteps at least 0`);
    }
  });
  if (config.prediction) {
    checkSize(config.prediction.size, 'prediction.size', TUTORIAL_CNN_MIN_SIDE, errors);
    if (!isCount(config.prediction.warmRuns, 1)) errors.push('prediction.warmRuns must be at least 1');
  }
  if (config.memory) {
    checkSize(config.memory.size, 'memory.size', TUTORIAL_CNN_MIN_SIDE, errors);
    const { posters, batchSize, epochs } = config.memory;
    // Two epochs at least: flatness is judged between epochs after the first.
    if (!isCount(posters, 1) || !isCount(batchSize, 1) || !isCount(epochs, 2)) {
      errors.push('memory: posters and batchSize must be at least 1, epochs at least 2');
    }
  }
  if (config.input) {
    checkSize(config.input.size, 'input.size', 1, errors);
    if (!isCount(config.input.batchSize, 1) || !isCount(config.input.repeats, 1)) errors.push('input: batchSize and repeats must be at least 1');
  }
  if (config.pretrained) {
    const { backbone, embedBatchSize, embedWarmupBatches, embedTimedBatches, headRows, headBatchSize, headWarmupEpochs, headTimedEpochs } =
      config.pretrained;
    if (!BACKBONES.some((info) => info.id === backbone)) {
      errors.push(`pretrained.backbone must be one of ${BACKBONES.map((info) => info.id).join(', ')}, got ${JSON.stringify(backbone)}`);
    }
    if (![embedBatchSize, embedTimedBatches, headRows, headBatchSize, headTimedEpochs].every((n) => isCount(n, 1))) {
      errors.push('pretrained: embedBatchSize, embedTimedBatches, headRows, headBatchSize and headTimedEpochs must be at least 1');
    }
    if (!isCount(embedWarmupBatches, 0) || !isCount(headWarmupEpochs, 0)) {
      errors.push('pretrained: embedWarmupBatches and headWarmupEpochs must be whole numbers >= 0');
    }
    if (typeof config.pretrained.mirrorPosters !== 'boolean') errors.push('pretrained.mirrorPosters must be true or false');
  }
  if (config.profile) {
    const { training, backbone } = config.profile;
    if (training) {
      checkSize(training, 'profile.training', TUTORIAL_CNN_MIN_SIDE, errors);
      if (!isCount(training.batchSize, 1)) errors.push('profile.training.batchSize must be at least 1');
    }
    if (backbone && (!BACKBONES.some((info) => info.id === backbone.id) || !isCount(backbone.batchSize, 1))) {
      errors.push(`profile.backbone needs an id among ${BACKBONES.map((info) => info.id).join(', ')} and a batchSize of at least 1`);
    }
  }
  if (config.backend === 'wasm' && config.pretrained === null && !config.profile?.backbone)
    errors.push('backend wasm with pretrained null measures nothing');
  if (!isCount(config.decodeWorkers, 1)) errors.push('decodeWorkers must be at least 1');
  const flags: unknown = config.tfFlags;
  if (
    typeof flags !== 'object' ||
    flags === null ||
    Array.isArray(flags) ||
    !Object.values(flags).every((value) => typeof value === 'boolean' || Number.isFinite(value))
  ) {
    errors.push(`tfFlags must map flag names to booleans or numbers, got ${JSON.stringify(flags)}`);
  }
  if (!Number.isInteger(config.seed)) errors.push('seed must be a whole number');
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: config };
}
