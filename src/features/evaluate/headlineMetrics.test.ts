import { describe, expect, it } from 'vitest';
import { evaluateMultiLabel } from '../../metrics';
import { HAND_GENRES, handLabels, handProbs } from '../../metrics/testFixtures';
import { formatMetric, MISSING_VALUE } from './format';
import { beatsBaseline, headlineRows } from './headlineMetrics';

describe('headlineRows', () => {
  const metrics = evaluateMultiLabel(handProbs, handLabels, HAND_GENRES);
  const prior = evaluateMultiLabel(
    Float32Array.from(handProbs, () => 0.5),
    handLabels,
    HAND_GENRES,
  );

  it('lists the metrics in order with the tutorial accuracy caveat and genre counts', () => {
    const rows = headlineRows(metrics, prior);
    expect(rows.map((row) => row.key)).toEqual([
      'bce',
      'labelAccuracy',
      'mapMacro',
      'mapMicro',
      'aucMacro',
      'f1MicroAt05',
      'f1MacroAt05',
      'f1SamplesAt05',
      'f1MicroTuned',
      'f1MacroTuned',
      'f1SamplesTuned',
      'precisionAt1',
      'recallAt3',
    ]);
    const byKey = new Map(rows.map((row) => [row.key, row]));
    expect(byKey.get('labelAccuracy')?.note).toBe("tutorial's per-label accuracy @0.5 — ~0.91 means nothing learned");
    // Genre 2 has no positives: AUC and AP are over 2 genres.
    expect(byKey.get('aucMacro')?.note).toBe('over 2 genres');
    expect(byKey.get('mapMacro')?.model).toBe(metrics.mapMacro);
    expect(byKey.get('mapMacro')?.baseline).toBe(prior.mapMacro);
    expect(byKey.get('f1MacroTuned')?.note).toMatch(/same as @0.5/);
  });

  it('leaves the baseline undefined without one', () => {
    expect(headlineRows(metrics).every((row) => row.baseline === undefined)).toBe(true);
  });

  it('judges loss lower-is-better and the rest higher-is-better', () => {
    const rows = headlineRows(metrics, prior);
    const bce = rows.find((row) => row.key === 'bce');
    const auc = rows.find((row) => row.key === 'aucMacro');
    expect(bce && beatsBaseline(bce)).toBe(metrics.bce !== null && prior.bce !== null && metrics.bce < prior.bce);
    expect(auc && beatsBaseline(auc)).toBe(true);
    expect(beatsBaseline({ key: 'x', label: 'x', model: 0.5, baseline: null, digits: 3, lowerIsBetter: false })).toBeUndefined();
    // 0.9081 and 0.9079 both read 0.908: neither better nor worse.
    expect(beatsBaseline({ key: 'x', label: 'x', model: 0.9079, baseline: 0.9081, digits: 3, lowerIsBetter: false })).toBeUndefined();
    expect(beatsBaseline({ key: 'x', label: 'x', model: 0.9071, baseline: 0.9081, digits: 3, lowerIsBetter: false })).toBe(false);
  });
});

describe('formatMetric', () => {
  it('shows null as a dash, not 0', () => {
    expect(formatMetric(null)).toBe(MISSING_VALUE);
    expect(formatMetric(undefined)).toBe('–');
    expect(formatMetric(Number.NaN)).toBe('–');
    expect(formatMetric(0)).toBe('0.000');
    expect(formatMetric(0.12345, 4)).toBe('0.1235');
  });
});
