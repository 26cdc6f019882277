import type * as tf from '@tensorflow/tfjs';
import {
  BYTES_PER_DTYPE,
  elementsOf,
  historySchema,
  metadataSchema,
  READ_LIMITS,
  weightEntrySchema,
  type ModelMetadata,
} from '../config/modelMetadata';
import { array, checkValue, number, object, SchemaError, string, type Schema } from '../data/schema';
import type { EpochMetrics } from './protocol';

export interface OptimizerWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Everything needed to continue a run after a reload, as structured-clonable data. */
export interface Checkpoint {
  /** The run it belongs to: every run saves under its own id, so no run overwrites another's. */
  runId: string;
  metadata: ModelMetadata;
  history: EpochMetrics[];
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
  /** Adam's moments and step count; null if the optimizer could not be saved. */
  optimizer: OptimizerWeight[] | null;
  savedAt: string;
}

/** What a store lists without reading the weights. */
export interface SavedRun {
  runId: string;
  savedAt: string;
}

/**
 * Saved runs, one checkpoint per run id. What `load` returns is untrusted
 * (another version of the app, a damaged disk, a hand-edited database):
 * checkCheckpoint it before use.
 */
export interface CheckpointStore {
  save(checkpoint: Checkpoint): Promise<void>;
  /** Newest first. */
  list(): Promise<SavedRun[]>;
  load(runId: string): Promise<unknown>;
  delete(runId: string): Promise<void>;
}

/** Runs kept: saving a new one deletes the oldest beyond these (never the one being saved). */
export const RUNS_KEPT = 3;

const optimizerSchema: Schema<OptimizerWeight[] | null> = (value, path) => {
  if (value === null) return null;
  return array(
    (entry, at) => {
      const { name, shape } = object({
        name: string({ minLength: 1, maxLength: 300 }),
        shape: array(number({ min: 0, max: 1 << 24, integer: true }), { maxLength: 6 }),
      })(entry, at);
      const data = (entry as { data?: unknown }).data;
      if (!(data instanceof Float32Array) || data.length !== elementsOf({ shape })) {
        throw new SchemaError(`${at}.data`, `${elementsOf({ shape })} float32 values`, data);
      }
      return { name, shape, data };
    },
    { maxLength: READ_LIMITS.weightEntries },
  )(value, path);
};

/**
 * A stored checkpoint against the schema imports are checked with, and its
 * weight bytes against its weight specs; the error names the field.
 */
export function checkCheckpoint(raw: unknown): { ok: true; value: Checkpoint } | { ok: false; error: string } {
  const shape = object({
    runId: string({ minLength: 1, maxLength: 100 }),
    metadata: metadataSchema,
    history: historySchema,
    weightSpecs: array(weightEntrySchema, { maxLength: READ_LIMITS.weightEntries }),
    savedAt: string({ maxLength: 100 }),
    optimizer: optimizerSchema,
  });
  const checked = checkValue(shape, raw, 'the saved run');
  if (!checked.ok) return checked;
  const { modelTopology, weightData } = raw as { modelTopology?: unknown; weightData?: unknown };
  if (typeof modelTopology !== 'object' || modelTopology === null || Array.isArray(modelTopology)) {
    return { ok: false, error: 'the saved run: "modelTopology" must be an object' };
  }
  const expected = checked.value.weightSpecs.reduce((sum, spec) => sum + elementsOf(spec) * BYTES_PER_DTYPE[spec.dtype], 0);
  if (!(weightData instanceof ArrayBuffer) || weightData.byteLength !== expected) {
    return { ok: false, error: `the saved run: "weightData" must hold the ${expected} bytes its weight specs describe` };
  }
  return { ok: true, value: { ...checked.value, modelTopology, weightData } as Checkpoint };
}

/** A storage failure in words: IndexedDB's errors often carry a name and no message. */
export function describeStorageError(error: unknown): string {
  if (error instanceof DOMException || (error instanceof Error && error.name !== 'Error')) {
    const reason = error.message || 'no reason given';
    return error.name === 'QuotaExceededError'
      ? `the browser's storage for this site is full (${error.name}: ${reason})`
      : `${error.name}: ${reason}`;
  }
  return error instanceof Error ? error.message || 'unknown error' : String(error);
}

/**
 * Checkpoints in IndexedDB, keyed by run id: store `checkpoints` holds them,
 * store `runs` their save dates, so listing reads no weights.
 */
export class IndexedDbCheckpointStore implements CheckpointStore {
  static readonly DB = 'poster-genres-runs';
  private static readonly CHECKPOINTS = 'checkpoints';
  private static readonly RUNS = 'runs';

  private open(): Promise<IDBDatabase> {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(IndexedDbCheckpointStore.DB, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(IndexedDbCheckpointStore.CHECKPOINTS);
        request.result.createObjectStore(IndexedDbCheckpointStore.RUNS);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('IndexedDB unavailable'));
    });
  }

  /** One transaction over both stores; resolves with `op`'s result once it has committed. */
  private async transact<T>(
    mode: IDBTransactionMode,
    op: (checkpoints: IDBObjectStore, runs: IDBObjectStore) => IDBRequest<T> | void,
  ): Promise<T | undefined> {
    const db = await this.open();
    try {
      return await new Promise<T | undefined>((resolve, reject) => {
        const tx = db.transaction([IndexedDbCheckpointStore.CHECKPOINTS, IndexedDbCheckpointStore.RUNS], mode);
        const request = op(tx.objectStore(IndexedDbCheckpointStore.CHECKPOINTS), tx.objectStore(IndexedDbCheckpointStore.RUNS));
        tx.oncomplete = () => resolve(request ? request.result : undefined);
        tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
        // IMPORTANT: a full disk shows up here, as a QuotaExceededError on the transaction.
        tx.onabort = () => reject(tx.error ?? new DOMException('the transaction was aborted', 'AbortError'));
      });
    } finally {
      db.close();
    }
  }

  async save(checkpoint: Checkpoint): Promise<void> {
    const run: SavedRun = { runId: checkpoint.runId, savedAt: checkpoint.savedAt };
    await this.transact('readwrite', (checkpoints, runs) => {
      checkpoints.put(checkpoint, checkpoint.runId);
      runs.put(run, checkpoint.runId);
    });
    const older = (await this.list()).filter((saved) => saved.runId !== checkpoint.runId).slice(RUNS_KEPT - 1);
    for (const saved of older) await this.delete(saved.runId);
  }

  async list(): Promise<SavedRun[]> {
    const runs = ((await this.transact('readonly', (_, store) => store.getAll())) ?? []) as unknown[];
    return runs
      .filter(
        (run): run is SavedRun =>
          typeof run === 'object' && run !== null && typeof (run as SavedRun).runId === 'string' && typeof (run as SavedRun).savedAt === 'string',
      )
      .sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  }

  async load(runId: string): Promise<unknown> {
    return this.transact('readonly', (checkpoints) => checkpoints.get(runId));
  }

  async delete(runId: string): Promise<void> {
    await this.transact('readwrite', (checkpoints, runs) => {
      checkpoints.delete(runId);
      runs.delete(runId);
    });
  }
}

/** For tests and for browsers without IndexedDB (private modes): lives as long as the worker. */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly runs = new Map<string, Checkpoint>();
  /** A failure to throw on the next save (tests: a full disk). */
  failNextSave?: Error;

  async save(checkpoint: Checkpoint): Promise<void> {
    if (this.failNextSave) {
      const error = this.failNextSave;
      this.failNextSave = undefined;
      throw error;
    }
    this.runs.set(checkpoint.runId, checkpoint);
    const older = (await this.list()).filter((run) => run.runId !== checkpoint.runId).slice(RUNS_KEPT - 1);
    older.forEach((run) => this.runs.delete(run.runId));
  }

  async list(): Promise<SavedRun[]> {
    return [...this.runs.values()].map(({ runId, savedAt }) => ({ runId, savedAt })).sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  }

  async load(runId: string): Promise<unknown> {
    return this.runs.get(runId);
  }

  async delete(runId: string): Promise<void> {
    this.runs.delete(runId);
  }
}
