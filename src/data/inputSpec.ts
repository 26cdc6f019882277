/**
 * What a decoded poster looks like to a model: its size and how its 0..255
 * pixels are scaled. Saved with every model. No tfjs here, so the decode
 * workers can size their output without loading it; src/ml/preprocess.ts
 * turns pixels into tensors by this spec.
 */

/** The tutorial CNN wants [0,1] (`unit`); ImageNet MobileNets want [-1,1] (`symmetric`, x / 127.5 - 1). */
export type PixelScaling = 'unit' | 'symmetric';

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

/** RGB, packed row-major (HWC), one byte per channel. */
export const CHANNELS = 3;

export function pixelsPerPoster(spec: Pick<InputSpec, 'height' | 'width'>): number {
  return spec.height * spec.width * CHANNELS;
}
