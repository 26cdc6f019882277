import * as tf from '@tensorflow/tfjs';
import { createRng, shuffleInPlace } from '../lib/random';
import type { InputSpec } from '../data/inputSpec';
import { predictProbabilities, trainOnBatch } from '../ml/trainStep';
import { buildTutorialCnn } from '../ml/tutorialCnn';
import type { DecodeFn, PosterSourceItem } from '../worker/posterBatches';
import { PosterPixelStore, posterBatches } from '../worker/posterBatches';
import { sizeLabel } from './benchConfig';
import { flatFrom, median, roundTo3, sum } from './stats';
import type {
  BenchConfig,
  MemoryCheckpoint,
  MemoryMeasurement,
  PredictionMeasurement,
  TrainingMeasurement,
  TrainingRunConfig,
} from './benchProtocol';

/** Everything the tf.js measurements need from the benchmark worker. */
export interface MeasureContext {
  items: readonly PosterSourceItem[];
  numGenres: number;
  decode: DecodeFn;
  seed: number;
  progress: (message: string) => void;
}

/** Enough for every poster the benchmark uses to stay decoded. */
const PIXEL_BUDGET_BYTES = 512 * 1024 * 1024;
const LEARNING_RATE = 1e-3;

function unitSpec(size: { height: number; width: number }): InputSpec {
  return { height: size.height, width: size.width, scaling: 'unit' };
}

/** `count` item indices, cycling through the items when there are fewer. */
function cyclingOrder(count: number, items: number): number[] {
  return Array.from({ length: count }, (_, k) => k % items);
}

function newStore(spec: InputSpec, decode: DecodeFn): PosterPixelStore {
  return new PosterPixelStore(spec, decode, PIXEL_BUDGET_BYTES, (issue) => {
    throw new Error(`benchmark poster unreadable: ${issue.message}`);
  });
}

/**
 * Training images/s of the tutorial CNN through the app's own pipeline:
 * PosterPixelStore, posterBatches (decoding two batches ahead), trainOnBatch.
 */
export async function measureTraining(run: TrainingRunConfig, context: MeasureContext): Promise<TrainingMeasurement> {
  const spec = unitSpec(run);
  const { items, numGenres } = context;
  const model = buildTutorialCnn({ ...spec, numGenres, seed: context.seed });
  const optimizer = tf.train.adam(LEARNING_RATE);
  const store = newStore(spec, context.decode);
  const steps = run.warmupSteps + run.timedSteps;
  const warmupSeconds: number[] = [];
  const stepSeconds: number[] = [];
  const batchWaitSeconds: number[] = [];
  try {
    const batches = posterBatches(items, cyclingOrder(steps * run.batchSize, items.length), run.batchSize, store, numGenres);
    let waitStart = performance.now();
    for await (const batch of batches) {
      const stepStart = performance.now();
      await trainOnBatch(model, optimizer, batch, { spec, numGenres });
      const seconds = (performance.now() - stepStart) / 1000;
      const step = warmupSeconds.length + stepSeconds.length + 1;
      if (warmupSeconds.length < run.warmupSteps) warmupSeconds.push(seconds);
      else {
        stepSeconds.push(seconds);
        batchWaitSeconds.push((stepStart - waitStart) / 1000);
      }
      context.progress(`train ${sizeLabel(run)} batch ${run.batchSize}: step ${step}/${steps} took ${seconds.toFixed(1)} s`);
      waitStart = performance.now();
    }
    const timedImages = run.timedSteps * run.batchSize;
    return {
      ...run,
      parameters: model.countParams(),
      warmupSeconds: warmupSeconds.map(roundTo3),
      stepSeconds: stepSeconds.map(roundTo3),
      batchWaitSeconds: batchWaitSeconds.map(roundTo3),
      imagesPerSecond: roundTo3(timedImages / (sum(stepSeconds) + sum(batchWaitSeconds))),
    };
  } finally {
    optimizer.dispose();
    model.dispose();
    await store.clear();
  }
}

/**
 * One poster at a time, as the Predict panel does. Cold is the first call on
 * a backend that has not run this model yet: build, decode, predict.
 */
export async function measurePrediction(
  { size, warmRuns }: NonNullable<BenchConfig['prediction']>,
  context: MeasureContext,
): Promise<PredictionMeasurement> {
  const spec = unitSpec(size);
  const { items, numGenres, decode } = context;
  const start = performance.now();
  const model = buildTutorialCnn({ ...spec, numGenres, seed: context.seed });
  const built = performance.now();
  try {
    const pixels = await decode(items[0].file, spec);
    const decoded = performance.now();
    await predictProbabilities(model, pixels, 1, spec);
    const done = performance.now();
    const cold = {
      buildMs: roundTo3(built - start),
      decodeMs: roundTo3(decoded - built),
      predictMs: roundTo3(done - decoded),
      totalMs: roundTo3(done - start),
    };
    context.progress(`predict ${sizeLabel(size)}: cold ${cold.totalMs} ms`);
    const warmMs: number[] = [];
    for (let run = 1; run <= warmRuns; run++) {
      const runStart = performance.now();
      const poster = await decode(items[run % items.length].file, spec);
      await predictProbabilities(model, poster, 1, spec);
      warmMs.push(roundTo3(performance.now() - runStart));
    }
    return { size: sizeLabel(size), cold, warmMs, warmMedianMs: roundTo3(median(warmMs)) };
  } finally {
    model.dispose();
  }
}

/**
 * Tensors, tensor bytes and JS heap before training and after each epoch,
 * training as the session does (shuffled epochs, pixels cached after epoch 1).
 * `checkpoint` lets the driver measure the heap while the worker waits.
 */
export async function measureMemory(
  { size, posters, batchSize, epochs }: NonNullable<BenchConfig['memory']>,
  context: MeasureContext,
  checkpoint: (label: string) => Promise<number | null>,
): Promise<MemoryMeasurement> {
  const spec = unitSpec(size);
  const { items, numGenres } = context;
  const used = Math.min(posters, items.length);
  const model = buildTutorialCnn({ ...spec, numGenres, seed: context.seed });
  const optimizer = tf.train.adam(LEARNING_RATE);
  const store = newStore(spec, context.decode);
  const rng = createRng(context.seed);
  const checkpoints: MemoryCheckpoint[] = [];
  const tensorsAfterStep: number[] = [];
  const record = async (label: string) => {
    const jsHeapUsedBytes = await checkpoint(label);
    const { numTensors, numBytes } = tf.memory();
    checkpoints.push({ label, numTensors, numBytes, jsHeapUsedBytes });
  };
  try {
    await record('before');
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = shuffleInPlace(cyclingOrder(used, used), rng);
      for await (const batch of posterBatches(items, order, batchSize, store, numGenres)) {
        await trainOnBatch(model, optimizer, batch, { spec, numGenres });
        tensorsAfterStep.push(tf.memory().numTensors);
      }
      context.progress(`memory ${sizeLabel(size)}: epoch ${epoch}/${epochs}, ${tf.memory().numTensors} tensors`);
      await record(`epoch${epoch}`);
    }
  } finally {
    optimizer.dispose();
    model.dispose();
    await store.clear();
  }
  const afterEpochs = checkpoints.slice(1);
  return {
    size: sizeLabel(size),
    posters: used,
    batchSize,
    epochs,
    checkpoints,
    tensorsAfterStep,
    tensorsFlatAcrossEpochs: flatFrom(
      afterEpochs.map((c) => c.numTensors),
      0,
    ),
    bytesFlatAcrossEpochs: flatFrom(
      afterEpochs.map((c) => c.numBytes),
      0,
    ),
  };
}
