import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../lib/random';
import { registerFastWasmMatMul } from './wasmMatMul';

const random = (shape: number[], seed: number) => {
  const rng = createRng(seed);
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng() * 2 - 1),
    shape,
  );
};

/** The products on the CPU backend, the reference. */
async function onCpu(f: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend('cpu');
  const t = f();
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

beforeAll(async () => {
  await tf.setBackend('wasm');
  registerFastWasmMatMul();
});

describe('registerFastWasmMatMul', () => {
  const cases: Array<[string, number[], number[], boolean, boolean]> = [
    ['a b', [5, 7], [7, 3], false, false],
    ['a^T b (a dense layer’s weight gradient)', [7, 5], [7, 3], true, false],
    ['a b^T (its input gradient)', [5, 7], [3, 7], false, true],
    ['a^T b^T', [7, 5], [3, 7], true, true],
    ['batched a^T b', [2, 7, 5], [2, 7, 3], true, false],
  ];
  for (const [name, aShape, bShape, transposeA, transposeB] of cases) {
    it(`computes ${name} as the CPU does, and frees its transposed copies`, async () => {
      const product = () => tf.tidy(() => tf.matMul(random(aShape, 1), random(bShape, 2), transposeA, transposeB));
      const expected = await onCpu(product);
      await tf.setBackend('wasm');
      const before = tf.memory().numTensors;
      const result = product();
      const values = await result.data();
      result.dispose();
      expect(tf.memory().numTensors).toBe(before);
      expect(values.length).toBe(expected.length);
      values.forEach((value, k) => expect(value).toBeCloseTo(expected[k], 4));
    });
  }

  it('fused products (dense layers) with a transposed operand, and their gradients', async () => {
    const run = () =>
      tf.tidy(() => {
        const x = random([4, 6], 3);
        const w = random([3, 6], 4);
        const bias = random([3], 5);
        const f = (wt: tf.Tensor) => tf.fused.matMul({ a: x, b: wt, transposeB: true, bias, activation: 'relu' }).sum();
        const { value, grad } = tf.valueAndGrad(f)(w);
        return tf.concat([value.reshape([1]), grad.flatten()]);
      });
    const expected = await onCpu(run);
    await tf.setBackend('wasm');
    const result = run();
    const values = await result.data();
    result.dispose();
    values.forEach((value, k) => expect(value).toBeCloseTo(expected[k], 4));
  });
});
