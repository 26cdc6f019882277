import type * as tf from '@tensorflow/tfjs';
import { HEAD } from '../config/registry.js';
import { getBackbone, usesBackbone, type BackendName, type InferenceBackendName, type TrainConfig } from '../config/trainConfig';
import { APP_VERSION } from '../lib/version';
import { chooseBackend } from '../ml/backend';
import { artifactsToFiles, concatWeightData, loadModelFiles, METADATA_JSON, MODEL_JSON, modelToArtifacts, WEIGHTS_BIN } from '../ml/modelFiles';
import { summarizeModel } from '../ml/modelSummary';
import { activateBackend } from '../ml/placement';
import type { EmbeddingStore } from '../ml/training/embedAll';
import { averageHeads, buildHeadMembers, composeClassifier, disposeClassifier } from '../ml/transferHead';
import { buildTutorialCnn } from '../ml/tutorialCnn';
import { BackboneSource } from './backboneSource';
import type { CheckpointStore } from './checkpointStore';
import { loadDataset, type LoadedDataset } from './datasetLoader';
import { ModelHolder } from './modelHolder';
import type { DispatchTarget } from './dispatcher';
import { modelFilesFromUpload } from './modelFilesFromUpload';
import type { PixelSpillFactory } from './pixelSpill';
import type { DecodeFn } from './posterBatches';
import { predictFolder, predictPoster } from './predictions';
import type { CheckpointInfo, WorkerEvent, WorkerRequest } from './protocol';
import { TrainingRunner } from './trainingRunner';

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
  /** Describes the GPU adapter for the `ready` event. */
  describeAdapter?: (backend: BackendName) => Promise<string>;
  now?: () => number;
}

/**
 * What the worker does for each request, as an object that tests drive
 * without a Worker. One request at a time (the RequestDispatcher sees to it);
 * a failure becomes an `error` event naming the request.
 */
export class WorkerSession implements DispatchTarget {
  readonly models: ModelHolder;
  readonly runner: TrainingRunner;
  private readonly backbones = new BackboneSource();
  private dataset?: LoadedDataset;
  /** Serves requests that wait for a batch boundary; the dispatcher plugs in its own. */
  betweenBatches: () => Promise<void> = async () => {};

  constructor(private readonly deps: SessionDeps) {
    const now = deps.now ?? (() => performance.now());
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
        return this.runner.run({ kind: 'new', config: request.config, dataset: this.requireDataset() });
      case 'resume': {
        const dataset = this.requireDataset();
        const checkpoint = await this.deps.checkpoints.load();
        if (!checkpoint) throw new Error('there is no saved run to resume');
        return this.runner.run({ kind: 'resume', checkpoint, dataset, epochs: request.epochs });
      }
      case 'discardCheckpoint':
        await this.deps.checkpoints.clear();
        return emit({ type: 'checkpoint', checkpoint: null });
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
    await this.announceCheckpoint();
  }

  private requireDataset(): LoadedDataset {
    if (!this.dataset || this.dataset.items.length === 0) throw new Error('load a dataset with at least one labelled poster first');
    return this.dataset;
  }

  /** Tells the UI whether a saved run exists and whether it fits the loaded data. */
  private async announceCheckpoint(): Promise<void> {
    let checkpoint;
    try {
      checkpoint = await this.deps.checkpoints.load();
    } catch (error) {
      this.deps.emit({ type: 'log', message: `Saved checkpoints are unavailable here (${error instanceof Error ? error.message : String(error)}).` });
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
    // Saved as the checkpoint too, so "Resume" continues training it (without optimizer state).
    // IMPORTANT: the model's own weight data, in its own weight order, not the uploaded bytes
    // (whose manifest may list the weights in another order).
    const artifacts = await modelToArtifacts(model);
    await this.deps.checkpoints.save({
      metadata,
      history: [],
      modelTopology: artifacts.modelTopology as object,
      weightSpecs: artifacts.weightSpecs ?? [],
      weightData: concatWeightData(artifacts.weightData),
      optimizer: null,
      savedAt: new Date().toISOString(),
    });
    await this.announceCheckpoint();
  }
}
