import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { TRAINING_BACKENDS } from '../config/registry.js';
import type { BackendName } from '../config/trainConfig';
import { TrainingClient } from '../worker/client';
import type { WorkerRequest } from '../worker/protocol';
import { appReducer, initialAppState, type AppAction, type AppState } from './appState';

export interface TrainingWorker {
  state: AppState;
  send: (request: WorkerRequest) => void;
  /** Asks the run to stop; when it has not stopped within STOP_GRACE_MS, ends the worker and starts a fresh one. */
  stop: () => void;
  dispatch: (action: AppAction) => void;
}

/** Page-level overrides of the worker's own choices (from the address bar; tests and benchmarks use them). */
export interface WorkerOptions {
  backend?: BackendName;
  decodeWorkers?: number;
  /** Bytes of decoded posters kept in memory between epochs (beyond it they go to disk). */
  pixelBudgetBytes?: number;
  /** How long TensorFlow.js may take to start on a backend before the next one is tried. */
  startTimeoutMs?: number;
}

/**
 * A Stop is honoured between batches; one batch of the tutorial CNN at
 * 400x300 can take minutes on a software GPU. Past this, the worker is ended
 * (the run's last checkpoint stays, and the new worker loads it).
 */
export const STOP_GRACE_MS = 15_000;
/** A backend that has not started by then (a hung GPU driver, say) is given up for the next one. */
export const START_TIMEOUT_MS = 60_000;

/** The backend to try after `tried` timed out (the app's own order: webgpu, webgl, cpu); null after the last. */
export function backendAfter(tried: BackendName | undefined): BackendName | null {
  const index = TRAINING_BACKENDS.indexOf(tried ?? TRAINING_BACKENDS[0]);
  return TRAINING_BACKENDS[index + 1] ?? null;
}

/** Requests a fresh worker must hear again to hold what the page shows: the dataset and a picked backbone folder. */
const REPLAYED: ReadonlySet<WorkerRequest['type']> = new Set(['loadDataset', 'chooseBackboneFiles']);

/**
 * Owns the worker for the page's lifetime and folds its events into state.
 * Never waits forever: a backend that does not start is given up for the
 * next, and a Stop that is not honoured in time restarts the worker.
 */
export function useTrainingWorker({ backend, decodeWorkers, pixelBudgetBytes, startTimeoutMs = START_TIMEOUT_MS }: WorkerOptions): TrainingWorker {
  const [state, dispatch] = useReducer(appReducer, initialAppState);
  const clientRef = useRef<TrainingClient | null>(null);
  const replay = useRef(new Map<WorkerRequest['type'], WorkerRequest>());
  const stopTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [tried, setTried] = useState<BackendName | undefined>(backend);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const client = new TrainingClient();
    clientRef.current = client;
    const startTimer = setTimeout(() => {
      const next = backendAfter(tried);
      dispatch({ type: 'ui/startTimedOut', backend: tried ?? TRAINING_BACKENDS[0], next, seconds: Math.round(startTimeoutMs / 1000) });
      if (next) setTried(next);
    }, startTimeoutMs);
    const unsubscribe = client.subscribe((event) => {
      if (event.type === 'ready') {
        clearTimeout(startTimer);
        replay.current.forEach((request) => client.send(request));
      }
      if (event.type === 'done' || (event.type === 'error' && (event.request === 'train' || event.request === 'resume')))
        clearTimeout(stopTimer.current);
      dispatch(event);
    });
    client.send({ type: 'init', backend: tried, decodeWorkers, pixelBudgetBytes });
    return () => {
      clearTimeout(startTimer);
      unsubscribe();
      client.terminate();
      clientRef.current = null;
    };
  }, [tried, decodeWorkers, pixelBudgetBytes, startTimeoutMs, generation]);

  // Stable across renders, so effects that send can list it as a dependency.
  const send = useCallback((request: WorkerRequest) => {
    if (REPLAYED.has(request.type)) replay.current.set(request.type, request);
    clientRef.current?.send(request);
  }, []);

  const stop = useCallback(() => {
    dispatch({ type: 'ui/stopRequested' });
    clientRef.current?.send({ type: 'stop' });
    clearTimeout(stopTimer.current);
    stopTimer.current = setTimeout(() => {
      dispatch({ type: 'ui/stopForced', seconds: STOP_GRACE_MS / 1000 });
      setGeneration((value) => value + 1);
    }, STOP_GRACE_MS);
  }, []);

  return { state, send, stop, dispatch };
}

/**
 * `?backend=webgl|webgpu|cpu` forces a backend; `?decoders=N` sets the number
 * of poster-decoding workers (1-16); `?pixelBudgetMB=N` the megabytes of
 * decoded posters kept in memory between epochs (0-65536; the rest go to
 * disk); `?startTimeoutS=N` how long a backend may take to start (1-600).
 * Anything else is ignored.
 */
export function workerOptionsFromUrl(search: string): WorkerOptions {
  const params = new URLSearchParams(search);
  const value = params.get('backend');
  const backend = TRAINING_BACKENDS.find((name) => name === value);
  const decoders = Number(params.get('decoders'));
  const decodeWorkers = Number.isInteger(decoders) && decoders >= 1 && decoders <= 16 ? decoders : undefined;
  const budgetText = params.get('pixelBudgetMB')?.trim();
  const budgetMB = budgetText ? Number(budgetText) : NaN; // Number('') is 0
  const pixelBudgetBytes = Number.isInteger(budgetMB) && budgetMB >= 0 && budgetMB <= 65536 ? budgetMB * 1024 * 1024 : undefined;
  const timeoutText = params.get('startTimeoutS')?.trim();
  const timeout = timeoutText ? Number(timeoutText) : NaN;
  const startTimeoutMs = Number.isInteger(timeout) && timeout >= 1 && timeout <= 600 ? timeout * 1000 : undefined;
  return { backend, decodeWorkers, pixelBudgetBytes, startTimeoutMs };
}
