import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { chooseInferenceBackend } from './inferenceBackend';
import { LYING_BACKEND, registerLyingBackend } from './lyingBackend.testkit';
import { activateBackend, backendHolding, moveModelTo, weightsNotOn } from './placement';
import type { InputSpec } from '../data/inputSpec';
import { predictProbabilities } from './trainStep';

const SPEC: InputSpec = { height: 6, width: 5, scaling: 'unit' };

/** A small conv + dense model with non-zero biases, so zeroed weights show in its outputs. */
function smallModel(): tf.LayersModel {
  const model = tf.sequential();
  model.add(
    tf.layers.conv2d({
      inputShape: [SPEC.height, SPEC.width, 3],
      filters: 4,
      kernelSize: 3,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      biasInitializer: 'ones',
    }),
  );
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 3, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  return model;
}

/** Three different posters. */
const PIXELS = Uint8Array.from({ length: 3 * SPEC.height * SPEC.width * 3 }, (_, k) => (k * 37) % 256);

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerLyingBackend();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await tf.setBackend('cpu');
});

describe('moveModelTo', () => {
  it('moves every weight to the target with async reads: same outputs, no implicit move, no leak', async () => {
    const model = smallModel();
    const expected = await predictProbabilities(model, PIXELS, 3, SPEC);
    const tensors = tf.memory().numTensors;
    const implicitMoves = vi.spyOn(tf.engine(), 'moveData');

    await moveModelTo(model, 'wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(weightsNotOn(model, 'wasm')).toEqual([]);
    expect(weightsNotOn(model, 'cpu')).toHaveLength(model.weights.length);
    const onWasm = await predictProbabilities(model, PIXELS, 3, SPEC);
    onWasm.forEach((p, k) => expect(p).toBeCloseTo(expected[k], 5));

    await moveModelTo(model, 'cpu');
    expect(weightsNotOn(model, 'cpu')).toEqual([]);
    expect(implicitMoves).not.toHaveBeenCalled();
    expect(tf.memory().numTensors).toBe(tensors);
    model.dispose();
  });

  it('survives a backend whose synchronous reads return zeros, where tfjs’ own move does not', async () => {
    const model = smallModel();
    const expected = await predictProbabilities(model, PIXELS, 3, SPEC);
    await moveModelTo(model, LYING_BACKEND);
    expect(backendHolding(model.weights[0].read())).toBe(LYING_BACKEND);

    // The bug this module exists for: switch backends and let tfjs move the weights on first use.
    const twin = smallModel();
    await moveModelTo(twin, LYING_BACKEND);
    await activateBackend('cpu');
    const implicit = await predictProbabilities(twin, PIXELS, 3, SPEC);
    // Zeroed weights: every poster gets sigmoid(0) = 0.5, the same scores.
    expect(Array.from(implicit)).toEqual(new Array(9).fill(0.5));

    await moveModelTo(model, 'cpu');
    const moved = await predictProbabilities(model, PIXELS, 3, SPEC);
    moved.forEach((p, k) => expect(p).toBeCloseTo(expected[k], 6));
    model.dispose();
    twin.dispose();
  });
});

describe('chooseInferenceBackend', () => {
  it('times each candidate and leaves the model, intact, on the fastest', async () => {
    const model = smallModel();
    const expected = await predictProbabilities(model, PIXELS, 3, SPEC);
    await moveModelTo(model, LYING_BACKEND);
    // Time runs 1000x faster while the lying backend is active: it measures slowest, so the model must move off it.
    let clock = 0;
    const now = () => (clock += tf.getBackend() === LYING_BACKEND ? 1000 : 1);
    const choice = await chooseInferenceBackend(model, SPEC, [LYING_BACKEND, 'wasm', 'cpu'], now);
    expect(Object.keys(choice.measured).sort()).toEqual(['cpu', LYING_BACKEND, 'wasm'].sort());
    expect(choice.name).not.toBe(LYING_BACKEND);
    expect(tf.getBackend()).toBe(choice.name);
    expect(weightsNotOn(model, choice.name)).toEqual([]);
    const after = await predictProbabilities(model, PIXELS, 3, SPEC);
    after.forEach((p, k) => expect(p).toBeCloseTo(expected[k], 5));
    model.dispose();
  });

  it('skips a backend that cannot start and says why', async () => {
    const model = smallModel();
    const choice = await chooseInferenceBackend(model, SPEC, ['no-such-backend', 'cpu'], () => performance.now());
    expect(choice.name).toBe('cpu');
    expect(choice.failed['no-such-backend']).toMatch(/no-such-backend/);
    model.dispose();
  });
});
