import * as tf from '@tensorflow/tfjs';
import { CHANNELS, pixelsPerPoster, type InputSpec } from '../data/inputSpec';

/**
 * How the pixels reach the backend. Given a Uint8Array, tf.tensor converts it
 * into a fresh Int32Array every batch, and first-touching those 92 MB (64
 * posters at 400x300) took 270 ms on the 2-core VM: at 1,000 posters/s a
 * batch of 64 has 64 ms in all. So:
 * - WebGL and WebGPU take the uint8 bytes themselves (tf.engine().makeTensor
 *   skips tf.tensor's conversion): WebGL uploads them as a byte texture (a
 *   quarter of the int32 bytes), WebGPU widens them into its staging buffer.
 * - The CPU and WASM backends read the values as int32 (WASM copies raw
 *   bytes), so they get an int32 copy in a buffer reused from batch to batch.
 * Either way the backend copies the values out (upload, or a CPU kernel's new
 * array) by the first kernel that reads them, the scaling below, inside this
 * same synchronous call; so neither the caller's buffer nor the scratch one
 * is read after it returns. `npm run bench` (`input`) measures both ways.
 */
export function takesBytes(backend: string): boolean {
  return backend === 'webgl' || backend === 'webgpu';
}

let int32Scratch = new Int32Array(0);

function asInt32(pixels: Uint8Array): Int32Array {
  if (int32Scratch.length < pixels.length) int32Scratch = new Int32Array(pixels.length);
  const values = int32Scratch.subarray(0, pixels.length);
  values.set(pixels);
  return values;
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
    const shape: [number, number, number, number] = [count, spec.height, spec.width, CHANNELS];
    const values = takesBytes(tf.getBackend())
      ? (tf.engine().makeTensor(view, shape, 'int32') as tf.Tensor4D)
      : tf.tensor4d(asInt32(view), shape, 'int32');
    const raw = values.toFloat();
    return spec.scaling === 'unit' ? raw.div(255) : raw.div(127.5).sub(1);
  });
}
