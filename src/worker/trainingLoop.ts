import * as tf from '@tensorflow/tfjs';
import { splitTrainValidation } from '../data/split';
import { createRng, shuffleInPlace } from '../lib/random';
import { APP_VERSION } from '../lib/version';
import { constantPriorBaseline, describeConstantPredictions, evaluateMultiLabel, tuneThresholds } from '../metrics';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, modelToArtifacts, type ModelMetadata } from '../ml/modelFiles';
import { summarizeModel } from '../ml/modelSummary';
import { restoreOptimizerState, saveOptimizerState, type SavedOptimizerWeight } from '../ml/optimizerState';
import { pixelsPerPoster, type InputSpec } from '../ml/preprocess';
import type { TrainConfig } from '../ml/trainConfig';
import { trainOnBatch, type PixelBatch, type StepResult } from '../ml/trainStep';
import type { CheckpointStore } from './checkpointStore';
import { predictPosters } from './evaluatePosters';
import type { PixelSpillFactory } from './pixelSpill';
import { describePixelStore, PosterPixelStore, posterBatches, type DecodeFn, type PosterSourceItem } from './posterBatches';
import type { EpochMetrics, WorkerEvent } from './protocol';

/** The tutorial printed the running loss every 15 batches. */
export const LOG_EVERY_BATCHES = 15;
/** Decoded posters kept between epochs; beyond this they are decoded again. */
export const PIXEL_BUDGET_BYTES = 768 * 1024 * 1024;

export interface TrainingRun extends RunContext {
  config: TrainConfig;
  dataset: { genres: string[]; items: PosterSourceItem[]; fingerprint: string };
  model: tf.LayersModel;
  spec: InputSpec;
  /** 1 for a new run; epochsCompleted + 1 when resuming. */
  startEpoch: number;
  history: EpochMetrics[];
  optimizerState: SavedOptimizerWeight[] | null;
  backbone: string | null;
  /** Last epoch to run; defaults to config.epochs (fine-tuning runs past the head's epochs). */
  totalEpochs?: number;
  /** Defaults to config.learningRate. */
  learningRate?: number;
  /** Reuse decoded posters from an earlier stage. */
  pixelStore?: PosterPixelStore;
  /** One optimiser step; defaults to the plain pixel step (trainOnBatch). */
  step?: (model: tf.LayersModel, optimizer: tf.Optimizer, batch: PixelBatch) => Promise<StepResult>;
}

/** What every training run gets from the session: its outlets, its clock, its stop flag. */
export interface RunContext {
  stop: { requested: boolean };
  emit: (event: WorkerEvent) => void;
  now: () => number;
  decode: DecodeFn;
  checkpoints: CheckpointStore;
  /** Called after every epoch with the model as it now stands. */
  onModel: (model: tf.LayersModel, metadata: ModelMetadata) => void;
  /** Where decoded posters beyond the memory budget go (the worker's OPFS file); without one they are decoded again. */
  pixelSpill?: PixelSpillFactory;
  /** Bytes of decoded posters kept in memory; defaults to PIXEL_BUDGET_BYTES. */
  pixelBudgetBytes?: number;
}

/**
 * The store a run decodes its posters through: the run's memory budget, its
 * disk spill when `spill` (only runs that read the pixels again want one),
 * unreadable posters reported as skipped.
 */
export function pixelStoreFor(run: RunContext, spec: InputSpec, { spill }: { spill: boolean }): PosterPixelStore {
  const note = (message: string) => run.emit({ type: 'log', message });
  return new PosterPixelStore(
    spec,
    run.decode,
    run.pixelBudgetBytes ?? PIXEL_BUDGET_BYTES,
    (issue) => run.emit({ type: 'posterSkipped', issue }),
    spill ? run.pixelSpill?.(pixelsPerPoster(spec), note) : undefined,
  );
}

/** Multi-hot rows packed into one [rows, width] row-major buffer. */
export function flattenLabels(rows: readonly Uint8Array[], width: number): Uint8Array {
  const out = new Uint8Array(rows.length * width);
  rows.forEach((row, i) => out.set(row, i * width));
  return out;
}

/**
 * The tutorial's loop, in the worker: shuffled batches streamed from the
 * decoder, a log line every 15 batches, then validation metrics against the
 * constant prior, and a checkpoint after every epoch.
 */
export async function runTrainingEpochs(run: TrainingRun): Promise<void> {
  const { config, dataset, model, spec, emit, stop, now } = run;
  const numGenres = dataset.genres.length;
  const split = splitTrainValidation(dataset.items.map((item) => item.labels), config.valFraction, config.seed);
  const lastEpoch = run.totalEpochs ?? config.epochs;
  const optimizer = tf.train.adam(run.learningRate ?? config.learningRate);
  if (run.optimizerState) await restoreOptimizerState(optimizer, run.optimizerState);
  const store = run.pixelStore ?? pixelStoreFor(run, spec, { spill: true });
  const step = run.step ?? ((m, o, batch) => trainOnBatch(m, o, batch, { spec, numGenres }));
  const batchesPerEpoch = Math.ceil(split.train.length / config.batchSize);
  const history = [...run.history];
  emit({ type: 'modelSummary', summary: summarizeModel(model), config });
  emit({ type: 'trainingStarted', config, trainPosters: split.train.length, validationPosters: split.validation.length, batchesPerEpoch });
  if (history.length > 0) emit({ type: 'resumed', history, fromEpoch: run.startEpoch });

  const baselineFor = (validationRows: number) =>
    constantPriorBaseline(
      flattenLabels(split.train.map((index) => dataset.items[index].labels), numGenres),
      split.train.length,
      numGenres,
      validationRows,
    );
  const runStart = now();
  let imagesDone = 0;
  let epochsCompleted = run.startEpoch - 1;
  const imagesToGo = split.train.length * (lastEpoch - epochsCompleted);
  try {
    for (let epoch = run.startEpoch; epoch <= lastEpoch && !stop.requested; epoch++) {
      emit({ type: 'epochStart', epoch, epochs: lastEpoch });
      // Seeded per epoch, so a resumed run sees the batches the original would have.
      const order = shuffleInPlace([...split.train], createRng(config.seed * 1009 + epoch));
      const epochStart = now();
      let epochImages = 0;
      let lossSum = 0;
      let correctLabels = 0;
      let runningLoss = 0;
      let batch = 0;
      for await (const pixels of posterBatches(dataset.items, order, config.batchSize, store, numGenres)) {
        if (stop.requested) break;
        const result = await step(model, optimizer, pixels);
        batch++;
        epochImages += pixels.size;
        imagesDone += pixels.size;
        lossSum += result.loss * pixels.size;
        correctLabels += result.correctLabels;
        runningLoss += result.loss;
        const imagesPerSecond = epochImages / Math.max((now() - epochStart) / 1000, 1e-6);
        emit({
          type: 'batchEnd',
          epoch,
          batch,
          batchesPerEpoch,
          loss: result.loss,
          imagesPerSecond,
          etaSeconds: (imagesToGo - imagesDone) / Math.max(imagesPerSecond, 1e-6),
        });
        if (batch % LOG_EVERY_BATCHES === 0) {
          emit({
            type: 'log',
            message: `[epoch ${epoch}, batch ${batch}/${batchesPerEpoch}] loss: ${(runningLoss / LOG_EVERY_BATCHES).toFixed(4)} (${((now() - runStart) / 1000).toFixed(1)} s)`,
          });
          runningLoss = 0;
        }
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
      let thresholds = new Array<number>(numGenres).fill(0.5);
      const val =
        split.validation.length > 0
          ? await predictPosters(model, dataset.items, split.validation, config.batchSize, store, numGenres, () => stop.requested)
          : undefined;
      if (stop.requested) break;
      if (epoch === run.startEpoch) {
        // The model must tell posters apart after its first epoch (validation posters, else training posters).
        const checked = val ?? (await predictPosters(model, dataset.items, order.slice(0, 64), config.batchSize, store, numGenres));
        const constant = describeConstantPredictions(checked.probs, checked.indices.length, numGenres);
        if (constant) failLearningCheck('after its first epoch, the model', constant, 'Try a higher learning rate, or another backend (?backend=webgl or ?backend=cpu).');
      }
      if (val) {
        thresholds = tuneThresholds(val.probs, val.labels, numGenres);
        metrics.validation = evaluateMultiLabel(val.probs, val.labels, numGenres, thresholds);
        metrics.baseline = evaluateMultiLabel(baselineFor(val.indices.length), val.labels, numGenres);
        emit({
          type: 'evaluated',
          predictions: { epoch, files: val.indices.map((index) => dataset.items[index].name), probs: val.probs, labels: val.labels, thresholds },
        });
      }
      epochsCompleted = epoch;
      history.push(metrics);
      const metadata: ModelMetadata = {
        format: MODEL_FORMAT,
        formatVersion: MODEL_FORMAT_VERSION,
        appVersion: APP_VERSION,
        modelKind: config.modelKind,
        backbone: run.backbone,
        genres: dataset.genres,
        thresholds,
        input: spec,
        trainConfig: config,
        epochsCompleted,
        validation: metrics.validation
          ? { mapMacro: metrics.validation.mapMacro, aucMacro: metrics.validation.aucMacro, f1MacroTuned: metrics.validation.f1MacroTuned }
          : null,
        datasetFingerprint: dataset.fingerprint,
        createdAt: new Date().toISOString(),
      };
      run.onModel(model, metadata);
      emit({ type: 'epochEnd', metrics });
      emit({
        type: 'log',
        message:
          `epoch ${epoch}: train loss ${metrics.train.loss.toFixed(4)}, per-label accuracy ${metrics.train.labelAccuracy.toFixed(4)}` +
          (metrics.validation
            ? `, val mAP ${metrics.validation.mapMacro?.toFixed(3) ?? '-'} (constant prior ${metrics.baseline?.mapMacro?.toFixed(3) ?? '-'})`
            : ''),
      });
      // Every poster has been decoded once by now: say what the next epochs read instead of decoding.
      if (epoch === run.startEpoch && epoch < lastEpoch) emit({ type: 'log', message: describePixelStore(store.report()) });
      await saveCheckpoint(run, model, optimizer, metadata, history);
    }
    emit({ type: 'done', reason: stop.requested ? 'stopped' : 'completed', epochsCompleted });
  } finally {
    optimizer.dispose();
    await store.clear();
  }
}

/** A run stopped because its numbers show it cannot learn; the message names the backend that produced them. */
export class LearningCheckError extends Error {}

/**
 * Stops a run whose numbers show it cannot learn: a backend that computes
 * wrong numbers (zeros read back, say) gives every poster the same features
 * or scores, and training on would only produce a useless model.
 */
export function failLearningCheck(what: string, problem: string, advice: string): never {
  throw new LearningCheckError(`${what} on the ${tf.getBackend()} backend: ${problem}. This model cannot learn, so the run stopped. ${advice}`);
}

/** Saves the model, Adam's state (when given) and the history; a failure is logged, never fatal. */
export async function saveCheckpoint(
  run: Pick<TrainingRun, 'emit' | 'checkpoints'>,
  model: tf.LayersModel,
  optimizer: tf.Optimizer | null,
  metadata: ModelMetadata,
  history: EpochMetrics[],
): Promise<void> {
  try {
    const artifacts = await modelToArtifacts(model);
    let optimizerWeights: SavedOptimizerWeight[] | null = null;
    try {
      if (optimizer) optimizerWeights = await saveOptimizerState(optimizer);
    } catch (error) {
      run.emit({ type: 'log', message: `Optimizer state not saved (${error instanceof Error ? error.message : String(error)}); a resume restarts Adam.` });
    }
    const weightData = artifacts.weightData;
    await run.checkpoints.save({
      metadata,
      history,
      modelTopology: artifacts.modelTopology as object,
      weightSpecs: artifacts.weightSpecs ?? [],
      weightData: Array.isArray(weightData) ? tf.io.concatenateArrayBuffers(weightData) : (weightData ?? new ArrayBuffer(0)),
      optimizer: optimizerWeights,
      savedAt: new Date().toISOString(),
    });
    // A pretrained head's stage counts as all its epochs done even when early stopping ended it sooner.
    const last = history.at(-1)?.epoch ?? metadata.epochsCompleted;
    const stage = last < metadata.epochsCompleted ? ` (head stage complete: early stopping after epoch ${last})` : '';
    run.emit({ type: 'log', message: `checkpoint saved after epoch ${metadata.epochsCompleted}${stage}` });
  } catch (error) {
    run.emit({ type: 'log', message: `Checkpoint not saved: ${error instanceof Error ? error.message : String(error)}` });
  }
}
