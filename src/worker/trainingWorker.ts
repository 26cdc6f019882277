/// <reference lib="webworker" />
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendName } from '../ml/backend';
import { IndexedDbCheckpointStore, MemoryCheckpointStore } from './checkpointStore';
import { decodePoster } from './decodePoster';
import { IndexedDbEmbeddingStore, MemoryEmbeddingStore } from './embeddingCache';
import type { WorkerEvent, WorkerRequest } from './protocol';
import { TrainingSession } from './trainingSession';

declare const self: DedicatedWorkerGlobalScope;

// Served from this origin by Vite (nothing is fetched from a CDN).
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});

async function describeAdapter(backend: BackendName): Promise<string> {
  if (backend === 'webgpu' && 'gpu' in navigator) {
    const adapter = await navigator.gpu.requestAdapter();
    // `info` is newer than the bundled WebGPU typings.
    const info = (adapter as unknown as { info?: { vendor?: string; architecture?: string; description?: string } } | null)?.info;
    const parts = [info?.vendor, info?.architecture, info?.description].filter((p) => p);
    return parts.length > 0 ? parts.join(' / ') : 'unknown WebGPU adapter';
  }
  return backend === 'webgl' ? 'WebGL 2 in an OffscreenCanvas' : 'JavaScript on the CPU';
}

const session = new TrainingSession({
  emit: (event: WorkerEvent) => self.postMessage(event),
  decode: (file, spec) => decodePoster(file, spec),
  describeAdapter,
  // Private modes may lack IndexedDB; checkpoints then last as long as the tab.
  checkpoints: typeof indexedDB === 'undefined' ? new MemoryCheckpointStore() : new IndexedDbCheckpointStore(),
  // WASM cannot train conv layers, but runs backbone inference and the dense head fast on CPUs.
  featureBackends: ['wasm'],
  embeddings: typeof indexedDB === 'undefined' ? new MemoryEmbeddingStore() : new IndexedDbEmbeddingStore(),
});

self.onmessage = (message: MessageEvent<WorkerRequest>) => {
  void session.handle(message.data);
};
