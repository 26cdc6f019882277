import * as tf from '@tensorflow/tfjs';
import { HEAD } from '../../config/registry.js';
import type { HeadLossKind } from '../../config/trainConfig';
import { createRng, shuffleInPlace } from '../../lib/random';
import { constantPriorBaseline, describeConstantPredictions, describeDegenerateFeatures, evaluateMultiLabel, tuneThresholds } from '../../metrics';
import { averageHeads, buildHeadMembers, disposeClassifier, positiveWeights, predictHead, trainHeadEpoch, type LossOptions } from '../transferHead';
import { flattenLabels, gatherRows } from './labels';
import { BACKEND_ADVICE, failLearningCheck } from './learningChecks';
import type { EpochMetrics, StageContext } from './types';

export type ConcreteHeadLoss = Exclude<HeadLossKind, 'auto'>;

/** The loss options for `kind`: weighted-bce weighs each genre's positives by its training-split neg/pos ratio. */
export function lossOptionsFor(kind: ConcreteHeadLoss, trainLabels: Uint8Array, n: number, g: number): LossOptions {
  switch (kind) {
    case 'bce':
      return { kind: 'bce' };
    case 'weighted-bce':
      return {
        kind: 'weighted-bce',
        positiveWeight: positiveWeights(trainLabels, n, g, { power: HEAD.positiveWeightPower, max: HEAD.positiveWeightMax }),
      };
    case 'focal':
      return { kind: 'focal', gamma: 2 };
  }
}

/** The trained head: the best epoch's weights (early stopping on validation mAP) and what it scored. */
export interface TrainedHead {
  kind: ConcreteHeadLoss;
  /** [batch, featureDim] -> [batch, genres]; the members' average when there are several. */
  head: tf.LayersModel;
  /** Every epoch trained; the model keeps `bestEpoch`'s weights. */
  history: EpochMetrics[];
  bestEpoch: number;
  /** Validation predictions and tuned thresholds of the best epoch (absent without validation). */
  probs?: Float32Array;
  thresholds?: number[];
}

interface BestEpoch {
  epoch: number;
  map: number;
  /** Per ensemble member, its weights at this epoch. */
  weights: tf.Tensor[][];
  probs: Float32Array;
  thresholds: number[];
}

/** Probabilities of the ensemble: each member's, averaged over members and views, as the composed model computes them. */
async function predictEnsemble(members: readonly tf.LayersModel[], views: Float32Array[], count: number): Promise<Float32Array> {
  const perMemberAndView = await Promise.all(members.flatMap((member) => views.map((features) => predictHead(member, features, count, 256))));
  if (perMemberAndView.length === 1) return perMemberAndView[0];
  const mean = new Float32Array(perMemberAndView[0].length);
  for (const probs of perMemberAndView) probs.forEach((p, k) => (mean[k] += p / perMemberAndView.length));
  return mean;
}

export interface HeadStageOptions {
  /** [n * views * featureDim], row i = poster i's views (see PosterEmbeddings). */
  features: Float32Array;
  featureDim: number;
  views: 1 | 2;
  /** Posters whose features were computed (unreadable ones drop out). */
  readable: (index: number) => boolean;
}

/**
 * Stage 2 of the pretrained path: the head on the cached features, once per
 * candidate loss when 'auto'. Members of the ensemble train side by side
 * (own seed, shuffles and views); early stopping watches their average.
 * Returns null when stopped before a first epoch.
 */
export async function trainHeadStage(ctx: StageContext, options: HeadStageOptions): Promise<TrainedHead | null> {
  const { config, dataset, observe, stop, now } = ctx;
  const { featureDim, views } = options;
  const g = dataset.genres.length;
  const n = dataset.items.length;
  const train = ctx.split.train.filter(options.readable);
  const validation = ctx.split.validation.filter(options.readable);
  const allLabels = flattenLabels(
    dataset.items.map((item) => item.labels),
    g,
  );
  const trainLabels = gatherRows(allLabels, train, g, new Uint8Array(train.length * g));
  // Rows v * n + i hold view v (0 plain, 1 mirrored) of poster i; each epoch trains on one random view per poster.
  const viewRows = new Float32Array(views * n * featureDim);
  for (let i = 0; i < n; i++) {
    for (let v = 0; v < views; v++) {
      const from = (i * views + v) * featureDim;
      viewRows.set(options.features.subarray(from, from + featureDim), (v * n + i) * featureDim);
    }
  }
  const viewLabels = new Uint8Array(views * n * g);
  for (let v = 0; v < views; v++) viewLabels.set(allLabels, v * n * g);
  const valViews = Array.from({ length: views }, (_, v) =>
    gatherRows(
      viewRows,
      validation.map((index) => v * n + index),
      featureDim,
      new Float32Array(validation.length * featureDim),
    ),
  );
  const valLabels = gatherRows(allLabels, validation, g, new Uint8Array(validation.length * g));
  // Cached rows too: a cache written by a broken run must not train a head.
  const trainFeatures = gatherRows(viewRows, train, featureDim, new Float32Array(train.length * featureDim));
  const spread = describeDegenerateFeatures(trainFeatures, train.length, featureDim);
  if (spread) failLearningCheck(`the embeddings of the ${train.length} training posters`, spread, BACKEND_ADVICE);
  const baseline =
    validation.length > 0 ? evaluateMultiLabel(constantPriorBaseline(trainLabels, train.length, g, validation.length), valLabels, g) : undefined;
  const batchesPerEpoch = Math.ceil(train.length / config.batchSize);

  const candidates: ConcreteHeadLoss[] =
    config.headLoss === 'auto' ? (validation.length > 0 ? ['bce', 'weighted-bce', 'focal'] : ['weighted-bce']) : [config.headLoss];
  let best: (TrainedHead & { map: number }) | undefined;
  for (const kind of candidates) {
    const members = buildHeadMembers(config.headEnsemble ?? 1, {
      featureDim,
      numGenres: g,
      hidden: HEAD.hiddenUnits,
      dropout: HEAD.dropout,
      l2: HEAD.l2,
      seed: config.seed,
    });
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
          // The same stream seeds the dropout masks: a run's seed decides its head.
          const nextDropoutSeed = () => Math.floor(rng() * 2 ** 31);
          const result = await trainHeadEpoch(member, optimizers[k], viewRows, viewLabels, order, config.batchSize, lossOptions, nextDropoutSeed);
          loss += result.loss / members.length;
          correctLabels += result.correctLabels / members.length;
        }
        const metrics: EpochMetrics = {
          epoch,
          train: {
            loss,
            labelAccuracy: correctLabels / Math.max(1, train.length * g),
            images: train.length * members.length,
            seconds: (now() - epochStart) / 1000,
          },
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
        observe.batchEnd({
          epoch,
          batch: batchesPerEpoch,
          batchesPerEpoch,
          loss,
          imagesPerSecond,
          etaSeconds: ((config.epochs - epoch) * train.length) / imagesPerSecond,
        });
        await observe.betweenBatches();
        if (bestEpoch && epoch - bestEpoch.epoch >= HEAD.patience) break;
      }
      if (history.length === 0) {
        members.forEach(disposeClassifier);
        continue;
      }
      if (bestEpoch) members.forEach((member, k) => member.setWeights(bestEpoch!.weights[k]));
      const head = averageHeads(members);
      const map = bestEpoch?.map ?? 0;
      observe.log(
        `head${members.length > 1 ? ` (average of ${members.length})` : ''} with ${kind}: best validation mAP ${map.toFixed(4)} ` +
          `at epoch ${bestEpoch?.epoch ?? history.length} of ${history.length} (${((now() - headStart) / 1000).toFixed(1)} s)`,
      );
      if (!best || map > best.map) {
        if (best) disposeClassifier(best.head);
        best = {
          kind,
          head,
          history,
          map,
          bestEpoch: bestEpoch?.epoch ?? history.length,
          probs: bestEpoch?.probs,
          thresholds: bestEpoch?.thresholds,
        };
      } else {
        disposeClassifier(head);
      }
    } finally {
      bestEpoch?.weights.forEach((weights) => tf.dispose(weights));
      optimizers.forEach((optimizer) => optimizer.dispose());
    }
    if (stop.requested) break;
  }
  if (!best) return null;
  if (candidates.length > 1) observe.log(`imbalance handling chosen on validation mAP: ${best.kind}`);
  // The charts show the chosen head's epochs; the model keeps its best epoch's weights and thresholds.
  best.history.forEach((metrics) => observe.epochEnd(metrics));
  if (best.probs) {
    observe.evaluated({
      epoch: best.bestEpoch,
      files: validation.map((index) => dataset.items[index].name),
      probs: best.probs,
      labels: valLabels,
      thresholds: best.thresholds ?? new Array<number>(g).fill(0.5),
    });
  }
  const { map: _map, ...trained } = best;
  return trained;
}
