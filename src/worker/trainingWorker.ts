/// <reference lib="webworker" />
import './registerBackends';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from '../config/trainConfig';
import { IndexedDbCheckpointStore, MemoryCheckpointStore } from './checkpointStore';
import { DecodePool, defaultDecodeWorkerCount } from './decodePool';
import { decodePoster, PosterDecodeError } from './decodePoster';
import { MemoryEmbeddingStore } from '../ml/training/embedAll';
import { IndexedDbEmbeddingStore } from './embeddingCache';
import { OpfsPixelSpill, removeOrphanSpills } from './opfsPixelSpill';
import { BrowserRunLocks, MemoryRunLocks } from './runLocks';
import { RequestDispatcher } from './dispatcher';
import type { DecodeFn } from './posterBatches';
import type { WorkerEvent, WorkerRequest } from './protocol';
import { WorkerSession } from './session';

declare const self: DedicatedWorkerGlobalScope;

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

/**
 * Posters are decoded in a pool of workers, off this thread, so decoding the
 * next batch overlaps the backend's work on this one. Created on 'init' (the
 * page may set its size); if the pool itself breaks (no nested workers, say),
 * decoding falls back to this thread rather than failing the run.
 */
let pool: DecodePool | undefined;
let poolNote = 'posters decoded on the training thread';

function startDecodePool(size: number): void {
  try {
    pool = new DecodePool(size);
    poolNote = `posters decoded by ${size} worker${size === 1 ? '' : 's'}`;
  } catch (error) {
    poolNote = `posters decoded on the training thread (no decode workers: ${error instanceof Error ? error.message : String(error)})`;
  }
}

const decode: DecodeFn = async (file, spec) => {
  if (!pool) return decodePoster(file, spec);
  try {
    return await pool.decode(file, spec);
  } catch (error) {
    if (error instanceof PosterDecodeError) throw error;
    pool?.dispose();
    pool = undefined;
    poolNote = `posters decoded on the training thread (the decode workers failed: ${error instanceof Error ? error.message : String(error)})`;
    self.postMessage({ type: 'log', message: poolNote } satisfies WorkerEvent);
    return decodePoster(file, spec);
  }
};

// Private modes may lack IndexedDB; the cache then lasts as long as the tab.
const embeddings = typeof indexedDB === 'undefined' ? new MemoryEmbeddingStore() : new IndexedDbEmbeddingStore();

const session = new WorkerSession({
  emit: (event: WorkerEvent) => self.postMessage(event),
  decode,
  // Posters beyond the in-memory budget (400x300: 2.2 GB for the full set) are read back from disk, not decoded again.
  pixelSpill: (bytesPerPoster, note, runId) => new OpfsPixelSpill(bytesPerPoster, note, runId),
  describeAdapter: async (backend) => `${await describeAdapter(backend)}; ${poolNote}`,
  // Private modes may lack IndexedDB; checkpoints then last as long as the tab.
  checkpoints: typeof indexedDB === 'undefined' ? new MemoryCheckpointStore() : new IndexedDbCheckpointStore(),
  // WASM cannot train conv layers, but runs backbone inference and the dense head fast on CPUs.
  inferenceBackends: ['wasm'],
  describeInferenceBackend: (backend) => {
    if (backend !== 'wasm') return '';
    // One thread: the page is not cross-origin isolated (see the README's browser requirements).
    const threads = getThreadsCount();
    return `${threads} thread${threads === 1 ? '' : 's'}`;
  },
  embeddings,
  locks: typeof navigator.locks === 'undefined' ? new MemoryRunLocks() : new BrowserRunLocks(),
  storage: {
    estimate: async () => {
      const estimate = await navigator.storage?.estimate?.();
      return { bytes: estimate?.usage ?? null, quota: estimate?.quota ?? null };
    },
    removeOrphanSpills,
    clearEmbeddings: () => embeddings.clear(),
  },
});

const dispatcher = new RequestDispatcher(session);
session.betweenBatches = () => dispatcher.serveWaiting();

self.onmessage = (message: MessageEvent<WorkerRequest>) => {
  if (message.data.type === 'init' && !pool) startDecodePool(message.data.decodeWorkers ?? defaultDecodeWorkerCount(navigator.hardwareConcurrency));
  void dispatcher.push(message.data);
};
