import type * as tf from '@tensorflow/tfjs';
import { FINE_TUNING } from '../../config/registry.js';
import type { InputSpec } from '../../data/inputSpec';
import { createRng } from '../../lib/random';
import { fineTuneStep, unfreezeTopLayers } from '../fineTune';
import { gatherRows, flattenLabels } from './labels';
import { lossOptionsFor } from './headStage';
import type { PixelStep } from './pixelEpochs';
import type { StageContext } from './types';

export interface FineTuningSetup {
  step: PixelStep;
  learningRate: number;
  /** Backbone layers made trainable, bottom to top. */
  unfrozen: string[];
  trainableParams: number;
}

/**
 * Makes a composed classifier ready for fine-tuning: the top backbone layers
 * unfrozen, a tenth of the head's learning rate, and the head's loss with
 * positive weights from the training split. A fresh run (after its head) and
 * a resumed one set up here alike.
 */
export function prepareFineTuning(ctx: StageContext, classifier: tf.LayersModel, spec: InputSpec): FineTuningSetup {
  const { config, dataset, split } = ctx;
  const g = dataset.genres.length;
  const report = unfreezeTopLayers(classifier, FINE_TUNING.layers);
  const trainLabels = gatherRows(
    flattenLabels(
      dataset.items.map((item) => item.labels),
      g,
    ),
    split.train,
    g,
    new Uint8Array(split.train.length * g),
  );
  const loss = lossOptionsFor(config.headLoss === 'auto' ? 'weighted-bce' : config.headLoss, trainLabels, split.train.length, g);
  const rng = createRng(config.seed + 7);
  return {
    step: (model, optimizer, batch) => fineTuneStep(model, optimizer, batch, { spec, numGenres: g, rng, loss }),
    learningRate: config.learningRate * FINE_TUNING.learningRateFactor,
    unfrozen: report.unfrozen,
    trainableParams: report.trainableParams,
  };
}
