import * as tf from '@tensorflow/tfjs';
import { HEAD } from '../config/registry.js';
import { getBackbone, totalEpochs, usesBackbone, type TrainConfig } from '../config/trainConfig';
import type { InputSpec } from '../data/inputSpec';
import { pixelsPerPoster } from '../data/inputSpec';
import { splitTrainValidation } from '../data/split';
import { posterIdFromFileName } from '../data/vocabulary';
import { chooseBackend } from '../ml/backend';
import type { ModelMetadata } from '../config/modelMetadata';
import { buildModelMetadata, concatWeightData, modelToArtifacts } from '../ml/modelFiles';
import { summarizeModel } from '../ml/modelSummary';
import { saveOptimizerState, type SavedOptimizerWeight } from '../ml/optimizerState';
import { activateBackend, moveModelTo } from '../ml/placement';
import { embedPosters } from '../ml/training/embeddingStage';
import type { EmbeddingStore } from '../ml/training/embedAll';
import { contentDigests } from './embeddingCache';
import { prepareFineTuning } from '../ml/training/fineTuneStage';
import { trainHeadStage } from '../ml/training/headStage';
import { LearningCheckError } from '../ml/training/learningChecks';
import { runPixelEpochs, type PixelStep } from '../ml/training/pixelEpochs';
import type { EpochMetrics, StageContext, TrainingObserver } from '../ml/training/types';
import { composeClassifier, disposeClassifier } from '../ml/transferHead';
import { trainOnBatch } from '../ml/trainStep';
import { buildTutorialCnn } from '../ml/tutorialCnn';
import type { BackboneSource } from './backboneSource';
import { checkCheckpoint, describeStorageError, type Checkpoint, type CheckpointStore } from './checkpointStore';
import type { LoadedDataset } from './datasetLoader';
import type { ModelHolder } from './modelHolder';
import type { PixelSpillFactory } from './pixelSpill';
import { PosterPixelStore, posterFeed, type DecodeFn } from './posterBatches';
import type { EarlyStop, WorkerEvent } from './protocol';
import type { RunLocks } from './runLocks';

/** A new run's id: its checkpoints, its lock and its spill file are named after it. */
export function newRunId(): string {
  return crypto.randomUUID();
}

/** Decoded posters kept between epochs; beyond this they go to the spill, or are decoded again. */
export const PIXEL_BUDGET_BYTES = 768 * 1024 * 1024;

export interface RunnerDeps {
  emit: (event: WorkerEvent) => void;
  decode: DecodeFn;
  checkpoints: CheckpointStore;
  /** Held for the run's id while it trains, so that no other tab resumes or overwrites it. */
  locks: RunLocks;
  embeddings: EmbeddingStore;
  models: ModelHolder;
  backbones: BackboneSource;
  now: () => number;
  /** Where decoded posters beyond the memory budget go (the worker's OPFS file); without one they are decoded again. */
  pixelSpill?: PixelSpillFactory;
  /** Serves the requests waiting for a batch boundary (the dispatcher's), between batches. */
  betweenBatches: () => Promise<void>;
}

/** A run to start: a new one from the form's settings, or the saved one continued. */
export type RunStart =
  { kind: 'new'; config: TrainConfig; dataset: LoadedDataset } | { kind: 'resume'; checkpoint: Checkpoint; dataset: LoadedDataset; epochs?: number };

/** Where a run starts: its settings, the epochs already done and what they left. */
interface RunCursor {
  runId: string;
  config: TrainConfig;
  dataset: LoadedDataset;
  epochsCompleted: number;
  history: EpochMetrics[];
  /** A resumed run's model (weights from the checkpoint) and Adam's state. */
  model?: tf.LayersModel;
  input?: InputSpec;
  optimizerState: SavedOptimizerWeight[] | null;
}

/**
 * What is left to do from a cursor: the pretrained head (embedding, then the
 * head ensemble) for a new run with a backbone, then pixel epochs (the
 * tutorial CNN's, or fine-tuning's after the head's epochs).
 */
export function planRun(
  config: TrainConfig,
  epochsCompleted: number,
): { head: boolean; pixels: { from: number; to: number; fineTune: boolean } | null } {
  const last = totalEpochs(config);
  if (!usesBackbone(config)) return { head: false, pixels: epochsCompleted < last ? { from: epochsCompleted + 1, to: last, fineTune: false } : null };
  const head = epochsCompleted < config.epochs;
  const from = Math.max(epochsCompleted, config.epochs) + 1;
  return { head, pixels: config.modelKind === 'mobilenet-finetune' && from <= last ? { from, to: last, fineTune: true } : null };
}

/**
 * Owns a training run's whole life: the lock, stopping, the backend the
 * stages run on, checkpoints and the model they publish, the WebGPU to WebGL
 * fallback, and freeing what the run allocated. A new run and a resumed one
 * go through the same stages from a cursor (planRun).
 */
export class TrainingRunner {
  private active = false;
  private readonly stop = { requested: false };
  /** The run going on, if any. */
  private currentRunId?: string;
  /** The run id checkpoints are saved under. */
  private attemptRunId = '';
  /** Whether this run has already said that its checkpoints are not being saved. */
  private checkpointFailureShown = false;
  /** Whether this attempt saved a checkpoint: a fallback resumes only from the run's own. */
  private savedThisRun = false;
  /** Bytes of decoded posters kept in memory (`?pixelBudgetMB=`); undefined: PIXEL_BUDGET_BYTES. */
  pixelBudgetBytes?: number;

  constructor(private readonly deps: RunnerDeps) {}

  get running(): boolean {
    return this.active;
  }

  /** The id of the run going on, if any. */
  get runId(): string | undefined {
    return this.currentRunId;
  }

  /** Asks the run to stop at the next batch boundary. */
  requestStop(): void {
    if (this.active) this.stop.requested = true;
  }

  /** Runs to the end (completed, stopped or failed); throws when it cannot start or fails. */
  async run(start: RunStart): Promise<void> {
    if (this.active) throw new Error('training is already running');
    const runId = start.kind === 'resume' ? start.checkpoint.runId : newRunId();
    const release = await this.deps.locks.acquire(runId);
    if (!release) throw new Error('this run is training in another tab: continue it there, or stop it there first');
    this.active = true;
    this.currentRunId = runId;
    this.stop.requested = false;
    this.savedThisRun = false;
    this.checkpointFailureShown = false;
    this.deps.locks.announce();
    try {
      try {
        await this.attempt(await this.cursorFor(start, runId));
      } catch (error) {
        const next = await this.fallbackAfter(error, start, runId);
        if (!next) throw error;
        await this.attempt(next);
      }
    } finally {
      this.active = false;
      await release();
      this.currentRunId = undefined;
      this.deps.locks.announce();
    }
  }

  /** The cursor of a new run, or of the checkpoint to continue (refused when it does not fit the data or is finished). */
  private async cursorFor(start: RunStart, runId: string): Promise<RunCursor> {
    const { dataset } = start;
    if (start.kind === 'new') return { runId, config: start.config, dataset, epochsCompleted: 0, history: [], optimizerState: null };
    const { checkpoint } = start;
    const { metadata } = checkpoint;
    if (metadata.datasetFingerprint !== dataset.fingerprint) {
      if (metadata.genres.join('|') !== dataset.genres.join('|')) {
        throw new Error(
          `the saved model predicts ${metadata.genres.length} genres (${metadata.genres.slice(0, 4).join(', ')}…) ` +
            `but this dataset has ${dataset.genres.length} (${dataset.genres.slice(0, 4).join(', ')}…): drop the dataset it was trained on`,
        );
      }
      this.log('The dataset differs from the one this model was trained on (same genres): continuing on the new data, with a new validation split.');
    }
    const saved = metadata.trainConfig;
    // A backbone model continues as fine-tuning: its head epochs are done, pixels come next.
    const config: TrainConfig = usesBackbone(saved)
      ? {
          ...saved,
          modelKind: 'mobilenet-finetune',
          fineTuneEpochs: Math.max(saved.modelKind === 'mobilenet-finetune' ? saved.fineTuneEpochs : 0, (start.epochs ?? 0) - saved.epochs),
        }
      : { ...saved, epochs: Math.max(start.epochs ?? saved.epochs, saved.epochs) };
    if (metadata.epochsCompleted >= totalEpochs(config)) {
      throw new Error(`the saved run already completed all ${totalEpochs(config)} epochs; set more epochs to continue it`);
    }
    // Built on the training backend, which trains it.
    await activateBackend(this.deps.models.trainingBackend);
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: checkpoint.modelTopology, weightSpecs: checkpoint.weightSpecs, weightData: checkpoint.weightData }),
    );
    if (!checkpoint.optimizer)
      this.log('No optimizer state was saved with this model: Adam starts afresh (its moments are rebuilt within a few batches).');
    return {
      runId,
      config,
      dataset,
      epochsCompleted: metadata.epochsCompleted,
      history: checkpoint.history,
      model,
      input: metadata.input,
      optimizerState: checkpoint.optimizer,
    };
  }

  /**
   * WebGPU devices get lost (driver reset, GPU sleep, a background tab): the
   * run continues on WebGL from its last checkpoint, or starts again there.
   * Not after a stop, and not when the run itself cannot learn.
   */
  private async fallbackAfter(error: unknown, start: RunStart, runId: string): Promise<RunCursor | null> {
    const { models } = this.deps;
    if (models.trainingBackend !== 'webgpu' || error instanceof LearningCheckError || this.stop.requested) return null;
    const choice = await chooseBackend('webgl', ['webgl', 'cpu']);
    models.trainingBackend = choice.name;
    this.deps.emit({
      type: 'backendChanged',
      backend: choice.name,
      reason: `WebGPU failed during training (${describe(error)}); continuing on ${choice.name}`,
    });
    // Whatever lived on the lost device cannot be read back.
    models.dropIfOn('webgpu');
    const saved = this.savedThisRun ? checkCheckpoint(await this.deps.checkpoints.load(runId)) : undefined;
    return this.cursorFor(saved?.ok ? { kind: 'resume', checkpoint: saved.value, dataset: start.dataset } : start, runId);
  }

  private async attempt(cursor: RunCursor): Promise<void> {
    this.attemptRunId = cursor.runId;
    const { emit, models } = this.deps;
    let { config } = cursor;
    const { dataset } = cursor;
    const plan = planRun(config, cursor.epochsCompleted);
    const split = splitTrainValidation(
      dataset.items.map((item) => item.labels),
      config.valFraction,
      config.seed,
    );
    let ctx: StageContext = { config, dataset, split, observe: this.observer(), stop: this.stop, now: this.deps.now };
    emit({
      type: 'trainingStarted',
      config,
      trainPosters: split.train.length,
      validationPosters: split.validation.length,
      batchesPerEpoch: Math.ceil(split.train.length / config.batchSize),
    });
    if (cursor.history.length > 0) emit({ type: 'resumed', history: cursor.history, fromEpoch: cursor.epochsCompleted + 1 });
    const backboneInfo = usesBackbone(config) ? getBackbone(config.backbone) : undefined;
    const spec: InputSpec =
      cursor.input ??
      (backboneInfo
        ? { ...backboneInfo.input, averageMirrored: config.mirrorPosters }
        : { height: config.height, width: config.width, scaling: 'unit' });
    const store = new PosterPixelStore(
      spec,
      this.deps.decode,
      // Only runs that read the pixels again keep them (the frozen path reads each poster once).
      plan.pixels ? (this.pixelBudgetBytes ?? PIXEL_BUDGET_BYTES) : 0,
      (issue) => emit({ type: 'posterSkipped', issue }),
      plan.pixels ? this.deps.pixelSpill?.(pixelsPerPoster(spec), (message) => this.log(message), cursor.runId) : undefined,
    );
    const feed = posterFeed(dataset.items, store, dataset.genres.length);
    let model = cursor.model;
    let history = cursor.history;
    let epochsCompleted = cursor.epochsCompleted;
    let earlyStop: EarlyStop | undefined;
    try {
      if (plan.head) {
        const trained = await this.trainHead(ctx, dataset, feed);
        if (!trained) return emit({ type: 'done', reason: 'stopped', epochsCompleted: 0 });
        ({ model, history, config, earlyStop } = trained);
        epochsCompleted = config.epochs;
        ctx = { ...ctx, config };
      }
      if (plan.pixels && !this.stop.requested) {
        await activateBackend(models.trainingBackend);
        model ??= buildTutorialCnn({ height: spec.height, width: spec.width, numGenres: dataset.genres.length, seed: config.seed });
        // Conv gradients need the training backend (WASM has none); the frozen stages may have run elsewhere.
        await moveModelTo(model, models.trainingBackend);
        let step: PixelStep = (m, optimizer, batch) => trainOnBatch(m, optimizer, batch, { spec, numGenres: dataset.genres.length });
        let learningRate = config.learningRate;
        if (plan.pixels.fineTune) {
          const setup = prepareFineTuning(ctx, model, spec);
          this.log(
            `fine-tuning ${setup.unfrozen.join(', ')} (${setup.trainableParams.toLocaleString('en-US')} trainable parameters) ` +
              `at learning rate ${setup.learningRate}, ${ctx.config.headLoss} with positive weights from the ${ctx.split.train.length} training posters`,
          );
          ({ step, learningRate } = setup);
        }
        emit({ type: 'modelSummary', summary: summarizeModel(model), config });
        const trainedModel = model;
        const runHistory = [...history];
        epochsCompleted = await runPixelEpochs(ctx, {
          model: trainedModel,
          feed,
          from: plan.pixels.from,
          to: plan.pixels.to,
          learningRate,
          optimizerState: cursor.optimizerState,
          step,
          onEpoch: async ({ epoch, metrics, thresholds, optimizer }) => {
            runHistory.push(metrics);
            const metadata = this.metadataFor(ctx, dataset, spec, thresholds, epoch, metrics);
            models.set({ model: trainedModel, metadata, source: 'trained' });
            await this.saveCheckpoint(trainedModel, optimizer, metadata, runHistory);
          },
        });
      }
      emit({ type: 'done', reason: this.stop.requested ? 'stopped' : 'completed', epochsCompleted, ...(earlyStop ? { earlyStop } : {}) });
      // Predictions of a model with a backbone run where it runs fastest, which need not be where it trained.
      if (models.current?.model === model) await models.placeCurrentForInference();
    } finally {
      if (model && models.current?.model !== model) disposeClassifier(model);
      await store.clear();
    }
  }

  /** Embedding and head: a classifier published and checkpointed, with its config (the loss 'auto' chose); null when stopped. */
  private async trainHead(
    ctx: StageContext,
    dataset: LoadedDataset,
    feed: ReturnType<typeof posterFeed>,
  ): Promise<{ model: tf.LayersModel; history: EpochMetrics[]; config: TrainConfig; earlyStop?: EarlyStop } | null> {
    const { config } = ctx;
    const { models, emit } = this.deps;
    const info = getBackbone(config.backbone);
    // The cache keys (SHA-256 of 6,242 posters: ~6 s) are hashed while the backbone loads and is timed.
    const digests = contentDigests(dataset.items.map((item) => item.file));
    digests.catch(() => undefined); // a failure is thrown where it is awaited, not reported as unhandled
    await activateBackend(models.trainingBackend);
    emit({ type: 'phase', text: `loading the ${info.label} backbone` });
    const backbone = await this.deps.backbones.load(config, (message) => this.log(message));
    let classifier: tf.LayersModel | undefined;
    try {
      // The frozen stages (embedding, head, validation) run wherever the backbone runs fastest; it is moved there.
      emit({ type: 'phase', text: 'timing the backbone on each backend' });
      const where = await models.placeForInference(backbone, info.id, info.input);
      this.log(`embedding and head training run on ${models.describe(where)}`);
      const views = config.mirrorPosters ? 2 : 1;
      emit({ type: 'phase', text: `embedding the posters on ${where}${views === 2 ? ' (each also mirrored)' : ''}` });
      const embeddings = await embedPosters(ctx, {
        backbone,
        backboneInfo: info,
        sourceKey: this.deps.backbones.sourceKey(config),
        feed,
        files: (await digests).map((contentDigest, k) => ({
          name: dataset.items[k].name,
          contentDigest,
        })),
        store: this.deps.embeddings,
        views,
        batchSize: HEAD.embedBatch,
      });
      if (!embeddings) return null;
      emit({ type: 'phase', text: 'training the head on the embeddings' });
      const head = await trainHeadStage(ctx, { features: embeddings.features, featureDim: info.featureDim, views, readable: embeddings.readable });
      if (!head) return null;
      classifier = composeClassifier(backbone, head.head);
      const headConfig: TrainConfig = { ...config, headLoss: head.kind };
      const best = head.history[head.bestEpoch - 1];
      const metadata = this.metadataFor(
        { config: headConfig, split: ctx.split },
        dataset,
        feed.spec,
        head.thresholds ?? new Array<number>(dataset.genres.length).fill(0.5),
        config.epochs,
        best,
      );
      models.set({ model: classifier, metadata, source: 'trained' });
      this.deps.emit({ type: 'modelSummary', summary: summarizeModel(classifier), config });
      await this.saveCheckpoint(classifier, null, metadata, head.history);
      const earlyStop = head.history.length < config.epochs ? { epochsRun: head.history.length, bestEpoch: head.bestEpoch } : undefined;
      return { model: classifier, history: head.history, config: headConfig, earlyStop };
    } finally {
      // Nothing composed (stopped, or failed): the backbone is ours to free.
      if (!classifier) backbone.dispose();
    }
  }

  private metadataFor(
    { config, split }: Pick<StageContext, 'config' | 'split'>,
    dataset: LoadedDataset,
    input: InputSpec,
    thresholds: number[],
    epochsCompleted: number,
    metrics: EpochMetrics | undefined,
  ): ModelMetadata {
    return buildModelMetadata({
      config,
      genres: dataset.genres,
      datasetFingerprint: dataset.fingerprint,
      trainingIds: split.train.map((index) => posterIdFromFileName(dataset.items[index].name) ?? dataset.items[index].name),
      input,
      backbone: usesBackbone(config) ? config.backbone : null,
      thresholds,
      epochsCompleted,
      validation: metrics?.validation,
    });
  }

  /** Saves the model, Adam's state (when given) and the history; a failure is logged, never fatal. */
  private async saveCheckpoint(
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
        this.log(`Optimizer state not saved (${describe(error)}); a resume restarts Adam.`);
      }
      await this.deps.checkpoints.save({
        runId: this.attemptRunId,
        metadata,
        history,
        modelTopology: artifacts.modelTopology as object,
        weightSpecs: artifacts.weightSpecs ?? [],
        weightData: concatWeightData(artifacts.weightData),
        optimizer: optimizerWeights,
        savedAt: new Date().toISOString(),
      });
      this.savedThisRun = true;
      this.deps.locks.announce();
      // A pretrained head's stage counts as all its epochs done even when early stopping ended it sooner.
      const last = history.at(-1)?.epoch ?? metadata.epochsCompleted;
      const stage = last < metadata.epochsCompleted ? ` (head stage complete: early stopping after epoch ${last})` : '';
      this.log(`checkpoint saved after epoch ${metadata.epochsCompleted}${stage}`);
    } catch (error) {
      // Loud, once per run, and harmless: the run goes on; the user learns that a reload would lose it.
      const reason = describeStorageError(error);
      this.log(`checkpoint after epoch ${metadata.epochsCompleted} not saved: ${reason}`);
      if (!this.checkpointFailureShown) this.deps.emit({ type: 'checkpointFailed', reason });
      this.checkpointFailureShown = true;
    }
  }

  private observer(): TrainingObserver {
    const { emit } = this.deps;
    return {
      log: (message) => this.log(message),
      phase: (text) => emit({ type: 'phase', text }),
      epochStart: (epoch, epochs) => emit({ type: 'epochStart', epoch, epochs }),
      batchEnd: (progress) => emit({ type: 'batchEnd', ...progress }),
      stageProgress: (progress) => emit({ type: 'stageProgress', ...progress }),
      epochEnd: (metrics) => emit({ type: 'epochEnd', metrics }),
      evaluated: (predictions) => emit({ type: 'evaluated', predictions }),
      betweenBatches: async () => {
        // Requests served here (a poster to classify) activate their model's backend: put the run's back.
        const runBackend = tf.getBackend();
        await this.deps.betweenBatches();
        await activateBackend(runBackend);
      },
    };
  }

  private log(message: string): void {
    this.deps.emit({ type: 'log', message });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
