import * as tf from '@tensorflow/tfjs';
import { createRng, shuffleInPlace } from '../lib/random';
import { getBackbone } from '../config/trainConfig';
import { extractFeaturePairs, extractFeatures, loadBackbone } from '../ml/backbones';
import { pixelsPerPoster, type InputSpec } from '../data/inputSpec';
import { HEAD, TRANSFER_DEFAULTS } from '../config/registry.js';
import { buildHead, positiveWeights, trainHeadEpoch, type LossOptions } from '../ml/transferHead';
import { sizeLabel } from './benchConfig';
import type { EmbeddingMeasurement, HeadTrainingMeasurement, PretrainedMeasurement, PretrainedRunConfig } from './benchProtocol';
import type { MeasureContext } from './measureTraining';
import { flatFrom, roundTo3, sum } from './stats';

/**
 * Backbone throughput on real posters, decoded at the backbone's input size
 * before the clock starts (decoding is measured on its own). Batches cycle
 * through the decoded posters when there are fewer than they need.
 */
async function measureEmbedding(
  backbone: tf.LayersModel,
  spec: InputSpec,
  run: PretrainedRunConfig,
  context: MeasureContext,
  tensorsAfterBatch: number[],
): Promise<EmbeddingMeasurement> {
  const { embedBatchSize: batchSize, embedWarmupBatches: warmup } = run;
  const batches = warmup + run.embedTimedBatches;
  const posters = Math.min(context.items.length, batches * batchSize);
  const decoded = await Promise.all(context.items.slice(0, posters).map((item) => context.decode(item.file, spec)));
  const perPoster = pixelsPerPoster(spec);
  const warmupSeconds: number[] = [];
  const batchSeconds: number[] = [];
  for (let batch = 0; batch < batches; batch++) {
    const pixels = new Uint8Array(batchSize * perPoster); // [batch, 224, 224, 3] RGB
    for (let k = 0; k < batchSize; k++) pixels.set(decoded[(batch * batchSize + k) % posters], k * perPoster);
    const start = performance.now();
    await (run.mirrorPosters ? extractFeaturePairs : extractFeatures)(backbone, pixels, batchSize, spec); // read back: the GPU has finished
    const seconds = (performance.now() - start) / 1000;
    tensorsAfterBatch.push(tf.memory().numTensors);
    (batch < warmup ? warmupSeconds : batchSeconds).push(seconds);
    context.progress(
      `embed ${sizeLabel(spec)} batch ${batchSize}${run.mirrorPosters ? ' (+ mirrors)' : ''}: batch ${batch + 1}/${batches} took ${seconds.toFixed(2)} s`,
    );
  }
  return {
    batchSize,
    mirrorPosters: run.mirrorPosters,
    posters,
    warmupSeconds: warmupSeconds.map(roundTo3),
    batchSeconds: batchSeconds.map(roundTo3),
    imagesPerSecond: roundTo3((batchSeconds.length * batchSize) / sum(batchSeconds)),
  };
}

/**
 * The head as runTransferTraining builds and trains it (buildHead with the
 * app's constants, Adam, trainHeadEpoch, weighted BCE), on random feature
 * rows: a dense layer costs the same whatever the values. Labels are the
 * posters' own, cycled, so the positive weights are realistic.
 */
async function measureHeadTraining(
  featureDim: number,
  run: PretrainedRunConfig,
  context: MeasureContext,
  tensorsAfterEpoch: number[],
): Promise<HeadTrainingMeasurement> {
  const { headRows: rows, headBatchSize: batchSize, headWarmupEpochs: warmup } = run;
  const { items, numGenres, seed } = context;
  const rng = createRng(seed);
  const features = new Float32Array(rows * featureDim); // [rows, featureDim]
  // Pooled ReLU6 activations lie in [0, 6].
  for (let k = 0; k < features.length; k++) features[k] = rng() * 6;
  const labels = new Uint8Array(rows * numGenres); // [rows, genres] 0/1
  for (let row = 0; row < rows; row++) labels.set(items[row % items.length].labels, row * numGenres);
  const lossOptions: LossOptions = {
    kind: 'weighted-bce',
    positiveWeight: positiveWeights(labels, rows, numGenres, { power: HEAD.positiveWeightPower, max: HEAD.positiveWeightMax }),
  };
  const head = buildHead({ featureDim, numGenres, hidden: HEAD.hiddenUnits, dropout: HEAD.dropout, l2: HEAD.l2, seed });
  const optimizer = tf.train.adam(TRANSFER_DEFAULTS.learningRate);
  const epochs = warmup + run.headTimedEpochs;
  const warmupSeconds: number[] = [];
  const epochSeconds: number[] = [];
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = shuffleInPlace(
        Array.from({ length: rows }, (_, row) => row),
        createRng(seed * 1009 + epoch),
      );
      const start = performance.now();
      await trainHeadEpoch(head, optimizer, features, labels, order, batchSize, lossOptions);
      const seconds = (performance.now() - start) / 1000;
      tensorsAfterEpoch.push(tf.memory().numTensors);
      (epoch <= warmup ? warmupSeconds : epochSeconds).push(seconds);
      context.progress(`head ${rows} rows batch ${batchSize}: epoch ${epoch}/${epochs} took ${seconds.toFixed(2)} s`);
    }
    return {
      rows,
      featureDim,
      numGenres,
      batchSize,
      parameters: head.countParams(),
      loss: 'weighted-bce',
      warmupSeconds: warmupSeconds.map(roundTo3),
      epochSeconds: epochSeconds.map(roundTo3),
      imagesPerSecond: roundTo3((epochSeconds.length * rows) / sum(epochSeconds)),
    };
  } finally {
    optimizer.dispose();
    head.dispose();
  }
}

/**
 * The pretrained-backbone path on the active backend: embedding images/s
 * with the app's loadBackbone and extractFeatures, then head-training
 * images/s. A backbone that cannot be loaded (no models folder served) or a
 * measurement that fails gives `available: false` and the reason, so the
 * rest of the benchmark still reports.
 */
export async function measurePretrained(run: PretrainedRunConfig, context: MeasureContext): Promise<PretrainedMeasurement> {
  const info = getBackbone(run.backbone);
  const modelUrl = info.localPath;
  const unavailable = (reason: string): PretrainedMeasurement => ({ available: false, backbone: info.id, modelUrl, reason });
  const before = tf.memory().numTensors;
  const loadStart = performance.now();
  const loaded = await loadBackbone(info, modelUrl);
  if (!loaded.ok) return unavailable(loaded.error);
  const loadSeconds = roundTo3((performance.now() - loadStart) / 1000);
  context.progress(`${info.id} loaded in ${loadSeconds} s`);
  const afterEmbedBatch: number[] = [];
  const afterHeadEpoch: number[] = [];
  let measured: { embedding: EmbeddingMeasurement; headTraining: HeadTrainingMeasurement };
  try {
    const embedding = await measureEmbedding(loaded.model, info.input, run, context, afterEmbedBatch);
    measured = { embedding, headTraining: await measureHeadTraining(info.featureDim, run, context, afterHeadEpoch) };
  } catch (error) {
    return unavailable(`measurement failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    loaded.model.dispose();
  }
  const after = tf.memory().numTensors;
  return {
    available: true,
    backbone: info.id,
    modelUrl,
    size: sizeLabel(info.input),
    loadSeconds,
    notes: loaded.notes,
    ...measured,
    numTensors: { before, afterEmbedBatch, afterHeadEpoch, after },
    noTensorLeak: flatFrom(afterEmbedBatch, 0) && flatFrom(afterHeadEpoch, 0) && after === before,
  };
}
