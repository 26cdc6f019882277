import * as tf from '@tensorflow/tfjs';
import { convInfoOf, type ConvKernelAttrs } from './convInfo';
import { kernelSwaps } from './kernelSwap';

/**
 * A convolution's filter gradient as matrix products, for the WebGPU backend.
 *
 * tfjs' WebGPU Conv2DBackpropFilter gives each filter weight one GPU thread
 * that loops over every output position of every poster: for the tutorial
 * CNN's first layer at 400x300 that is 1,200 threads of 234,000 steps each
 * (batch 2), 54% of a training step (`npm run bench -- --profile-only`). The
 * same sum is, for each filter offset (kr, kc), one product
 *
 *   dW[kr, kc] = window(x, kr, kc)^T · dy      ([inChannels, rows] x [rows, outChannels])
 *
 * where window(x, kr, kc) is the padded input shifted by the offset, one row
 * per output position. tfjs runs a product with a long shared dimension with
 * its reduce or split-K programs, which spread the sum over many threads.
 * Same numbers in another summation order: tests check them against the stock
 * kernel. Only stride 1, dilation 1, NHWC (the tutorial CNN's convolutions);
 * anything else goes to the stock kernel.
 */
const KERNEL = 'Conv2DBackpropFilter';

type Variant = 'products' | 'stock';

function kernelFuncOf(name: string, backendName: string): tf.KernelFunc {
  const kernel = tf.getKernel(name, backendName);
  if (!kernel) throw new Error(`the ${backendName} backend has no ${name} kernel`);
  return kernel.kernelFunc;
}

function productsKernel(stock: tf.KernelConfig, backendName: string): tf.KernelConfig {
  const pad = kernelFuncOf('PadV2', backendName);
  const slice = kernelFuncOf('Slice', backendName);
  const reshape = kernelFuncOf('Reshape', backendName);
  const matMul = kernelFuncOf('BatchMatMul', backendName);
  const concat = kernelFuncOf('Concat', backendName);
  return {
    ...stock,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const x = inputs.x as tf.TensorInfo;
      const dy = inputs.dy as tf.TensorInfo;
      const { filterShape } = attrs as unknown as { filterShape: [number, number, number, number] };
      const conv = convInfoOf(x.shape, filterShape, attrs as unknown as ConvKernelAttrs);
      const plain = conv.dataFormat === 'channelsLast' && conv.strideHeight === 1 && conv.strideWidth === 1;
      if (!plain || conv.dilationHeight !== 1 || conv.dilationWidth !== 1) return stock.kernelFunc(args);

      const made: tf.TensorInfo[] = [];
      const keep = (info: tf.TensorInfo | tf.TensorInfo[]): tf.TensorInfo => {
        const one = Array.isArray(info) ? info[0] : info;
        made.push(one);
        return one;
      };
      const release = (info: tf.TensorInfo) => {
        (backend as tf.KernelBackend).disposeData(info.dataId);
        made.splice(made.indexOf(info), 1);
      };
      try {
        const { top, bottom, left, right } = conv.padInfo;
        const padded =
          top + bottom + left + right > 0
            ? keep(
                pad({
                  inputs: { x },
                  backend,
                  attrs: {
                    paddings: [
                      [0, 0],
                      [top, bottom],
                      [left, right],
                      [0, 0],
                    ],
                    constantValue: 0,
                  },
                }),
              )
            : x;
        const rows = conv.batchSize * conv.outHeight * conv.outWidth;
        const dyRows = keep(reshape({ inputs: { x: dy }, backend, attrs: { shape: [rows, conv.outChannels] } }));
        const blocks: tf.TensorInfo[] = [];
        for (let kr = 0; kr < conv.filterHeight; kr++) {
          for (let kc = 0; kc < conv.filterWidth; kc++) {
            const shifted = keep(
              slice({
                inputs: { x: padded },
                backend,
                attrs: { begin: [0, kr, kc, 0], size: [conv.batchSize, conv.outHeight, conv.outWidth, conv.inChannels] },
              }),
            );
            const windowRows = keep(reshape({ inputs: { x: shifted }, backend, attrs: { shape: [rows, conv.inChannels] } }));
            blocks.push(keep(matMul({ inputs: { a: windowRows, b: dyRows }, backend, attrs: { transposeA: true, transposeB: false } })));
            // One window at a time: the next reuses its memory.
            release(windowRows);
            release(shifted);
          }
        }
        // [filterHeight * filterWidth * inChannels, outChannels], rows in the filter's own order.
        // Concat takes its inputs as a list, which KernelFunc's type does not say.
        const stacked = keep(concat({ inputs: blocks as unknown as tf.NamedTensorInfoMap, backend, attrs: { axis: 0 } }));
        return reshape({ inputs: { x: stacked }, backend, attrs: { shape: filterShape } });
      } finally {
        made.forEach((info) => (backend as tf.KernelBackend).disposeData(info.dataId));
      }
    },
  };
}

const swapFor = kernelSwaps((_, backendName) => (stock) => productsKernel(stock, backendName));

/**
 * Puts the products in place of `backendName`'s filter-gradient kernel (or
 * back to the stock one: the benchmark compares both in one run). A backend
 * that is not registered is left alone.
 */
export function useFilterGradient(variant: Variant, backendName = 'webgpu'): void {
  swapFor(KERNEL, backendName).use(variant === 'products');
}

/** Which filter-gradient kernel `backendName` runs now. */
export function filterGradientInUse(backendName = 'webgpu'): Variant {
  return swapFor(KERNEL, backendName).inUse ? 'products' : 'stock';
}
