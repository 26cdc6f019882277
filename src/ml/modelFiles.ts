import * as tf from '@tensorflow/tfjs';
import { fnv1a } from '../lib/fingerprint';
import { APP_VERSION } from '../lib/version';
import type { InputSpec } from '../data/inputSpec';
import {
  METADATA_JSON,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  MODEL_JSON,
  READ_LIMITS,
  WEIGHTS_BIN,
  type CheckedModelJson,
  type ModelMetadata,
  type WeightEntry,
} from '../config/modelMetadata';
import type { TrainConfig } from '../config/trainConfig';

/**
 * The exported model: tfjs `model.json` + `weights.bin` (loadable by
 * tf.loadLayersModel and the public tensorflowjs converter) plus
 * `metadata.json`, which says how to feed it and how to read its outputs
 * (its schema: config/modelMetadata.ts).
 */
/** What a model's metadata is made of; the rest (format, version, dates) is filled in by buildModelMetadata. */
export interface MetadataFields {
  config: TrainConfig;
  genres: string[];
  datasetFingerprint: string;
  /** Poster Ids of the training split (see ModelMetadata.trainingIds). */
  trainingIds: string[];
  input: InputSpec;
  backbone: string | null;
  thresholds: number[];
  epochsCompleted: number;
  validation: { mapMacro: number | null; aucMacro: number | null; f1MacroTuned: number | null } | null | undefined;
}

/** The one builder of ModelMetadata, for every run, stage and checkpoint. */
export function buildModelMetadata(fields: MetadataFields): ModelMetadata {
  const { validation } = fields;
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    appVersion: APP_VERSION,
    modelKind: fields.config.modelKind,
    backbone: fields.backbone,
    genres: fields.genres,
    thresholds: fields.thresholds,
    input: fields.input,
    trainConfig: fields.config,
    epochsCompleted: fields.epochsCompleted,
    validation: validation ? { mapMacro: validation.mapMacro, aucMacro: validation.aucMacro, f1MacroTuned: validation.f1MacroTuned } : null,
    datasetFingerprint: fields.datasetFingerprint,
    trainingIds: fields.trainingIds,
    createdAt: new Date().toISOString(),
  };
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** The three files of an exported model, as written. */
export interface ModelFileTexts {
  modelJson: string;
  weights: ArrayBuffer;
  metadataJson: string;
}

/** The three files of a model to load, each checked on its own (worker/modelFilesFromUpload.ts). */
export interface ModelFileSet {
  modelJson: CheckedModelJson;
  metadata: ModelMetadata;
  weights: ArrayBuffer;
}

/** Serialises weights and topology without touching any storage. */
export async function modelToArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!captured) throw new Error('the model produced no artifacts');
  return captured;
}

/** A model's weight data as one buffer, in its weight-spec order. */
export function concatWeightData(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (!data) return new ArrayBuffer(0);
  return Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
}

export function artifactsToFiles(artifacts: tf.io.ModelArtifacts, metadata: ModelMetadata): ModelFileTexts {
  const modelJson = {
    format: 'layers-model',
    generatedBy: `Poster Genres ${APP_VERSION}`,
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
  };
  return {
    modelJson: JSON.stringify(modelJson),
    weights: concatWeightData(artifacts.weightData),
    metadataJson: JSON.stringify(metadata, null, 2),
  };
}

interface LayerJson {
  class_name?: unknown;
  config?: { name?: unknown; layers?: unknown; batch_input_shape?: unknown };
}

/** Every leaf layer of a (possibly nested) Keras topology, depth first. */
function leafLayers(model: LayerJson, depth = 0): LayerJson[] {
  const layers = model.config?.layers;
  if (!Array.isArray(layers) || depth > READ_LIMITS.jsonDepth) return [];
  return (layers as LayerJson[]).flatMap((layer) => (Array.isArray(layer.config?.layers) ? leafLayers(layer, depth + 1) : [layer]));
}

/**
 * What can be checked on the topology before tfjs builds it: the number of
 * layers, and the input size against metadata.input.
 */
export function checkTopology(modelTopology: Record<string, unknown>, input: ModelMetadata['input']): string | null {
  const root = (modelTopology.model_config ?? modelTopology) as LayerJson;
  const layers = leafLayers(root);
  if (layers.length === 0) return `${MODEL_JSON}: the topology lists no layers`;
  if (layers.length > READ_LIMITS.layers) return `${MODEL_JSON}: the topology has ${layers.length} layers; at most ${READ_LIMITS.layers} are built`;
  const shape = layers.find((layer) => Array.isArray(layer.config?.batch_input_shape))?.config?.batch_input_shape as unknown[] | undefined;
  const wanted = [null, input.height, input.width, 3];
  if (!shape || JSON.stringify(shape) !== JSON.stringify(wanted)) {
    return `${MODEL_JSON}: the model takes input ${JSON.stringify(shape ?? 'unknown')} but ${METADATA_JSON} says ${input.height}x${input.width}x3`;
  }
  return null;
}

type AddWeight = (this: tf.layers.Layer, name: string, shape: number[], ...rest: unknown[]) => unknown;

/**
 * Builds a topology from outside while every weight a layer creates is
 * checked against the manifest *before* the layer allocates it: a weight the
 * manifest does not list, or lists with another shape, stops the build. A
 * topology that declares a 6000x6000 Dense layer beside a small manifest is
 * refused without allocating its 144 MB.
 * IMPORTANT: patches tfjs-layers' Layer.addWeight for the duration of the
 * build only; loads run one at a time (the worker's dispatcher).
 */
async function buildWithinManifest<T>(weightSpecs: readonly WeightEntry[], build: () => Promise<T>): Promise<T> {
  const shapes = new Map(weightSpecs.map((spec) => [spec.name, spec.shape.join('x')]));
  const layer = tf.layers.Layer.prototype as unknown as { addWeight: AddWeight };
  const original = layer.addWeight;
  layer.addWeight = function (name, shape, ...rest) {
    const full = `${this.name}/${name}`;
    const listed = shapes.get(full);
    if (listed === undefined) throw new Error(`layer ${this.name} creates the weight ${full}, which ${MODEL_JSON} does not list`);
    if (listed !== shape.join('x'))
      throw new Error(`layer ${this.name} creates ${full} of shape ${shape.join('x')}, but ${MODEL_JSON} lists ${listed}`);
    return original.call(this, name, shape, ...rest);
  };
  try {
    return await build();
  } finally {
    layer.addWeight = original;
  }
}

/** Frees every variable registered since `before`: a model that failed to load leaves none behind. */
function disposeVariablesSince(before: ReadonlySet<string>): void {
  const registered = tf.engine().state.registeredVariables;
  for (const name of Object.keys(registered)) if (!before.has(name)) registered[name].dispose();
}

/**
 * Builds a model from files already checked (worker/modelFilesFromUpload.ts)
 * and checks it against its metadata: the topology before it is built, then
 * the built model's input and outputs. A model that fails any check is freed,
 * weights and all.
 */
export async function loadModelFiles(files: ModelFileSet): Promise<Checked<{ model: tf.LayersModel; metadata: ModelMetadata }>> {
  const { modelJson, metadata } = files;
  const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const topologyProblem = checkTopology(modelJson.modelTopology, metadata.input);
  if (topologyProblem) return { ok: false, error: topologyProblem };
  const before = new Set(Object.keys(tf.engine().state.registeredVariables));
  let model: tf.LayersModel;
  try {
    model = await buildWithinManifest(weightSpecs, () =>
      tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData: files.weights }), { strict: true }),
    );
  } catch (error) {
    disposeVariablesSince(before);
    return { ok: false, error: `the model cannot be built: ${error instanceof Error ? error.message : String(error)}` };
  }
  const outputShape = model.outputs[0].shape;
  if (model.outputs.length !== 1 || outputShape.length !== 2 || outputShape[1] !== metadata.genres.length) {
    disposeVariablesSince(before);
    return { ok: false, error: `the model has ${String(outputShape[1])} outputs but ${METADATA_JSON} lists ${metadata.genres.length} genres` };
  }
  return { ok: true, value: { model, metadata } };
}

/**
 * Identifies the training data: the sorted poster Ids with their labels and
 * file sizes (FNV-1a, hex). Resuming on other data is refused.
 */
export function datasetFingerprint(items: ReadonlyArray<{ name: string; size: number; labels: Uint8Array }>): string {
  const keys = items.map((item) => `${item.name}:${item.size}:${item.labels.join('')}`).sort();
  return `${items.length}-${fnv1a(keys)}`;
}
