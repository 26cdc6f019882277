import { describe, expect, it } from 'vitest';
import { DEFAULT_PRETRAINED, defaultBenchConfig, parseBenchConfig, sizeLabel } from './benchConfig';

describe('parseBenchConfig', () => {
  it('gives the defaults for no text, with the pool compared against one worker and none', () => {
    const result = parseBenchConfig(null, 8);
    expect(result).toEqual({ ok: true, value: defaultBenchConfig(8) });
    if (!result.ok) return;
    expect(result.value.decode?.workerCounts).toEqual([0, 1, 8]);
    expect(result.value.decodeWorkers).toBe(4);
  });

  it('still compares a pool of two on a one- or two-core machine', () => {
    expect(defaultBenchConfig(1).decode?.workerCounts).toEqual([0, 1, 2]);
    expect(defaultBenchConfig(2).decode?.workerCounts).toEqual([0, 1, 2]);
  });

  it('replaces top-level keys and keeps the others', () => {
    const result = parseBenchConfig('{"backend":"webgl","decode":null,"prediction":null}', 2);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.backend).toBe('webgl');
    expect(result.value.decode).toBeNull();
    expect(result.value.training).toEqual(defaultBenchConfig(2).training);
  });

  it('merges decode, prediction and memory objects field by field', () => {
    const result = parseBenchConfig('{"decode":{"posters":24},"memory":{"epochs":4}}', 2);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.decode).toEqual({ ...defaultBenchConfig(2).decode, posters: 24 });
    expect(result.value.memory).toEqual({ ...defaultBenchConfig(2).memory, epochs: 4 });
  });

  it('measures the pretrained path as the app runs it by default: MobileNetV2 1.0, embedding batch 32 with mirrors, head batch 64', () => {
    expect(defaultBenchConfig(2).pretrained).toEqual(DEFAULT_PRETRAINED);
    expect(DEFAULT_PRETRAINED).toMatchObject({
      backbone: 'mobilenet_v2_100_224',
      embedBatchSize: 32,
      mirrorPosters: true,
      headBatchSize: 64,
      headRows: 2000,
    });
  });

  it('takes mirrorPosters as true or false only', () => {
    expect(parseBenchConfig('{"pretrained":{"mirrorPosters":false}}', 2)).toMatchObject({
      ok: true,
      value: { pretrained: { mirrorPosters: false } },
    });
    expect(parseBenchConfig('{"pretrained":{"mirrorPosters":"yes"}}', 2)).toEqual({
      ok: false,
      errors: ['pretrained.mirrorPosters must be true or false'],
    });
  });

  it('merges a pretrained object field by field, and null skips it', () => {
    const merged = parseBenchConfig('{"pretrained":{"embedTimedBatches":5}}', 2);
    expect(merged).toEqual({ ok: true, value: { ...defaultBenchConfig(2), pretrained: { ...DEFAULT_PRETRAINED, embedTimedBatches: 5 } } });
    const skipped = parseBenchConfig('{"pretrained":null}', 2);
    expect(skipped.ok && skipped.value.pretrained).toBeNull();
  });

  it('runs only the pretrained path on wasm, where the app trains no CNN', () => {
    const onlyPretrained = parseBenchConfig('{"backend":"wasm","training":[],"prediction":null,"memory":null,"profile":{"training":null}}', 2);
    expect(onlyPretrained.ok && onlyPretrained.value.backend).toBe('wasm');
    expect(parseBenchConfig('{"backend":"wasm"}', 2)).toEqual({
      ok: false,
      errors: ['backend wasm measures only the pretrained path: set training to [], prediction and memory to null, and profile.training to null'],
    });
    expect(parseBenchConfig('{"backend":"wasm","training":[],"prediction":null,"memory":null,"profile":null,"pretrained":null}', 2)).toEqual({
      ok: false,
      errors: ['backend wasm with pretrained null measures nothing'],
    });
  });

  it('checks the pretrained counts and the backbone id', () => {
    const result = parseBenchConfig('{"pretrained":{"backbone":"resnet50","headRows":0,"embedWarmupBatches":-1}}', 2);
    expect(result).toEqual({
      ok: false,
      errors: [
        'pretrained.backbone must be one of mobilenet_v2_035_224, mobilenet_v2_100_224, got "resnet50"',
        'pretrained: embedBatchSize, embedTimedBatches, headRows, headBatchSize and headTimedEpochs must be at least 1',
        'pretrained: embedWarmupBatches and headWarmupEpochs must be whole numbers >= 0',
      ],
    });
  });

  it('names every problem instead of running a broken benchmark', () => {
    const result = parseBenchConfig(
      JSON.stringify({
        backend: 'metal',
        training: [{ height: 60, width: 300, batchSize: 0, warmupSteps: 1, timedSteps: 1 }],
        memory: { epochs: 1 },
        decode: { feedEpochs: 1 },
        epochz: 3,
      }),
      2,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      'unknown config key "epochz"',
      'backend must be one of webgpu, webgl, cpu, wasm or null, got "metal"',
      'decode.feedEpochs must be 0 (skip) or at least 2 (the first epoch decodes in every mode), got 1',
      'training[0]: height and width must be whole numbers of at least 76, got {"height":60,"width":300,"batchSize":0,"warmupSteps":1,"timedSteps":1}',
      'training[0]: batchSize and timedSteps must be at least 1, warmupSteps at least 0',
      'memory: posters and batchSize must be at least 1, epochs at least 2',
    ]);
  });

  it('rejects text that is not a JSON object', () => {
    expect(parseBenchConfig('[1]', 2)).toEqual({ ok: false, errors: ['the benchmark config must be a JSON object'] });
    const broken = parseBenchConfig('{backend:', 2);
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.errors[0]).toMatch(/^the benchmark config is not JSON/);
  });
});

describe('sizeLabel', () => {
  it('is height x width', () => {
    expect(sizeLabel({ height: 400, width: 300 })).toBe('400x300');
  });
});
