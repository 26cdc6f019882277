import * as tf from '@tensorflow/tfjs';
import { buildDatasetReport } from '../data/datasetReport';
import { parseLabelsCsv } from '../data/labelsCsv';
import { splitTrainValidation } from '../data/split';
import { createRng, shuffleInPlace } from '../lib/random';
import { constantPriorBaseline, evaluateMultiLabel, tuneThresholds } from '../metrics';
import { chooseBackend, type BackendName } from '../ml/backend';
import { summarizeModel } from '../ml/modelSummary';
import type { InputSpec } from '../ml/preprocess';
import { predictProbabilities, trainOnBatch } from '../ml/trainStep';
import { buildTutorialCnn } from '../ml/tutorialCnn';
import type { DecodeFn, PosterSourceItem } from './posterBatches';
import { PosterPixelStore, posterBatches } from './posterBatches';
import { predictPosters } from './evaluatePosters';
import type { EpochMetrics, GenreScore, TrainConfig, WorkerEvent, WorkerRequest } from './protocol';

/** The tutorial printed the running loss every 15 batches. */
export const LOG_EVERY_BATCHES = 15;
/** Decoded posters kept between epochs; beyond this they are decoded again. */
const PIXEL_BUDGET_BYTES = 768 * 1024 * 1024;

export interface SessionDeps {
  emit: (event: WorkerEvent) => void;
  decode: DecodeFn;
  /** Describes the GPU adapter for the `ready` event. */
  describeAdapter?: (backend: BackendName) => Promise<string>;
  now?: () => number;
}

interface LoadedDataset {
  genres: string[];
  items: PosterSourceItem[];
}

interface TrainedModel {
  model: tf.LayersModel;
  spec: InputSpec;
  genres: string[];
  thresholds: number[];
}

function modelSpec(config: TrainConfig): InputSpec {
  return { height: config.height, width: config.width, scaling: 'unit' };
}

function flatten(rows: readonly Uint8Array[], width: number): Uint8Array {
  const out = new Uint8Array(rows.length * width);
  rows.forEach((row, i) => out.set(row, i * width));
  return out;
}

/**
 * Everything the worker does, as an object that can be driven without a
 * Worker (tests call `handle` directly). One request at a time except `stop`
 * and `predict`, which may arrive while training runs.
 */
export class TrainingSession {
  private dataset?: LoadedDataset;
  private trained?: TrainedModel;
  private stopRequested = false;
  private training = false;
  private readonly now: () => number;

  constructor(private readonly deps: SessionDeps) {
    this.now = deps.now ?? (() => performance.now());
  }

  async handle(request: WorkerRequest): Promise<void> {
    try {
      switch (request.type) {
        case 'init':
          return await this.init(request.backend);
        case 'loadDataset':
          return await this.loadDataset(request.posters, request.csv);
        case 'describeModel':
          return this.describeModel(request.config);
        case 'train':
          return await this.train(request.config);
        case 'stop':
          this.stopRequested = true;
          return;
        case 'predict':
          return await this.predict(request.requestId, request.file);
        default: {
          const unknown: never = request;
          throw new Error(`unknown request ${JSON.stringify(unknown)}`);
        }
      }
    } catch (error) {
      this.deps.emit({
        type: 'error',
        message: error instanceof Error ? error.message : String(error),
        request: request.type,
      });
    }
  }

  private async init(preferred?: BackendName): Promise<void> {
    const choice = await chooseBackend(preferred);
    const adapter = (await this.deps.describeAdapter?.(choice.name)) ?? choice.name;
    this.deps.emit({ type: 'ready', backend: choice.name, skipped: choice.skipped, adapter });
  }

  private async loadDataset(posters: File[], csv: File): Promise<void> {
    const parsed = parseLabelsCsv(await csv.text());
    if (!parsed.ok) {
      throw new Error(`${csv.name}: ${parsed.errors.map((e) => e.message).join('; ')}`);
    }
    const byName = new Map(posters.map((file) => [file.name, file]));
    const report = buildDatasetReport(parsed.value, posters.map((file) => file.name));
    this.dataset = {
      genres: report.genres,
      items: report.examples.map((example) => ({
        file: byName.get(example.file)!,
        name: example.file,
        labels: example.labels,
      })),
    };
    const { examples, ...rest } = report;
    this.deps.emit({ type: 'datasetLoaded', summary: { ...rest, examples: examples.length } });
  }

  private describeModel(config: TrainConfig): void {
    const numGenres = this.dataset?.genres.length ?? 25;
    const model = buildTutorialCnn({ height: config.height, width: config.width, numGenres, seed: config.seed });
    try {
      this.deps.emit({ type: 'modelSummary', summary: summarizeModel(model), config });
    } finally {
      model.dispose();
    }
  }

  private async train(config: TrainConfig): Promise<void> {
    const dataset = this.dataset;
    if (!dataset || dataset.items.length === 0) throw new Error('load a dataset with at least one labelled poster first');
    if (this.training) throw new Error('training is already running');
    this.training = true;
    this.stopRequested = false;
    const { emit } = this.deps;
    const numGenres = dataset.genres.length;
    const spec = modelSpec(config);
    const split = splitTrainValidation(
      dataset.items.map((item) => item.labels),
      config.valFraction,
      config.seed,
    );
    this.trained?.model.dispose();
    this.trained = undefined;
    const model = buildTutorialCnn({ ...spec, numGenres, seed: config.seed });
    const optimizer = tf.train.adam(config.learningRate);
    const store = new PosterPixelStore(spec, this.deps.decode, PIXEL_BUDGET_BYTES, (issue) =>
      emit({ type: 'posterSkipped', issue }),
    );
    const batchesPerEpoch = Math.ceil(split.train.length / config.batchSize);
    emit({ type: 'modelSummary', summary: summarizeModel(model), config });
    emit({
      type: 'trainingStarted',
      config,
      trainPosters: split.train.length,
      validationPosters: split.validation.length,
      batchesPerEpoch,
    });
    const rng = createRng(config.seed);
    const runStart = this.now();
    let imagesDone = 0;
    let epochsCompleted = 0;
    let thresholds = new Array<number>(numGenres).fill(0.5);
    try {
      for (let epoch = 1; epoch <= config.epochs && !this.stopRequested; epoch++) {
        emit({ type: 'epochStart', epoch, epochs: config.epochs });
        const order = shuffleInPlace([...split.train], rng);
        const epochStart = this.now();
        let epochImages = 0;
        let lossSum = 0;
        let correctLabels = 0;
        let runningLoss = 0;
        let batch = 0;
        for await (const pixels of posterBatches(dataset.items, order, config.batchSize, store, numGenres)) {
          if (this.stopRequested) break;
          const step = await trainOnBatch(model, optimizer, pixels, { spec, numGenres });
          batch++;
          epochImages += pixels.size;
          imagesDone += pixels.size;
          lossSum += step.loss * pixels.size;
          correctLabels += step.correctLabels;
          runningLoss += step.loss;
          const elapsed = (this.now() - epochStart) / 1000;
          const imagesPerSecond = epochImages / Math.max(elapsed, 1e-6);
          const remaining = split.train.length * config.epochs - imagesDone;
          emit({
            type: 'batchEnd',
            epoch,
            batch,
            batchesPerEpoch,
            loss: step.loss,
            imagesPerSecond,
            etaSeconds: remaining / Math.max(imagesPerSecond, 1e-6),
          });
          if (batch % LOG_EVERY_BATCHES === 0) {
            const total = (this.now() - runStart) / 1000;
            emit({
              type: 'log',
              message: `[epoch ${epoch}, batch ${batch}/${batchesPerEpoch}] loss: ${(runningLoss / LOG_EVERY_BATCHES).toFixed(4)} (${total.toFixed(1)} s)`,
            });
            runningLoss = 0;
          }
        }
        if (this.stopRequested || epochImages === 0) break;
        const metrics: EpochMetrics = {
          epoch,
          train: {
            loss: lossSum / epochImages,
            labelAccuracy: correctLabels / (epochImages * numGenres),
            images: epochImages,
            seconds: (this.now() - epochStart) / 1000,
          },
        };
        if (split.validation.length > 0) {
          const val = await predictPosters(model, dataset.items, split.validation, config.batchSize, store, numGenres, () => this.stopRequested);
          if (this.stopRequested) break;
          thresholds = tuneThresholds(val.probs, val.labels, numGenres);
          metrics.validation = evaluateMultiLabel(val.probs, val.labels, numGenres, thresholds);
          const prior = constantPriorBaseline(
            flatten(split.train.map((index) => dataset.items[index].labels), numGenres),
            split.train.length,
            numGenres,
            val.indices.length,
          );
          metrics.baseline = evaluateMultiLabel(prior, val.labels, numGenres);
        }
        epochsCompleted = epoch;
        this.trained = { model, spec, genres: dataset.genres, thresholds };
        emit({ type: 'epochEnd', metrics });
        emit({
          type: 'log',
          message: `epoch ${epoch}: train loss ${metrics.train.loss.toFixed(4)}, per-label accuracy ${metrics.train.labelAccuracy.toFixed(4)}` +
            (metrics.validation ? `, val mAP ${metrics.validation.mapMacro?.toFixed(3) ?? '-'}` : ''),
        });
      }
      emit({ type: 'done', reason: this.stopRequested ? 'stopped' : 'completed', epochsCompleted });
    } finally {
      optimizer.dispose();
      store.clear();
      if (this.trained?.model !== model) model.dispose();
      this.training = false;
    }
  }

  private async predict(requestId: number, file: File): Promise<void> {
    const trained = this.trained;
    if (!trained) throw new Error('train a model (at least one epoch) before predicting');
    const pixels = await this.deps.decode(file, trained.spec);
    const probs = await predictProbabilities(trained.model, pixels, 1, trained.spec);
    const scores: GenreScore[] = trained.genres.map((genre, k) => ({ genre, probability: probs[k] }));
    const top = [...scores].sort((a, b) => b.probability - a.probability).slice(0, 3);
    this.deps.emit({ type: 'prediction', requestId, file: file.name, top, scores });
  }
}
