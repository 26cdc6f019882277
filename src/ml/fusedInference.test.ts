import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getBackbone } from '../config/trainConfig';
import { loadBackbone } from './backbones';
import { diskHandler, SHARED_MODELS_DIR } from './diskModel.testkit';
import { fusedPlanSummary, inferenceForward } from './fusedInference';
import { averageHeads, buildHeadMembers, composeClassifier, disposeClassifier } from './transferHead';

function randomInput(shape: number[], seed: number, range = 1): tf.Tensor {
  return tf.randomUniform(shape, -range, range, 'float32', seed);
}

/** Worst |fused - predict| relative to the largest |predict|. */
async function worstRelativeDifference(model: tf.LayersModel, input: tf.Tensor): Promise<number> {
  const difference = tf.tidy(() => {
    const reference = model.predict(input) as tf.Tensor;
    const fused = inferenceForward(model, input);
    expect(fused.shape).toEqual(reference.shape);
    return tf.sub(fused, reference).abs().max().div(reference.abs().max());
  });
  try {
    return (await difference.data())[0];
  } finally {
    difference.dispose();
  }
}

/**
 * The MobileNet patterns, small: zero padding + 'valid' stride-2 conv, conv ->
 * batch norm -> ReLU6, depthwise (multiplier 2) -> batch norm -> ReLU6, a
 * residual add, a conv read twice (not fusable) and pooling. Batch-norm
 * statistics are random so a wrong fold shows.
 */
function miniMobileNet(): tf.LayersModel {
  const input = tf.input({ shape: [10, 10, 3] });
  const padded = tf.layers
    .zeroPadding2d({
      padding: [
        [0, 1],
        [0, 1],
      ],
    })
    .apply(input) as tf.SymbolicTensor;
  const stem = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'valid', useBias: false }).apply(padded) as tf.SymbolicTensor;
  const stemNorm = tf.layers.batchNormalization({ epsilon: 1e-3 }).apply(stem) as tf.SymbolicTensor;
  const stemRelu = tf.layers.reLU({ maxValue: 6 }).apply(stemNorm) as tf.SymbolicTensor;
  const depthwise = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }).apply(stemRelu) as tf.SymbolicTensor;
  const depthNorm = tf.layers.batchNormalization({ scale: false }).apply(depthwise) as tf.SymbolicTensor;
  const depthRelu = tf.layers.reLU({ maxValue: 6 }).apply(depthNorm) as tf.SymbolicTensor;
  const project = tf.layers.conv2d({ filters: 4, kernelSize: 1, padding: 'same' }).apply(depthRelu) as tf.SymbolicTensor;
  const residual = tf.layers.add().apply([project, stemRelu]) as tf.SymbolicTensor;
  // Read twice: by the ReLU and by the add below, so it must stay a plain conv.
  const shared = tf.layers.conv2d({ filters: 4, kernelSize: 1, padding: 'same' }).apply(residual) as tf.SymbolicTensor;
  const sharedRelu = tf.layers.reLU().apply(shared) as tf.SymbolicTensor;
  const sum = tf.layers.add().apply([sharedRelu, shared]) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(sum) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: pooled });
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    layer.setWeights(
      layer.getWeights().map((weight, i, all) =>
        // Last is the moving variance: keep it positive.
        i === all.length - 1 ? tf.randomUniform(weight.shape, 0.2, 2, 'float32', 7 + i) : tf.randomUniform(weight.shape, -1, 1, 'float32', 3 + i),
      ),
    );
  }
  return model;
}

describe('fused inference', () => {
  it('equals model.predict on the MobileNet patterns, fusing what it may and leaking nothing', async () => {
    const model = miniMobileNet();
    expect(fusedPlanSummary(model)).toEqual({ fusedConvs: 4, foldedBatchNorms: 2, foldedPaddings: 1 });
    // Wide enough that the ReLU6 clips: a conv fused with plain relu must fail here.
    const input = randomInput([3, 10, 10, 3], 1, 20);
    const before = tf.memory().numTensors;
    expect(await worstRelativeDifference(model, input)).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
    input.dispose();
    model.dispose();
  });

  it('frees each activation once nothing reads it: what the pass leaves to tf.tidy is smaller than one activation', () => {
    const model = miniMobileNet();
    // A batch big enough that an activation ([64, 5, 5, 4] floats, 25.6 KB at the least) outweighs every folded weight.
    const input = randomInput([64, 10, 10, 3], 3);
    const smallestActivationBytes = 64 * 5 * 5 * 4 * 4;
    const heldBytes = tf.tidy(() => {
      const before = tf.memory().numBytes;
      inferenceForward(model, input);
      return tf.memory().numBytes - before;
    });
    // Before, every activation of the pass stayed until tidy returned (the 1.0 backbone's WASM heap: 952 MB after a batch of 32; now 286 MB).
    expect(heldBytes).toBeLessThan(smallestActivationBytes);
    input.dispose();
    model.dispose();
  });

  it('runs models with nothing to fuse (the tutorial CNN, a head) as model.predict', async () => {
    const head = buildHeadMembers(1, { featureDim: 8, numGenres: 3, hidden: 4, dropout: 0.5, l2: 1e-4, seed: 1 })[0];
    expect(fusedPlanSummary(head)).toEqual({ fusedConvs: 0, foldedBatchNorms: 0, foldedPaddings: 0 });
    const input = randomInput([2, 8], 2);
    expect(await worstRelativeDifference(head, input)).toBe(0);
    input.dispose();
    head.dispose();
  });

  for (const id of ['mobilenet_v2_035_224', 'mobilenet_v2_100_224'] as const) {
    const folder = join(SHARED_MODELS_DIR, id);
    it.skipIf(!existsSync(folder))(
      `equals model.predict for the real ${id}, alone and under an averaged head`,
      async () => {
        const loaded = await loadBackbone(getBackbone(id), diskHandler(folder));
        if (!loaded.ok) throw new Error(loaded.error);
        const backbone = loaded.model;
        const summary = fusedPlanSummary(backbone);
        // Every conv but the last 1x1 projections (no ReLU after them) takes its ReLU6 along.
        expect(summary.fusedConvs).toBe(52);
        expect(summary.foldedBatchNorms).toBe(id === 'mobilenet_v2_035_224' ? 52 : 0);
        const input = randomInput([1, 224, 224, 3], 3);
        expect(await worstRelativeDifference(backbone, input)).toBeLessThan(1e-4);

        const heads = buildHeadMembers(2, { featureDim: 1280, numGenres: 5, hidden: 8, dropout: 0.5, l2: 1e-4, seed: 4 });
        const classifier = composeClassifier(backbone, averageHeads(heads));
        expect(fusedPlanSummary(classifier).fusedConvs).toBe(52);
        expect(await worstRelativeDifference(classifier, input)).toBeLessThan(1e-4);
        input.dispose();
        disposeClassifier(classifier);
      },
      120_000,
    );
  }
});
