import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_CONFIG } from '../config/registry.js';
import { checkModelJson } from '../config/modelMetadata';
import { sampleMetadata } from '../config/modelMetadata.testkit';
import { artifactsToFiles, loadModelFiles, modelToArtifacts } from './modelFiles';

// The input of denseModel below.
const METADATA = sampleMetadata({
  input: { height: 80, width: 76, scaling: 'unit' },
  trainConfig: { ...DEFAULT_TRAIN_CONFIG, height: 80, width: 76 },
});

/** An [80, 76, 3] -> 3 model: flatten, then dense layers of `hidden` and 3 units. */
function denseModel(hidden: number): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [80, 76, 3], name: 'flatten' }),
      tf.layers.dense({ units: hidden, name: 'hidden' }),
      tf.layers.dense({ units: 3, activation: 'sigmoid', name: 'genres' }),
    ],
  });
}

async function filesOf(model: tf.LayersModel) {
  const texts = artifactsToFiles(await modelToArtifacts(model), METADATA);
  const modelJson = checkModelJson(texts.modelJson);
  if (!modelJson.ok) throw new Error(modelJson.error);
  return { modelJson: modelJson.value, metadata: METADATA, weights: texts.weights };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('loadModelFiles', () => {
  it('loads what the app exports', async () => {
    const model = denseModel(4);
    const loaded = await loadModelFiles(await filesOf(model));
    expect(loaded.ok).toBe(true);
    if (loaded.ok) loaded.value.model.dispose();
    model.dispose();
  });

  it('refuses a topology whose layer would allocate more than its manifest lists, before allocating it (issue 14, case 3)', async () => {
    // The manifest and weights of a 4-unit hidden layer, the topology of a 6000-unit one: 137 M parameters.
    const small = denseModel(4);
    const files = await filesOf(small);
    const topology = JSON.stringify(files.modelJson.modelTopology);
    files.modelJson.modelTopology = JSON.parse(topology.replace('"units":4', '"units":6000')) as Record<string, unknown>;
    const bytesBefore = tf.memory().numBytes;
    const tensorsBefore = tf.memory().numTensors;
    const loaded = await loadModelFiles(files);
    expect(loaded).toEqual({
      ok: false,
      error: 'the model cannot be built: layer hidden creates hidden/kernel of shape 18240x6000, but model.json lists 18240x4',
    });
    // Nothing left behind: the layers built before the refusal are freed too.
    expect(tf.memory().numBytes).toBe(bytesBefore);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    small.dispose();
  });

  it('refuses a model whose input is not the one metadata.json gives', async () => {
    const model = denseModel(4);
    const files = await filesOf(model);
    const loaded = await loadModelFiles({ ...files, metadata: { ...METADATA, input: { ...METADATA.input, height: 96 } } });
    expect(loaded).toEqual({ ok: false, error: 'model.json: the model takes input [null,80,76,3] but metadata.json says 96x76x3' });
    model.dispose();
  });
});
