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

/** Packed RGB posters (as pixelsToInput takes them), each mirrored left to right, in a new buffer. */
export function mirrorPixels(pixels: Uint8Array, count: number, spec: Pick<InputSpec, 'height' | 'width'>): Uint8Array {
  const { width } = spec;
  const rowBytes = width * CHANNELS;
  const rows = count * spec.height;
  const mirrored = new Uint8Array(rows * rowBytes);
  for (let row = 0; row < rows; row++) {
    const start = row * rowBytes;
    const end = start + rowBytes - CHANNELS; // the row's last pixel
    for (let offset = 0; offset < rowBytes; offset += CHANNELS) {
      const from = start + offset;
      const to = end - offset;
      mirrored[to] = pixels[from];
      mirrored[to + 1] = pixels[from + 1];
      mirrored[to + 2] = pixels[from + 2];
    }
  }
  return mirrored;
}

/**
 * pixelsToInput of the mirrored posters, given `input` = pixelsToInput(pixels, count, spec).
 * On a GPU that is tf.reverse of `input`. On WASM and the CPU the bytes are
 * mirrored in JS and converted again: WASM's Reverse kernel took 450-540 ms
 * for 32 posters at 224x224 (a quarter of an embedding batch of posters and
 * mirrors) where this loop takes ~40 ms (`npm run bench`, 2-core VM). Both
 * give the same values: a mirror only moves them.
 */
export function mirroredInput(input: tf.Tensor4D, pixels: Uint8Array, spec: InputSpec): tf.Tensor4D {
  // Axis 2 of [batch, height, width, 3] is the width.
  if (takesBytes(tf.getBackend())) return tf.reverse(input, 2);
  const count = input.shape[0];
  return pixelsToInput(mirrorPixels(pixels, count, spec), count, spec);
}
