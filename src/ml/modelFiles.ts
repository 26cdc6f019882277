import * as tf from '@tensorflow/tfjs';
import { fnv1a } from '../lib/fingerprint';
import { APP_VERSION } from '../lib/version';
import type { InputSpec } from '../data/inputSpec';
import type { ModelKind, TrainConfig } from '../config/trainConfig';

/**
 * The exported model: tfjs `model.json` + `weights.bin` (loadable by
 * tf.loadLayersModel and the public tensorflowjs converter) plus
 * `metadata.json`, which says how to feed it and how to read its outputs.
 */
export const MODEL_FORMAT = 'poster-genres-model';
/** IMPORTANT: bump when metadata or preprocessing change meaning; older files are refused. */
export const MODEL_FORMAT_VERSION = 1;
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const METADATA_JSON = 'metadata.json';

export interface ModelMetadata {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  appVersion: string;
  modelKind: ModelKind;
  /** Registry id of the pretrained backbone inside the model, if any. */
  backbone: string | null;
  /** Output order: output k is the probability of genres[k]. */
  genres: string[];
  /** Per-genre decision thresholds tuned on validation, [genres]. */
  thresholds: number[];
  /** Decoding and scaling the model expects; see preprocess.ts. */
  input: InputSpec;
  trainConfig: TrainConfig;
  epochsCompleted: number;
  /** Headline validation metrics of the last epoch, when there was a validation split. */
  validation: { mapMacro: number | null; aucMacro: number | null; f1MacroTuned: number | null } | null;
  /** Which posters and labels trained it (see datasetFingerprint). */
  datasetFingerprint: string;
  createdAt: string;
}

/** What a model's metadata is made of; the rest (format, version, dates) is filled in by buildModelMetadata. */
export interface MetadataFields {
  config: TrainConfig;
  genres: string[];
  datasetFingerprint: string;
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
    createdAt: new Date().toISOString(),
  };
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** The three files of an exported model, as bytes/text. */
export interface ModelFileSet {
  modelJson: string;
  weights: ArrayBuffer;
  metadataJson: string;
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

export function artifactsToFiles(artifacts: tf.io.ModelArtifacts, metadata: ModelMetadata): ModelFileSet {
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

const BYTES_PER_DTYPE: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1 };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks metadata.json field by field; names the first thing wrong. */
export function parseMetadata(text: string): Checked<ModelMetadata> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: `${METADATA_JSON} is not valid JSON` };
  }
  if (!isRecord(value) || value.format !== MODEL_FORMAT) {
    return { ok: false, error: `${METADATA_JSON} is not a Poster Genres model description (format should be "${MODEL_FORMAT}")` };
  }
  if (value.formatVersion !== MODEL_FORMAT_VERSION) {
    return {
      ok: false,
      error: `${METADATA_JSON} has format version ${String(value.formatVersion)} (app ${String(value.appVersion)}); this app (${APP_VERSION}) reads version ${MODEL_FORMAT_VERSION} only`,
    };
  }
  const genres = value.genres;
  if (!Array.isArray(genres) || genres.length === 0 || !genres.every((g) => typeof g === 'string' && g.length > 0)) {
    return { ok: false, error: `${METADATA_JSON}: "genres" must be a non-empty list of names` };
  }
  if (new Set(genres).size !== genres.length) return { ok: false, error: `${METADATA_JSON}: "genres" has duplicates` };
  const thresholds = value.thresholds;
  if (!Array.isArray(thresholds) || thresholds.length !== genres.length || !thresholds.every((t) => typeof t === 'number' && t >= 0 && t <= 1)) {
    return { ok: false, error: `${METADATA_JSON}: "thresholds" must hold ${genres.length} numbers in [0, 1]` };
  }
  const input = value.input;
  if (
    !isRecord(input) ||
    !Number.isInteger(input.height) ||
    !Number.isInteger(input.width) ||
    (input.height as number) < 1 ||
    (input.width as number) < 1 ||
    (input.height as number) > 4096 ||
    (input.width as number) > 4096 ||
    (input.scaling !== 'unit' && input.scaling !== 'symmetric') ||
    (input.averageMirrored !== undefined && typeof input.averageMirrored !== 'boolean')
  ) {
    return {
      ok: false,
      error: `${METADATA_JSON}: "input" must give height and width (1..4096) and scaling "unit" or "symmetric" (and averageMirrored, if present, true or false)`,
    };
  }
  if (!isRecord(value.trainConfig)) return { ok: false, error: `${METADATA_JSON}: "trainConfig" is missing` };
  return { ok: true, value: value as unknown as ModelMetadata };
}

interface ModelJsonShape {
  modelTopology: object;
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
}

function parseModelJson(text: string): Checked<ModelJsonShape> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: `${MODEL_JSON} is not valid JSON` };
  }
  if (!isRecord(value) || !isRecord(value.modelTopology) || !Array.isArray(value.weightsManifest)) {
    return { ok: false, error: `${MODEL_JSON} is not a TensorFlow.js layers model (no modelTopology / weightsManifest)` };
  }
  return { ok: true, value: value as unknown as ModelJsonShape };
}

/**
 * Validates the three files against each other before any weight is used:
 * weight bytes match the manifest, the input matches metadata.input and the
 * output has one unit per genre.
 */
export async function loadModelFiles(files: ModelFileSet): Promise<Checked<{ model: tf.LayersModel; metadata: ModelMetadata }>> {
  const metadata = parseMetadata(files.metadataJson);
  if (!metadata.ok) return metadata;
  const modelJson = parseModelJson(files.modelJson);
  if (!modelJson.ok) return modelJson;
  const weightSpecs = modelJson.value.weightsManifest.flatMap((group) => group.weights);
  let expectedBytes = 0;
  for (const spec of weightSpecs) {
    const bytes = BYTES_PER_DTYPE[spec.dtype];
    if (!bytes || spec.quantization) return { ok: false, error: `${MODEL_JSON}: weight ${spec.name} has unsupported dtype ${spec.dtype}` };
    expectedBytes += spec.shape.reduce((a, b) => a * b, 1) * bytes;
  }
  if (expectedBytes !== files.weights.byteLength) {
    return {
      ok: false,
      error: `${WEIGHTS_BIN} holds ${files.weights.byteLength} bytes but ${MODEL_JSON} describes ${expectedBytes}: the files do not belong together`,
    };
  }
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.value.modelTopology, weightSpecs, weightData: files.weights }));
  } catch (error) {
    return { ok: false, error: `the model cannot be built: ${error instanceof Error ? error.message : String(error)}` };
  }
  const { input, genres } = metadata.value;
  const inputShape = model.inputs[0].shape;
  const outputShape = model.outputs[0].shape;
  const problem =
    inputShape.length !== 4 || inputShape[1] !== input.height || inputShape[2] !== input.width || inputShape[3] !== 3
      ? `the model takes input ${JSON.stringify(inputShape)} but metadata says ${input.height}x${input.width}x3`
      : outputShape.length !== 2 || outputShape[1] !== genres.length
        ? `the model has ${String(outputShape[1])} outputs but metadata lists ${genres.length} genres`
        : null;
  if (problem) {
    model.dispose();
    return { ok: false, error: problem };
  }
  return { ok: true, value: { model, metadata: metadata.value } };
}

/**
 * Identifies the training data: the sorted poster Ids with their labels and
 * file sizes (FNV-1a, hex). Resuming on other data is refused.
 */
export function datasetFingerprint(items: ReadonlyArray<{ name: string; size: number; labels: Uint8Array }>): string {
  const keys = items.map((item) => `${item.name}:${item.size}:${item.labels.join('')}`).sort();
  return `${items.length}-${fnv1a(keys)}`;
}
