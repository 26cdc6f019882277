/**
 * What a saved model says about itself (metadata.json, and every checkpoint),
 * and the one schema everything read back is checked against before anything
 * is allocated for it: imported files, stored checkpoints. Ranges are the
 * form's own (SETTING_LIMITS); caps keep a hostile file from costing memory.
 * No tfjs here: the page, the worker and Node tests share it.
 */
import type { InputSpec } from '../data/inputSpec';
import {
  array,
  boolean,
  checkValue,
  describeValue,
  jsonNestsDeeperThan,
  nullable,
  number,
  object,
  oneOf,
  optional,
  SchemaError,
  string,
  type Schema,
} from '../data/schema';
import { BACKBONES, HEAD_LOSSES, MODEL_KINDS, SETTING_LIMITS } from './registry.js';
import type { ModelKind, TrainConfig } from './trainConfig';

export const MODEL_FORMAT = 'poster-genres-model';
/** IMPORTANT: bump when metadata or preprocessing change meaning; older files are refused. */
export const MODEL_FORMAT_VERSION = 1;
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const METADATA_JSON = 'metadata.json';

/** Caps on what is read back. Far above what the app writes (25 genres, 54 KB model.json, 13 MB of weights). */
export const READ_LIMITS = {
  genres: 200,
  genreNameLength: 100,
  metadataBytes: 8 * 1024 * 1024,
  /** Training poster Ids listed in metadata (the full set has 5,300). */
  trainingIds: 200_000,
  modelJsonBytes: 4 * 1024 * 1024,
  /** Nesting of model.json (a MobileNet topology nests about 12 deep). */
  jsonDepth: 64,
  weightsBytes: 256 * 1024 * 1024,
  weightFiles: 64,
  weightEntries: 4000,
  /** Parameters in all, from the manifest: 64 M (256 MB of float32). */
  parameters: 64 * 1024 * 1024,
  /** Layers in a topology, nested models' included. */
  layers: 2000,
  historyEpochs: SETTING_LIMITS.epochs.max + SETTING_LIMITS.fineTuneEpochs.max,
} as const;

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
  /** Decoding and scaling the model expects; see ml/preprocess.ts. */
  input: InputSpec;
  trainConfig: TrainConfig;
  epochsCompleted: number;
  /** Headline validation metrics of the kept epoch, when there was a validation split. */
  validation: { mapMacro: number | null; aucMacro: number | null; f1MacroTuned: number | null } | null;
  /** Which posters and labels trained it (see datasetFingerprint). */
  datasetFingerprint: string;
  /**
   * Poster Ids of its training split: a folder prediction flags these and
   * leaves them out of its metrics (a model scores its own training posters
   * far too well). Absent in imported models from elsewhere.
   */
  trainingIds?: string[];
  createdAt: string;
}

const limit = (key: keyof typeof SETTING_LIMITS) => {
  const { min, max, integer } = SETTING_LIMITS[key];
  return number({ min, max, integer });
};
const unitInterval = number({ min: 0, max: 1 });
const count = number({ min: 0, max: 1e9, integer: true });

export const trainConfigSchema: Schema<TrainConfig> = object({
  modelKind: oneOf(MODEL_KINDS.map((kind) => kind.id)),
  epochs: limit('epochs'),
  batchSize: limit('batchSize'),
  learningRate: limit('learningRate'),
  height: limit('height'),
  width: limit('width'),
  valFraction: limit('valFraction'),
  seed: limit('seed'),
  backbone: oneOf(BACKBONES.map((backbone) => backbone.id)),
  backboneUrl: string({ maxLength: 2048 }),
  fineTuneEpochs: limit('fineTuneEpochs'),
  headLoss: oneOf(HEAD_LOSSES.map((loss) => loss.id)),
  mirrorPosters: boolean,
  headEnsemble: limit('headEnsemble'),
});

const side = number({ min: SETTING_LIMITS.height.min, max: SETTING_LIMITS.height.max, integer: true });
const inputSchema: Schema<InputSpec> = object({
  height: side,
  width: side,
  scaling: oneOf(['unit', 'symmetric'] as const),
  averageMirrored: optional(boolean),
});

const genreNames: Schema<string[]> = (value, path) => {
  const genres = array(string({ minLength: 1, maxLength: READ_LIMITS.genreNameLength }), { minLength: 1, maxLength: READ_LIMITS.genres })(
    value,
    path,
  );
  if (new Set(genres).size !== genres.length) throw new SchemaError(path, 'names without duplicates', value);
  return genres;
};

export const metadataSchema: Schema<ModelMetadata> = (value, path) => {
  const checked = object({
    format: oneOf([MODEL_FORMAT] as const),
    formatVersion: oneOf([MODEL_FORMAT_VERSION] as const),
    appVersion: string({ maxLength: 100 }),
    modelKind: oneOf(MODEL_KINDS.map((kind) => kind.id)),
    backbone: nullable(oneOf(BACKBONES.map((backbone) => backbone.id))),
    genres: genreNames,
    thresholds: array(unitInterval, { minLength: 1, maxLength: READ_LIMITS.genres }),
    input: inputSchema,
    trainConfig: trainConfigSchema,
    epochsCompleted: number({ min: 0, max: READ_LIMITS.historyEpochs, integer: true }),
    validation: nullable(object({ mapMacro: nullable(unitInterval), aucMacro: nullable(unitInterval), f1MacroTuned: nullable(unitInterval) })),
    datasetFingerprint: string({ maxLength: 200 }),
    trainingIds: optional(array(string({ minLength: 1, maxLength: 200 }), { maxLength: READ_LIMITS.trainingIds })),
    createdAt: string({ maxLength: 100 }),
  })(value, path);
  if (checked.thresholds.length !== checked.genres.length) {
    throw new SchemaError(`${path ? `${path}.` : ''}thresholds`, `one number per genre (${checked.genres.length})`, checked.thresholds);
  }
  return checked;
};

/** One weight in a manifest: its name, shape and type, with the caps above. */
export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'uint8' | 'bool';
}

export const BYTES_PER_DTYPE: Record<WeightEntry['dtype'], number> = { float32: 4, int32: 4, uint8: 1, bool: 1 };

export const weightEntrySchema: Schema<WeightEntry> = object({
  name: string({ minLength: 1, maxLength: 300 }),
  shape: array(number({ min: 0, max: 1 << 24, integer: true }), { maxLength: 6 }),
  dtype: oneOf(['float32', 'int32', 'uint8', 'bool'] as const),
});

/** Elements of a weight, or of a whole manifest. */
export const elementsOf = (entry: Pick<WeightEntry, 'shape'>) => entry.shape.reduce((a, b) => a * b, 1);

/** The headline numbers of one evaluation, as the charts and tables read them. */
const metricsSchema = object({
  numSamples: count,
  numGenres: count,
  bce: nullable(number({ min: 0, max: 1e6 })),
  labelAccuracy: nullable(unitInterval),
  mapMacro: nullable(unitInterval),
  apGenresUsed: count,
  mapMicro: nullable(unitInterval),
  aucMacro: nullable(unitInterval),
  aucGenresUsed: count,
  f1MicroAt05: nullable(unitInterval),
  f1MacroAt05: nullable(unitInterval),
  f1SamplesAt05: nullable(unitInterval),
  f1MicroTuned: nullable(unitInterval),
  f1MacroTuned: nullable(unitInterval),
  f1SamplesTuned: nullable(unitInterval),
  thresholdsGiven: boolean,
  precisionAt1: nullable(unitInterval),
  recallAt3: nullable(unitInterval),
  perGenre: array(object({ support: count, ap: nullable(unitInterval), auc: nullable(unitInterval), threshold: unitInterval, f1: unitInterval }), {
    maxLength: READ_LIMITS.genres,
  }),
});

export const epochMetricsSchema = object({
  epoch: number({ min: 1, max: READ_LIMITS.historyEpochs, integer: true }),
  train: object({ loss: number({ min: 0, max: 1e6 }), labelAccuracy: unitInterval, images: count, seconds: number({ min: 0, max: 1e9 }) }),
  validation: optional(metricsSchema),
  baseline: optional(metricsSchema),
});

export const historySchema = array(epochMetricsSchema, { maxLength: READ_LIMITS.historyEpochs });

/** A manifest group: weight files and the weights they hold, in order. */
export interface ManifestGroup {
  paths: string[];
  weights: WeightEntry[];
}

/** model.json, checked: the topology (checked again by ml/ before it is built) and its weights manifest. */
export interface CheckedModelJson {
  modelTopology: Record<string, unknown>;
  weightsManifest: ManifestGroup[];
  /** Weight file names (the paths' last part), each once, in the order their bytes concatenate. */
  fileNames: string[];
  /** Bytes the weight files must hold in all. */
  weightBytes: number;
}

type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** JSON text, refused before parsing when it is too big or nests too deep. */
function parseJsonText(text: string, where: string, maxBytes: number): Checked<unknown> {
  if (text.length > maxBytes)
    return { ok: false, error: `${where} is ${text.length.toLocaleString('en-US')} bytes; at most ${maxBytes.toLocaleString('en-US')} are read` };
  if (jsonNestsDeeperThan(text, READ_LIMITS.jsonDepth)) return { ok: false, error: `${where} nests deeper than ${READ_LIMITS.jsonDepth} levels` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, error: `${where} is not valid JSON` };
  }
}

/** metadata.json against the schema; the error names the field. */
export function checkMetadataJson(text: string): Checked<ModelMetadata> {
  const parsed = parseJsonText(text, METADATA_JSON, READ_LIMITS.metadataBytes);
  if (!parsed.ok) return parsed;
  const value = parsed.value as Record<string, unknown> | null;
  if (typeof value !== 'object' || value === null || value.format !== MODEL_FORMAT) {
    return { ok: false, error: `${METADATA_JSON} is not a Poster Genres model description (format should be "${MODEL_FORMAT}")` };
  }
  if (value.formatVersion !== MODEL_FORMAT_VERSION) {
    return {
      ok: false,
      error: `${METADATA_JSON} has format version ${describeValue(value.formatVersion)}; this app reads version ${MODEL_FORMAT_VERSION} only`,
    };
  }
  return checkValue(metadataSchema, value, METADATA_JSON);
}

const manifestSchema = array(
  object({
    paths: array(string({ minLength: 1, maxLength: 500 }), { minLength: 1, maxLength: READ_LIMITS.weightFiles }),
    weights: array(weightEntrySchema, { maxLength: READ_LIMITS.weightEntries }),
  }),
  { minLength: 1, maxLength: READ_LIMITS.weightFiles },
);

/**
 * model.json, checked before any weight file is read: a layers model with a
 * manifest of at most READ_LIMITS entries, each weight file named once, and
 * the bytes the weight files must hold.
 */
export function checkModelJson(text: string): Checked<CheckedModelJson> {
  const parsed = parseJsonText(text, MODEL_JSON, READ_LIMITS.modelJsonBytes);
  if (!parsed.ok) return parsed;
  const value = parsed.value as Record<string, unknown> | null;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof value.modelTopology !== 'object' ||
    value.modelTopology === null ||
    Array.isArray(value.modelTopology)
  ) {
    return { ok: false, error: `${MODEL_JSON} is not a TensorFlow.js layers model (no modelTopology)` };
  }
  const manifest = checkValue(manifestSchema, value.weightsManifest, `${MODEL_JSON}: weightsManifest`);
  if (!manifest.ok) return manifest;
  const fileNames = manifest.value.flatMap((group) => group.paths.map((path) => path.split('/').pop() ?? path));
  const repeated = fileNames.find((name, k) => fileNames.indexOf(name) !== k);
  if (repeated)
    return { ok: false, error: `${MODEL_JSON} lists the weight file ${repeated} ${fileNames.filter((name) => name === repeated).length} times` };
  const weights = manifest.value.flatMap((group) => group.weights);
  const parameters = weights.reduce((sum, entry) => sum + elementsOf(entry), 0);
  if (parameters > READ_LIMITS.parameters) {
    return {
      ok: false,
      error: `${MODEL_JSON} describes ${parameters.toLocaleString('en-US')} parameters; at most ${READ_LIMITS.parameters.toLocaleString('en-US')} are loaded`,
    };
  }
  const weightBytes = weights.reduce((sum, entry) => sum + elementsOf(entry) * BYTES_PER_DTYPE[entry.dtype], 0);
  return {
    ok: true,
    value: { modelTopology: value.modelTopology as Record<string, unknown>, weightsManifest: manifest.value, fileNames, weightBytes },
  };
}
