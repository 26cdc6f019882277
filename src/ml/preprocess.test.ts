import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InputSpec } from '../data/inputSpec';
import { mirroredInput, mirrorPixels, pixelsToInput } from './preprocess';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('pixelsToInput', () => {
  it('scales to [0,1] for the tutorial CNN and to [-1,1] for MobileNets', async () => {
    const pixels = Uint8Array.of(0, 51, 255, 255, 0, 102);
    const unit = pixelsToInput(pixels, 1, { height: 1, width: 2, scaling: 'unit' });
    const symmetric = pixelsToInput(pixels, 1, { height: 1, width: 2, scaling: 'symmetric' });
    expect(unit.shape).toEqual([1, 1, 2, 3]);
    expect(Array.from(await unit.data())).toEqual([0, 0.2, 1, 1, 0, 0.4].map(Math.fround));
    const expected = [-1, 51 / 127.5 - 1, 1, 1, -1, 102 / 127.5 - 1];
    Array.from(await symmetric.data()).forEach((value, k) => expect(value).toBeCloseTo(expected[k], 6));
    tf.dispose([unit, symmetric]);
  });

  it('gives every batch its own tensor although the int32 copy is reused', async () => {
    const spec: InputSpec = { height: 2, width: 2, scaling: 'unit' };
    const before = tf.memory().numTensors;
    const first = pixelsToInput(new Uint8Array(12).fill(255), 1, spec);
    // A bigger batch, then a smaller one, through the same scratch buffer.
    const second = pixelsToInput(new Uint8Array(24).fill(0), 2, spec);
    const third = pixelsToInput(new Uint8Array(12).fill(51), 1, spec);
    expect(Array.from(await first.data())).toEqual(new Array(12).fill(1));
    expect(Array.from(await second.data())).toEqual(new Array(24).fill(0));
    expect(Array.from(await third.data())).toEqual(new Array(12).fill(Math.fround(0.2)));
    tf.dispose([first, second, third]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('uses only the posters asked for from a longer buffer, and refuses a short one', () => {
    const spec: InputSpec = { height: 1, width: 1, scaling: 'unit' };
    const input = pixelsToInput(new Uint8Array(9), 2, spec);
    expect(input.shape).toEqual([2, 1, 1, 3]);
    input.dispose();
    expect(() => pixelsToInput(new Uint8Array(5), 2, spec)).toThrow('pixel buffer holds 5 bytes, 6 needed for 2 posters');
  });
});

describe('mirroredInput', () => {
  // 2 posters of 3 rows x 5 pixels: an odd width keeps a middle pixel in place.
  const spec: InputSpec = { height: 3, width: 5, scaling: 'symmetric' };
  const pixels = Uint8Array.from({ length: 2 * 3 * 5 * 3 }, (_, k) => (k * 37) % 256);

  it('mirrors the bytes of each row, pixel by pixel, keeping the channels of each pixel in order', () => {
    const mirrored = mirrorPixels(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9), 1, { height: 1, width: 3 });
    expect(Array.from(mirrored)).toEqual([7, 8, 9, 4, 5, 6, 1, 2, 3]);
  });

  it("equals tf.reverse of the input along the width, value for value (the CPU and WASM take the bytes' way)", async () => {
    const input = pixelsToInput(pixels, 2, spec);
    const mirrored = mirroredInput(input, pixels, spec);
    const reversed = tf.reverse(input, 2);
    expect(mirrored.shape).toEqual([2, 3, 5, 3]);
    expect(Array.from(await mirrored.data())).toEqual(Array.from(await reversed.data()));
    tf.dispose([input, mirrored, reversed]);
  });
});
