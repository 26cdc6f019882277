import type { MultiLabelMetrics } from '../../metrics';

/** What the numbers say, in words: a red number alone tells no one what happened or what to do. */
export interface Verdict {
  kind: 'learning' | 'no-better' | 'worse';
  /** One sentence, with the numbers it rests on. */
  text: string;
  /** What to try, when the model is not learning. */
  advice?: string;
}

const f = (value: number) => value.toFixed(3);

/**
 * Model against the constant prior (every genre's frequency, the best
 * "predict nothing in particular" can do) on the same posters, judged on
 * the threshold-free ranking metrics: macro mAP and ROC AUC (0.5 = guessing).
 * Learning: mAP at least 1.2x the prior's and AUC at least 0.55.
 */
export function verdictOf(metrics: MultiLabelMetrics, baseline: MultiLabelMetrics | undefined): Verdict | undefined {
  const map = metrics.mapMacro;
  const prior = baseline?.mapMacro;
  if (map === null || prior === null || prior === undefined || prior <= 0) return undefined;
  const auc = metrics.aucMacro ?? 0.5;
  const numbers = `mAP ${f(map)} against the constant prior's ${f(prior)}, ROC AUC ${f(auc)} (0.5 is guessing)`;
  if (map >= 1.2 * prior && auc >= 0.55) {
    return {
      kind: 'learning',
      text: `Learning: ${numbers}; the model ranks genres ${(map / prior).toFixed(1)}× better than their frequencies alone.`,
    };
  }
  if (map < 0.95 * prior || auc < 0.48) {
    return {
      kind: 'worse',
      text: `Worse than the constant prior: ${numbers}.`,
      advice:
        'Predicting each genre by its frequency would score better. Try a lower learning rate, more epochs, or the pretrained model (MobileNetV2).',
    };
  }
  return {
    kind: 'no-better',
    text: `Not better than the constant prior yet: ${numbers}.`,
    advice: 'Train more epochs, or use the pretrained model (MobileNetV2), which learns from a few hundred posters in minutes.',
  };
}
