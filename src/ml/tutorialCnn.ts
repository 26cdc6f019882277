import * as tf from '@tensorflow/tfjs';
import { SpatialDropout2D } from './spatialDropout2d';

export interface TutorialCnnOptions {
  /** Input height in pixels (the tutorial: 400). */
  height: number;
  /** Input width in pixels (the tutorial: 300). */
  width: number;
  /** Number of sigmoid outputs, one per genre (the tutorial: 25). */
  numGenres: number;
  /** Seed for the Glorot-uniform initialisers, so runs are reproducible. */
  seed?: number;
}

/**
 * The tutorial's network, layer for layer: four blocks of
 * Conv2D 5x5 valid + ReLU, MaxPool 2x2, spatial dropout 0.25 (16, 32, 64, 64
 * filters), then Dense 128, dropout 0.5, Dense 64, dropout 0.5, Dense N sigmoid.
 * At 400x300x3 with 25 genres it has 2,758,265 parameters.
 */
export function buildTutorialCnn({ height, width, numGenres, seed = 42 }: TutorialCnnOptions): tf.LayersModel {
  let nextSeed = seed;
  const glorot = () => tf.initializers.glorotUniform({ seed: nextSeed++ });
  const model = tf.sequential({ name: 'tutorial_cnn' });
  const filters = [16, 32, 64, 64];
  filters.forEach((count, block) => {
    model.add(
      tf.layers.conv2d({
        ...(block === 0 ? { inputShape: [height, width, 3] } : {}),
        filters: count,
        kernelSize: 5,
        padding: 'valid',
        activation: 'relu',
        kernelInitializer: glorot(),
        name: `conv${block + 1}`,
      }),
    );
    model.add(tf.layers.maxPooling2d({ poolSize: 2, name: `pool${block + 1}` }));
    model.add(new SpatialDropout2D({ rate: 0.25, name: `spatial_dropout${block + 1}` }));
  });
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: glorot(), name: 'dense1' }));
  model.add(tf.layers.dropout({ rate: 0.5, name: 'dropout1' }));
  model.add(tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: glorot(), name: 'dense2' }));
  model.add(tf.layers.dropout({ rate: 0.5, name: 'dropout2' }));
  model.add(tf.layers.dense({ units: numGenres, activation: 'sigmoid', kernelInitializer: glorot(), name: 'genres' }));
  return model;
}

/** Smallest input side the four valid-conv + pool blocks accept. */
export const TUTORIAL_CNN_MIN_SIDE = 76;
