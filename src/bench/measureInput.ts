import * as tf from '@tensorflow/tfjs';
import { pixelsPerPoster, CHANNELS, type InputSpec } from '../data/inputSpec';
import { pixelsToInput, takesBytes } from '../ml/preprocess';
import { sizeLabel } from './benchConfig';
import type { InputConfig, InputMeasurement } from './benchProtocol';
import { median, roundTo3 } from './stats';

/** A batch whose every byte differs from its neighbour's, so a mix-up between batches shows. */
function patternedBatch(bytes: number, seed: number): Uint8Array {
  const pixels = new Uint8Array(bytes);
  for (let k = 0; k < bytes; k++) pixels[k] = (k * 7 + seed) % 251;
  return pixels;
}

/** Runs the work queued so far, so that one measurement does not pay for the last one's. */
async function drain(tensor: tf.Tensor): Promise<void> {
  const probe = tf.tidy(() => tensor.slice([0, 0, 0, 0], [1, 1, 1, 1]));
  await probe.data();
  probe.dispose();
}

/**
 * Milliseconds the training thread spends turning one batch of uint8 pixels
 * into the model's input tensor, before the model runs: `pixelsToInput` as the
 * app calls it (the bytes themselves on WebGL and WebGPU, an int32 copy in a
 * reused buffer elsewhere), against the same scaling on `tf.tensor(uint8)`,
 * which converts into a fresh Int32Array per batch (the app before). Only the
 * synchronous part is timed: the GPU's own share overlaps the next batch. It
 * also checks every value of one batch, and that a batch's tensor keeps its
 * values after the next batch went through.
 */
export async function measureInputPreparation(config: InputConfig, progress: (message: string) => void): Promise<InputMeasurement> {
  const spec: InputSpec = { ...config.size, scaling: 'unit' };
  const bytes = config.batchSize * pixelsPerPoster(spec);
  const batches = [patternedBatch(bytes, 0), patternedBatch(bytes, 1)];
  const shape: [number, number, number, number] = [config.batchSize, spec.height, spec.width, CHANNELS];
  const ways = {
    pixelsToInput: (pixels: Uint8Array) => pixelsToInput(pixels, config.batchSize, spec),
    freshInt32: (pixels: Uint8Array) => tf.tidy(() => tf.tensor4d(pixels, shape, 'int32').toFloat().div(255)),
  };
  const timings: Record<keyof typeof ways, number[]> = { pixelsToInput: [], freshInt32: [] };
  // One untimed round first: shader compilation is not what this measures.
  for (let round = 0; round <= config.repeats; round++) {
    for (const way of ['pixelsToInput', 'freshInt32'] as const) {
      const pixels = batches[round % 2];
      const start = performance.now();
      const input = ways[way](pixels);
      const ms = performance.now() - start;
      await drain(input);
      input.dispose();
      if (round > 0) timings[way].push(ms);
    }
    progress(`input ${sizeLabel(config.size)} batch ${config.batchSize}: round ${round}/${config.repeats}`);
  }
  // Two batches in a row, the first one's buffer overwritten after its call, as posterBatches reuses it.
  const firstPixels = batches[0].slice();
  const first = pixelsToInput(firstPixels, config.batchSize, spec);
  firstPixels.fill(0);
  const second = pixelsToInput(batches[1], config.batchSize, spec);
  const [a, b] = await Promise.all([first.data(), second.data()]);
  tf.dispose([first, second]);
  const mismatches = (pixels: Uint8Array, values: ArrayLike<number>) => {
    let wrong = 0;
    for (let k = 0; k < pixels.length; k++) if (Math.abs(values[k] - pixels[k] / 255) > 1e-6) wrong++;
    return wrong;
  };
  const ms = (way: keyof typeof ways) => roundTo3(median(timings[way]));
  return {
    ...config,
    path: takesBytes(tf.getBackend()) ? 'uint8 bytes to the backend' : 'int32 copy in a reused buffer',
    msPerBatch: { pixelsToInput: ms('pixelsToInput'), freshInt32: ms('freshInt32') },
    imagesPerSecond: {
      pixelsToInput: roundTo3(config.batchSize / (ms('pixelsToInput') / 1000)),
      freshInt32: roundTo3(config.batchSize / (ms('freshInt32') / 1000)),
    },
    wrongValues: mismatches(batches[0], a) + mismatches(batches[1], b),
  };
}
