import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { BackendName } from '../config/trainConfig';
import { TrainingClient } from '../worker/client';
import type { WorkerRequest } from '../worker/protocol';
import { appReducer, initialAppState, type AppAction, type AppState } from './appState';

export interface TrainingWorker {
  state: AppState;
  send: (request: WorkerRequest) => void;
  dispatch: (action: AppAction) => void;
}

/** Page-level overrides of the worker's own choices (from the address bar; tests and benchmarks use them). */
export interface WorkerOptions {
  backend?: BackendName;
  decodeWorkers?: number;
  /** Bytes of decoded posters kept in memory between epochs (beyond it they go to disk). */
  pixelBudgetBytes?: number;
}

/** Owns the worker for the page's lifetime and folds its events into state. */
export function useTrainingWorker({ backend, decodeWorkers, pixelBudgetBytes }: WorkerOptions): TrainingWorker {
  const [state, dispatch] = useReducer(appReducer, initialAppState);
  const clientRef = useRef<TrainingClient | null>(null);

  useEffect(() => {
    const client = new TrainingClient();
    clientRef.current = client;
    const unsubscribe = client.subscribe(dispatch);
    client.send({ type: 'init', backend, decodeWorkers, pixelBudgetBytes });
    return () => {
      unsubscribe();
      client.terminate();
      clientRef.current = null;
    };
  }, [backend, decodeWorkers, pixelBudgetBytes]);

  // Stable across renders, so effects that send can list it as a dependency.
  const send = useCallback((request: WorkerRequest) => clientRef.current?.send(request), []);
  return { state, send, dispatch };
}

/**
 * `?backend=webgl|webgpu|cpu` forces a backend; `?decoders=N` sets the number
 * of poster-decoding workers (1-16); `?pixelBudgetMB=N` the megabytes of
 * decoded posters kept in memory between epochs (0-65536; the rest go to
 * disk). Anything else is ignored.
 */
export function workerOptionsFromUrl(search: string): WorkerOptions {
  const params = new URLSearchParams(search);
  const value = params.get('backend');
  const backend = value === 'webgpu' || value === 'webgl' || value === 'cpu' ? value : undefined;
  const decoders = Number(params.get('decoders'));
  const decodeWorkers = Number.isInteger(decoders) && decoders >= 1 && decoders <= 16 ? decoders : undefined;
  const budgetText = params.get('pixelBudgetMB')?.trim();
  const budgetMB = budgetText ? Number(budgetText) : NaN; // Number('') is 0
  const pixelBudgetBytes = Number.isInteger(budgetMB) && budgetMB >= 0 && budgetMB <= 65536 ? budgetMB * 1024 * 1024 : undefined;
  return { backend, decodeWorkers, pixelBudgetBytes };
}
