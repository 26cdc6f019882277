/**
 * The embedding cache in IndexedDB: the browser's half of the store that
 * ml/training/embedAll.ts reads and writes.
 */
import type { EmbeddingStore } from '../ml/training/embedAll';

function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

function transactionDone(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted (disk full?)'));
  });
}

/**
 * Embeddings in IndexedDB (available in workers): database 'poster-genres',
 * object store 'embeddings', key embeddingKey(...), value the Float32Array.
 * Batches use one transaction each; per-key transactions are ~10x slower
 * over thousands of posters.
 */
export class IndexedDbEmbeddingStore implements EmbeddingStore {
  static readonly DB = 'poster-genres';
  static readonly STORE = 'embeddings';
  private db?: Promise<IDBDatabase>;

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(IndexedDbEmbeddingStore.DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(IndexedDbEmbeddingStore.STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('IndexedDB unavailable'));
    }).catch((error: unknown) => {
      this.db = undefined; // let a later call try again
      throw error;
    });
    return this.db;
  }

  async get(key: string): Promise<Float32Array | undefined> {
    return (await this.getMany([key]))[0];
  }

  async put(key: string, value: Float32Array): Promise<void> {
    await this.putMany([[key, value]]);
  }

  async getMany(keys: readonly string[]): Promise<(Float32Array | undefined)[]> {
    const db = await this.open();
    const tx = db.transaction(IndexedDbEmbeddingStore.STORE, 'readonly');
    const store = tx.objectStore(IndexedDbEmbeddingStore.STORE);
    const values = await Promise.all(keys.map((key) => requestResult<unknown>(store.get(key))));
    return values.map((value) => (value instanceof Float32Array ? value : undefined));
  }

  async putMany(entries: ReadonlyArray<readonly [string, Float32Array]>): Promise<void> {
    if (entries.length === 0) return;
    const db = await this.open();
    const tx = db.transaction(IndexedDbEmbeddingStore.STORE, 'readwrite');
    const store = tx.objectStore(IndexedDbEmbeddingStore.STORE);
    // IMPORTANT: store a copy per row; a subarray would clone its whole buffer.
    for (const [key, value] of entries) store.put(value.slice(), key);
    await transactionDone(tx);
  }

  /** Drops every cached embedding (e.g. from a "clear cache" button). */
  async clear(): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(IndexedDbEmbeddingStore.STORE, 'readwrite');
    tx.objectStore(IndexedDbEmbeddingStore.STORE).clear();
    await transactionDone(tx);
  }

  close(): void {
    void this.db?.then((db) => db.close()).catch(() => undefined);
    this.db = undefined;
  }
}

/**
 * SHA-256 of a file's bytes, hex: what the embedding cache keys a poster by.
 * Native and fast (the full set, 6,242 posters and 250 MB, in a few seconds),
 * read a few files at a time so memory stays bounded.
 */
export async function contentDigests(files: readonly Blob[], concurrency = 8): Promise<string[]> {
  const digests = new Array<string>(files.length);
  let next = 0;
  const work = async () => {
    for (let k = next++; k < files.length; k = next++) {
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await files[k].arrayBuffer()));
      digests[k] = Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, work));
  return digests;
}
