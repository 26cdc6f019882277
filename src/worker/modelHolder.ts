import * as tf from '@tensorflow/tfjs';
import type { BackendName, InferenceBackendName } from '../config/trainConfig';
import type { InputSpec } from '../data/inputSpec';
import { chooseInferenceBackend, describeInferenceChoice, type InferenceBackendChoice } from '../ml/inferenceBackend';
import type { ModelMetadata } from '../config/modelMetadata';
import { activateBackend, backendHolding, moveModelTo, weightsNotOn } from '../ml/placement';
import { disposeClassifier } from '../ml/transferHead';
import type { ModelInfo, WorkerEvent } from './protocol';

/** The model predictions come from: trained here, resumed, or imported. */
export interface HeldModel {
  model: tf.LayersModel;
  metadata: ModelMetadata;
  source: ModelInfo['source'];
  /** Where its weights live: every use activates this backend first (see ml/placement.ts). */
  backend: InferenceBackendName;
}

export interface ModelHolderDeps {
  emit: (event: WorkerEvent) => void;
  now: () => number;
  /** Backends besides the training one that may run models forward (WASM in the worker). */
  inferenceBackends: readonly InferenceBackendName[];
  /** How an inference backend runs, for the log (e.g. WASM's thread count). */
  describeInferenceBackend?: (backend: InferenceBackendName) => string;
}

/**
 * Owns the one model predictions come from, and knows where every model with
 * a backbone runs fastest. A model is used only with the backend holding its
 * weights active: no tfjs cross-backend move ever reads them synchronously.
 */
export class ModelHolder {
  private held?: HeldModel;
  /** Per backbone id, the inference backends measured for it in this session (posters/s each) and the fastest: measured once, then reused. */
  private readonly inferenceChoices = new Map<string, InferenceBackendChoice>();
  /** The backend that trains; set by the session once TensorFlow.js has started. */
  trainingBackend: BackendName = 'cpu';
  /**
   * Whether that backend is a GPU emulated on the CPU (SwiftShader): it runs a
   * backbone ~60x slower than WASM (measured: 0.3 vs 20 posters/s for the 1.0
   * model on two cores), and merely timing it (compiling ~50 shaders, then two
   * batches) took 14.7 s before every first prediction. It is timed only when
   * an estimate needs its rate (fine-tuning runs there).
   */
  trainingBackendIsSoftware = false;

  constructor(private readonly deps: ModelHolderDeps) {}

  get current(): HeldModel | undefined {
    return this.held;
  }

  /** Makes `model` the one predictions come from; it stays on the backend holding its weights. Frees the previous one. */
  set(next: Omit<HeldModel, 'backend'>): void {
    const backend = (backendHolding(next.model.weights[0].read()) ?? tf.getBackend()) as InferenceBackendName;
    const stray = weightsNotOn(next.model, backend);
    if (stray.length > 0) throw new Error(`the model's weights are split across backends (${stray.slice(0, 3).join(', ')} are not on ${backend})`);
    if (this.held && this.held.model !== next.model) disposeClassifier(this.held.model);
    this.held = { ...next, backend };
    this.deps.emit({ type: 'modelChanged', model: { metadata: next.metadata, source: next.source } });
  }

  /** The current model, with the backend holding its weights active. */
  async use(): Promise<HeldModel> {
    if (!this.held) throw new Error('train a model (at least one epoch) or import one first');
    await activateBackend(this.held.backend);
    return this.held;
  }

  /** Frees a model that lived on a lost device (its weights cannot be read back). */
  dropIfOn(backend: string): void {
    if (this.held?.backend !== backend) return;
    disposeClassifier(this.held.model);
    this.held = undefined;
    this.deps.emit({ type: 'modelChanged', model: null });
  }

  /**
   * Moves a model with a backbone to the fastest backend that runs it
   * forward: measured once per backbone id in this session, then reused.
   * Returns where it is now (that backend is active).
   */
  async placeForInference(
    model: tf.LayersModel,
    backboneId: string,
    spec: InputSpec,
    { timeTrainingBackend = false }: { timeTrainingBackend?: boolean } = {},
  ): Promise<InferenceBackendName> {
    const others = this.deps.inferenceBackends.filter((name) => name !== this.trainingBackend);
    const skipTraining = this.trainingBackendIsSoftware && !timeTrainingBackend && others.length > 0;
    const known = this.inferenceChoices.get(backboneId);
    // Reused unless the training backend is now wanted and was left out before (timed or failed both count as tried).
    const triedTraining = known && (known.measured[this.trainingBackend] !== undefined || known.failed[this.trainingBackend] !== undefined);
    if (known && (skipTraining || triedTraining)) {
      await moveModelTo(model, known.name);
      return known.name;
    }
    const candidates = skipTraining ? others : [this.trainingBackend, ...others];
    const choice = await chooseInferenceBackend(model, spec, candidates, this.deps.now);
    this.inferenceChoices.set(backboneId, choice);
    const untimed = skipTraining ? ` (${this.trainingBackend} not timed: a software GPU, far slower than ${others.join(' or ')} forward)` : '';
    this.deps.emit({ type: 'log', message: `${backboneId} forward speed: ${describeInferenceChoice(choice)}${untimed}; it runs on ${choice.name}` });
    return choice.name;
  }

  /** Posters per second the backbone ran at on each backend measured (after placeForInference). */
  forwardRates(backboneId: string): Partial<Record<InferenceBackendName, number>> {
    return this.inferenceChoices.get(backboneId)?.measured ?? {};
  }

  /** How a backend runs, for the log: "wasm (2 threads)". */
  describe(backend: InferenceBackendName): string {
    const how = this.deps.describeInferenceBackend?.(backend);
    return how ? `${backend} (${how})` : backend;
  }

  /** The current model, if it has a backbone, on its fastest inference backend. */
  async placeCurrentForInference(): Promise<void> {
    const held = this.held;
    if (!held?.metadata.backbone) return;
    held.backend = await this.placeForInference(held.model, held.metadata.backbone, { ...held.metadata.input, averageMirrored: false });
  }
}
