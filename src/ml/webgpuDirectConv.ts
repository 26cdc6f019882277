import * as tf from '@tensorflow/tfjs';
import { SOFTWARE_ADAPTER } from './backend';
import { convInfoOf, type ConvKernelAttrs } from './convInfo';
import { filterGradientInUse, useFilterGradient } from './filterGradientByProducts';
import { kernelSwaps } from './kernelSwap';

/**
 * Direct convolution kernels for WebGPU on a software adapter.
 *
 * tfjs' WebGPU Conv2D is a tiled matrix product that stages tiles in
 * workgroup memory between barriers, and its filter gradient gives each
 * weight one thread that walks every output position through 4-D index
 * helpers. A software adapter (SwiftShader: what a machine without a usable
 * GPU gets) runs both far slower than WebGL: 14.5 s and 29.5 s of a 56 s
 * tutorial training step at 400x300 (`npm run bench -- --profile-only`).
 * Here each invocation computes a 4x4 block straight from the buffers (4
 * output columns x 4 output channels of the convolution, or 4 input x 4
 * output channels of the filter gradient): 16 accumulators in registers, no
 * workgroup memory, no barrier. The input gradient is the convolution of dy
 * with the turned filter, on the same program. The convolution and the filter
 * gradient sum in tfjs' own order (equal to the bit), the input gradient
 * within 1e-6; the self-check page compares all three with tfjs' kernels
 * (e2e/backend-parity.spec.ts).
 *
 * Only on a software adapter: on a real GPU the filter gradient's few
 * hundred invocations per layer would leave most of it idle, and nothing has
 * measured these kernels there yet; other adapters keep the kernels they had.
 * Only NHWC, stride 1, dilation 1, output channels a multiple of 4 (the
 * tutorial CNN's convolutions); anything else goes to the kernel it replaced.
 */
/** What runWebGPUProgram needs of a program (tfjs-backend-webgpu's WebGPUProgram, the fields used here). */
interface WebGPUProgramLike {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms: string;
  size: boolean;
  getUserCode(): string;
}

interface WebGPUBackendLike {
  /** tfjs-backend-webgpu's AdapterInfo (its fields are private in the typings). */
  adapterInfo?: { vendor?: string; architecture?: string };
  runWebGPUProgram(
    program: WebGPUProgramLike,
    inputs: tf.TensorInfo[],
    dtype: tf.DataType,
    uniforms: Array<{ type: 'int32'; data: number[] }>,
  ): tf.TensorInfo;
}

const WORKGROUP = 64;
/** Output columns and output channels per invocation. */
const COLUMNS = 4;
const CHANNELS = 4;

/** out[n, oh, ow, co] = sum over (kr, kc, ci) of x[n, oh + kr - padTop, ow + kc - padLeft, ci] * W[kr, kc, ci, co], 4 columns x 4 channels per invocation. */
function directConvShader(): string {
  return `
    fn main(index : i32) {
      let tilesPerRow = (uniforms.outShape[2] + ${COLUMNS - 1}) / ${COLUMNS};
      let channelGroups = uniforms.outShape[3] / ${CHANNELS};
      let tiles = uniforms.outShape[0] * uniforms.outShape[1] * tilesPerRow * channelGroups;
      if (index >= tiles) { return; }
      let group = index % channelGroups;
      let tile = (index / channelGroups) % tilesPerRow;
      let row = (index / (channelGroups * tilesPerRow)) % uniforms.outShape[1];
      let batch = index / (channelGroups * tilesPerRow * uniforms.outShape[1]);
      let outChannel = group * ${CHANNELS};
      let col0 = tile * ${COLUMNS};
      let inRows = uniforms.xShape[1];
      let inCols = uniforms.xShape[2];
      let inChannels = uniforms.xShape[3];
      let outChannels = uniforms.outShape[3];
      var acc0 = vec4<f32>(0.0);
      var acc1 = vec4<f32>(0.0);
      var acc2 = vec4<f32>(0.0);
      var acc3 = vec4<f32>(0.0);
      for (var kr = 0; kr < uniforms.filterSize[0]; kr++) {
        let inRow = row + kr - uniforms.pads[0];
        if (inRow < 0 || inRow >= inRows) { continue; }
        let rowBase = (batch * inRows + inRow) * inCols;
        for (var kc = 0; kc < uniforms.filterSize[1]; kc++) {
          let c0 = col0 + kc - uniforms.pads[1];
          // 0 or 1: a column outside the input contributes nothing (branch-free for SIMD lanes).
          let in0 = f32(c0 >= 0 && c0 < inCols);
          let in1 = f32(c0 + 1 >= 0 && c0 + 1 < inCols);
          let in2 = f32(c0 + 2 >= 0 && c0 + 2 < inCols);
          let in3 = f32(c0 + 3 >= 0 && c0 + 3 < inCols);
          let base0 = (rowBase + clamp(c0, 0, inCols - 1)) * inChannels;
          let base1 = (rowBase + clamp(c0 + 1, 0, inCols - 1)) * inChannels;
          let base2 = (rowBase + clamp(c0 + 2, 0, inCols - 1)) * inChannels;
          let base3 = (rowBase + clamp(c0 + 3, 0, inCols - 1)) * inChannels;
          var w = ((kr * uniforms.filterSize[1] + kc) * inChannels) * outChannels + outChannel;
          for (var ci = 0; ci < inChannels; ci++) {
            let f = vec4<f32>(W[w], W[w + 1], W[w + 2], W[w + 3]);
            acc0 += (x[base0 + ci] * in0) * f;
            acc1 += (x[base1 + ci] * in1) * f;
            acc2 += (x[base2 + ci] * in2) * f;
            acc3 += (x[base3 + ci] * in3) * f;
            w += outChannels;
          }
        }
      }
      let outRowBase = ((batch * uniforms.outShape[1] + row) * uniforms.outShape[2] + col0) * outChannels + outChannel;
      let outCols = uniforms.outShape[2];
      let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
      for (var j = 0; j < ${COLUMNS}; j++) {
        if (col0 + j < outCols) {
          let at = outRowBase + j * outChannels;
          result[at] = accs[j].x;
          result[at + 1] = accs[j].y;
          result[at + 2] = accs[j].z;
          result[at + 3] = accs[j].w;
        }
      }
    }
  `;
}

/**
 * The filter gradient, dW[kr, kc, ci, co] = sum over (n, oh, ow) of
 * x[n, oh + kr - padTop, ow + kc - padLeft, ci] * dy[n, oh, ow, co]:
 * each invocation sums 4 input channels x 4 output channels of one filter
 * offset over every output position (16 accumulators, no barrier).
 * Input channels past the last (3 for RGB) are read clamped and masked to 0.
 */
function directFilterGradientShader(): string {
  return `
    fn main(index : i32) {
      let inChannels = uniforms.xShape[3];
      let outChannels = uniforms.dyShape[3];
      let coGroups = outChannels / ${CHANNELS};
      let ciGroups = (inChannels + 3) / 4;
      let filterCols = uniforms.outShape[1];
      if (index >= uniforms.outShape[0] * filterCols * ciGroups * coGroups) { return; }
      let co = (index % coGroups) * ${CHANNELS};
      let ci = ((index / coGroups) % ciGroups) * 4;
      let kc = (index / (coGroups * ciGroups)) % filterCols;
      let kr = index / (coGroups * ciGroups * filterCols);
      let inRows = uniforms.xShape[1];
      let inCols = uniforms.xShape[2];
      let outRows = uniforms.dyShape[1];
      let outCols = uniforms.dyShape[2];
      let ci1 = min(ci + 1, inChannels - 1);
      let ci2 = min(ci + 2, inChannels - 1);
      let ci3 = min(ci + 3, inChannels - 1);
      // Output columns whose input column (ow + kc - padLeft) is inside the input.
      let owStart = max(0, uniforms.pads[1] - kc);
      let owEnd = min(outCols, inCols + uniforms.pads[1] - kc);
      var acc0 = vec4<f32>(0.0);
      var acc1 = vec4<f32>(0.0);
      var acc2 = vec4<f32>(0.0);
      var acc3 = vec4<f32>(0.0);
      for (var n = 0; n < uniforms.dyShape[0]; n++) {
        for (var oh = 0; oh < outRows; oh++) {
          let inRow = oh + kr - uniforms.pads[0];
          if (inRow < 0 || inRow >= inRows) { continue; }
          var xAt = ((n * inRows + inRow) * inCols + owStart + kc - uniforms.pads[1]) * inChannels;
          var dyAt = ((n * outRows + oh) * outCols + owStart) * outChannels + co;
          for (var ow = owStart; ow < owEnd; ow++) {
            let g = vec4<f32>(dy[dyAt], dy[dyAt + 1], dy[dyAt + 2], dy[dyAt + 3]);
            acc0 += x[xAt + ci] * g;
            acc1 += x[xAt + ci1] * g;
            acc2 += x[xAt + ci2] * g;
            acc3 += x[xAt + ci3] * g;
            xAt += inChannels;
            dyAt += outChannels;
          }
        }
      }
      let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
      for (var j = 0; j < 4; j++) {
        if (ci + j < inChannels) {
          let at = ((kr * filterCols + kc) * inChannels + ci + j) * outChannels + co;
          result[at] = accs[j].x;
          result[at + 1] = accs[j].y;
          result[at + 2] = accs[j].z;
          result[at + 3] = accs[j].w;
        }
      }
    }
  `;
}

/** One of the direct programs: a flat dispatch of `invocations`, each running `main(index)` of `code`. */
class DirectProgram implements WebGPUProgramLike {
  dispatchLayout = { x: [0, 1, 2, 3] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  size = false;

  constructor(
    public shaderKey: string,
    public variableNames: string[],
    public uniforms: string,
    public outputShape: number[],
    invocations: number,
    private readonly code: string,
  ) {
    const groups = Math.ceil(invocations / WORKGROUP);
    // The flat index spans x, then y, of the dispatch (getGlobalIndex); a dimension holds at most 65,535 groups.
    const x = Math.min(groups, 65535);
    this.dispatch = [x, Math.ceil(groups / x), 1];
  }

  getUserCode(): string {
    return this.code;
  }
}

/** The convolution (and, on the turned filter, the input gradient): 4 columns x 4 channels of `outShape` per invocation. */
function directConvProgram(outShape: number[]): DirectProgram {
  const [batch, rows, cols, channels] = outShape;
  const tiles = batch * rows * Math.ceil(cols / COLUMNS) * (channels / CHANNELS);
  return new DirectProgram('posterGenresDirectConv2d', ['x', 'W'], 'filterSize : vec2<i32>, pads : vec2<i32>,', outShape, tiles, directConvShader());
}

/** The filter gradient: 4 input x 4 output channels of one filter offset per invocation. */
function directFilterGradientProgram(filterShape: number[]): DirectProgram {
  const [rows, cols, inChannels, outChannels] = filterShape;
  const blocks = rows * cols * Math.ceil(inChannels / 4) * (outChannels / CHANNELS);
  return new DirectProgram(
    'posterGenresDirectConv2dFilterGradient',
    ['x', 'dy'],
    'pads : vec2<i32>,',
    filterShape,
    blocks,
    directFilterGradientShader(),
  );
}

/** Set by the benchmark alone, to measure the direct kernels on a real GPU too. */
let onEveryAdapter = false;

function onSoftwareAdapter(backend: unknown): boolean {
  const info = (backend as WebGPUBackendLike).adapterInfo;
  return SOFTWARE_ADAPTER.test(`${info?.vendor ?? ''} / ${info?.architecture ?? ''}`);
}

/** The benchmark's switch: the direct kernels on any WebGPU adapter (on), or on software ones only (off, the app's rule). */
export function applyDirectKernelsOnEveryAdapter(on: boolean): void {
  onEveryAdapter = on;
}

/** The direct kernels cover this case alone, on a software adapter; the rest goes to the kernels they replaced. */
function isPlain(conv: tf.backend_util.Conv2DInfo, dtype: tf.DataType, backend: unknown): boolean {
  return (
    (onEveryAdapter || onSoftwareAdapter(backend)) &&
    conv.dataFormat === 'channelsLast' &&
    conv.strideHeight === 1 &&
    conv.strideWidth === 1 &&
    conv.dilationHeight === 1 &&
    conv.dilationWidth === 1 &&
    conv.outChannels % CHANNELS === 0 &&
    dtype === 'float32'
  );
}

function directConvKernel(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    ...stock,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const x = inputs.x as tf.TensorInfo;
      const filter = inputs.filter as tf.TensorInfo;
      const conv = convInfoOf(x.shape, filter.shape, attrs as unknown as ConvKernelAttrs);
      if (!isPlain(conv, x.dtype, backend)) return stock.kernelFunc(args);
      return (backend as unknown as WebGPUBackendLike).runWebGPUProgram(directConvProgram(conv.outShape), [x, filter], 'float32', [
        { type: 'int32', data: [conv.filterHeight, conv.filterWidth] },
        { type: 'int32', data: [conv.padInfo.top, conv.padInfo.left] },
      ]);
    },
  };
}

function directFilterGradientKernel(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    ...stock,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const x = inputs.x as tf.TensorInfo;
      const dy = inputs.dy as tf.TensorInfo;
      const { filterShape } = attrs as unknown as { filterShape: number[] };
      const conv = convInfoOf(x.shape, filterShape, attrs as unknown as ConvKernelAttrs);
      if (!isPlain(conv, x.dtype, backend)) return stock.kernelFunc(args);
      return (backend as unknown as WebGPUBackendLike).runWebGPUProgram(directFilterGradientProgram([...filterShape]), [x, dy], 'float32', [
        { type: 'int32', data: [conv.padInfo.top, conv.padInfo.left] },
      ]);
    },
  };
}

/**
 * The input gradient of a stride-1 convolution is itself a convolution: of dy
 * with the filter turned half a turn and its channel axes swapped,
 * W'[kr, kc, co, ci] = W[FH-1-kr, FW-1-kc, ci, co], padded by FH-1-top and
 * FW-1-left. So it runs on the direct convolution program.
 */
function directInputGradientKernel(stock: tf.KernelConfig, backendName: string): tf.KernelConfig {
  const reverse = tf.getKernel('Reverse', backendName)?.kernelFunc;
  const transpose = tf.getKernel('Transpose', backendName)?.kernelFunc;
  return {
    ...stock,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const dy = inputs.dy as tf.TensorInfo;
      const filter = inputs.filter as tf.TensorInfo;
      const { inputShape } = attrs as unknown as { inputShape: number[] };
      const conv = convInfoOf(inputShape, filter.shape, attrs as unknown as ConvKernelAttrs);
      // The check is on the input gradient's own output: its channels are the convolution's input channels.
      if (!reverse || !transpose || !isPlain({ ...conv, outChannels: conv.inChannels }, dy.dtype, backend)) return stock.kernelFunc(args);
      const turned = reverse({ inputs: { x: filter }, backend, attrs: { dims: [0, 1] } }) as tf.TensorInfo;
      const swapped = transpose({ inputs: { x: turned }, backend, attrs: { perm: [0, 1, 3, 2] } }) as tf.TensorInfo;
      try {
        return (backend as unknown as WebGPUBackendLike).runWebGPUProgram(directConvProgram([...inputShape]), [dy, swapped], 'float32', [
          { type: 'int32', data: [conv.filterHeight, conv.filterWidth] },
          { type: 'int32', data: [conv.filterHeight - 1 - conv.padInfo.top, conv.filterWidth - 1 - conv.padInfo.left] },
        ]);
      } finally {
        (backend as tf.KernelBackend).disposeData(turned.dataId);
        (backend as tf.KernelBackend).disposeData(swapped.dataId);
      }
    },
  };
}

const DIRECT_KERNELS = {
  Conv2D: directConvKernel,
  Conv2DBackpropFilter: directFilterGradientKernel,
  Conv2DBackpropInput: directInputGradientKernel,
} satisfies Record<string, (stock: tf.KernelConfig, backendName: string) => tf.KernelConfig>;

export type DirectKernelName = keyof typeof DIRECT_KERNELS;

const swapFor = kernelSwaps((kernelName, backendName) => (replaced) => DIRECT_KERNELS[kernelName as DirectKernelName](replaced, backendName));

/** Which of the direct kernels are registered (whether they apply depends on the adapter). */
export function directKernelsInUse(backendName = 'webgpu'): DirectKernelName[] {
  return (Object.keys(DIRECT_KERNELS) as DirectKernelName[]).filter((name) => swapFor(name, backendName).inUse);
}

/** Registers every direct kernel on `backendName` (they apply on a software adapter only), or puts back what they replaced. */
export function useDirectConvKernels(direct: boolean, backendName = 'webgpu'): void {
  for (const name of Object.keys(DIRECT_KERNELS) as DirectKernelName[]) swapFor(name, backendName).use(direct);
}

/** Whether the direct kernels apply on the active backend (WebGPU on a software adapter). */
export function directKernelsApply(): boolean {
  return tf.getBackend() === 'webgpu' && onSoftwareAdapter(tf.backend());
}

/** A direct kernel against tfjs' own on one case. */
export interface DirectKernelParity {
  kernel: DirectKernelName;
  /** "x 2x9x13x3, filter 5x5x3x16, same". */
  case: string;
  /** max |direct - stock| / max |stock|. */
  relativeError: number;
  pass: boolean;
}

/** Same sums in the same order: measured 0 on SwiftShader; the limit leaves room for a compiler's fused multiply-adds. */
export const DIRECT_KERNEL_TOLERANCE = 1e-5;

/**
 * The shapes checked: 'same' (padding on every side, columns not a multiple
 * of 4) and 'valid'; RGB input (its input gradient is left to tfjs: 3
 * channels) and 8 or 16 channels.
 */
const PARITY_CASES: Array<{ x: [number, number, number, number]; filter: [number, number, number, number]; pad: 'same' | 'valid' }> = [
  { x: [2, 9, 13, 3], filter: [5, 5, 3, 16], pad: 'same' },
  { x: [2, 7, 6, 16], filter: [5, 5, 16, 8], pad: 'same' },
  { x: [1, 8, 11, 8], filter: [3, 3, 8, 4], pad: 'valid' },
];

/**
 * Each direct kernel against tfjs' own on the active backend (WebGPU on a
 * software adapter, where they apply), for the self-check page. Leaves the
 * kernels as it found them.
 */
export async function compareDirectKernelsWithStock(): Promise<DirectKernelParity[]> {
  const results: DirectKernelParity[] = [];
  for (const [k, { x: xShape, filter: filterShape, pad }] of PARITY_CASES.entries()) {
    const x = tf.randomNormal(xShape, 0, 1, 'float32', 100 + k) as tf.Tensor4D;
    const filter = tf.randomNormal(filterShape, 0, 1, 'float32', 200 + k) as tf.Tensor4D;
    const { outShape } = tf.backend_util.computeConv2DInfo(xShape, filterShape, 1, 1, pad);
    const dy = tf.randomNormal(outShape, 0, 1, 'float32', 300 + k) as tf.Tensor4D;
    const label = `x ${xShape.join('x')}, filter ${filterShape.join('x')}, ${pad}`;
    const run = async () => {
      const y = tf.conv2d(x, filter, 1, pad);
      const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad, dataFormat: 'NHWC', filterShape }) as tf.Tensor;
      const dx = tf
        .engine()
        .runKernel('Conv2DBackpropInput', { dy, filter }, { strides: 1, pad, dataFormat: 'NHWC', inputShape: xShape }) as tf.Tensor;
      try {
        return {
          Conv2D: (await y.data()) as Float32Array,
          Conv2DBackpropFilter: (await dw.data()) as Float32Array,
          Conv2DBackpropInput: (await dx.data()) as Float32Array,
        };
      } finally {
        tf.dispose([y, dw, dx]);
      }
    };
    try {
      const direct = await run();
      useDirectConvKernels(false);
      // The filter gradient the direct one stood in front of (the products), then tfjs' own.
      const appFilterGradient = filterGradientInUse();
      useFilterGradient('stock');
      let stock: Awaited<ReturnType<typeof run>>;
      try {
        stock = await run();
      } finally {
        useFilterGradient(appFilterGradient);
        useDirectConvKernels(true);
      }
      for (const kernel of Object.keys(DIRECT_KERNELS) as DirectKernelName[]) {
        let diff = 0;
        let scale = 0;
        stock[kernel].forEach((value, i) => {
          diff = Math.max(diff, Math.abs(value - direct[kernel][i]));
          scale = Math.max(scale, Math.abs(value));
        });
        const relativeError = diff / Math.max(scale, 1e-30);
        results.push({ kernel, case: label, relativeError, pass: relativeError <= DIRECT_KERNEL_TOLERANCE });
      }
    } finally {
      tf.dispose([x, filter, dy]);
    }
  }
  return results;
}
