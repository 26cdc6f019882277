import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../lib/random';
import { getBackbone } from '../config/trainConfig';
import { loadBackbone } from './backbones';
import { diskHandler, SHARED_MODELS_DIR } from './diskModel.testkit';
import { fineTuneStep, unfreezeTopLayers } from './fineTune';
import type { PixelBatch } from './trainStep';
import { buildHead, composeClassifier, disposeClassifier } from './transferHead';

const MODEL_035 = join(SHARED_MODELS_DIR, 'mobilenet_v2_035_224');
const GENRES = 4;

function findLayer(layer: tf.layers.Layer, name: string): tf.layers.Layer | undefined {
  if (layer.name === name) return layer;
  if (!(layer instanceof tf.LayersModel)) return undefined;
  for (const child of layer.layers) {
    const found = findLayer(child, name);
    if (found) return found;
  }
  return undefined;
}

async function weightValues(model: tf.LayersModel, layerName: string, index = 0): Promise<Float32Array> {
  const layer = findLayer(model, layerName);
  if (!layer) throw new Error(`no layer ${layerName}`);
  return ((await layer.getWeights()[index].data()) as Float32Array).slice();
}

/** A small functional backbone shaped like a MobileNet block, with a batch norm. */
function tinyBackbone(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3], name: 'pixels' });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, name: 'conv_a' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'conv_a_bn' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.depthwiseConv2d({ kernelSize: 3, name: 'conv_b' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 6, kernelSize: 1, name: 'conv_c' }).apply(x) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: pooled, name: 'tiny_backbone' });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('unfreezeTopLayers', () => {
  it('counts only weight-bearing, non-batch-norm layers from the top and can freeze everything again', () => {
    const classifier = composeClassifier(tinyBackbone(), buildHead({ featureDim: 6, numGenres: GENRES, hidden: 0, dropout: 0, l2: 0, seed: 1 }));
    const headParams = 6 * GENRES + GENRES;
    expect(unfreezeTopLayers(classifier, 2)).toEqual({ unfrozen: ['conv_b', 'conv_c'], trainableParams: headParams + (9 * 4 + 4) + (4 * 6 + 6) });
    const all = unfreezeTopLayers(classifier, 10);
    expect(all.unfrozen).toEqual(['conv_a', 'conv_b', 'conv_c']);
    expect(findLayer(classifier, 'conv_a_bn')!.trainableWeights).toEqual([]);
    expect(unfreezeTopLayers(classifier, 0)).toEqual({ unfrozen: [], trainableParams: headParams });
    // Variable-level flags agree, so even a bare optimizer.minimize() leaves the backbone alone.
    expect(findLayer(classifier, 'conv_a')!.weights.every((w) => !w.trainable)).toBe(true);
    disposeClassifier(classifier);
  });
});

describe('fineTuneStep', () => {
  it.skipIf(!existsSync(MODEL_035))(
    'moves unfrozen MobileNetV2 0.35 layers only, keeps batch norm fixed, leaks nothing',
    async () => {
      const info = getBackbone('mobilenet_v2_035_224');
      const loaded = await loadBackbone(info, diskHandler(MODEL_035));
      if (!loaded.ok) throw new Error(loaded.error);
      const head = buildHead({ featureDim: info.featureDim, numGenres: GENRES, hidden: 16, dropout: 0.2, l2: 1e-4, seed: 3 });
      const classifier = composeClassifier(loaded.model, head);
      const report = unfreezeTopLayers(classifier, 2);
      expect(report.unfrozen).toEqual(['block_16_project', 'Conv_1']);

      const pixelRng = createRng(11);
      const batch: PixelBatch = {
        pixels: new Uint8Array(2 * 224 * 224 * 3).map(() => Math.floor(pixelRng() * 256)),
        labels: Uint8Array.of(1, 0, 0, 1, 0, 1, 0, 0),
        size: 2,
      };
      const options = { spec: info.input, numGenres: GENRES, rng: createRng(5), loss: { kind: 'focal', gamma: 2 } as const };
      const optimizer = tf.train.adam(1e-3);
      const watched = ['Conv_1', 'block_16_project', 'block_16_depthwise', 'Conv1', 'head_genres'];
      const before = await Promise.all(watched.map((name) => weightValues(classifier, name)));
      const bnMeanBefore = await weightValues(classifier, 'Conv_1_bn', 2); // [gamma, beta, movingMean, movingVariance]
      const bnGammaBefore = await weightValues(classifier, 'Conv_1_bn', 0);

      const first = await fineTuneStep(classifier, optimizer, batch, options); // warm-up: Adam creates its slots
      expect(Number.isFinite(first.loss)).toBe(true);
      const tensorsAfterWarmup = tf.memory().numTensors;
      await fineTuneStep(classifier, optimizer, batch, options);
      expect(tf.memory().numTensors).toBe(tensorsAfterWarmup);

      const after = await Promise.all(watched.map((name) => weightValues(classifier, name)));
      const changed = watched.map((_, i) => after[i].some((v, j) => v !== before[i][j]));
      expect(Object.fromEntries(watched.map((name, i) => [name, changed[i]]))).toEqual({
        Conv_1: true,
        block_16_project: true,
        block_16_depthwise: false,
        Conv1: false,
        head_genres: true,
      });
      expect(await weightValues(classifier, 'Conv_1_bn', 2)).toEqual(bnMeanBefore);
      expect(await weightValues(classifier, 'Conv_1_bn', 0)).toEqual(bnGammaBefore);
      optimizer.dispose();
      disposeClassifier(classifier);
    },
    120_000,
  );
});
