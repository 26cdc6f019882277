import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BACKBONES } from '../config/registry.js';
import { getBackbone, type BackboneInfo } from '../config/trainConfig';
import { backboneFilesHandler, extractFeatures, loadBackbone } from './backbones';
import { diskHandler, SHARED_MODELS_DIR } from './diskModel.testkit';

const MODELS_DIR = SHARED_MODELS_DIR;

/** Saves a model to in-memory artifacts, the same shape tf.io.http would hand back. */
async function artifactsOf(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

/** A tiny stand-in backbone: [h, w, 3] -> conv 1x1 to `channels` -> optional pooling. */
function tinyBackbone(side: number, channels: number, pool: boolean): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [side, side, 3], filters: channels, kernelSize: 1, name: 'conv' }));
  if (pool) model.add(tf.layers.globalAveragePooling2d({ name: 'pool' }));
  return model;
}

const TINY: BackboneInfo = { ...getBackbone('mobilenet_v2_035_224'), input: { height: 8, width: 8, scaling: 'symmetric' }, featureDim: 16 };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('backbone registry', () => {
  it('lists both MobileNets with their input spec and local paths', () => {
    expect(BACKBONES.map((b) => b.id)).toEqual(['mobilenet_v2_035_224', 'mobilenet_v2_100_224']);
    for (const info of BACKBONES) {
      expect(info.localPath).toBe(`/models/${info.id}/model.json`);
      expect(info.input).toEqual({ height: 224, width: 224, scaling: 'symmetric' });
      expect(info.featureDim).toBe(1280);
    }
    expect(getBackbone('mobilenet_v2_035_224').defaultUrl).toMatch(/^https:\/\/storage\.googleapis\.com\/teachable-machine-models\//);
    expect(() => getBackbone('resnet' as never)).toThrow(/unknown backbone/);
  });

  it('accepts a model that matches, frozen', async () => {
    const source = tinyBackbone(8, 16, true);
    const result = await loadBackbone(TINY, tf.io.fromMemory(await artifactsOf(source)));
    source.dispose();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.model.outputs[0].shape).toEqual([null, 16]);
    expect(result.model.trainableWeights).toHaveLength(0);
    expect(result.notes).toEqual([]);
    result.model.dispose();
  });

  it('adds global average pooling to a 4-D feature map output', async () => {
    const source = tinyBackbone(8, 16, false);
    const result = await loadBackbone(TINY, tf.io.fromMemory(await artifactsOf(source)));
    source.dispose();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.model.outputs[0].shape).toEqual([null, 16]);
    expect(result.notes[0]).toMatch(/outputs \[null, 8, 8, 16\]: added global average pooling/);
    const features = await extractFeatures(result.model, new Uint8Array(2 * 8 * 8 * 3).fill(255), 2, TINY.input);
    expect(features).toHaveLength(2 * 16);
    result.model.dispose();
  });

  it('rejects a model with the wrong input shape', async () => {
    const source = tinyBackbone(10, 16, true);
    const result = await loadBackbone(TINY, tf.io.fromMemory(await artifactsOf(source)));
    source.dispose();
    expect(result).toEqual({
      ok: false,
      error: 'backbone from the chosen files takes input [null, 10, 10, 3], expected [null, 8, 8, 3] for mobilenet_v2_035_224',
    });
  });

  it('rejects a model with the wrong output (a classifier, not features)', async () => {
    const source = tinyBackbone(8, 1000, true);
    const result = await loadBackbone(TINY, tf.io.fromMemory(await artifactsOf(source)));
    source.dispose();
    expect(result).toEqual({ ok: false, error: 'backbone from the chosen files outputs [null, 1000], expected [null, 16] features' });
  });

  it('cuts a full network (classifier on top) at out_relu and pools it, freeing the cut-off weights', async () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const map = tf.layers.conv2d({ filters: 16, kernelSize: 1, name: 'out_relu' }).apply(input) as tf.SymbolicTensor;
    const pooled = tf.layers.globalAveragePooling2d({ name: 'avg' }).apply(map) as tf.SymbolicTensor;
    const logits = tf.layers.dense({ units: 1000, name: 'predictions' }).apply(pooled) as tf.SymbolicTensor;
    const source = tf.model({ inputs: input, outputs: logits });
    const artifacts = await artifactsOf(source);
    source.dispose();
    const tensorsBefore = tf.memory().numTensors;
    const result = await loadBackbone(TINY, tf.io.fromMemory(artifacts));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.model.outputs[0].shape).toEqual([null, 16]);
    expect(result.notes).toEqual([
      'backbone from the chosen files outputs [null, 1000]: cut at out_relu [null, 8, 8, 16]',
      'backbone from the chosen files outputs [null, 8, 8, 16]: added global average pooling',
    ]);
    // Only the conv's kernel and bias remain.
    expect(tf.memory().numTensors).toBe(tensorsBefore + 2);
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('rejects artifacts whose weights are missing or truncated, naming the problem', async () => {
    const source = tinyBackbone(8, 16, true);
    const artifacts = await artifactsOf(source);
    source.dispose();
    const missing = await loadBackbone(TINY, tf.io.fromMemory({ ...artifacts, weightData: undefined }));
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error).toMatch(/weights files are missing \(model.json lists 2 weights/);
    const full = artifacts.weightData as ArrayBuffer;
    const truncated = await loadBackbone(TINY, tf.io.fromMemory({ ...artifacts, weightData: full.slice(0, 8) }));
    expect(truncated.ok).toBe(false);
    if (!truncated.ok) expect(truncated.error).toMatch(/weights files hold 8 bytes but model.json describes 256/);
  });

  it('loads a backbone from picked files, and names what a picked folder lacks', async () => {
    const source = tinyBackbone(8, 16, true);
    const artifacts = await artifactsOf(source);
    source.dispose();
    const modelJson = JSON.stringify({
      format: 'layers-model',
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: artifacts.weightSpecs }],
    });
    const weights = new File([artifacts.weightData as ArrayBuffer], 'group1-shard1of1.bin');
    const json = new File([modelJson], 'model.json');

    const picked = await backboneFilesHandler([weights, json, new File(['x'], 'README.md')]);
    expect(picked.ok && picked.description).toBe('model.json + 1 weight file');
    if (!picked.ok) return;
    const loaded = await loadBackbone(TINY, picked.handler);
    expect(loaded.ok).toBe(true);
    if (loaded.ok) loaded.model.dispose();

    const noWeights = await backboneFilesHandler([json]);
    expect(noWeights.ok || noWeights.error).toBe('model.json needs the weight file group1-shard1of1.bin, which is not among the chosen files');
    const noJson = await backboneFilesHandler([weights]);
    expect(noJson.ok || noJson.error).toMatch(/exactly one model JSON \(e.g. model.json\); found 0/);
    const broken = await backboneFilesHandler([new File(['{'], 'model.json'), weights]);
    expect(broken.ok || broken.error).toBe('model.json is not valid JSON');

    // A folder with another model: the registry's shape check names the mismatch.
    const wrong = tinyBackbone(4, 16, true);
    const wrongArtifacts = await artifactsOf(wrong);
    wrong.dispose();
    const wrongJson = new File(
      [
        JSON.stringify({
          format: 'layers-model',
          modelTopology: wrongArtifacts.modelTopology,
          weightsManifest: [{ paths: ['w.bin'], weights: wrongArtifacts.weightSpecs }],
        }),
      ],
      'model.json',
    );
    const wrongPick = await backboneFilesHandler([wrongJson, new File([wrongArtifacts.weightData as ArrayBuffer], 'w.bin')]);
    if (!wrongPick.ok) throw new Error(wrongPick.error);
    const mismatch = await loadBackbone(TINY, wrongPick.handler);
    expect(mismatch.ok || mismatch.error).toMatch(/takes input \[null, 4, 4, 3\], expected \[null, 8, 8, 3\]/);
  });

  it('names the URL of a weights file the server does not have', async () => {
    const source = tinyBackbone(8, 16, true);
    const artifacts = await artifactsOf(source);
    source.dispose();
    const modelJson = {
      format: 'layers-model',
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    };
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) =>
      String(input).endsWith('model.json')
        ? new Response(JSON.stringify(modelJson), { headers: { 'content-type': 'application/json' } })
        : new Response('<!doctype html><p>app shell</p>', { headers: { 'content-type': 'text/html' } }),
    );
    const html = await loadBackbone(TINY, 'http://localhost/models/tiny/model.json');
    expect(html).toEqual({
      ok: false,
      error:
        'could not load backbone at http://localhost/models/tiny/model.json: http://localhost/models/tiny/weights.bin not found (the server answered with an HTML page)',
    });

    vi.stubGlobal('fetch', async () => new Response('nope', { status: 404 }));
    const notFound = await loadBackbone(TINY, 'http://localhost/models/gone/model.json');
    expect(notFound.ok).toBe(false);
    if (!notFound.ok) expect(notFound.error).toMatch(/http:\/\/localhost\/models\/gone\/model.json not found \(HTTP 404\)/);
  });

  const realModel = join(MODELS_DIR, 'mobilenet_v2_035_224');
  it.skipIf(!existsSync(realModel))('loads the real MobileNetV2 0.35 from disk and gives 1280 features', async () => {
    const info = getBackbone('mobilenet_v2_035_224');
    const result = await loadBackbone(info, diskHandler(realModel));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { model } = result;
    expect(model.inputs[0].shape).toEqual([null, 224, 224, 3]);
    expect(model.trainableWeights).toHaveLength(0);
    // Nested layers too: their variables must not be picked up by a bare minimize().
    expect(model.weights.length).toBe(260);
    expect(model.weights.filter((weight) => weight.trainable)).toEqual([]);
    const pixels = new Uint8Array(2 * 224 * 224 * 3).map((_, i) => (i * 7) % 256);
    const before = tf.memory().numTensors;
    const features = await extractFeatures(model, pixels, 2, info.input);
    expect(tf.memory().numTensors).toBe(before);
    expect(features).toHaveLength(2 * 1280);
    // After ReLU6 and pooling: in [0, 6], and not all zero.
    expect(features.every((v) => v >= 0 && v <= 6)).toBe(true);
    expect(features.some((v) => v > 0)).toBe(true);
    model.dispose();
  });

  const realModel100 = join(MODELS_DIR, 'mobilenet_v2_100_224');
  it.skipIf(!existsSync(realModel100))('loads the real MobileNetV2 1.0 (three weight shards) from disk', async () => {
    const result = await loadBackbone(getBackbone('mobilenet_v2_100_224'), diskHandler(realModel100));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.model.outputs[0].shape).toEqual([null, 1280]);
    expect(result.model.countParams()).toBe(2_206_816);
    expect(result.model.weights.filter((weight) => weight.trainable)).toEqual([]);
    result.model.dispose();
  });
});
