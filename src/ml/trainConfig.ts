/** What the user chooses before pressing Train. Plain data, saved with every model and checkpoint. */

/** `tutorial-cnn` trains from scratch; the others start from an ImageNet backbone. */
export type ModelKind = 'tutorial-cnn' | 'mobilenet-frozen' | 'mobilenet-finetune';

export interface TrainConfig {
  modelKind: ModelKind;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Network input size; posters are squashed to it as the tutorial does. Fixed at 224x224 for backbones. */
  height: number;
  width: number;
  /** Share of unique posters held out for validation, 0..0.9. */
  valFraction: number;
  /** Seeds the split, the shuffles and the initialisers. */
  seed: number;
}

/** The tutorial's settings. */
export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  modelKind: 'tutorial-cnn',
  epochs: 20,
  batchSize: 64,
  learningRate: 1e-3,
  height: 400,
  width: 300,
  valFraction: 0.15,
  seed: 42,
};
