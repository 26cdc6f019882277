import { describe, expect, it } from 'vitest';
import { checkMetadataJson, checkModelJson, READ_LIMITS } from './modelMetadata';
import { sampleMetadata } from './modelMetadata.testkit';

const METADATA = sampleMetadata();

/** METADATA with `edit` applied at a dotted path, as JSON text. */
function metadataWith(path: string, value: unknown): string {
  const copy = structuredClone(METADATA) as unknown as Record<string, unknown>;
  const keys = path.split('.');
  let node = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys.at(-1)!] = value;
  return JSON.stringify(copy);
}

describe('checkMetadataJson', () => {
  it('accepts what the app writes, and drops fields it does not know', () => {
    const checked = checkMetadataJson(JSON.stringify({ ...METADATA, extra: { nested: true } }));
    expect(checked).toEqual({ ok: true, value: METADATA });
  });

  it('refuses wrong types and out-of-range values, naming the field (issue 14, case 1)', () => {
    const cases: Array<[string, unknown, string]> = [
      ['validation.mapMacro', '0.41', 'metadata.json: "validation.mapMacro" must be a number in [0, 1] (it is the string "0.41")'],
      ['modelKind', {}, 'metadata.json: "modelKind" must be one of "tutorial-cnn", "mobilenet-frozen", "mobilenet-finetune" (it is an object)'],
      ['epochsCompleted', [1], 'metadata.json: "epochsCompleted" must be a whole number in [0, 1100] (it is a list of 1)'],
      ['trainConfig.batchSize', 0, 'metadata.json: "trainConfig.batchSize" must be a whole number in [1, 512] (it is the number 0)'],
      ['input.height', 4096, 'metadata.json: "input.height" must be a whole number in [76, 1024] (it is the number 4096)'],
      ['thresholds', [0.5, 0.4], 'metadata.json: "thresholds" must be one number per genre (3) (it is a list of 2)'],
      ['genres', ['Action', 'Action', 'Drama'], 'metadata.json: "genres" must be names without duplicates (it is a list of 3)'],
    ];
    for (const [path, value, message] of cases) expect(checkMetadataJson(metadataWith(path, value))).toEqual({ ok: false, error: message });
  });

  it('caps the number of genres (issue 14, case 3: 100,000 genres)', () => {
    const genres = Array.from({ length: 100_000 }, (_, k) => `g${k}`);
    const text = JSON.stringify({ ...METADATA, genres, thresholds: genres.map(() => 0.5) });
    const checked = checkMetadataJson(text);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.error).toBe('metadata.json: "genres" must be a list of 1 to 200 items (it is a list of 100000)');
    // A file past the byte cap is refused before it is parsed at all.
    const huge = JSON.stringify({ ...METADATA, padding: 'x'.repeat(READ_LIMITS.metadataBytes) });
    expect(checkMetadataJson(huge)).toEqual({
      ok: false,
      error: expect.stringMatching(/^metadata.json is [\d,]+ bytes; at most 8,388,608 are read$/),
    });
    const fewer = Array.from({ length: 300 }, (_, k) => `g${k}`);
    expect(checkMetadataJson(JSON.stringify({ ...METADATA, genres: fewer, thresholds: fewer.map(() => 0.5) }))).toEqual({
      ok: false,
      error: 'metadata.json: "genres" must be a list of 1 to 200 items (it is a list of 300)',
    });
  });
});

const MANIFEST = [
  {
    paths: ['./weights.bin'],
    weights: [
      { name: 'dense/kernel', shape: [4, 3], dtype: 'float32' },
      { name: 'dense/bias', shape: [3], dtype: 'float32' },
    ],
  },
];

describe('checkModelJson', () => {
  it('gives the weight files, once each, and the bytes they must hold', () => {
    const checked = checkModelJson(JSON.stringify({ modelTopology: { class_name: 'Sequential' }, weightsManifest: MANIFEST }));
    expect(checked.ok && checked.value.fileNames).toEqual(['weights.bin']);
    expect(checked.ok && checked.value.weightBytes).toBe((12 + 3) * 4);
  });

  it('refuses a weight file listed again and again, before reading any (issue 14, case 3)', () => {
    const manifest = [{ paths: Array.from({ length: 30 }, () => 'weights.bin'), weights: MANIFEST[0].weights }];
    expect(checkModelJson(JSON.stringify({ modelTopology: {}, weightsManifest: manifest }))).toEqual({
      ok: false,
      error: 'model.json lists the weight file weights.bin 30 times',
    });
    const groups = Array.from({ length: 300 }, () => MANIFEST[0]);
    expect(checkModelJson(JSON.stringify({ modelTopology: {}, weightsManifest: groups })).ok).toBe(false);
  });

  it('refuses deep nesting before parsing it, and huge parameter counts (issue 14, case 3)', () => {
    const nested = `{"modelTopology": ${'['.repeat(2_000_000)}${']'.repeat(2_000_000)}}`;
    const start = performance.now();
    expect(checkModelJson(nested)).toEqual({ ok: false, error: 'model.json nests deeper than 64 levels' });
    expect(performance.now() - start).toBeLessThan(2000);
    const huge = [{ paths: ['weights.bin'], weights: [{ name: 'dense/kernel', shape: [100_000, 1000], dtype: 'float32' }] }];
    expect(checkModelJson(JSON.stringify({ modelTopology: {}, weightsManifest: huge }))).toEqual({
      ok: false,
      error: 'model.json describes 100,000,000 parameters; at most 67,108,864 are loaded',
    });
  });
});
