import type * as tf from '@tensorflow/tfjs';
import { HEAD } from '../config/registry.js';
import { getBackbone, usesBackbone, type BackendName, type InferenceBackendName, type TrainConfig } from '../config/trainConfig';
import { APP_VERSION } from '../lib/version';
import { chooseBackend } from '../ml/backend';
import { METADATA_JSON, MODEL_JSON, WEIGHTS_BIN } from '../config/modelMetadata';
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
import { predictFolder, predictPoster } from './predictions';
import type { CheckpointInfo, WorkerEvent, WorkerRequest } from './protocol';
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

export class WorkerSession implements DispatchTarget {
  readonly models: ModelHolder;
  readonly runner: TrainingRunner;
  private readonly backbones = new BackboneSource();
  private dataset?: LoadedDataset;
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
        return this.announceCheckpoint();
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
        return this.announceCheckpoint();
      case 'stop':
        return this.runner.requestStop();
      case 'predict': {
        const prediction = await predictPoster(await this.models.use(), this.deps.decode, request.file);
        return emit({ type: 'prediction', requestId: request.requestId, file: request.file.name, ...prediction });
      }
      case 'predictFolder': {
        const result = await predictFolder(await this.models.use(), this.deps.decode, request.files, request.csv, (done, total) =>
          emit({ type: 'batchProgress', done, total }),
        );
        return emit({ type: 'batchPredicted', result });
      }
      case 'exportModel':
        return this.exportModel();
      case 'importModel':
        return this.importModel(request.files);
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
    this.deps.emit({ type: 'ready', backend: choice.name, skipped: choice.skipped, adapter });
    // A tab closed mid-run leaves its spilled posters behind: gone once no tab trains that run.
    const orphans = await this.deps.storage?.removeOrphanSpills(await this.locks.held());
    if (orphans?.files) {
      this.deps.emit({
        type: 'log',
        message: `deleted ${orphans.files} file(s) of decoded posters (${megabytes(orphans.bytes)}) left by a tab closed mid-run`,
      });
    }
    await this.announceCheckpoint();
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
  private async announceCheckpoint(): Promise<void> {
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
    if (!offered) return emit({ type: 'checkpoint', checkpoint: null, trainingElsewhere });
    const checked = checkCheckpoint(await this.deps.checkpoints.load(offered.runId));
    if (!checked.ok)
      return emit({ type: 'checkpoint', checkpoint: null, trainingElsewhere, unreadable: { runId: offered.runId, reason: checked.error } });
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
