import * as tf from '@tensorflow/tfjs';

/**
 * A faster matrix product for the WASM backend when an operand is transposed.
 *
 * tfjs' WASM BatchMatMul hands the plain product to XNNPACK (about 10 GFLOPS
 * on one core here) but computes transposed operands in a naive loop: a^T b,
 * which every dense layer's weight gradient needs, ran at 0.64 GFLOPS, 14x
 * slower (measured in Node: [64, 1280]^T x [64, 256], 65 ms against 4.7 ms
 * for an explicit transpose followed by the plain product). Training the
 * pretrained path's head spent most of its time there.
 *
 * So: transpose the operand first (a memory shuffle), then run the stock
 * kernel without transposes. Same numbers, in another summation order
 * (tests check them against the stock kernel); other backends are untouched.
 */
const KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

let registered = false;

export function registerFastWasmMatMul(): void {
  if (registered) return;
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) throw new Error('the WASM backend is not registered');
  for (const kernelName of KERNELS) {
    const stock = tf.getKernel(kernelName, 'wasm');
    if (!stock) throw new Error(`the WASM backend has no ${kernelName} kernel`);
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({
      ...stock,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { transposeA, transposeB } = attrs as unknown as MatMulAttrs;
        if (!transposeA && !transposeB) return stock.kernelFunc({ inputs, backend, attrs });
        const made: tf.TensorInfo[] = [];
        // [..., m, n] -> [..., n, m]: the last two axes swap.
        const flip = (x: tf.TensorInfo): tf.TensorInfo => {
          const perm = x.shape.map((_, axis) => axis);
          [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
          const flipped = transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
          made.push(flipped);
          return flipped;
        };
        const a = inputs.a as tf.TensorInfo;
        const b = inputs.b as tf.TensorInfo;
        try {
          return stock.kernelFunc({
            inputs: { ...inputs, a: transposeA ? flip(a) : a, b: transposeB ? flip(b) : b },
            backend,
            attrs: { ...attrs, transposeA: false, transposeB: false },
          });
        } finally {
          made.forEach((info) => (backend as tf.KernelBackend).disposeData(info.dataId));
        }
      },
    });
  }
  registered = true;
}
