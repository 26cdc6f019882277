import type * as tf from '@tensorflow/tfjs';
import { HEAD, TRANSFER_DEFAULTS } from '../config/registry.js';
import { getBackbone, usesBackbone, type BackendName, type InferenceBackendName, type TrainConfig } from '../config/trainConfig';
import { APP_VERSION } from '../lib/version';
import { chooseBackend, SOFTWARE_ADAPTER } from '../ml/backend';
import { splitTrainValidation } from '../data/split';
import { headSecondsPerRow, tutorialSecondsPerImage } from '../ml/training/estimate';
import { METADATA_JSON, MODEL_JSON, WEIGHTS_BIN, type WeightEntry } from '../config/modelMetadata';
import { artifactsToFiles, concatWeightData, loadModelFiles, modelToArtifacts } from '../ml/modelFiles';
import { summarizeModel } from '../ml/modelSummary';
import { activateBackend } from '../ml/placement';
import type { EmbeddingStore } from '../ml/training/embedAll';
import { averageHeads, buildHeadMembers, composeClassifier, disposeClassifier } from '../ml/transferHead';
import { buildTutorialCnn } from '../ml/tutorialCnn';
import { BackboneSource } from './backboneSource';
import { checkCheckpoint, describeStorageError, type Checkpoint, type CheckpointStore } from './checkpointStore';
import { loadDataset, type LoadedDataset } from './datasetLoader';
import { ModelHolder } from './modelHolder';
import type { DispatchTarget } from './dispatcher';
import { modelFilesFromUpload } from './modelFilesFromUpload';
import type { PixelSpillFactory } from './pixelSpill';
import type { DecodeFn } from './posterBatches';
import { explainPoster, predictFolder, predictPoster } from './predictions';
import type { CheckpointInfo, EstimateAlternative, EstimatePart, WorkerEvent, WorkerRequest } from './protocol';
import { MemoryRunLocks, type RunLocks } from './runLocks';
import { newRunId, TrainingRunner } from './trainingRunner';

/** The site's storage besides checkpoints: the browser's estimate, the embedding cache, spilled posters. */
export interface SiteStorage {
  estimate(): Promise<{ bytes: number | null; quota: number | null }>;
  /** Deletes spill files of runs no tab holds; says how many files and bytes went. */
  removeOrphanSpills(liveRunIds: ReadonlySet<string>): Promise<{ files: number; bytes: number }>;
  /** Deletes every cached embedding. */
  clearEmbeddings(): Promise<void>;
}

export interface SessionDeps {
  emit: (event: WorkerEvent) => void;
  decode: DecodeFn;
  checkpoints: CheckpointStore;
  embeddings: EmbeddingStore;
  /** Backends besides the training one that may run models forward (the worker registers WASM); none: the training backend only. */
  inferenceBackends?: readonly InferenceBackendName[];
  /** How an inference backend runs, for the log (e.g. WASM's thread count). */
  describeInferenceBackend?: (backend: InferenceBackendName) => string;
  /** Where training keeps decoded posters beyond the memory budget (the worker's OPFS file). */
  pixelSpill?: PixelSpillFactory;
  /** Which runs train in any tab (Web Locks); default: this tab's view only. */
  locks?: RunLocks;
  /** What the site stores and how to delete it, beyond checkpoints (the worker's IndexedDB and OPFS). */
  storage?: SiteStorage;
  /** Describes the GPU adapter for the `ready` event. */
  describeAdapter?: (backend: BackendName) => Promise<string>;
  now?: () => number;
}

/**
 * What the worker does for each request, as an object that tests drive
 * without a Worker. One request at a time (the RequestDispatcher sees to it);
 * a failure becomes an `error` event naming the request.
 */
const megabytes = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;

/** Runs longer than this get faster settings offered beside their estimate. */
const LONG_RUN_SECONDS = 20 * 60;
/** Epochs a pretrained head usually runs before early stopping ends it (measured: 14 to 25 on the full set). */
const TYPICAL_HEAD_EPOCHS = 25;

export class WorkerSession implements DispatchTarget {
  readonly models: ModelHolder;
  readonly runner: TrainingRunner;
  private readonly backbones = new BackboneSource();
  private dataset?: LoadedDataset;
  /** Set by cancelPrediction; the folder prediction going on checks it between batches. */
  private predictionCancelled = false;
  /** Whether the training backend runs on a software GPU (from the adapter's description). */
  private softwareGpu = false;
  /** Serves requests that wait for a batch boundary; the dispatcher plugs in its own. */
  betweenBatches: () => Promise<void> = async () => {};

  private readonly locks: RunLocks;

  constructor(private readonly deps: SessionDeps) {
    const now = deps.now ?? (() => performance.now());
    this.locks = deps.locks ?? new MemoryRunLocks();
    // Another tab started, saved or ended a run: what this tab may resume changed.
    this.locks.onChange(() => void this.announceCheckpoint());
    this.models = new ModelHolder({
      emit: deps.emit,
      now,
      inferenceBackends: deps.inferenceBackends ?? [],
      describeInferenceBackend: deps.describeInferenceBackend,
    });
    this.runner = new TrainingRunner({
      emit: deps.emit,
      decode: deps.decode,
      checkpoints: deps.checkpoints,
      locks: this.locks,
      embeddings: deps.embeddings,
      models: this.models,
      backbones: this.backbones,
      now,
      pixelSpill: deps.pixelSpill,
      betweenBatches: () => this.betweenBatches(),
    });
  }

  /** Whether a training run is going on. */
  get running(): boolean {
    return this.runner.running;
  }

  /** Answers a request the dispatcher would not run now. */
  refuse(request: WorkerRequest, reason: string): void {
    this.deps.emit({ type: 'error', message: `${request.type} refused: ${reason}`, request: request.type, refused: true });
  }

  async handle(request: WorkerRequest): Promise<void> {
    try {
      await this.dispatch(request);
    } catch (error) {
      this.deps.emit({ type: 'error', message: error instanceof Error ? error.message : String(error), request: request.type });
    }
  }

  private async dispatch(request: WorkerRequest): Promise<void> {
    const { emit } = this.deps;
    switch (request.type) {
      case 'init':
        this.runner.pixelBudgetBytes = request.pixelBudgetBytes;
        return this.init(request.backend);
      case 'loadDataset': {
        const loaded = await loadDataset(request.posters, request.csv);
        this.dataset = loaded.dataset;
        emit({ type: 'datasetLoaded', summary: loaded.summary });
        await this.announceCheckpoint();
        return;
      }
      case 'describeModel':
        return this.describeModel(request.config);
      case 'train':
        try {
          return await this.runner.run({ kind: 'new', config: request.config, dataset: this.requireDataset() });
        } finally {
          await this.announceCheckpoint();
        }
      case 'resume': {
        const dataset = this.requireDataset();
        const checkpoint = await this.loadRun(request.runId);
        try {
          return await this.runner.run({ kind: 'resume', checkpoint, dataset, epochs: request.epochs });
        } finally {
          await this.announceCheckpoint();
        }
      }
      case 'discardCheckpoint':
        if ((await this.locks.held()).has(request.runId)) throw new Error('this run is training in another tab: stop it there first');
        await this.deps.checkpoints.delete(request.runId);
        this.locks.announce();
        await this.announceCheckpoint();
        return;
      case 'stop':
        return this.runner.requestStop();
      case 'predict': {
        const prediction = await predictPoster(await this.models.use(), this.deps.decode, request.file);
        return emit({ type: 'prediction', requestId: request.requestId, file: request.file.name, ...prediction });
      }
      case 'explain': {
        const saliency = await explainPoster(await this.models.use(), this.deps.decode, request.file, request.genre);
        return emit({ type: 'explanation', requestId: request.requestId, file: request.file.name, genre: request.genre, saliency });
      }
      case 'predictFolder': {
        this.predictionCancelled = false;
        const result = await predictFolder(
          await this.models.use(),
          this.deps.decode,
          request.files,
          request.csv,
          (done, total) => emit({ type: 'batchProgress', done, total }),
          () => this.predictionCancelled,
        );
        return emit({ type: 'batchPredicted', result });
      }
      case 'cancelPrediction':
        this.predictionCancelled = true;
        return;
      case 'exportModel':
        return this.exportModel();
      case 'importModel':
        return this.importModel(request.files);
      case 'estimate':
        return this.estimate(request.config);
      case 'storageUsage':
        return this.reportStorage();
      case 'clearStorage':
        return this.clearStorage();
      case 'chooseBackboneFiles':
        return emit({ type: 'backboneFiles', source: await this.backbones.choose(request.backbone, request.files) });
      default: {
        const unknown: never = request;
        throw new Error(`unknown request ${JSON.stringify(unknown)}`);
      }
    }
  }

  private async init(preferred?: BackendName): Promise<void> {
    const choice = await chooseBackend(preferred);
    this.models.trainingBackend = choice.name;
    const adapter = (await this.deps.describeAdapter?.(choice.name)) ?? choice.name;
    // SwiftShader and friends emulate the GPU on the CPU: training from scratch there is slow, and the page says so.
    this.softwareGpu = SOFTWARE_ADAPTER.test(adapter);
    this.models.trainingBackendIsSoftware = this.softwareGpu;
    this.deps.emit({ type: 'ready', backend: choice.name, skipped: choice.skipped, adapter });
    // A tab closed mid-run leaves its spilled posters behind: gone once no tab trains that run.
    const orphans = await this.deps.storage?.removeOrphanSpills(await this.locks.held());
    if (orphans?.files) {
      this.deps.emit({
        type: 'log',
        message: `deleted ${orphans.files} file(s) of decoded posters (${megabytes(orphans.bytes)}) left by a tab closed mid-run`,
      });
    }
    const saved = await this.announceCheckpoint();
    if (saved) await this.useSavedRun(saved);
  }

  /** Measures what a run with `config` would cost here, and offers faster settings when it would be long. */
  private async estimate(config: TrainConfig): Promise<void> {
    const dataset = this.requireDataset();
    const split = splitTrainValidation(
      dataset.items.map((item) => item.labels),
      config.valFraction,
      config.seed,
    );
    const cost = await this.costOf(config, split.train.length, split.validation.length);
    const alternatives: EstimateAlternative[] = [];
    const total = cost.reduce((sum, part) => sum + part.seconds, 0);
    if (config.modelKind === 'tutorial-cnn' && (total > LONG_RUN_SECONDS || this.softwareGpu)) {
      const pretrained: Partial<TrainConfig> = { modelKind: 'mobilenet-frozen', ...TRANSFER_DEFAULTS };
      const pretrainedCost = await this.costOf({ ...config, ...pretrained }, split.train.length, split.validation.length);
      alternatives.push({
        label: 'the pretrained MobileNetV2 (frozen features + head)',
        patch: pretrained,
        seconds: pretrainedCost.reduce((sum, part) => sum + part.seconds, 0),
      });
      const small = { height: 128, width: 96 };
      if (config.height * config.width > small.height * small.width) {
        // A convolution's cost follows the area: the same epochs at a smaller input.
        alternatives.push({
          label: `the tutorial CNN at ${small.height}x${small.width}`,
          patch: small,
          seconds: (total * small.height * small.width) / (config.height * config.width),
        });
      }
    }
    this.deps.emit({
      type: 'estimate',
      config,
      backend: this.models.trainingBackend,
      softwareGpu: this.softwareGpu,
      parts: cost,
      seconds: total,
      alternatives,
    });
  }

  /** The parts of a run's cost, in seconds, each measured with a small step on the backend it would run on. */
  private async costOf(config: TrainConfig, trainPosters: number, validationPosters: number): Promise<EstimatePart[]> {
    const dataset = this.requireDataset();
    const g = dataset.genres.length;
    const count = (n: number) => n.toLocaleString('en-US');
    if (!usesBackbone(config)) {
      await activateBackend(this.models.trainingBackend);
      const perImage = await tutorialSecondsPerImage(config.height, config.width, g);
      // Validation runs forward only: about a third of a training step.
      const perEpoch = perImage * trainPosters + (perImage / 3) * validationPosters;
      return [
        { label: `${config.epochs} epochs of ${count(trainPosters)} posters at ${config.height}x${config.width}`, seconds: perEpoch * config.epochs },
      ];
    }
    const info = getBackbone(config.backbone);
    await activateBackend(this.models.trainingBackend);
    const backbone = await this.backbones.load(config, (message) => this.deps.emit({ type: 'log', message }));
    let where: InferenceBackendName;
    try {
      // Fine-tuning runs on the training backend: its forward rate is needed, even on a software GPU.
      const timeTrainingBackend = config.modelKind === 'mobilenet-finetune' && config.fineTuneEpochs > 0;
      where = await this.models.placeForInference(backbone, info.id, info.input, { timeTrainingBackend });
    } finally {
      backbone.dispose();
    }
    const rates = this.models.forwardRates(info.id);
    const views = config.mirrorPosters ? 2 : 1;
    const posters = dataset.items.length;
    const parts: EstimatePart[] = [
      {
        label: `embedding ${count(posters)} posters${views === 2 ? ' and their mirror images' : ''} on ${where}`,
        seconds: (posters * views) / (rates[where] ?? 1),
      },
    ];
    await activateBackend(where);
    const perRow = await headSecondsPerRow(info.featureDim, g, HEAD.hiddenUnits, config.batchSize);
    const headEpochs = Math.min(config.epochs, TYPICAL_HEAD_EPOCHS);
    const members = config.headEnsemble ?? 1;
    parts.push({
      label: `${members} head${members === 1 ? '' : 's'}, about ${headEpochs} epochs (early stopping)`,
      seconds: perRow * trainPosters * members * headEpochs,
    });
    if (config.modelKind === 'mobilenet-finetune' && config.fineTuneEpochs > 0) {
      // A training step costs about three forward passes (forward, and the backward's two products).
      const forward = rates[this.models.trainingBackend] ?? rates[where] ?? 1;
      const perEpoch = (trainPosters * 3 + validationPosters) / forward;
      parts.push({
        label: `${config.fineTuneEpochs} fine-tuning epochs on ${this.models.trainingBackend}`,
        seconds: perEpoch * config.fineTuneEpochs,
      });
    }
    return parts;
  }

  private async reportStorage(): Promise<void> {
    const [estimate, runs] = await Promise.all([this.deps.storage?.estimate() ?? { bytes: null, quota: null }, this.deps.checkpoints.list()]);
    this.deps.emit({ type: 'storage', ...estimate, savedRuns: runs.length });
  }

  /** Everything the site stored, gone: saved runs (but those other tabs are training), cached embeddings, spilled posters. */
  private async clearStorage(): Promise<void> {
    const held = await this.locks.held();
    for (const run of await this.deps.checkpoints.list()) if (!held.has(run.runId)) await this.deps.checkpoints.delete(run.runId);
    await this.deps.storage?.clearEmbeddings();
    await this.deps.storage?.removeOrphanSpills(held);
    this.locks.announce();
    await this.announceCheckpoint();
    await this.reportStorage();
  }

  private requireDataset(): LoadedDataset {
    if (!this.dataset || this.dataset.items.length === 0) throw new Error('load a dataset with at least one labelled poster first');
    return this.dataset;
  }

  /** A saved run, read back and checked; throws with what is wrong. */
  private async loadRun(runId: string): Promise<Checkpoint> {
    const raw = await this.deps.checkpoints.load(runId);
    if (raw === undefined) throw new Error('that saved run no longer exists');
    const checked = checkCheckpoint(raw);
    if (!checked.ok) throw new Error(checked.error);
    return checked.value;
  }

  /**
   * Tells the UI which saved run it may offer (the newest that no tab is
   * training), whether it fits the loaded data, how many runs other tabs are
   * training, and which saved run cannot be read back (it can be discarded).
   */
  private async announceCheckpoint(): Promise<Checkpoint | undefined> {
    const { emit } = this.deps;
    let runs;
    let held;
    try {
      [runs, held] = await Promise.all([this.deps.checkpoints.list(), this.locks.held()]);
    } catch (error) {
      emit({ type: 'log', message: `Saved runs are unavailable here (${describeStorageError(error)}).` });
      return;
    }
    const mine = this.runner.runId;
    const trainingElsewhere = runs.filter((run) => held.has(run.runId) && run.runId !== mine).length;
    const offered = runs.find((run) => !held.has(run.runId));
    if (!offered) {
      emit({ type: 'checkpoint', checkpoint: null, trainingElsewhere });
      return undefined;
    }
    const checked = checkCheckpoint(await this.deps.checkpoints.load(offered.runId));
    if (!checked.ok) {
      emit({ type: 'checkpoint', checkpoint: null, trainingElsewhere, unreadable: { runId: offered.runId, reason: checked.error } });
      return undefined;
    }
    const checkpoint = checked.value;
    const info: CheckpointInfo = {
      runId: checkpoint.runId,
      metadata: checkpoint.metadata,
      history: checkpoint.history,
      savedAt: checkpoint.savedAt,
      optimizerSaved: checkpoint.optimizer !== null,
      matchesDataset: this.dataset ? checkpoint.metadata.datasetFingerprint === this.dataset.fingerprint : null,
    };
    emit({ type: 'checkpoint', checkpoint: info, trainingElsewhere });
    return checkpoint;
  }

  /**
   * A saved run is a usable model at once after a reload: the one offered is
   * loaded (checked as an import is) to classify, predict and export with,
   * when nothing else is loaded yet.
   */
  private async useSavedRun(checkpoint: Checkpoint): Promise<void> {
    if (this.models.current) return;
    await activateBackend(this.models.trainingBackend);
    const loaded = await loadModelFiles({
      modelJson: {
        modelTopology: checkpoint.modelTopology as Record<string, unknown>,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: checkpoint.weightSpecs as WeightEntry[] }],
        fileNames: [WEIGHTS_BIN],
        weightBytes: checkpoint.weightData.byteLength,
      },
      metadata: checkpoint.metadata,
      weights: checkpoint.weightData,
    });
    if (!loaded.ok) {
      this.deps.emit({ type: 'log', message: `The saved run could not be loaded: ${loaded.error}` });
      return;
    }
    this.models.set({ model: loaded.value.model, metadata: loaded.value.metadata, source: 'checkpoint' });
    await this.models.placeCurrentForInference();
  }

  /** The Keras-style summary of the model the settings describe, built and freed at once (the backbone is loaded for it). */
  private async describeModel(config: TrainConfig): Promise<void> {
    const numGenres = this.dataset?.genres.length ?? 25;
    await activateBackend(this.models.trainingBackend);
    let model: tf.LayersModel;
    if (usesBackbone(config)) {
      const backbone = await this.backbones.load(config, (message) => this.deps.emit({ type: 'log', message }));
      const members = buildHeadMembers(config.headEnsemble ?? 1, {
        featureDim: getBackbone(config.backbone).featureDim,
        numGenres,
        hidden: HEAD.hiddenUnits,
        dropout: HEAD.dropout,
        l2: HEAD.l2,
        seed: config.seed,
      });
      model = composeClassifier(backbone, averageHeads(members));
    } else {
      model = buildTutorialCnn({ height: config.height, width: config.width, numGenres, seed: config.seed });
    }
    try {
      this.deps.emit({ type: 'modelSummary', summary: summarizeModel(model), config });
    } finally {
      disposeClassifier(model);
    }
  }

  private async exportModel(): Promise<void> {
    const { model, metadata } = await this.models.use();
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
    await activateBackend(this.models.trainingBackend);
    const loaded = await loadModelFiles(upload.value);
    if (!loaded.ok) throw new Error(`import refused: ${loaded.error}`);
    const { model, metadata } = loaded.value;
    this.models.set({ model, metadata, source: 'imported' });
    await this.models.placeCurrentForInference();
    // Saved as a run of its own (a new id: it never replaces another saved run), so that it is still
    // there after a reload and "Resume" can continue training it (without optimizer state).
    // IMPORTANT: the model's own weight data, in its own weight order, not the uploaded bytes
    // (whose manifest may list the weights in another order).
    const artifacts = await modelToArtifacts(model);
    await this.deps.checkpoints.save({
      runId: newRunId(),
      metadata,
      history: [],
      modelTopology: artifacts.modelTopology as object,
      weightSpecs: artifacts.weightSpecs ?? [],
      weightData: concatWeightData(artifacts.weightData),
      optimizer: null,
      savedAt: new Date().toISOString(),
    });
    this.locks.announce();
    await this.announceCheckpoint();
  }
}
