import { describe, expect, it } from 'vitest';
import type { MultiLabelMetrics } from '../../metrics';
import { verdictOf } from './verdict';

const metrics = (mapMacro: number, aucMacro: number) => ({ mapMacro, aucMacro }) as MultiLabelMetrics;

describe('verdictOf', () => {
  it('says a model learns when it ranks well above the constant prior', () => {
    expect(verdictOf(metrics(0.3, 0.77), metrics(0.093, 0.5))).toEqual({
      kind: 'learning',
      text: "Learning: mAP 0.300 against the constant prior's 0.093, ROC AUC 0.770 (0.5 is guessing); the model ranks genres 3.2× better than their frequencies alone.",
    });
  });

  it('says so, with what to try, when it is no better or worse (issue 13: the tutorial CNN that learned nothing)', () => {
    expect(verdictOf(metrics(0.115, 0.52), metrics(0.112, 0.5))?.kind).toBe('no-better');
    const worse = verdictOf(metrics(0.09, 0.483), metrics(0.112, 0.5));
    expect(worse?.kind).toBe('worse');
    expect(worse?.text).toBe("Worse than the constant prior: mAP 0.090 against the constant prior's 0.112, ROC AUC 0.483 (0.5 is guessing).");
    expect(worse?.advice).toMatch(/pretrained model/);
  });

  it('stays silent without a baseline', () => {
    expect(verdictOf(metrics(0.3, 0.7), undefined)).toBeUndefined();
  });
});
