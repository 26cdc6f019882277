import * as tf from '@tensorflow/tfjs';
import { splitTrainValidation } from '../data/split';
import { createRng, shuffleInPlace } from '../lib/random';
import { APP_VERSION } from '../lib/version';
import { constantPriorBaseline, describeConstantPredictions, describeDegenerateFeatures, evaluateMultiLabel, tuneThresholds } from '../metrics';
import type { MultiLabelMetrics } from '../metrics';
import { extractFeaturePairs, extractFeatures, type BackboneInfo } from '../ml/backbones';
import { fineTuneStep, unfreezeTopLayers } from '../ml/fineTune';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelMetadata } from '../ml/modelFiles';
import { summarizeModel } from '../ml/modelSummary';
import { moveModelTo } from '../ml/placement';
import type { InputSpec } from '../ml/preprocess';
import type { HeadLossKind, TrainConfig } from '../ml/trainConfig';
import { totalEpochs } from '../ml/trainConfig';
import {
  averageHeads,
  buildHeadMembers,
  disposeClassifier,
  composeClassifier,
  positiveWeights,
  predictHead,
  trainHeadEpoch,
  type LossOptions,
} from '../ml/transferHead';
import { embedAll, type EmbeddingStore } from './embeddingCache';
import { PosterPixelStore, type PosterSourceItem } from './posterBatches';
import type { EpochMetrics } from './protocol';
import { failLearningCheck, pixelStoreFor, runTrainingEpochs, saveCheckpoint, type RunContext } from './trainingLoop';

/**
 * Head architecture, chosen on validation mAP (see the issue's closing note). 256 hidden units
 * train 2.4x faster than 512 on WASM and, averaged over three heads, score the same within noise.
 */
export const HEAD_HIDDEN_UNITS = 256;
export const HEAD_DROPOUT = 0.5;
export const HEAD_L2 = 1e-4;
/** Backbone layers (with weights) unfrozen for fine-tuning: the last two inverted-residual blocks and Conv_1. */
export const FINE_TUNE_LAYERS = 7;
/** Fine-tuning moves pretrained weights: a tenth of the head's learning rate. */
export const FINE_TUNE_LR_FACTOR = 0.1;
const EMBED_BATCH = 32;
/** weighted-bce: the square root of each genre's neg/pos ratio, capped (see lossOptionsFor). */
export const WEIGHTED_BCE_POSITIVE_WEIGHTS = { power: 0.5, max: 10 };
/** Head training stops after this many epochs without a better validation mAP. */
export const HEAD_PATIENCE = 8;

interface BestEpoch {
  epoch: number;
  map: number;
  /** Per ensemble member, its weights at this epoch. */
  weights: tf.Tensor[][];
  probs: Float32Array;
  thresholds: number[];
}

interface BestHead {
  kind: Exclude<HeadLossKind, 'auto'>;
  head: tf.LayersModel;
  history: EpochMetrics[];
  map: number;
  epoch: number;
  probs?: Float32Array;
  thresholds?: number[];
}

export interface TransferRun extends RunContext {
  config: TrainConfig;
  dataset: { genres: string[]; items: PosterSourceItem[]; fingerprint: string };
  backbone: tf.LayersModel;
  backboneInfo: BackboneInfo;
  /** Set when the weights are not the served copy's (a picked folder, another URL): part of the embedding cache key. */
  backboneSourceKey?: string;
  embeddings: EmbeddingStore;
  /**
   * The backend that trains convolutions. The frozen stages run wherever the
   * backbone is now (the session measured and moved it there); fine-tuning
   * moves the classifier back here.
   */
  trainingBackend: string;
}

/** Wrong embeddings come from a backend that computed wrong numbers, not from the posters. */
const BACKEND_ADVICE = 'The backend computed wrong numbers: reload the page, or choose another backend with ?backend=webgl or ?backend=cpu.';

function lossOptionsFor(kind: Exclude<HeadLossKind, 'auto'>, trainLabels: Uint8Array, n: number, g: number): LossOptions {
  switch (kind) {
    case 'bce':
      return { kind: 'bce' };
    case 'weighted-bce':
      // Square root of the neg/pos ratio: full ratios (up to ~1000 for rare genres) swamp the loss.
      return { kind: 'weighted-bce', positiveWeight: positiveWeights(trainLabels, n, g, WEIGHTED_BCE_POSITIVE_WEIGHTS) };
    case 'focal':
      return { kind: 'focal', gamma: 2 };
  }
}

/** Probabilities of the ensemble: each member's, averaged over members and views, as the composed model computes them. */
async function predictEnsemble(members: readonly tf.LayersModel[], views: Float32Array[], count: number): Promise<Float32Array> {
  const perMemberAndView = await Promise.all(members.flatMap((member) => views.map((features) => predictHead(member, features, count, 256))));
  // Every member sees every view, so the mean over all pairs is the mean over members of the mean over views.
  if (perMemberAndView.length === 1) return perMemberAndView[0];
  const mean = new Float32Array(perMemberAndView[0].length);
  for (const probs of perMemberAndView) probs.forEach((p, k) => (mean[k] += p / perMemberAndView.length));
  return mean;
}

function gather<T extends Float32Array | Uint8Array>(source: T, rows: readonly number[], width: number, out: T): T {
  rows.forEach((row, i) => out.set(source.subarray(row * width, (row + 1) * width), i * width));
  return out;
}

/**
 * Teachable-Machine-style transfer learning: every poster's backbone
 * embedding is computed once (and cached in IndexedDB), a small head is
 * trained on them for many epochs in seconds, then (mobilenet-finetune) the
 * top backbone layers are unfrozen and trained on augmented pixels.
 */
export async function runTransferTraining(run: TransferRun): Promise<void> {
  const { config } = run;
  // The model predicts with this spec: the backbone's input, plus mirror averaging when the head learns both views.
  const spec: InputSpec = { ...run.backboneInfo.input, averageMirrored: config.mirrorPosters };
  // Only fine-tuning reads the pixels again; the frozen path would write the spill for nothing.
  const fineTunes = config.modelKind === 'mobilenet-finetune' && config.fineTuneEpochs > 0;
  const store = pixelStoreFor(run, spec, { spill: fineTunes });
  try {
    await runTransferStages(run, spec, store);
  } finally {
    await store.clear();
  }
}

async function runTransferStages(run: TransferRun, spec: InputSpec, store: PosterPixelStore): Promise<void> {
  const { config, dataset, emit, stop, now, backboneInfo } = run;
  const g = dataset.genres.length;
  const featureDim = backboneInfo.featureDim;
  const views = config.mirrorPosters ? 2 : 1;

  // Same split as the pixel loop computes (same function, items and seed); unreadable posters drop out below.
  const split = splitTrainValidation(dataset.items.map((item) => item.labels), config.valFraction, config.seed);
  const batchesPerEpoch = Math.ceil(split.train.length / config.batchSize);
  emit({ type: 'trainingStarted', config, trainPosters: split.train.length, validationPosters: split.validation.length, batchesPerEpoch });

  // Stage 1: embeddings. The next batch decodes (in the decode workers) while the backbone runs this one;
  // decodeMs is the time the backbone waited for pixels, not the decoders' own time.
  const embedStart = now();
  let decodeMs = 0;
  let inferMs = 0;
  const decoding = new Map<number, Promise<Uint8Array | null>>();
  const pixelsOf = (index: number) => {
    const pending = decoding.get(index) ?? store.pixels(index, dataset.items[index]);
    decoding.delete(index);
    return pending;
  };
  emit({ type: 'log', message: `embedding ${dataset.items.length} posters with ${backboneInfo.id}…` });
  const embedded = await embedAll({
    files: dataset.items.map((item) => ({ name: item.name, size: item.file.size, lastModified: (item.file as File).lastModified ?? 0 })),
    store: run.embeddings,
    backboneId: `${backboneInfo.id}${run.backboneSourceKey ? `@${run.backboneSourceKey}` : ''}${views === 2 ? '+mirror' : ''}`,
    featureDim: featureDim * views,
    batchSize: EMBED_BATCH,
    shouldStop: () => stop.requested,
    willCompute: (indices) => indices.forEach((index) => decoding.set(index, store.pixels(index, dataset.items[index]))),
    onProgress: (done, total) => {
      const seconds = (now() - embedStart) / 1000;
      emit({ type: 'stageProgress', stage: 'embedding', done, total, imagesPerSecond: done / Math.max(seconds, 1e-6) });
    },
    computeBatch: async (indices) => {
      const decodeStart = now();
      const decoded = await Promise.all(indices.map(pixelsOf));
      decodeMs += now() - decodeStart;
      const perPoster = spec.height * spec.width * 3;
      const pixels = new Uint8Array(indices.length * perPoster);
      decoded.forEach((poster, k) => poster && pixels.set(poster, k * perPoster));
      const inferStart = now();
      const features = await (views === 2 ? extractFeaturePairs : extractFeatures)(run.backbone, pixels, indices.length, spec);
      inferMs += now() - inferStart;
      // Checked before anything is cached: a backend that computes the same features for every poster fails here, at once.
      const readableRows = decoded.flatMap((poster, k) => (poster ? [k] : []));
      const rowWidth = featureDim * views;
      const problem = describeDegenerateFeatures(gather(features, readableRows, rowWidth, new Float32Array(readableRows.length * rowWidth)), readableRows.length, rowWidth);
      if (problem) failLearningCheck(`the backbone's embeddings of a batch`, problem, BACKEND_ADVICE);
      // An unreadable poster gets a NaN row: embedAll does not cache it, and it drops out below.
      decoded.forEach((poster, k) => poster || features.fill(NaN, k * rowWidth, (k + 1) * rowWidth));
      return features;
    },
  });
  if (embedded.stopped) {
    emit({ type: 'done', reason: 'stopped', epochsCompleted: 0 });
    return;
  }
  const embedSeconds = (now() - embedStart) / 1000;
  emit({
    type: 'log',
    message:
      `embeddings: ${embedded.hits} from the cache, ${embedded.misses} computed in ${embedSeconds.toFixed(1)} s ` +
      `(backbone ${(inferMs / 1000).toFixed(1)} s, waiting for decoded posters ${(decodeMs / 1000).toFixed(1)} s)` +
      (embedded.cacheError ? ` (${embedded.cacheError})` : ''),
  });

  const n = dataset.items.length;
  const readable = (index: number) => !Number.isNaN(embedded.features[index * featureDim * views]);
  const train = split.train.filter(readable);
  const validation = split.validation.filter(readable);
  const allLabels = new Uint8Array(n * g);
  dataset.items.forEach((item, index) => allLabels.set(item.labels, index * g));
  const trainLabels = gather(allLabels, train, g, new Uint8Array(train.length * g));
  // Rows v * n + i hold view v (0 plain, 1 mirrored) of poster i; each epoch trains on one random view per poster.
  const viewRows = new Float32Array(views * n * featureDim);
  for (let i = 0; i < n; i++) {
    for (let v = 0; v < views; v++) {
      const from = (i * views + v) * featureDim;
      viewRows.set(embedded.features.subarray(from, from + featureDim), (v * n + i) * featureDim);
    }
  }
  const viewLabels = new Uint8Array(views * n * g);
  for (let v = 0; v < views; v++) viewLabels.set(allLabels, v * n * g);
  const valViews = Array.from({ length: views }, (_, v) =>
    gather(viewRows, validation.map((index) => v * n + index), featureDim, new Float32Array(validation.length * featureDim)),
  );
  const valLabels = gather(allLabels, validation, g, new Uint8Array(validation.length * g));
  // Cached rows too: a cache written by a broken run must not train a head.
  const trainFeatures = gather(viewRows, train, featureDim, new Float32Array(train.length * featureDim));
  const spread = describeDegenerateFeatures(trainFeatures, train.length, featureDim);
  if (spread) failLearningCheck(`the embeddings of the ${train.length} training posters`, spread, BACKEND_ADVICE);
  const baselineProbs = constantPriorBaseline(trainLabels, train.length, g, validation.length);
  const baseline = validation.length > 0 ? evaluateMultiLabel(baselineProbs, valLabels, g) : undefined;

  // Stage 2: the head, once per candidate loss when 'auto'.
  const candidates: Array<Exclude<HeadLossKind, 'auto'>> =
    config.headLoss === 'auto' ? (validation.length > 0 ? ['bce', 'weighted-bce', 'focal'] : ['weighted-bce']) : [config.headLoss];
  let best: BestHead | undefined;
  // Members of the head ensemble train side by side (own seed, shuffles and views); early stopping watches their average.
  const memberCount = config.headEnsemble ?? 1;
  for (const kind of candidates) {
    const members = buildHeadMembers(memberCount, { featureDim, numGenres: g, hidden: HEAD_HIDDEN_UNITS, dropout: HEAD_DROPOUT, l2: HEAD_L2, seed: config.seed });
    const optimizers = members.map(() => tf.train.adam(config.learningRate));
    const lossOptions = lossOptionsFor(kind, trainLabels, train.length, g);
    const history: EpochMetrics[] = [];
    let bestEpoch: BestEpoch | undefined;
    const headStart = now();
    try {
      for (let epoch = 1; epoch <= config.epochs && !stop.requested; epoch++) {
        const epochStart = now();
        let loss = 0;
        let correctLabels = 0;
        for (const [k, member] of members.entries()) {
          const rng = createRng(config.seed * 1009 + epoch + 7919 * k);
          const order = shuffleInPlace([...train], rng).map((index) => (views === 2 && rng() < 0.5 ? n + index : index));
          const result = await trainHeadEpoch(member, optimizers[k], viewRows, viewLabels, order, config.batchSize, lossOptions);
          loss += result.loss / members.length;
          correctLabels += result.correctLabels / members.length;
        }
        const metrics: EpochMetrics = {
          epoch,
          train: { loss, labelAccuracy: correctLabels / Math.max(1, train.length * g), images: train.length * members.length, seconds: (now() - epochStart) / 1000 },
        };
        const probs = validation.length > 0 ? await predictEnsemble(members, valViews, validation.length) : undefined;
        if (epoch === 1) {
          // After the first epoch the head must tell posters apart (validation posters, else training posters).
          const checked = probs ?? (await predictEnsemble(members, [trainFeatures], train.length));
          const constant = describeConstantPredictions(checked, probs ? validation.length : train.length, g);
          if (constant) failLearningCheck('after its first epoch, the head', constant, BACKEND_ADVICE);
        }
        if (probs) {
          const thresholds = tuneThresholds(probs, valLabels, g);
          metrics.validation = evaluateMultiLabel(probs, valLabels, g, thresholds);
          metrics.baseline = baseline;
          const map = metrics.validation.mapMacro ?? 0;
          // Early stopping on validation mAP: keep the best epoch's weights.
          if (!bestEpoch || map > bestEpoch.map) {
            bestEpoch?.weights.forEach((weights) => tf.dispose(weights));
            bestEpoch = { epoch, map, weights: members.map((member) => member.getWeights().map((w) => w.clone())), probs, thresholds };
          }
        }
        history.push(metrics);
        const imagesPerSecond = (epoch * train.length) / Math.max((now() - headStart) / 1000, 1e-6);
        emit({ type: 'batchEnd', epoch, batch: batchesPerEpoch, batchesPerEpoch, loss, imagesPerSecond, etaSeconds: ((config.epochs - epoch) * train.length) / imagesPerSecond });
        if (bestEpoch && epoch - bestEpoch.epoch >= HEAD_PATIENCE) break;
      }
      if (bestEpoch) members.forEach((member, k) => member.setWeights(bestEpoch!.weights[k]));
      const head = averageHeads(members);
      const map = bestEpoch?.map ?? 0;
      emit({
        type: 'log',
        message:
          `head${members.length > 1 ? ` (average of ${members.length})` : ''} with ${kind}: best validation mAP ${map.toFixed(4)} ` +
          `at epoch ${bestEpoch?.epoch ?? history.length} of ${history.length} (${((now() - headStart) / 1000).toFixed(1)} s)`,
      });
      if (!best || map > best.map) {
        if (best) disposeClassifier(best.head);
        best = { kind, head, history, map, epoch: bestEpoch?.epoch ?? history.length, probs: bestEpoch?.probs, thresholds: bestEpoch?.thresholds };
      } else {
        disposeClassifier(head);
      }
    } finally {
      bestEpoch?.weights.forEach((weights) => tf.dispose(weights));
      optimizers.forEach((optimizer) => optimizer.dispose());
    }
    if (stop.requested) break;
  }
  if (!best || best.history.length === 0) {
    if (best) disposeClassifier(best.head);
    emit({ type: 'done', reason: 'stopped', epochsCompleted: 0 });
    return;
  }
  if (candidates.length > 1) emit({ type: 'log', message: `imbalance handling chosen on validation mAP: ${best.kind}` });

  // The charts show the chosen head's epochs; the model keeps its best epoch's weights and thresholds.
  const { history } = best;
  const thresholds = best.thresholds ?? new Array<number>(g).fill(0.5);
  history.forEach((metrics) => emit({ type: 'epochEnd', metrics }));
  if (best.probs) {
    emit({
      type: 'evaluated',
      predictions: { epoch: best.epoch, files: validation.map((index) => dataset.items[index].name), probs: best.probs, labels: valLabels, thresholds },
    });
  }
  const classifier = composeClassifier(run.backbone, best.head);
  const headConfig: TrainConfig = { ...config, headLoss: best.kind };
  const metadata = transferMetadata(headConfig, dataset, backboneInfo, thresholds, config.epochs, history[best.epoch - 1]?.validation);
  run.onModel(classifier, metadata);
  emit({ type: 'modelSummary', summary: summarizeModel(classifier), config });
  await saveCheckpoint({ emit, checkpoints: run.checkpoints }, classifier, null, metadata, history);

  // Stage 3: fine-tuning on pixels.
  if (config.modelKind !== 'mobilenet-finetune' || config.fineTuneEpochs === 0 || stop.requested) {
    emit({ type: 'done', reason: stop.requested ? 'stopped' : 'completed', epochsCompleted: config.epochs });
    return;
  }
  // Conv gradients need the training backend (WASM has none); the frozen stages may have run elsewhere.
  await moveModelTo(classifier, run.trainingBackend);
  const report = unfreezeTopLayers(classifier, FINE_TUNE_LAYERS);
  emit({ type: 'log', message: `fine-tuning ${report.unfrozen.join(', ')} (${report.trainableParams.toLocaleString('en-US')} trainable parameters)` });
  await runTrainingEpochs({
    config: headConfig,
    totalEpochs: totalEpochs(config),
    learningRate: config.learningRate * FINE_TUNE_LR_FACTOR,
    dataset,
    model: classifier,
    spec,
    startEpoch: config.epochs + 1,
    history,
    optimizerState: null,
    backbone: backboneInfo.id,
    step: fineTuneStepFor(headConfig, spec, trainLabels, train.length, g),
    stop,
    emit,
    now,
    decode: run.decode,
    checkpoints: run.checkpoints,
    onModel: run.onModel,
    pixelStore: store,
  });
}

/** The fine-tuning step with the loss the head was trained with, seeded augmentation. */
export function fineTuneStepFor(config: TrainConfig, spec: InputSpec, trainLabels: Uint8Array, n: number, g: number) {
  const rng = createRng(config.seed + 7);
  const kind = config.headLoss === 'auto' ? 'weighted-bce' : config.headLoss;
  const loss = lossOptionsFor(kind, trainLabels, n, g);
  return (model: tf.LayersModel, optimizer: tf.Optimizer, batch: Parameters<typeof fineTuneStep>[2]) =>
    fineTuneStep(model, optimizer, batch, { spec, numGenres: g, rng, loss });
}

export function transferMetadata(
  config: TrainConfig,
  dataset: { genres: string[]; fingerprint: string },
  backboneInfo: BackboneInfo,
  thresholds: number[],
  epochsCompleted: number,
  validation: MultiLabelMetrics | undefined,
): ModelMetadata {
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    appVersion: APP_VERSION,
    modelKind: config.modelKind,
    backbone: backboneInfo.id,
    genres: dataset.genres,
    thresholds,
    input: { ...backboneInfo.input, averageMirrored: config.mirrorPosters },
    trainConfig: config,
    epochsCompleted,
    validation: validation ? { mapMacro: validation.mapMacro, aucMacro: validation.aucMacro, f1MacroTuned: validation.f1MacroTuned } : null,
    datasetFingerprint: dataset.fingerprint,
    createdAt: new Date().toISOString(),
  };
}
