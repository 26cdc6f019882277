import * as tf from '@tensorflow/tfjs';
import { buildDatasetReport } from '../data/datasetReport';
import { parseLabelsCsv } from '../data/labelsCsv';
import type { InputIssue } from '../data/types';
import { posterIdFromFileName } from '../data/vocabulary';
import { fnv1a } from '../lib/fingerprint';
import { APP_VERSION } from '../lib/version';
import { constantPriorBaseline, evaluateMultiLabel } from '../metrics';
import { chooseBackend, type BackendName } from '../ml/backend';
import {
  MODEL_JSON,
  METADATA_JSON,
  WEIGHTS_BIN,
  artifactsToFiles,
  datasetFingerprint,
  loadModelFiles,
  modelToArtifacts,
  type ModelMetadata,
} from '../ml/modelFiles';
import { summarizeModel } from '../ml/modelSummary';
import type { InputSpec } from '../ml/preprocess';
import { predictProbabilities } from '../ml/trainStep';
import { totalEpochs, usesBackbone, type TrainConfig } from '../ml/trainConfig';
import { backboneFilesHandler, getBackbone, loadBackbone, type BackboneId } from '../ml/backbones';
import { averageHeads, buildHeadMembers, composeClassifier, disposeClassifier } from '../ml/transferHead';
import { unfreezeTopLayers } from '../ml/fineTune';
import { chooseInferenceBackend, describeInferenceChoice, type InferenceBackendName } from '../ml/inferenceBackend';
import { activateBackend, backendHolding, moveModelTo, weightsNotOn } from '../ml/placement';
import { buildTutorialCnn } from '../ml/tutorialCnn';
import type { CheckpointStore } from './checkpointStore';
import { predictPosters } from './evaluatePosters';
import { modelFilesFromUpload } from './modelFilesFromUpload';
import { PosterPixelStore, type DecodeFn, type PosterSourceItem } from './posterBatches';
import type { BatchPredictions, CheckpointInfo, GenreScore, ModelInfo, WorkerEvent, WorkerRequest } from './protocol';
import { flattenLabels, LearningCheckError, runTrainingEpochs, type RunContext, type TrainingRun } from './trainingLoop';
import { FINE_TUNE_LAYERS, FINE_TUNE_LR_FACTOR, HEAD_DROPOUT, HEAD_HIDDEN_UNITS, HEAD_L2, fineTuneStepFor, runTransferTraining } from './transferTraining';
import type { EmbeddingStore } from './embeddingCache';
import type { PixelSpillFactory } from './pixelSpill';

export interface SessionDeps {
  emit: (event: WorkerEvent) => void;
  decode: DecodeFn;
  checkpoints: CheckpointStore;
  embeddings: EmbeddingStore;
  /** Extra backends that backbone models may run forward on (the worker registers WASM); none: the training backend only. */
  inferenceBackends?: readonly InferenceBackendName[];
  /** How an inference backend runs, for the log (e.g. WASM's thread count). */
  describeInferenceBackend?: (backend: InferenceBackendName) => string;
  /** Where training keeps decoded posters beyond the memory budget (the worker's OPFS file). */
  pixelSpill?: PixelSpillFactory;
  /** Describes the GPU adapter for the `ready` event. */
  describeAdapter?: (backend: BackendName) => Promise<string>;
  now?: () => number;
}

export interface LoadedDataset {
  genres: string[];
  items: PosterSourceItem[];
  fingerprint: string;
}

/** The model predictions come from: trained here, resumed, or imported. */
interface CurrentModel {
  model: tf.LayersModel;
  metadata: ModelMetadata;
  source: ModelInfo['source'];
  /** Where its weights live: every use activates this backend first (see ml/placement.ts). */
  backend: InferenceBackendName;
}

export function inputSpecFor(config: TrainConfig): InputSpec {
  return { height: config.height, width: config.width, scaling: 'unit' };
}

/** Classifiers built on a backbone hold nested models; free every weight of either kind. */
function disposeModel(model: tf.LayersModel): void {
  disposeClassifier(model);
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Everything the worker does, as an object that can be driven without a
 * Worker (tests call `handle` directly). Requests run one at a time, except
 * `stop`, which lands while training awaits.
 */
export class TrainingSession {
  private dataset?: LoadedDataset;
  /** Backbone weights the user picked as a folder; used instead of any URL while set. */
  private backboneFiles?: File[];
  private current?: CurrentModel;
  private backend: BackendName = 'cpu';
  /** From init (`?pixelBudgetMB=`); undefined: PIXEL_BUDGET_BYTES. */
  private pixelBudgetBytes?: number;
  private training = false;
  private readonly stopFlag = { requested: false };
  private readonly now: () => number;
  /** Per backbone id, the inference backend measured for it in this session: measured once, reused by every later run and import. */
  private readonly inferenceChoices = new Map<string, InferenceBackendName>();

  constructor(private readonly deps: SessionDeps) {
    this.now = deps.now ?? (() => performance.now());
  }

  async handle(request: WorkerRequest): Promise<void> {
    try {
      switch (request.type) {
        case 'init':
          this.pixelBudgetBytes = request.pixelBudgetBytes;
          return await this.init(request.backend);
        case 'loadDataset':
          return await this.loadDataset(request.posters, request.csv);
        case 'describeModel':
          return await this.describeModel(request.config);
        case 'train':
          return await this.train(request.config);
        case 'resume':
          return await this.resume(request.epochs);
        case 'discardCheckpoint':
          await this.deps.checkpoints.clear();
          return this.deps.emit({ type: 'checkpoint', checkpoint: null });
        case 'stop':
          this.stopFlag.requested = true;
          return;
        case 'predict':
          return await this.predict(request.requestId, request.file);
        case 'predictFolder':
          return await this.predictFolder(request.files, request.csv);
        case 'exportModel':
          return await this.exportModel();
        case 'importModel':
          return await this.importModel(request.files);
        case 'chooseBackboneFiles':
          return await this.chooseBackboneFiles(request.backbone, request.files);
        default: {
          const unknown: never = request;
          throw new Error(`unknown request ${JSON.stringify(unknown)}`);
        }
      }
    } catch (error) {
      this.deps.emit({ type: 'error', message: describeError(error), request: request.type });
    }
  }

  private async init(preferred?: BackendName): Promise<void> {
    const choice = await chooseBackend(preferred);
    this.backend = choice.name;
    const adapter = (await this.deps.describeAdapter?.(choice.name)) ?? choice.name;
    this.deps.emit({ type: 'ready', backend: choice.name, skipped: choice.skipped, adapter });
    await this.announceCheckpoint();
  }

  /** Tells the UI whether a saved run exists and whether it fits the loaded data. */
  private async announceCheckpoint(): Promise<void> {
    let checkpoint;
    try {
      checkpoint = await this.deps.checkpoints.load();
    } catch (error) {
      this.deps.emit({ type: 'log', message: `Saved checkpoints are unavailable here (${describeError(error)}).` });
      return;
    }
    const info: CheckpointInfo | null = checkpoint
      ? {
          metadata: checkpoint.metadata,
          history: checkpoint.history,
          savedAt: checkpoint.savedAt,
          optimizerSaved: checkpoint.optimizer !== null,
          matchesDataset: this.dataset ? checkpoint.metadata.datasetFingerprint === this.dataset.fingerprint : null,
        }
      : null;
    this.deps.emit({ type: 'checkpoint', checkpoint: info });
  }

  private async loadDataset(posters: File[], csv: File): Promise<void> {
    const parsed = parseLabelsCsv(await csv.text());
    if (!parsed.ok) throw new Error(`${csv.name}: ${parsed.errors.map((e) => e.message).join('; ')}`);
    const byName = new Map(posters.map((file) => [file.name, file]));
    const report = buildDatasetReport(parsed.value, posters.map((file) => file.name));
    const items = report.examples.map((example) => ({
      file: byName.get(example.file)!,
      name: example.file,
      labels: example.labels,
    }));
    this.dataset = {
      genres: report.genres,
      items,
      fingerprint: datasetFingerprint(items.map((item) => ({ name: item.name, size: item.file.size, labels: item.labels }))),
    };
    const { examples, ...rest } = report;
    this.deps.emit({ type: 'datasetLoaded', summary: { ...rest, examples: examples.length } });
    await this.announceCheckpoint();
  }

  private async describeModel(config: TrainConfig): Promise<void> {
    const numGenres = this.dataset?.genres.length ?? 25;
    if (usesBackbone(config)) {
      const backbone = await this.loadBackboneFor(config);
      const members = buildHeadMembers(config.headEnsemble ?? 1, {
        featureDim: getBackbone(config.backbone).featureDim,
        numGenres,
        hidden: HEAD_HIDDEN_UNITS,
        dropout: HEAD_DROPOUT,
        l2: HEAD_L2,
        seed: config.seed,
      });
      const head = averageHeads(members);
      const classifier = composeClassifier(backbone, head);
      try {
        this.deps.emit({ type: 'modelSummary', summary: summarizeModel(classifier), config });
      } finally {
        disposeClassifier(classifier);
      }
      return;
    }
    const model = buildTutorialCnn({ height: config.height, width: config.width, numGenres, seed: config.seed });
    try {
      this.deps.emit({ type: 'modelSummary', summary: summarizeModel(model), config });
    } finally {
      model.dispose();
    }
  }

  private requireDataset(): LoadedDataset {
    if (!this.dataset || this.dataset.items.length === 0) throw new Error('load a dataset with at least one labelled poster first');
    return this.dataset;
  }

  /**
   * Checks the picked files now (so a wrong folder is reported at once, not
   * when Train is pressed) and keeps them for training; [] forgets them.
   */
  private async chooseBackboneFiles(backbone: BackboneId, files: File[]): Promise<void> {
    if (files.length === 0) {
      this.backboneFiles = undefined;
      this.deps.emit({ type: 'backboneFiles', source: null });
      return;
    }
    const picked = await backboneFilesHandler(files);
    if (!picked.ok) throw new Error(`backbone folder not used: ${picked.error}`);
    const loaded = await loadBackbone(getBackbone(backbone), picked.handler);
    if (!loaded.ok) throw new Error(`backbone folder not used: ${loaded.error}`);
    const parameters = loaded.model.countParams();
    loaded.model.dispose();
    this.backboneFiles = files;
    this.deps.emit({ type: 'backboneFiles', source: { description: picked.description, parameters } });
  }

  /**
   * Where the backbone's weights come from, for the embedding cache: features
   * from a picked folder or another URL must not be mixed up with those of the
   * copy this app serves under the same registry id. '' for that copy.
   */
  private backboneSourceKey(config: TrainConfig): string {
    if (this.backboneFiles) return `files-${fnv1a(this.backboneFiles.map((file) => `${file.name}:${file.size}:${file.lastModified}`).sort())}`;
    return config.backboneUrl ? `url-${fnv1a([config.backboneUrl])}` : '';
  }

  /** A fresh copy per run: the classifier built on it owns (and disposes) it. */
  private async loadBackboneFor(config: TrainConfig): Promise<tf.LayersModel> {
    const info = getBackbone(config.backbone as BackboneId);
    const picked = this.backboneFiles ? await backboneFilesHandler(this.backboneFiles) : undefined;
    const sources: Array<string | tf.io.IOHandler> = picked?.ok
      ? [picked.handler]
      : config.backboneUrl
        ? [config.backboneUrl]
        : [info.localPath, info.defaultUrl].filter((u, k, all) => all.indexOf(u) === k);
    const errors: string[] = [];
    for (const source of sources) {
      const loaded = await loadBackbone(info, source);
      if (loaded.ok) {
        loaded.notes.forEach((note) => this.deps.emit({ type: 'log', message: note }));
        return loaded.model;
      }
      errors.push(loaded.error);
    }
    throw new Error(`no usable ${info.label} backbone: ${errors.join('; ')}`);
  }

  private async train(config: TrainConfig): Promise<void> {
    const dataset = this.requireDataset();
    if (usesBackbone(config)) return this.trainTransfer(config, dataset);
    const spec = inputSpecFor(config);
    await activateBackend(this.backend);
    const model = buildTutorialCnn({ ...spec, numGenres: dataset.genres.length, seed: config.seed });
    await this.run({ config, dataset, model, spec, startEpoch: 1, history: [], optimizerState: null, backbone: null });
  }

  private async trainTransfer(config: TrainConfig, dataset: LoadedDataset): Promise<void> {
    if (this.training) throw new Error('training is already running');
    await activateBackend(this.backend);
    const backbone = await this.loadBackboneFor(config);
    const info = getBackbone(config.backbone);
    this.training = true;
    this.stopFlag.requested = false;
    let latest: tf.LayersModel | undefined;
    try {
      // The frozen stages (embedding, head, validation) run wherever the backbone runs fastest; it is moved there.
      const where = await this.placeForInference(backbone, info.id, info.input);
      const how = this.deps.describeInferenceBackend?.(where);
      this.deps.emit({ type: 'log', message: `embedding and head training run on ${where}${how ? ` (${how})` : ''}` });
      await runTransferTraining({
        config,
        dataset,
        backbone,
        backboneInfo: info,
        backboneSourceKey: this.backboneSourceKey(config),
        embeddings: this.deps.embeddings,
        ...this.runContext(),
        trainingBackend: this.backend,
        onModel: (model, metadata) => {
          latest = model;
          this.setCurrent({ model, metadata, source: 'trained' });
        },
      });
      // A fine-tuned classifier ends on the training backend; it predicts where the backbone runs fastest.
      if (latest && this.current?.model === latest) await this.placeCurrentForInference();
    } finally {
      this.training = false;
      // Nothing trained (stopped while embedding): the backbone is ours to free.
      if (!latest) backbone.dispose();
    }
  }

  /**
   * Moves a model with a backbone to the fastest backend that runs it
   * forward: measured once per backbone id in this session, then reused.
   * Returns where it is now (and that backend is active).
   */
  private async placeForInference(model: tf.LayersModel, backboneId: string, spec: InputSpec): Promise<InferenceBackendName> {
    const candidates = [this.backend, ...(this.deps.inferenceBackends ?? []).filter((name) => name !== this.backend)];
    const known = this.inferenceChoices.get(backboneId);
    if (known) {
      await moveModelTo(model, known);
      return known;
    }
    const choice = await chooseInferenceBackend(model, spec, candidates, this.now);
    this.inferenceChoices.set(backboneId, choice.name);
    this.deps.emit({ type: 'log', message: `${backboneId} forward speed: ${describeInferenceChoice(choice)}; it runs on ${choice.name}` });
    return choice.name;
  }

  /** The current model, if it has a backbone, on its fastest inference backend. */
  private async placeCurrentForInference(): Promise<void> {
    const current = this.current;
    if (!current?.metadata.backbone) return;
    const { input } = current.metadata;
    current.backend = await this.placeForInference(current.model, current.metadata.backbone, { ...input, averageMirrored: false });
  }

  private async resume(epochs?: number): Promise<void> {
    const dataset = this.requireDataset();
    const checkpoint = await this.deps.checkpoints.load();
    if (!checkpoint) throw new Error('there is no saved run to resume');
    const { metadata } = checkpoint;
    if (metadata.datasetFingerprint !== dataset.fingerprint) {
      if (metadata.genres.join('|') !== dataset.genres.join('|')) {
        throw new Error(
          `the saved model predicts ${metadata.genres.length} genres (${metadata.genres.slice(0, 4).join(', ')}…) ` +
            `but this dataset has ${dataset.genres.length} (${dataset.genres.slice(0, 4).join(', ')}…): drop the dataset it was trained on`,
        );
      }
      this.deps.emit({
        type: 'log',
        message: 'The dataset differs from the one this model was trained on (same genres): continuing on the new data, with a new validation split.',
      });
    }
    const saved = metadata.trainConfig;
    // A backbone model continues as fine-tuning: its head epochs are done, pixels come next.
    const savedFineTune = saved.modelKind === 'mobilenet-finetune' ? saved.fineTuneEpochs : 0;
    const config: TrainConfig = usesBackbone(saved)
      ? { ...saved, modelKind: 'mobilenet-finetune', fineTuneEpochs: Math.max(savedFineTune, (epochs ?? 0) - saved.epochs) }
      : { ...saved, epochs: Math.max(epochs ?? saved.epochs, saved.epochs) };
    const lastEpoch = totalEpochs(config);
    if (metadata.epochsCompleted >= lastEpoch) {
      throw new Error(`the saved run already completed all ${lastEpoch} epochs; set more epochs to continue it`);
    }
    // Built on the training backend, which trains it.
    await activateBackend(this.backend);
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: checkpoint.modelTopology, weightSpecs: checkpoint.weightSpecs, weightData: checkpoint.weightData }),
    );
    if (saved.modelKind === 'mobilenet-frozen') {
      const report = unfreezeTopLayers(model, FINE_TUNE_LAYERS);
      this.deps.emit({ type: 'log', message: `continuing as fine-tuning: ${report.unfrozen.join(', ')} unfrozen` });
    }
    if (!checkpoint.optimizer) {
      this.deps.emit({ type: 'log', message: 'No optimizer state was saved with this model: Adam starts afresh (its moments are rebuilt within a few batches).' });
    }
    const transfer = usesBackbone(config)
      ? {
          // Backbone models always continue with the fine-tuning step (it keeps batch norm frozen).
          step: fineTuneStepFor(config, metadata.input, flattenLabels(dataset.items.map((item) => item.labels), dataset.genres.length), dataset.items.length, dataset.genres.length),
          learningRate: config.learningRate * FINE_TUNE_LR_FACTOR,
          totalEpochs: lastEpoch,
        }
      : {};
    await this.run({
      config,
      dataset,
      model,
      spec: metadata.input,
      startEpoch: metadata.epochsCompleted + 1,
      history: checkpoint.history,
      optimizerState: checkpoint.optimizer,
      backbone: metadata.backbone,
      ...transfer,
    });
  }

  /** Runs epochs; on a lost WebGPU device, continues from the last checkpoint on WebGL. */
  /** What every run gets from the session (RunContext), but for onModel, which each run wires itself. */
  private runContext(): Omit<RunContext, 'onModel'> {
    return {
      stop: this.stopFlag,
      emit: this.deps.emit,
      now: this.now,
      decode: this.deps.decode,
      pixelSpill: this.deps.pixelSpill,
      pixelBudgetBytes: this.pixelBudgetBytes,
      checkpoints: this.deps.checkpoints,
    };
  }

  private async run(run: Omit<TrainingRun, keyof RunContext>): Promise<void> {
    if (this.training) throw new Error('training is already running');
    if (weightsNotOn(run.model, this.backend).length > 0) await moveModelTo(run.model, this.backend);
    await activateBackend(this.backend);
    this.training = true;
    this.stopFlag.requested = false;
    let failure: unknown;
    try {
      await runTrainingEpochs({
        ...run,
        ...this.runContext(),
        onModel: (model, metadata) => this.setCurrent({ model, metadata, source: 'trained' }),
      });
    } catch (error) {
      failure = error;
    } finally {
      if (this.current?.model !== run.model) disposeModel(run.model);
      this.training = false;
    }
    if (failure === undefined) {
      if (run.backbone) await this.placeCurrentForInference();
      return;
    }
    // A run that cannot learn fails as it is: another backend would not mend wrong settings.
    if (this.backend !== 'webgpu' || failure instanceof LearningCheckError) throw failure;
    // WebGPU devices get lost (driver reset, GPU sleep, tab backgrounded on some systems).
    const reason = `WebGPU failed during training (${describeError(failure)}); continuing from the last checkpoint on WebGL`;
    const choice = await chooseBackend('webgl', ['webgl', 'cpu']);
    this.backend = choice.name;
    // Whatever lived on the lost device cannot be read back: the checkpoint is the model from here on.
    if (this.current?.backend === 'webgpu') {
      disposeModel(this.current.model);
      this.current = undefined;
    }
    this.deps.emit({ type: 'backendChanged', backend: choice.name, reason });
    const checkpoint = await this.deps.checkpoints.load();
    if (checkpoint && checkpoint.metadata.datasetFingerprint === run.dataset.fingerprint) await this.resume(run.config.epochs);
    else await this.train(run.config);
  }

  /** Makes `model` the one predictions come from; it stays on the backend holding its weights. */
  private setCurrent(next: Omit<CurrentModel, 'backend'>): void {
    const backend = (backendHolding(next.model.weights[0].read()) ?? tf.getBackend()) as InferenceBackendName;
    const stray = weightsNotOn(next.model, backend);
    if (stray.length > 0) throw new Error(`the model's weights are split across backends (${stray.slice(0, 3).join(', ')} are not on ${backend})`);
    if (this.current && this.current.model !== next.model) disposeModel(this.current.model);
    this.current = { ...next, backend };
    this.deps.emit({ type: 'modelChanged', model: { metadata: next.metadata, source: next.source } });
  }

  /** The current model, with the backend holding its weights active. */
  private async requireModel(): Promise<CurrentModel> {
    if (!this.current) throw new Error('train a model (at least one epoch) or import one first');
    await activateBackend(this.current.backend);
    return this.current;
  }

  private async predict(requestId: number, file: File): Promise<void> {
    const { model, metadata } = await this.requireModel();
    const pixels = await this.deps.decode(file, metadata.input);
    const probs = await predictProbabilities(model, pixels, 1, metadata.input);
    const scores: GenreScore[] = metadata.genres.map((genre, k) => ({ genre, probability: probs[k] }));
    const top = [...scores].sort((a, b) => b.probability - a.probability).slice(0, 3);
    this.deps.emit({ type: 'prediction', requestId, file: file.name, top, scores });
  }

  private async predictFolder(files: File[], csv?: File): Promise<void> {
    const { model, metadata } = await this.requireModel();
    const genres = metadata.genres;
    const images = files.filter((file) => posterIdFromFileName(file.name) !== null);
    let labelsById: Map<string, Uint8Array> | undefined;
    const notes: InputIssue[] = [];
    if (csv) {
      const parsed = parseLabelsCsv(await csv.text());
      if (!parsed.ok) throw new Error(`${csv.name}: ${parsed.errors.map((e) => e.message).join('; ')}`);
      const missing = genres.filter((genre) => !parsed.value.genres.includes(genre));
      if (missing.length > 0) {
        throw new Error(`${csv.name} lacks the model's genres ${missing.join(', ')}: cannot evaluate on it`);
      }
      // Reorder the CSV's columns into the model's output order.
      const column = genres.map((genre) => parsed.value.genres.indexOf(genre));
      labelsById = new Map(parsed.value.rows.map((row) => [row.id, Uint8Array.from(column, (c) => row.labels[c])]));
      notes.push(...parsed.value.issues);
    }
    const items: PosterSourceItem[] = images.map((file) => ({
      file,
      name: file.name,
      labels: labelsById?.get(posterIdFromFileName(file.name)!) ?? new Uint8Array(genres.length),
    }));
    const skipped: InputIssue[] = [];
    // Nothing is cached: each poster is seen once.
    const store = new PosterPixelStore(metadata.input, this.deps.decode, 0, (issue) => skipped.push(issue));
    const order = items.map((_, k) => k);
    const predictions = await predictPosters(model, items, order, 16, store, genres.length, () => false, (done) =>
      this.deps.emit({ type: 'batchProgress', done, total: items.length }),
    );
    const result: BatchPredictions = {
      ids: predictions.indices.map((k) => posterIdFromFileName(items[k].name)!),
      files: predictions.indices.map((k) => items[k].name),
      probs: predictions.probs,
      genres,
      thresholds: metadata.thresholds,
      skipped: [...notes, ...skipped],
    };
    if (labelsById) {
      const labelled = predictions.indices.flatMap((k, row) => (labelsById.has(posterIdFromFileName(items[k].name)!) ? [row] : []));
      if (labelled.length > 0) {
        const g = genres.length;
        const probs = new Float32Array(labelled.length * g);
        const labels = new Uint8Array(labelled.length * g);
        labelled.forEach((row, i) => {
          probs.set(predictions.probs.subarray(row * g, (row + 1) * g), i * g);
          labels.set(predictions.labels.subarray(row * g, (row + 1) * g), i * g);
        });
        // The constant prior here uses these posters' own genre rates: the best any constant can do.
        const prior = constantPriorBaseline(labels, labelled.length, g, labelled.length);
        result.evaluation = {
          metrics: evaluateMultiLabel(probs, labels, g, metadata.thresholds),
          baseline: evaluateMultiLabel(prior, labels, g),
          posters: labelled.length,
        };
      }
    }
    this.deps.emit({ type: 'batchPredicted', result });
  }

  private async exportModel(): Promise<void> {
    const { model, metadata } = await this.requireModel();
    const files = artifactsToFiles(await modelToArtifacts(model), { ...metadata, appVersion: APP_VERSION });
    this.deps.emit({
      type: 'modelExported',
      files: [
        { name: MODEL_JSON, mime: 'application/json', data: files.modelJson },
        { name: WEIGHTS_BIN, mime: 'application/octet-stream', data: files.weights },
        { name: METADATA_JSON, mime: 'application/json', data: files.metadataJson },
      ],
    });
  }

  private async importModel(files: File[]): Promise<void> {
    const upload = await modelFilesFromUpload(files);
    if (!upload.ok) throw new Error(`import refused: ${upload.error}`);
    await activateBackend(this.backend);
    const loaded = await loadModelFiles(upload.value);
    if (!loaded.ok) throw new Error(`import refused: ${loaded.error}`);
    const { model, metadata } = loaded.value;
    this.setCurrent({ model, metadata, source: 'imported' });
    await this.placeCurrentForInference();
    // Saved as the checkpoint too, so "Resume" continues training it (without optimizer state).
    const artifacts = await modelToArtifacts(model);
    await this.deps.checkpoints.save({
      metadata,
      history: [],
      modelTopology: artifacts.modelTopology as object,
      weightSpecs: artifacts.weightSpecs ?? [],
      weightData: upload.value.weights,
      optimizer: null,
      savedAt: new Date().toISOString(),
    });
    await this.announceCheckpoint();
  }
}

