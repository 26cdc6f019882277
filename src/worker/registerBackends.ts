/// <reference lib="webworker" />
/**
 * The backends a worker may use besides TensorFlow.js' built-in WebGL and CPU:
 * WebGPU (registered by importing it) and WASM, whose binaries Vite serves
 * from this origin (nothing is fetched from a CDN). Import this module once,
 * first, in every worker that runs models.
 *
 * WASM runs one thread per core when the page is cross-origin isolated (the
 * preview server's COOP/COEP headers, vite.config.ts): tfjs' own default is
 * half the cores, which is one on a 2-core machine. Without isolation it runs
 * single-threaded, and the log says so.
 */
import '@tensorflow/tfjs-backend-webgpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { useFilterGradient } from '../ml/filterGradientByProducts';
import { registerFastWasmMatMul } from '../ml/wasmMatMul';
import { useDirectConvKernels } from '../ml/webgpuDirectConv';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});

setThreadsCount(Math.max(1, navigator.hardwareConcurrency || 1));

// WASM's own product of transposed operands is a naive loop, 14x slower than XNNPACK's (src/ml/wasmMatMul.ts).
registerFastWasmMatMul();

// WebGPU's own convolution filter gradient loops over every output position in one thread per weight (src/ml/filterGradientByProducts.ts).
useFilterGradient('products', 'webgpu');

// On a software adapter (SwiftShader), WebGPU's convolution and its filter gradient as direct kernels without barriers (src/ml/webgpuDirectConv.ts).
useDirectConvKernels(true, 'webgpu');
