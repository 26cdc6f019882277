import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../lib/random';
import { augmentBatch, drawAugmentations } from './augment';
import type { InputSpec } from '../data/inputSpec';
import { pixelsToInput } from './preprocess';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SPEC: InputSpec = { height: 12, width: 10, scaling: 'symmetric' };

function batchOf(count: number): tf.Tensor4D {
  const pixels = new Uint8Array(count * SPEC.height * SPEC.width * 3).map((_, i) => (i * 37) % 256);
  return pixelsToInput(pixels, count, SPEC);
}

async function values(t: tf.Tensor): Promise<Float32Array> {
  return (await t.data()) as Float32Array;
}

describe('augmentBatch', () => {
  it('keeps the shape and value range', async () => {
    const x = batchOf(4);
    const out = augmentBatch(x, createRng(1), { scaling: 'symmetric', brightness: 0.5, contrast: 0.5 });
    expect(out.shape).toEqual([4, 12, 10, 3]);
    const v = await values(out);
    expect(v.every((value) => value >= -1 && value <= 1)).toBe(true);
    x.dispose();
    out.dispose();
  });

  it('gives the same output for the same seed and a different one for another seed', async () => {
    const x = batchOf(3);
    const options = { scaling: 'symmetric' } as const;
    const a = augmentBatch(x, createRng(7), options);
    const b = augmentBatch(x, createRng(7), options);
    const c = augmentBatch(x, createRng(8), options);
    expect(Array.from(await values(a))).toEqual(Array.from(await values(b)));
    expect(Array.from(await values(a))).not.toEqual(Array.from(await values(c)));
    tf.dispose([x, a, b, c]);
  });

  it('is the identity with every effect off, and a pure mirror with only flips on', async () => {
    const x = batchOf(2);
    const off = { scaling: 'symmetric', minArea: 1, maxArea: 1, flipProbability: 0, brightness: 0, contrast: 0 } as const;
    const same = augmentBatch(x, createRng(1), off);
    const flipped = augmentBatch(x, createRng(1), { ...off, flipProbability: 1 });
    const mirror = tf.reverse(x, 2);
    const [xv, sv, fv, mv] = await Promise.all([values(x), values(same), values(flipped), values(mirror)]);
    sv.forEach((v, i) => expect(v).toBeCloseTo(xv[i], 5));
    fv.forEach((v, i) => expect(v).toBeCloseTo(mv[i], 5));
    tf.dispose([x, same, flipped, mirror]);
  });

  it('draws crops inside the poster with the requested area', () => {
    const draws = drawAugmentations(200, createRng(3), { scaling: 'unit', minArea: 0.7, maxArea: 1 });
    let flips = 0;
    for (const { box } of draws) {
      const [y1, x1, y2, x2] = box;
      const left = Math.min(x1, x2);
      const right = Math.max(x1, x2);
      if (x1 > x2) flips++;
      expect(Math.min(y1, left)).toBeGreaterThanOrEqual(0);
      expect(Math.max(y2, right)).toBeLessThanOrEqual(1);
      const area = (y2 - y1) * (right - left);
      expect(area).toBeGreaterThanOrEqual(0.7 - 1e-9);
      expect(area).toBeLessThanOrEqual(1 + 1e-9);
    }
    expect(flips).toBeGreaterThan(70);
    expect(flips).toBeLessThan(130);
  });

  it('leaks no tensors', () => {
    const x = batchOf(2);
    const before = tf.memory().numTensors;
    const out = augmentBatch(x, createRng(2), { scaling: 'symmetric' });
    expect(tf.memory().numTensors).toBe(before + 1);
    out.dispose();
    x.dispose();
  });
});
