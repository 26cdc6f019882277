import type { WorkerEvent, WorkerRequest } from './protocol';

export type WorkerListener = (event: WorkerEvent) => void;

/** The UI's only handle on the training worker: typed requests out, typed events in. */
export class TrainingClient {
  private readonly worker: Worker;
  private readonly listeners = new Set<WorkerListener>();

  constructor() {
    this.worker = new Worker(new URL('./trainingWorker.ts', import.meta.url), { type: 'module', name: 'training' });
    this.worker.onmessage = (message: MessageEvent<WorkerEvent>) => {
      this.listeners.forEach((listener) => listener(message.data));
    };
    this.worker.onerror = (error: ErrorEvent) => {
      const event: WorkerEvent = { type: 'error', message: `training worker crashed: ${error.message}` };
      this.listeners.forEach((listener) => listener(event));
    };
  }

  send(request: WorkerRequest): void {
    this.worker.postMessage(request);
  }

  subscribe(listener: WorkerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  terminate(): void {
    this.listeners.clear();
    this.worker.terminate();
  }
}
