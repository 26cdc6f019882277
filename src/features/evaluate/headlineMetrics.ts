import type { MultiLabelMetrics } from '../../metrics';

/** One line of the model-vs-baseline table. */
export interface HeadlineRow {
  key: string;
  label: string;
  /** Shown under the label: what the number is measured over or why it misleads. */
  note?: string;
  model: number | null;
  /** Undefined when no baseline was given; null when undefined on this data. */
  baseline?: number | null;
  digits: number;
  lowerIsBetter: boolean;
}

/**
 * The headline numbers in reading order: the tutorial's loss and per-label
 * accuracy first (the latter flattered by ~91% zero labels), then the
 * threshold-free ranking metrics that actually tell a model from the prior.
 */
export function headlineRows(metrics: MultiLabelMetrics, baseline?: MultiLabelMetrics): HeadlineRow[] {
  const row = (
    key: keyof MultiLabelMetrics,
    label: string,
    value: (m: MultiLabelMetrics) => number | null,
    options: { note?: string; digits?: number; lowerIsBetter?: boolean } = {},
  ): HeadlineRow => ({
    key,
    label,
    note: options.note,
    model: value(metrics),
    baseline: baseline ? value(baseline) : undefined,
    digits: options.digits ?? 3,
    lowerIsBetter: options.lowerIsBetter ?? false,
  });
  const tunedNote = metrics.thresholdsGiven ? 'per-genre tuned thresholds' : 'no tuned thresholds yet: same as @0.5';
  return [
    row('bce', 'BCE loss', (m) => m.bce, { digits: 4, lowerIsBetter: true, note: 'the training loss' }),
    row('labelAccuracy', 'Per-label accuracy', (m) => m.labelAccuracy, {
      note: "tutorial's per-label accuracy @0.5 — ~0.91 means nothing learned",
    }),
    row('mapMacro', 'mAP (macro)', (m) => m.mapMacro, { note: `over ${metrics.apGenresUsed} genres` }),
    row('mapMicro', 'mAP (micro)', (m) => m.mapMicro),
    row('aucMacro', 'ROC AUC (macro)', (m) => m.aucMacro, { note: `over ${metrics.aucGenresUsed} genres` }),
    row('f1MicroAt05', 'F1 micro @0.5', (m) => m.f1MicroAt05),
    row('f1MacroAt05', 'F1 macro @0.5', (m) => m.f1MacroAt05),
    row('f1SamplesAt05', 'F1 samples @0.5', (m) => m.f1SamplesAt05),
    row('f1MicroTuned', 'F1 micro (tuned)', (m) => m.f1MicroTuned, { note: tunedNote }),
    row('f1MacroTuned', 'F1 macro (tuned)', (m) => m.f1MacroTuned, { note: tunedNote }),
    row('f1SamplesTuned', 'F1 samples (tuned)', (m) => m.f1SamplesTuned, { note: tunedNote }),
    row('precisionAt1', 'Precision@1', (m) => m.precisionAt1, { note: 'is the top genre right?' }),
    row('recallAt3', 'Recall@3', (m) => m.recallAt3, { note: 'true genres among the top 3' }),
  ];
}

/**
 * Whether the model beats the baseline on this row; undefined when either is
 * missing or the two read the same at the digits shown (a red "worse" next to
 * two equal numbers says something the table does not show).
 */
export function beatsBaseline(row: HeadlineRow): boolean | undefined {
  if (row.model === null || row.baseline === null || row.baseline === undefined) return undefined;
  if (row.model.toFixed(row.digits) === row.baseline.toFixed(row.digits)) return undefined;
  return row.lowerIsBetter ? row.model < row.baseline : row.model > row.baseline;
}
