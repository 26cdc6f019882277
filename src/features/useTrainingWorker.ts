import { useEffect, useReducer, useRef } from 'react';
import type { BackendName } from '../ml/backend';
import { TrainingClient } from '../worker/client';
import type { WorkerRequest } from '../worker/protocol';
import { appReducer, initialAppState, type AppAction, type AppState } from './appState';

export interface TrainingWorker {
  state: AppState;
  send: (request: WorkerRequest) => void;
  dispatch: (action: AppAction) => void;
}

/** Owns the worker for the page's lifetime and folds its events into state. */
export function useTrainingWorker(backend?: BackendName): TrainingWorker {
  const [state, dispatch] = useReducer(appReducer, initialAppState);
  const clientRef = useRef<TrainingClient | null>(null);

  useEffect(() => {
    const client = new TrainingClient();
    clientRef.current = client;
    const unsubscribe = client.subscribe(dispatch);
    client.send({ type: 'init', backend });
    return () => {
      unsubscribe();
      client.terminate();
      clientRef.current = null;
    };
  }, [backend]);

  const send = (request: WorkerRequest) => clientRef.current?.send(request);
  return { state, send, dispatch };
}

/** `?backend=webgl|webgpu|cpu` forces a backend (tests use it). */
export function backendFromUrl(search: string): BackendName | undefined {
  const value = new URLSearchParams(search).get('backend');
  return value === 'webgpu' || value === 'webgl' || value === 'cpu' ? value : undefined;
}
