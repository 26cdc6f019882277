import { DEFAULT_TRAIN_CONFIG } from './registry.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelMetadata } from './modelMetadata';

/**
 * A valid metadata.json of a small tutorial-CNN model over three genres, for
 * tests: one place that knows every field the schema requires. `overrides`
 * replaces whole fields.
 */
export function sampleMetadata(overrides: Partial<ModelMetadata> = {}): ModelMetadata {
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    appVersion: '0.1.0',
    modelKind: 'tutorial-cnn',
    backbone: null,
    genres: ['Action', 'Comedy', 'Drama'],
    thresholds: [0.5, 0.4, 0.3],
    input: { height: 96, width: 76, scaling: 'unit' },
    trainConfig: { ...DEFAULT_TRAIN_CONFIG, epochs: 2 },
    epochsCompleted: 2,
    validation: { mapMacro: 0.41, aucMacro: 0.7, f1MacroTuned: null },
    datasetFingerprint: '5-abc',
    createdAt: '2026-12-02T10:00:00.000Z',
    ...overrides,
  };
}
