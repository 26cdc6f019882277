import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { summarizeModel } from './modelSummary';
import type { InputSpec } from '../data/inputSpec';
import { predictProbabilities, trainOnBatch, type PixelBatch } from './trainStep';
import { buildTutorialCnn } from './tutorialCnn';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function randomBatch(size: number, spec: InputSpec, numGenres: number, seed: number): PixelBatch {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pixels = new Uint8Array(size * spec.height * spec.width * 3).map(() => Math.floor(next() * 256));
  const labels = new Uint8Array(size * numGenres).map(() => (next() < 0.15 ? 1 : 0));
  return { pixels, labels, size };
}

describe('tutorial CNN', () => {
  it('has the tutorial parameter count and output shape at 400x300', () => {
    const model = buildTutorialCnn({ height: 400, width: 300, numGenres: 25 });
    expect(model.countParams()).toBe(2_758_265);
    expect(model.outputs[0].shape).toEqual([null, 25]);
    const summary = summarizeModel(model);
    expect(summary.totalParams).toBe(2_758_265);
    expect(summary.nonTrainableParams).toBe(0);
    expect(summary.layers.find((l) => l.name === 'flatten')?.outputShape).toBe('(None, 20160)');
    expect(summary.layers[0]).toMatchObject({ type: 'Conv2D', outputShape: '(None, 396, 296, 16)', params: 1216 });
    model.dispose();
  });

  it('adapts the flatten size to other input sizes', () => {
    const model = buildTutorialCnn({ height: 96, width: 80, numGenres: 7 });
    // 96 -> 92/46 -> 42/21 -> 17/8 -> 4/2 ; 80 -> 76/38 -> 34/17 -> 13/6 -> 2/1
    expect(summarizeModel(model).layers.find((l) => l.name === 'flatten')?.outputShape).toBe('(None, 128)');
    expect(model.outputs[0].shape).toEqual([null, 7]);
    model.dispose();
  });

  it('takes a training step: finite loss, weights change, no tensor leak', async () => {
    const spec: InputSpec = { height: 76, width: 76, scaling: 'unit' };
    const numGenres = 5;
    const model = buildTutorialCnn({ ...spec, numGenres, seed: 1 });
    const optimizer = tf.train.adam(1e-3);
    const batch = randomBatch(2, spec, numGenres, 7);
    const options = { spec, numGenres };

    const before = (await model.getWeights()[0].data()).slice();
    const first = await trainOnBatch(model, optimizer, batch, options); // warm-up: Adam creates its slots
    expect(Number.isFinite(first.loss)).toBe(true);
    expect(first.loss).toBeGreaterThan(0);
    expect(first.correctLabels).toBeGreaterThanOrEqual(0);
    expect(first.correctLabels).toBeLessThanOrEqual(2 * numGenres);
    const after = await model.getWeights()[0].data();
    expect(after.some((v, i) => v !== before[i])).toBe(true);

    const tensorsAfterWarmup = tf.memory().numTensors;
    for (let step = 0; step < 2; step++) {
      await trainOnBatch(model, optimizer, batch, options);
      expect(tf.memory().numTensors).toBe(tensorsAfterWarmup);
    }
    const probs = await predictProbabilities(model, batch.pixels, batch.size, spec);
    expect(probs.length).toBe(2 * numGenres);
    expect(probs.every((p) => p >= 0 && p <= 1)).toBe(true);
    expect(tf.memory().numTensors).toBe(tensorsAfterWarmup);
    optimizer.dispose();
    model.dispose();
  });
});
