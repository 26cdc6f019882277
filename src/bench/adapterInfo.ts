import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { AdapterInfo, BenchBackendName } from './benchProtocol';

/** `GPUAdapter.info` is newer than the bundled WebGPU typings. */
interface AdapterInfoFields {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}

async function describeWebGpuAdapter(): Promise<AdapterInfo> {
  if (!('gpu' in navigator)) return { backend: 'webgpu', description: 'no navigator.gpu' };
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return { backend: 'webgpu', description: 'no WebGPU adapter' };
  const info = (adapter as unknown as { info?: AdapterInfoFields }).info ?? (await adapter.requestAdapterInfo());
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((part) => part);
  return {
    backend: 'webgpu',
    description: parts.length > 0 ? parts.join(' / ') : 'unnamed WebGPU adapter',
    isFallbackAdapter: adapter.isFallbackAdapter,
  };
}

/** The renderer string of a throwaway WebGL 2 context: the same GPU tf.js gets. */
function describeWebGlRenderer(): AdapterInfo {
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return { backend: 'webgl', description: 'no WebGL 2 context' };
  try {
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer: unknown = gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    return { backend: 'webgl', description: `WebGL 2: ${String(renderer)}` };
  } finally {
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}

/** SIMD and threads decide WASM's speed; threads need a cross-origin-isolated page (the app's is not). */
async function describeWasm(): Promise<AdapterInfo> {
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = getThreadsCount();
  return {
    backend: 'wasm',
    description:
      `WebAssembly (XNNPACK), ${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}` +
      `${crossOriginIsolated ? '' : ' (page not cross-origin isolated)'}, ${navigator.hardwareConcurrency} logical cores`,
  };
}

/** Which device actually runs the tensors: the line a benchmark result is read against. */
export async function describeAdapter(backend: BenchBackendName): Promise<AdapterInfo> {
  switch (backend) {
    case 'webgpu':
      return describeWebGpuAdapter();
    case 'webgl':
      return describeWebGlRenderer();
    case 'cpu':
      return { backend, description: `JavaScript on the CPU (${navigator.hardwareConcurrency} logical cores)` };
    case 'wasm':
      return describeWasm();
    default: {
      const unknown: never = backend;
      throw new Error(`unknown backend ${String(unknown)}`);
    }
  }
}
