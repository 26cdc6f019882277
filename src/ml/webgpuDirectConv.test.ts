import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOFTWARE_ADAPTER } from './backend';
import { directKernelsApply, directKernelsInUse, useDirectConvKernels } from './webgpuDirectConv';

/**
 * The shaders themselves need a browser: the self-check page compares them
 * with tfjs' own kernels on SwiftShader (e2e/backend-parity.spec.ts). Here,
 * in Node, what decides where they run: registered on a backend whose adapter
 * is not a software one (the CPU backend has none), each hands every call to
 * the kernel it replaced, and switching them off puts that kernel back.
 */
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => useDirectConvKernels(false, 'cpu'));

/** A convolution's value and both its gradients (input and filter). */
function gradients(): tf.Tensor[] {
  const x = tf.variable(tf.randomNormal([1, 6, 7, 4], 0, 1, 'float32', 1));
  const filter = tf.variable(tf.randomNormal([3, 3, 4, 8], 0, 1, 'float32', 2));
  try {
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () =>
          tf
            .conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same')
            .square()
            .sum() as tf.Scalar,
        [x, filter],
      );
      return [value, grads[x.name], grads[filter.name]];
    });
  } finally {
    x.dispose();
    filter.dispose();
  }
}

describe('direct convolution kernels', () => {
  it('hand every call to the kernels they replaced where the adapter is not a software one', async () => {
    useDirectConvKernels(false, 'cpu');
    const stock = await Promise.all(gradients().map((t) => t.data()));
    useDirectConvKernels(true, 'cpu');
    expect(directKernelsInUse('cpu')).toEqual(['Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput']);
    expect(directKernelsApply()).toBe(false);
    const passedOn = await Promise.all(gradients().map((t) => t.data()));
    expect(passedOn).toEqual(stock);
  });

  it('step aside and come back', () => {
    useDirectConvKernels(false, 'cpu');
    expect(directKernelsInUse('cpu')).toEqual([]);
    useDirectConvKernels(true, 'cpu');
    useDirectConvKernels(true, 'cpu');
    expect(directKernelsInUse('cpu')).toHaveLength(3);
  });

  it('apply on the adapters the app calls software GPUs, by their tfjs description', () => {
    expect(SOFTWARE_ADAPTER.test('google / swiftshader')).toBe(true);
    expect(SOFTWARE_ADAPTER.test('mesa / llvmpipe')).toBe(true);
    expect(SOFTWARE_ADAPTER.test('nvidia / ampere')).toBe(false);
  });
});
