import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../lib/random';
import { filterGradientInUse, useFilterGradient } from './filterGradientByProducts';

/**
 * The products run here on the CPU backend (the same kernel functions as on
 * WebGPU, composed the same way); on WebGPU itself the self-check page's
 * gradient parity (e2e/backend-parity.spec.ts) covers them.
 */
const random = (shape: number[], seed: number) => {
  const rng = createRng(seed);
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng() * 2 - 1),
    shape,
  );
};

async function filterGradient(
  variant: 'products' | 'stock',
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  pad: 'valid' | 'same',
  strides: 1 | 2 = 1,
): Promise<{ values: Float32Array; shape: number[]; leaked: number }> {
  useFilterGradient(variant, 'cpu');
  const before = tf.memory().numTensors;
  const gradient = tf.tidy(() => {
    const x = random(xShape, 1) as tf.Tensor4D;
    const filter = random(filterShape, 2) as tf.Tensor4D;
    const dy = random(tf.conv2d(x, filter, strides, pad).shape, 3);
    return tf.grad((f: tf.Tensor) =>
      tf
        .conv2d(x, f as tf.Tensor4D, strides, pad)
        .mul(dy)
        .sum(),
    )(filter);
  });
  const values = (await gradient.data()) as Float32Array;
  const shape = gradient.shape;
  gradient.dispose();
  return { values, shape, leaked: tf.memory().numTensors - before };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => useFilterGradient('stock', 'cpu'));

describe('the filter gradient as matrix products', () => {
  const cases: Array<[string, [number, number, number, number], [number, number, number, number], 'valid' | 'same']> = [
    ['the tutorial CNN’s first layer (5x5, 3 to 16, valid)', [2, 12, 10, 3], [5, 5, 3, 16], 'valid'],
    ['a deeper layer (5x5, 16 to 32, valid)', [3, 9, 11, 16], [5, 5, 16, 32], 'valid'],
    ['same padding, a non-square filter', [2, 7, 6, 4], [3, 2, 4, 5], 'same'],
  ];
  for (const [name, xShape, filterShape, pad] of cases) {
    it(`gives the stock kernel's gradient: ${name}`, async () => {
      const stock = await filterGradient('stock', xShape, filterShape, pad);
      const products = await filterGradient('products', xShape, filterShape, pad);
      expect(filterGradientInUse('cpu')).toBe('products');
      expect(products.shape).toEqual(filterShape);
      expect(products.leaked).toBe(0);
      const worst = products.values.reduce((max, value, k) => Math.max(max, Math.abs(value - stock.values[k])), 0);
      const scale = stock.values.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
      expect(worst / scale).toBeLessThan(1e-5);
    });
  }

  it('leaves strided convolutions to the stock kernel', async () => {
    const stock = await filterGradient('stock', [2, 9, 9, 3], [3, 3, 3, 4], 'valid', 2);
    const products = await filterGradient('products', [2, 9, 9, 3], [3, 3, 3, 4], 'valid', 2);
    expect(Array.from(products.values)).toEqual(Array.from(stock.values));
  });

  it('switches back to the stock kernel', () => {
    useFilterGradient('stock', 'cpu');
    expect(filterGradientInUse('cpu')).toBe('stock');
  });
});
