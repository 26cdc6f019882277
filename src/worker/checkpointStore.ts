import type * as tf from '@tensorflow/tfjs';
import type { ModelMetadata } from '../ml/modelFiles';
import type { EpochMetrics } from './protocol';

export interface OptimizerWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Everything needed to continue a run after a reload, as structured-clonable data. */
export interface Checkpoint {
  metadata: ModelMetadata;
  history: EpochMetrics[];
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
  /** Adam's moments and step count; null if the optimizer could not be saved. */
  optimizer: OptimizerWeight[] | null;
  savedAt: string;
}

export interface CheckpointStore {
  save(checkpoint: Checkpoint): Promise<void>;
  load(): Promise<Checkpoint | undefined>;
  clear(): Promise<void>;
}

/** Keeps one checkpoint (the latest) in IndexedDB; a new run overwrites it epoch by epoch. */
export class IndexedDbCheckpointStore implements CheckpointStore {
  private static readonly DB = 'poster-genres-checkpoints';
  private static readonly STORE = 'checkpoints';
  private static readonly KEY = 'latest';

  private open(): Promise<IDBDatabase> {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(IndexedDbCheckpointStore.DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(IndexedDbCheckpointStore.STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('IndexedDB unavailable'));
    });
  }

  private async run<T>(mode: IDBTransactionMode, op: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await this.open();
    try {
      return await new Promise<T>((resolve, reject) => {
        const tx = db.transaction(IndexedDbCheckpointStore.STORE, mode);
        const request = op(tx.objectStore(IndexedDbCheckpointStore.STORE));
        tx.oncomplete = () => resolve(request.result);
        tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
        tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted (disk full?)'));
      });
    } finally {
      db.close();
    }
  }

  async save(checkpoint: Checkpoint): Promise<void> {
    await this.run('readwrite', (store) => store.put(checkpoint, IndexedDbCheckpointStore.KEY));
  }

  async load(): Promise<Checkpoint | undefined> {
    return (await this.run('readonly', (store) => store.get(IndexedDbCheckpointStore.KEY))) as Checkpoint | undefined;
  }

  async clear(): Promise<void> {
    await this.run('readwrite', (store) => store.delete(IndexedDbCheckpointStore.KEY));
  }
}

/** For tests and for browsers without IndexedDB (private modes): lives as long as the worker. */
export class MemoryCheckpointStore implements CheckpointStore {
  private checkpoint?: Checkpoint;
  async save(checkpoint: Checkpoint): Promise<void> {
    this.checkpoint = checkpoint;
  }
  async load(): Promise<Checkpoint | undefined> {
    return this.checkpoint;
  }
  async clear(): Promise<void> {
    this.checkpoint = undefined;
  }
}
