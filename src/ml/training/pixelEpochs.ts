import * as tf from '@tensorflow/tfjs';
import { createRng, shuffleInPlace } from '../../lib/random';
import { constantPriorBaseline, describeConstantPredictions, evaluateMultiLabel, tuneThresholds } from '../../metrics';
import { restoreOptimizerState, type SavedOptimizerWeight } from '../optimizerState';
import type { PixelBatch, StepResult } from '../trainStep';
import { failLearningCheck } from './learningChecks';
import { predictPosters } from './predictPosters';
import { flattenLabels } from './labels';
import type { EpochMetrics, PosterFeed, StageContext } from './types';

/** The tutorial printed the running loss every 15 batches. */
export const LOG_EVERY_BATCHES = 15;

/** One optimiser step on one batch of pixels. */
export type PixelStep = (model: tf.LayersModel, optimizer: tf.Optimizer, batch: PixelBatch) => Promise<StepResult>;

/** An epoch done: what the runner saves and publishes. */
export interface PixelEpochResult {
  epoch: number;
  metrics: EpochMetrics;
  /** Per-genre thresholds tuned on this epoch's validation predictions (0.5 without validation). */
  thresholds: number[];
  optimizer: tf.Optimizer;
}

export interface PixelEpochsOptions {
  model: tf.LayersModel;
  feed: PosterFeed;
  /** Epochs `from`..`to`, inclusive: 1.. for a new run, epochsCompleted + 1.. when resuming. */
  from: number;
  to: number;
  learningRate: number;
  /** Adam's state from a checkpoint; null starts afresh. */
  optimizerState: SavedOptimizerWeight[] | null;
  step: PixelStep;
  /** After every epoch, awaited: the runner publishes the model and saves a checkpoint. */
  onEpoch: (result: PixelEpochResult) => Promise<void>;
}

/**
 * The tutorial's loop: shuffled batches streamed from the feed, a log line
 * every 15 batches, then validation metrics against the constant prior.
 * Returns the last epoch completed (from - 1 when stopped before any).
 */
export async function runPixelEpochs(ctx: StageContext, options: PixelEpochsOptions): Promise<number> {
  const { config, dataset, split, observe, stop, now } = ctx;
  const { model, feed, from, to, step } = options;
  const numGenres = dataset.genres.length;
  const optimizer = tf.train.adam(options.learningRate);
  if (options.optimizerState) await restoreOptimizerState(optimizer, options.optimizerState);
  const batchesPerEpoch = Math.ceil(split.train.length / config.batchSize);
  const trainLabels = flattenLabels(
    split.train.map((index) => dataset.items[index].labels),
    numGenres,
  );
  const runStart = now();
  const imagesToGo = split.train.length * (to - from + 1);
  let imagesDone = 0;
  let completed = from - 1;
  try {
    for (let epoch = from; epoch <= to && !stop.requested; epoch++) {
      observe.epochStart(epoch, to);
      // Seeded per epoch, so a resumed run sees the batches the original would have.
      const order = shuffleInPlace([...split.train], createRng(config.seed * 1009 + epoch));
      const epochStart = now();
      let epochImages = 0;
      let lossSum = 0;
      let correctLabels = 0;
      let runningLoss = 0;
      let batch = 0;
      if (epoch === from) observe.phase('decoding the first batch of posters');
      for await (const pixels of feed.batches(order, config.batchSize)) {
        if (stop.requested) break;
        if (imagesDone === 0) {
          const gpu = tf.getBackend() === 'webgpu' || tf.getBackend() === 'webgl';
          observe.phase(`first training step on ${tf.getBackend()}${gpu ? ': compiling GPU kernels, which can take a while' : ''}`);
        }
        const result = await step(model, optimizer, pixels);
        batch++;
        epochImages += pixels.size;
        imagesDone += pixels.size;
        lossSum += result.loss * pixels.size;
        correctLabels += result.correctLabels;
        runningLoss += result.loss;
        const imagesPerSecond = epochImages / Math.max((now() - epochStart) / 1000, 1e-6);
        observe.batchEnd({
          epoch,
          batch,
          batchesPerEpoch,
          loss: result.loss,
          imagesPerSecond,
          etaSeconds: (imagesToGo - imagesDone) / Math.max(imagesPerSecond, 1e-6),
        });
        if (batch % LOG_EVERY_BATCHES === 0) {
          observe.log(
            `[epoch ${epoch}, batch ${batch}/${batchesPerEpoch}] loss: ${(runningLoss / LOG_EVERY_BATCHES).toFixed(4)} (${((now() - runStart) / 1000).toFixed(1)} s)`,
          );
          runningLoss = 0;
        }
        await observe.betweenBatches();
      }
      if (stop.requested || epochImages === 0) break;
      const metrics: EpochMetrics = {
        epoch,
        train: {
          loss: lossSum / epochImages,
          labelAccuracy: correctLabels / (epochImages * numGenres),
          images: epochImages,
          seconds: (now() - epochStart) / 1000,
        },
      };
      const shouldStop = () => stop.requested;
      const val =
        split.validation.length > 0 ? await predictPosters(model, feed, split.validation, config.batchSize, numGenres, { shouldStop }) : undefined;
      if (stop.requested) break;
      if (epoch === from) {
        // After its first epoch the model must tell posters apart (validation posters, else training posters).
        const checked = val ?? (await predictPosters(model, feed, order.slice(0, 64), config.batchSize, numGenres));
        const constant = describeConstantPredictions(checked.probs, checked.indices.length, numGenres);
        if (constant)
          failLearningCheck(
            'after its first epoch, the model',
            constant,
            'Try a higher learning rate, or another backend (?backend=webgl or ?backend=cpu).',
          );
      }
      let thresholds = new Array<number>(numGenres).fill(0.5);
      if (val) {
        thresholds = tuneThresholds(val.probs, val.labels, numGenres);
        metrics.validation = evaluateMultiLabel(val.probs, val.labels, numGenres, thresholds);
        const prior = constantPriorBaseline(trainLabels, split.train.length, numGenres, val.indices.length);
        metrics.baseline = evaluateMultiLabel(prior, val.labels, numGenres);
        observe.evaluated({ epoch, files: val.indices.map((index) => dataset.items[index].name), probs: val.probs, labels: val.labels, thresholds });
      }
      completed = epoch;
      observe.epochEnd(metrics);
      observe.log(
        `epoch ${epoch}: train loss ${metrics.train.loss.toFixed(4)}, per-label accuracy ${metrics.train.labelAccuracy.toFixed(4)}` +
          (metrics.validation
            ? `, val mAP ${metrics.validation.mapMacro?.toFixed(3) ?? '-'} (constant prior ${metrics.baseline?.mapMacro?.toFixed(3) ?? '-'})`
            : ''),
      );
      // Every poster has been decoded once by now: say what the next epochs read instead of decoding.
      if (epoch === from && epoch < to) observe.log(feed.describe());
      await options.onEpoch({ epoch, metrics, thresholds, optimizer });
    }
    return completed;
  } finally {
    optimizer.dispose();
  }
}
