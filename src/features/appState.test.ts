import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_CONFIG } from '../config/registry.js';
import type { TrainConfig } from '../config/trainConfig';
import type { EpochMetrics } from '../worker/protocol';
import { appReducer, initialAppState, type AppAction, type AppState } from './appState';

const fold = (actions: AppAction[], from: AppState = initialAppState) => actions.reduce(appReducer, from);
const CONFIG: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, epochs: 3 };
const FINE_TUNE: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, modelKind: 'mobilenet-finetune', epochs: 60, fineTuneEpochs: 2 };
const epoch = (n: number): EpochMetrics => ({ epoch: n, train: { loss: 0.5 / n, labelAccuracy: 0.9, images: 10, seconds: 1 } });

describe('appReducer', () => {
  it('shows the backend once the worker is ready', () => {
    const state = fold([{ type: 'ready', backend: 'webgpu', adapter: 'google / swiftshader', skipped: [] }]);
    expect(state.backend).toEqual({ name: 'webgpu', adapter: 'google / swiftshader', skipped: [] });
  });

  it('follows a run from the click to its end: status, progress, history and log', () => {
    const started = fold([
      { type: 'log', message: 'from an earlier run' },
      { type: 'ui/trainRequested', config: CONFIG, at: 1000 },
      { type: 'log', message: 'embedding 4 posters…' },
      { type: 'trainingStarted', config: CONFIG, trainPosters: 8, validationPosters: 2, batchesPerEpoch: 4 },
    ]);
    // The log restarts with the click; lines the worker wrote before the first epoch survive.
    expect(started.log).toEqual(['embedding 4 posters…']);
    expect(started.status).toBe('running');
    expect(started.progress).toMatchObject({ epoch: 0, epochs: 3, batchesPerEpoch: 4, trainPosters: 8 });

    const running = fold(
      [
        { type: 'epochStart', epoch: 1, epochs: 3 },
        { type: 'batchEnd', epoch: 1, batch: 2, batchesPerEpoch: 4, loss: 0.6, imagesPerSecond: 5, etaSeconds: 9 },
        { type: 'epochEnd', metrics: epoch(1) },
      ],
      started,
    );
    expect(running.progress).toMatchObject({ epoch: 1, batch: 2, imagesPerSecond: 5, etaSeconds: 9 });
    expect(running.history).toEqual([epoch(1)]);

    expect(fold([{ type: 'done', reason: 'completed', epochsCompleted: 3 }], running).status).toBe('completed');
    expect(fold([{ type: 'ui/stopRequested' }], running).status).toBe('stopping');
    expect(fold([{ type: 'ui/stopRequested' }, { type: 'done', reason: 'stopped', epochsCompleted: 1 }], running).status).toBe('stopped');
  });

  it('counts head and fine-tuning epochs for a fine-tuned model', () => {
    const state = fold([{ type: 'trainingStarted', config: FINE_TUNE, trainPosters: 8, validationPosters: 2, batchesPerEpoch: 1 }]);
    expect(state.progress?.epochs).toBe(62);
  });

  it('a failed run shows its error and the status failed; a refused request only its message', () => {
    const running = fold([{ type: 'ui/trainRequested', config: CONFIG, at: 1000 }]);
    const refused = fold(
      [{ type: 'error', message: 'importModel refused: a training run is going on: stop it first', request: 'importModel', refused: true }],
      running,
    );
    expect(refused.status).toBe('running');
    expect(refused.errors).toEqual(['importModel refused: a training run is going on: stop it first']);
    const failed = fold([{ type: 'error', message: 'out of memory', request: 'train' }], running);
    expect(failed.status).toBe('failed');
    expect(fold([{ type: 'ui/dismissErrors' }], failed).errors).toEqual([]);
  });

  it('a resumed run shows the history from before the reload; a backend change is a notice', () => {
    const state = fold([
      { type: 'resumed', history: [epoch(1), epoch(2)], fromEpoch: 3 },
      { type: 'backendChanged', backend: 'webgl', reason: 'WebGPU failed during training (device lost); continuing on webgl' },
    ]);
    expect(state.history.map((metrics) => metrics.epoch)).toEqual([1, 2]);
    expect(state.notices).toEqual(['WebGPU failed during training (device lost); continuing on webgl']);
  });

  it('folder prediction: running, progress, result; an error ends it', () => {
    const requested = fold([
      { type: 'ui/batchRequested', at: 1000 },
      { type: 'batchProgress', done: 16, total: 40 },
    ]);
    expect(requested.batch).toEqual({ running: true, startedAt: 1000, progress: { done: 16, total: 40 } });
    expect(fold([{ type: 'error', message: 'bad csv', request: 'predictFolder' }], requested).batch).toEqual({ running: false });
  });
});
