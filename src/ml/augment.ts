import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../lib/random';
import type { PixelScaling } from '../data/inputSpec';

export interface AugmentOptions {
  /** Value range of the input (from InputSpec.scaling), used to size and clip the jitter. */
  scaling: PixelScaling;
  /** Crop area as a fraction of the poster, drawn uniformly in [minArea, maxArea]. */
  minArea?: number;
  maxArea?: number;
  /** Chance of a left-right mirror per poster. */
  flipProbability?: number;
  /** Brightness shift, up to ± this fraction of the value range. */
  brightness?: number;
  /** Contrast factor drawn in [1 - contrast, 1 + contrast], around each poster's mean. */
  contrast?: number;
}

const RANGE: Record<PixelScaling, [number, number]> = { unit: [0, 1], symmetric: [-1, 1] };

/** Per-poster random choices, drawn in JS from the seeded rng so a seed fixes them all. */
export interface AugmentDraw {
  /** [y1, x1, y2, x2] normalised; x1 > x2 means mirrored. */
  box: [number, number, number, number];
  brightness: number;
  contrast: number;
}

export function drawAugmentations(count: number, rng: Rng, options: AugmentOptions): AugmentDraw[] {
  const { minArea = 0.7, maxArea = 1, flipProbability = 0.5, brightness = 0.1, contrast = 0.1 } = options;
  const [low, high] = RANGE[options.scaling];
  return Array.from({ length: count }, () => {
    // Same aspect as the input, so the crop is zoom + shift, not a new squash.
    const side = Math.sqrt(minArea + rng() * (maxArea - minArea));
    const top = rng() * (1 - side);
    const left = rng() * (1 - side);
    const flip = rng() < flipProbability;
    const box: AugmentDraw['box'] = flip ? [top, left + side, top + side, left] : [top, left, top + side, left + side];
    return {
      box,
      brightness: (rng() * 2 - 1) * brightness * (high - low),
      contrast: 1 + (rng() * 2 - 1) * contrast,
    };
  });
}

/**
 * Random resized crop (area 0.7-1.0 by default), left-right mirror (50%) and
 * small brightness/contrast jitter, per poster, for fine-tuning.
 * x: [batch, h, w, 3], already scaled by pixelsToInput; returns the same shape
 * and range. The flip rides on the crop: cropAndResize samples a box whose
 * x1 > x2 right to left.
 */
export function augmentBatch(x: tf.Tensor4D, rng: Rng, options: AugmentOptions): tf.Tensor4D {
  const [batch, height, width] = x.shape;
  const draws = drawAugmentations(batch, rng, options);
  const [low, high] = RANGE[options.scaling];
  return tf.tidy(() => {
    const boxes = tf.tensor2d(
      draws.flatMap((d) => d.box),
      [batch, 4],
    );
    const boxIndices = tf.tensor1d(
      Array.from({ length: batch }, (_, i) => i),
      'int32',
    );
    const cropped = tf.image.cropAndResize(x, boxes, boxIndices, [height, width], 'bilinear'); // [batch, h, w, 3]
    const contrast = tf.tensor4d(
      draws.map((d) => d.contrast),
      [batch, 1, 1, 1],
    );
    const shift = tf.tensor4d(
      draws.map((d) => d.brightness),
      [batch, 1, 1, 1],
    );
    const mean = cropped.mean([1, 2, 3], true); // [batch, 1, 1, 1]
    return cropped.sub(mean).mul(contrast).add(mean).add(shift).clipByValue(low, high) as tf.Tensor4D;
  });
}
