import { describe, expect, it } from 'vitest';
import { workerOptionsFromUrl } from './useTrainingWorker';

describe('workerOptionsFromUrl', () => {
  it('reads the backend, the decoder count and the in-memory pixel budget', () => {
    expect(workerOptionsFromUrl('?backend=webgl&decoders=3&pixelBudgetMB=0')).toEqual({ backend: 'webgl', decodeWorkers: 3, pixelBudgetBytes: 0 });
    expect(workerOptionsFromUrl('?pixelBudgetMB=2')).toEqual({ backend: undefined, decodeWorkers: undefined, pixelBudgetBytes: 2 * 1024 * 1024 });
  });

  it('ignores what it does not understand', () => {
    expect(workerOptionsFromUrl('')).toEqual({ backend: undefined, decodeWorkers: undefined, pixelBudgetBytes: undefined });
    expect(workerOptionsFromUrl('?backend=metal&decoders=0&pixelBudgetMB=-1')).toEqual({
      backend: undefined,
      decodeWorkers: undefined,
      pixelBudgetBytes: undefined,
    });
    expect(workerOptionsFromUrl('?pixelBudgetMB=lots&decoders=2.5')).toEqual({
      backend: undefined,
      decodeWorkers: undefined,
      pixelBudgetBytes: undefined,
    });
    expect(workerOptionsFromUrl('?pixelBudgetMB=')).toEqual({ backend: undefined, decodeWorkers: undefined, pixelBudgetBytes: undefined });
  });
});
