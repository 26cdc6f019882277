import { describe, expect, it } from 'vitest';
import { backendAfter, workerOptionsFromUrl } from './useTrainingWorker';

describe('workerOptionsFromUrl', () => {
  it('reads the backend, the decoder count, the in-memory pixel budget and the start timeout', () => {
    expect(workerOptionsFromUrl('?backend=webgl&decoders=3&pixelBudgetMB=0&startTimeoutS=5')).toEqual({
      backend: 'webgl',
      decodeWorkers: 3,
      pixelBudgetBytes: 0,
      startTimeoutMs: 5000,
    });
    expect(workerOptionsFromUrl('?pixelBudgetMB=2')).toMatchObject({ pixelBudgetBytes: 2 * 1024 * 1024 });
  });

  it('ignores what it does not understand', () => {
    const nothing = { backend: undefined, decodeWorkers: undefined, pixelBudgetBytes: undefined, startTimeoutMs: undefined };
    expect(workerOptionsFromUrl('')).toEqual(nothing);
    expect(workerOptionsFromUrl('?backend=metal&decoders=0&pixelBudgetMB=-1&startTimeoutS=0')).toEqual(nothing);
    expect(workerOptionsFromUrl('?pixelBudgetMB=lots&decoders=2.5&startTimeoutS=1e9')).toEqual(nothing);
    expect(workerOptionsFromUrl('?pixelBudgetMB=')).toEqual(nothing);
  });
});

describe('backendAfter', () => {
  it('gives up a backend that did not start for the next in the app’s order, and then none', () => {
    expect(backendAfter(undefined)).toBe('webgl');
    expect(backendAfter('webgpu')).toBe('webgl');
    expect(backendAfter('webgl')).toBe('cpu');
    expect(backendAfter('cpu')).toBeNull();
  });
});
