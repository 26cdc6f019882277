import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { measureKernelProfile, summarizeKernels } from './measureKernels';

describe('summarizeKernels', () => {
  it('sums each kernel over its calls, by total time, with shares and the untimed counted', () => {
    const summary = summarizeKernels([
      { name: 'Conv2D', ms: 3 },
      { name: 'Relu', ms: 1 },
      { name: 'Conv2D', ms: 4 },
      { name: 'Add', ms: { error: 'no timer' } },
      // A custom-gradient op's wrapper, around kernels listed on their own.
      { name: 'fusedConv2d__op', ms: 7 },
    ]);
    expect(summary.kernelMs).toBe(8);
    expect(summary.untimed).toBe(1);
    expect(summary.kernels).toEqual([
      { name: 'Conv2D', calls: 2, ms: 7, share: 0.875 },
      { name: 'Relu', calls: 1, ms: 1, share: 0.125 },
      { name: 'Add', calls: 1, ms: 0, share: 0 },
    ]);
  });

  it('lists 25 kernels by name and sums the rest into one line', () => {
    const summary = summarizeKernels(Array.from({ length: 30 }, (_, k) => ({ name: `K${k}`, ms: 30 - k })));
    expect(summary.kernels).toHaveLength(26);
    expect(summary.kernels[25]).toEqual({ name: '(5 other kernels)', calls: 5, ms: 15, share: expect.closeTo(15 / 465, 3) });
  });
});

describe('measureKernelProfile', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('says which kernels a tutorial-CNN training step spends its time in, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const { trainingStep, backboneBatch } = await measureKernelProfile(
      { training: { height: 76, width: 76, batchSize: 2 }, backbone: null },
      5,
      () => {},
    );
    expect(backboneBatch).toBeNull();
    expect(trainingStep?.backend).toBe('cpu');
    const names = trainingStep!.kernels.map((kernel) => kernel.name);
    // The forward convolution and both of its backward passes (input and filter gradients) are there.
    expect(names).toEqual(expect.arrayContaining(['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']));
    expect(trainingStep!.kernelMs).toBeGreaterThan(0);
    expect(trainingStep!.kernelMs).toBeLessThanOrEqual(trainingStep!.wallMs);
    expect(trainingStep!.kernels.reduce((total, kernel) => total + kernel.share, 0)).toBeCloseTo(1, 2);
    expect(tf.memory().numTensors).toBe(before);
  });
});
