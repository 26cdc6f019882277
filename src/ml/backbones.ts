import * as tf from '@tensorflow/tfjs';
import type { BackboneInfo } from '../config/trainConfig';
import type { InputSpec } from '../data/inputSpec';
import { inferenceForward } from './fusedInference';
import { mirroredInput, pixelsToInput } from './preprocess';
import { predictProbabilities } from './trainStep';

/** Keras MobileNetV2's last feature map ([batch, 7, 7, 1280]), just before pooling. */
const FEATURE_MAP_LAYER = 'out_relu';

export type LoadBackboneResult =
  | {
      ok: true;
      /** Frozen: pixels [batch, h, w, 3] scaled per info.input -> features [batch, featureDim]. */
      model: tf.LayersModel;
      /** What was adapted on the way (e.g. pooling added), for the log. */
      notes: string[];
    }
  | { ok: false; error: string };

/** Recursively sets `trainable` on a layer and, for nested models, on every layer inside. */
export function setTrainableDeep(layer: tf.layers.Layer, trainable: boolean): void {
  // IMPORTANT: a container's own setter only reaches its direct children's
  // variables, not those of a nested model (the 0.35 backbone is a Sequential
  // wrapping a functional model), and optimizer.minimize without a var list
  // trains every variable still flagged trainable.
  layer.trainable = trainable;
  if (layer instanceof tf.LayersModel) layer.layers.forEach((child) => setTrainableDeep(child, trainable));
}

function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

function bytesPerElement(entry: tf.io.WeightsManifestEntry): number | undefined {
  const dtype = entry.quantization?.dtype ?? entry.dtype;
  switch (dtype) {
    case 'float32':
    case 'int32':
      return 4;
    case 'float16':
    case 'uint16':
      return 2;
    case 'uint8':
    case 'bool':
      return 1;
    default:
      return undefined; // strings / complex: sizes not checkable up front
  }
}

/**
 * Throws a message naming what is missing, instead of letting tfjs either skip
 * the weights silently (no weightData: the model would run on random init) or
 * fail deep inside decodeWeights on a wrong-sized buffer.
 */
function checkArtifacts(artifacts: tf.io.ModelArtifacts, where: string): void {
  if (artifacts.format === 'graph-model') {
    throw new Error(`${where} is a graph model; a layers model (tf.loadLayersModel format) is needed`);
  }
  if (artifacts.modelTopology == null) throw new Error(`${where} has no model topology`);
  const specs = artifacts.weightSpecs ?? [];
  if (specs.length === 0) throw new Error(`${where} lists no weights (weightsManifest is empty)`);
  const data = artifacts.weightData;
  if (data == null) {
    throw new Error(`${where}: weights files are missing (model.json lists ${specs.length} weights, no weight data was loaded)`);
  }
  const received = Array.isArray(data) ? data.reduce((sum, buffer) => sum + buffer.byteLength, 0) : data.byteLength;
  let expected = 0;
  for (const spec of specs) {
    const size = bytesPerElement(spec);
    if (size === undefined) return;
    expected += spec.shape.reduce((a, b) => a * b, 1) * size;
  }
  if (received !== expected) {
    throw new Error(
      `${where}: weights files hold ${received} bytes but model.json describes ${expected}` +
        ' (a weights file is missing, truncated, or from another model)',
    );
  }
}

/**
 * fetch that fails loudly: tfjs does not check the status of weight requests,
 * and a dev server answers a missing file with its HTML page (status 200).
 */
async function checkedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const url = input instanceof Request ? input.url : String(input);
  let response: Response;
  try {
    response = await fetch(input, init);
  } catch (error) {
    throw new Error(`could not fetch ${url} (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!response.ok) throw new Error(`${url} not found (HTTP ${response.status})`);
  if (url.split('?')[0].endsWith('.bin') && (response.headers.get('content-type') ?? '').includes('text/html')) {
    throw new Error(`${url} not found (the server answered with an HTML page)`);
  }
  return response;
}

function handlerFor(source: string | tf.io.IOHandler): tf.io.IOHandler {
  if (typeof source !== 'string') return source;
  // Non-HTTP schemes (indexeddb://, localstorage://) go through tfjs' own routers.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source) && !/^https?:\/\//i.test(source)) {
    const [handler] = tf.io.getLoadHandlers(source);
    if (!handler) throw new Error(`no loader for ${source}`);
    return handler;
  }
  return tf.io.http(source, { fetchFunc: checkedFetch as typeof fetch });
}

/**
 * A backbone from files the user picked (a folder, or model.json and its weight
 * files): one model JSON, and every weight file its manifest names, matched by
 * base name. Fails with what is missing rather than loading random weights.
 */
export async function backboneFilesHandler(
  files: readonly File[],
): Promise<{ ok: true; handler: tf.io.IOHandler; description: string } | { ok: false; error: string }> {
  const jsonFiles = files.filter((file) => file.name.toLowerCase().endsWith('.json'));
  if (jsonFiles.length !== 1) {
    const found = jsonFiles.map((file) => file.name).join(', ');
    return {
      ok: false,
      error: `a backbone folder needs exactly one model JSON (e.g. model.json); found ${jsonFiles.length}${found ? ` (${found})` : ''}`,
    };
  }
  const [jsonFile] = jsonFiles;
  let modelJson: Partial<tf.io.ModelJSON>;
  try {
    modelJson = JSON.parse(await jsonFile.text()) as Partial<tf.io.ModelJSON>;
  } catch {
    return { ok: false, error: `${jsonFile.name} is not valid JSON` };
  }
  const manifest = Array.isArray(modelJson.weightsManifest) ? modelJson.weightsManifest : [];
  const byName = new Map(files.map((file) => [file.name, file]));
  const shards: File[] = [];
  for (const path of manifest.flatMap((group) => group.paths ?? [])) {
    const name = path.split('/').pop() ?? path;
    const shard = byName.get(name);
    if (!shard) return { ok: false, error: `${jsonFile.name} needs the weight file ${name}, which is not among the chosen files` };
    shards.push(shard);
  }
  const handler: tf.io.IOHandler = {
    load: async () => ({
      format: modelJson.format,
      modelTopology: modelJson.modelTopology,
      weightSpecs: manifest.flatMap((group) => group.weights ?? []),
      weightData: shards.length > 0 ? await Promise.all(shards.map((shard) => shard.arrayBuffer())) : undefined,
    }),
  };
  return { ok: true, handler, description: `${jsonFile.name} + ${shards.length} weight file${shards.length === 1 ? '' : 's'}` };
}

function describeSource(source: string | tf.io.IOHandler): string {
  return typeof source === 'string' ? `backbone at ${source}` : 'backbone from the chosen files';
}

/**
 * Loads a backbone and checks it is what `info` promises: input
 * [null, h, w, 3] and output [null, featureDim]. A 4-D output
 * ([null, 7, 7, 1280], e.g. Teachable Machine's no-top model) gets global
 * average pooling appended. The model comes back frozen.
 */
export async function loadBackbone(info: BackboneInfo, source: string | tf.io.IOHandler): Promise<LoadBackboneResult> {
  const where = describeSource(source);
  let loaded: tf.LayersModel;
  try {
    const inner = handlerFor(source);
    if (!inner.load) throw new Error('the handler cannot load');
    const load = inner.load.bind(inner);
    loaded = await tf.loadLayersModel({
      load: async () => {
        const artifacts = await load();
        checkArtifacts(artifacts, where);
        return artifacts;
      },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: message.includes(where) ? message : `could not load ${where}: ${message}` };
  }

  const notes: string[] = [];
  const fail = (error: string): LoadBackboneResult => {
    loaded.dispose();
    return { ok: false, error };
  };
  if (loaded.inputs.length !== 1 || loaded.outputs.length !== 1) {
    return fail(`${where} has ${loaded.inputs.length} inputs and ${loaded.outputs.length} outputs, expected 1 and 1`);
  }
  const inputShape = loaded.inputs[0].shape;
  const wantInput = [null, info.input.height, info.input.width, 3];
  if (formatShape(inputShape) !== formatShape(wantInput)) {
    return fail(`${where} takes input ${formatShape(inputShape)}, expected ${formatShape(wantInput)} for ${info.id}`);
  }
  const isPooled = (shape: readonly (number | null)[]) => formatShape(shape) === formatShape([null, info.featureDim]);
  const isFeatureMap = (shape: readonly (number | null)[]) => shape.length === 4 && shape[3] === info.featureDim;
  let model = loaded;
  const outputShape = loaded.outputs[0].shape;
  if (!isPooled(outputShape) && !isFeatureMap(outputShape)) {
    // A full network (e.g. with its ImageNet classifier on top): cut it where
    // Teachable Machine does, at the last feature map.
    const cutAt = loaded.layers.find((layer) => layer.name === FEATURE_MAP_LAYER);
    const cutOutput = cutAt?.output;
    if (!cutOutput || Array.isArray(cutOutput) || !isFeatureMap(cutOutput.shape)) {
      return fail(`${where} outputs ${formatShape(outputShape)}, expected [null, ${info.featureDim}] features`);
    }
    model = tf.model({ name: `${info.id}_features`, inputs: loaded.inputs, outputs: cutOutput });
    // The layers above the cut are unreachable now: free their weights.
    const kept = new Set(model.layers);
    for (const layer of loaded.layers) if (!kept.has(layer)) layer.weights.forEach((weight) => weight.dispose());
    notes.push(`${where} outputs ${formatShape(outputShape)}: cut at ${FEATURE_MAP_LAYER} ${formatShape(cutOutput.shape)}`);
  }
  const mapShape = model.outputs[0].shape;
  if (isFeatureMap(mapShape)) {
    model = tf.sequential({
      name: `${info.id}_pooled`,
      layers: [model, tf.layers.globalAveragePooling2d({ name: 'feature_pool' })],
    });
    notes.push(`${where} outputs ${formatShape(mapShape)}: added global average pooling`);
  }
  setTrainableDeep(model, false);
  return { ok: true, model, notes };
}

/**
 * Backbone features for `count` posters, [count * featureDim] row-major. Uses
 * the same preprocessing path as prediction (pixelsToInput with info.input).
 */
export function extractFeatures(backbone: tf.LayersModel, pixels: Uint8Array, count: number, spec: InputSpec): Promise<Float32Array> {
  // predictProbabilities just runs model.predict on the preprocessed batch; it
  // does not care that these outputs are features rather than probabilities.
  return predictProbabilities(backbone, pixels, count, { ...spec, averageMirrored: false });
}

/**
 * Features of each poster and of its mirror image: row i is
 * [features(poster i), features(mirrored poster i)], [count * 2 * featureDim].
 * The head trains on either view (augmentation) and predicts on both (averaged).
 */
export async function extractFeaturePairs(backbone: tf.LayersModel, pixels: Uint8Array, count: number, spec: InputSpec): Promise<Float32Array> {
  const pair = tf.tidy(() => {
    const input = pixelsToInput(pixels, count, spec);
    const plain = inferenceForward(backbone, input);
    const mirrored = inferenceForward(backbone, mirroredInput(input, pixels, spec));
    return tf.concat([plain, mirrored], 1);
  });
  try {
    return (await pair.data()) as Float32Array;
  } finally {
    pair.dispose();
  }
}
