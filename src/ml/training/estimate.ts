import * as tf from '@tensorflow/tfjs';
import { SETTING_LIMITS } from '../../config/registry.js';
import { createRng } from '../../lib/random';
import { buildHead, trainHeadEpoch } from '../transferHead';
import { trainOnBatch } from '../trainStep';
import { buildTutorialCnn } from '../tutorialCnn';

/**
 * What a run will cost, measured on this machine before it is paid: one small
 * step of the real computation, timed after a warm-up (shader compilation),
 * then scaled. Estimates, stated as such: early stopping, decoding and the
 * machine's other work move the real time.
 */

/** The tutorial CNN is timed at 1/16 of the area (a quarter a side): a full-size step can take minutes on a software GPU. */
const PROXY_SIDE_FACTOR = 4;
const STEP_BATCH = 2;

async function timed<T>(run: () => Promise<T>): Promise<number> {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
}

/**
 * Seconds one poster costs a training step of the tutorial CNN at
 * height x width on the active backend: a batch of two at the proxy size,
 * timed after a warm-up step, scaled by area (a convolution's cost is).
 */
export async function tutorialSecondsPerImage(height: number, width: number, numGenres: number): Promise<number> {
  const min = SETTING_LIMITS.height.min;
  const proxy = { height: Math.max(min, Math.round(height / PROXY_SIDE_FACTOR)), width: Math.max(min, Math.round(width / PROXY_SIDE_FACTOR)) };
  const model = buildTutorialCnn({ ...proxy, numGenres, seed: 1 });
  const optimizer = tf.train.adam(1e-3);
  const rng = createRng(3);
  const batch = {
    pixels: Uint8Array.from({ length: STEP_BATCH * proxy.height * proxy.width * 3 }, () => Math.floor(rng() * 256)),
    labels: new Uint8Array(STEP_BATCH * numGenres),
    size: STEP_BATCH,
  };
  const options = { spec: { ...proxy, scaling: 'unit' as const }, numGenres };
  try {
    await trainOnBatch(model, optimizer, batch, options);
    const seconds = await timed(() => trainOnBatch(model, optimizer, batch, options));
    return (seconds / STEP_BATCH) * ((height * width) / (proxy.height * proxy.width));
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/** Seconds one feature row costs one head epoch (one ensemble member), on the active backend: 512 rows timed after a warm-up. */
export async function headSecondsPerRow(featureDim: number, numGenres: number, hidden: number, batchSize: number): Promise<number> {
  const rows = 512;
  const rng = createRng(5);
  const features = Float32Array.from({ length: rows * featureDim }, () => rng() * 6);
  const labels = new Uint8Array(rows * numGenres);
  const order = Array.from({ length: rows }, (_, k) => k);
  const head = buildHead({ featureDim, numGenres, hidden, dropout: 0.5, l2: 1e-4, seed: 1 });
  const optimizer = tf.train.adam(1e-3);
  try {
    await trainHeadEpoch(head, optimizer, features.subarray(0, batchSize * featureDim), labels, order.slice(0, batchSize), batchSize, {
      kind: 'bce',
    });
    return (await timed(() => trainHeadEpoch(head, optimizer, features, labels, order, batchSize, { kind: 'bce' }))) / rows;
  } finally {
    optimizer.dispose();
    head.dispose();
  }
}
