import * as tf from '@tensorflow/tfjs';

/**
 * How 0..255 pixels become network inputs. The tutorial CNN wants [0,1];
 * ImageNet MobileNets want [-1,1] (`x / 127.5 - 1`).
 */
export type PixelScaling = 'unit' | 'symmetric';

/** Everything that decides what a poster looks like to a model. Saved with every model. */
export interface InputSpec {
  height: number;
  width: number;
  scaling: PixelScaling;
  /**
   * Test-time augmentation: predictions average the poster and its mirror
   * image. Set for models whose head was trained on mirrored posters too.
   */
  averageMirrored?: boolean;
}

export const CHANNELS = 3;

export function pixelsPerPoster(spec: Pick<InputSpec, 'height' | 'width'>): number {
  return spec.height * spec.width * CHANNELS;
}

/**
 * IMPORTANT: the one definition of preprocessing, shared by training,
 * validation and prediction. `pixels` holds `count` posters already decoded and
 * resized to spec.height x spec.width, packed RGB uint8 (row-major, HWC).
 * The uint8 -> float conversion and scaling run on the backend (GPU), not in JS.
 * Returns [count, height, width, 3] float32 in the range the model expects.
 */
export function pixelsToInput(pixels: Uint8Array, count: number, spec: InputSpec): tf.Tensor4D {
  const expected = count * pixelsPerPoster(spec);
  if (pixels.length < expected) {
    throw new Error(`pixel buffer holds ${pixels.length} bytes, ${expected} needed for ${count} posters`);
  }
  return tf.tidy(() => {
    const view = pixels.length === expected ? pixels : pixels.subarray(0, expected);
    const raw = tf.tensor4d(view, [count, spec.height, spec.width, CHANNELS], 'int32').toFloat();
    return spec.scaling === 'unit' ? raw.div(255) : raw.div(127.5).sub(1);
  });
}
