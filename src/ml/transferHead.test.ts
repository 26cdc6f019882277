import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, shuffleInPlace } from '../lib/random';
import { evaluateMultiLabel } from '../metrics';
import { predictProbabilities } from './trainStep';
import {
  averageHeads,
  buildHead,
  composeClassifier,
  disposeClassifier,
  genreLoss,
  positiveWeights,
  predictHead,
  regularizationLoss,
  splitClassifier,
  trainHeadEpoch,
  type LossOptions,
} from './transferHead';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const N = 200;
const DIM = 32;
const GENRES = 5;

/** Sparse multi-hot labels (~20% positive) and features = labels x W + noise, so a linear head can separate them. */
function syntheticFeatures(seed: number): { features: Float32Array; labels: Uint8Array } {
  const rng = createRng(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const mixing = Array.from({ length: GENRES * DIM }, gaussian);
  const labels = new Uint8Array(N * GENRES).map(() => (rng() < 0.2 ? 1 : 0));
  const features = new Float32Array(N * DIM);
  for (let i = 0; i < N; i++) {
    for (let d = 0; d < DIM; d++) {
      let value = gaussian();
      for (let k = 0; k < GENRES; k++) value += labels[i * GENRES + k] * mixing[k * DIM + d];
      features[i * DIM + d] = value;
    }
  }
  return { features, labels };
}

describe('positiveWeights', () => {
  it('is (neg/pos)^power, capped, at least 1, and 1 for a genre without positives', () => {
    // 10 posters x 3 genres: genre 0 has 1 positive, genre 1 has 5, genre 2 none.
    const labels = new Uint8Array(30);
    labels[0] = 1;
    for (let i = 0; i < 5; i++) labels[i * 3 + 1] = 1;
    expect(Array.from(positiveWeights(labels, 10, 3, { power: 1, max: 100 }))).toEqual([9, 1, 1]);
    expect(Array.from(positiveWeights(labels, 10, 3, { power: 0.5, max: 100 }))).toEqual([3, 1, 1]);
    expect(Array.from(positiveWeights(labels, 10, 3, { power: 1, max: 4 }))).toEqual([4, 1, 1]);
  });
});

describe('genreLoss', () => {
  it('weights positives, and focal loss with gamma 0 is plain BCE', async () => {
    const y = tf.tensor2d([[1, 0]]);
    const p = tf.tensor2d([[0.25, 0.5]]);
    const read = async (options: LossOptions) => {
      const loss = genreLoss(y, p, options);
      const value = (await loss.data())[0];
      loss.dispose();
      return value;
    };
    const bce = (-Math.log(0.25) - Math.log(0.5)) / 2;
    expect(await read({ kind: 'bce' })).toBeCloseTo(bce, 5);
    expect(await read({ kind: 'weighted-bce', positiveWeight: Float32Array.of(3, 1) })).toBeCloseTo((-3 * Math.log(0.25) - Math.log(0.5)) / 2, 5);
    expect(await read({ kind: 'focal', gamma: 0 })).toBeCloseTo(bce, 5);
    // gamma 2: the positive is scaled by (1 - 0.25)^2, the negative by 0.5^2.
    expect(await read({ kind: 'focal', gamma: 2 })).toBeCloseTo((-(0.75 ** 2) * Math.log(0.25) - 0.25 * Math.log(0.5)) / 2, 5);
    y.dispose();
    p.dispose();
  });
});

describe('transfer head', () => {
  it('builds a named head with or without a hidden layer', async () => {
    const mlp = buildHead({ featureDim: DIM, numGenres: GENRES, hidden: 16, dropout: 0.3, l2: 1e-4, seed: 1 });
    expect(mlp.name).toBe('genre_head');
    expect(mlp.layers.map((l) => l.name)).toEqual(['head_hidden', 'head_dropout', 'head_genres']);
    expect(mlp.countParams()).toBe(DIM * 16 + 16 + 16 * GENRES + GENRES);
    const linear = buildHead({ featureDim: DIM, numGenres: GENRES, hidden: 0, dropout: 0, l2: 0, seed: 1 });
    expect(linear.layers.map((l) => l.name)).toEqual(['head_genres']);
    expect(linear.outputs[0].shape).toEqual([null, GENRES]);
    // The L2 penalty is what trainHeadEpoch adds to the loss: present only when l2 > 0.
    expect(regularizationLoss(linear)).toBeUndefined();
    const penalty = regularizationLoss(mlp)!;
    expect((await penalty.data())[0]).toBeGreaterThan(0);
    penalty.dispose();
    mlp.dispose();
    linear.dispose();
  });

  it('learns separable synthetic features: loss falls, macro AP rises, no tensor leak', async () => {
    const { features, labels } = syntheticFeatures(3);
    const head = buildHead({ featureDim: DIM, numGenres: GENRES, hidden: 16, dropout: 0.2, l2: 1e-4, seed: 5 });
    const optimizer = tf.train.adam(0.01);
    const loss: LossOptions = { kind: 'weighted-bce', positiveWeight: positiveWeights(labels, N, GENRES, { power: 0.5, max: 10 }) };
    const rng = createRng(9);
    const indices = Array.from({ length: N }, (_, i) => i);

    const untrained = evaluateMultiLabel(await predictHead(head, features, N, 64), labels, GENRES);
    const first = await trainHeadEpoch(head, optimizer, features, labels, shuffleInPlace([...indices], rng), 32, loss);
    const tensorsAfterWarmup = tf.memory().numTensors;
    let last = first;
    for (let epoch = 0; epoch < 15; epoch++) {
      last = await trainHeadEpoch(head, optimizer, features, labels, shuffleInPlace([...indices], rng), 32, loss);
      expect(tf.memory().numTensors).toBe(tensorsAfterWarmup);
    }
    const probs = await predictHead(head, features, N, 64);
    expect(tf.memory().numTensors).toBe(tensorsAfterWarmup);
    const trained = evaluateMultiLabel(probs, labels, GENRES);

    expect(last.loss).toBeLessThan(first.loss * 0.5);
    expect(last.correctLabels).toBeGreaterThan(0.9 * N * GENRES);
    expect(untrained.mapMacro!).toBeLessThan(0.7);
    expect(trained.mapMacro!).toBeGreaterThan(0.95);
    optimizer.dispose();
    head.dispose();
  });

  it('trains the same head twice from the same dropout seeds, and different heads without them', async () => {
    const { features, labels } = syntheticFeatures(6);
    const loss: LossOptions = { kind: 'bce' };
    const order = Array.from({ length: N }, (_, i) => i);
    const train = async (seeded: boolean) => {
      const head = buildHead({ featureDim: DIM, numGenres: GENRES, hidden: 16, dropout: 0.5, l2: 1e-4, seed: 5 });
      const optimizer = tf.train.adam(0.01);
      const rng = createRng(11);
      for (let epoch = 0; epoch < 2; epoch++) {
        await trainHeadEpoch(head, optimizer, features, labels, order, 32, loss, seeded ? () => Math.floor(rng() * 2 ** 31) : undefined);
      }
      const probs = await predictHead(head, features, N, 64);
      optimizer.dispose();
      head.dispose();
      return Array.from(probs);
    };
    expect(await train(true)).toEqual(await train(true));
    expect(await train(false)).not.toEqual(await train(false));
  });

  it('trains with focal loss and plain BCE too', async () => {
    const { features, labels } = syntheticFeatures(4);
    for (const loss of [{ kind: 'bce' }, { kind: 'focal', gamma: 2 }] satisfies LossOptions[]) {
      const head = buildHead({ featureDim: DIM, numGenres: GENRES, hidden: 0, dropout: 0, l2: 0, seed: 2 });
      const optimizer = tf.train.adam(0.02);
      const order = Array.from({ length: N }, (_, i) => i);
      const first = await trainHeadEpoch(head, optimizer, features, labels, order, 50, loss);
      let last = first;
      for (let epoch = 0; epoch < 10; epoch++) last = await trainHeadEpoch(head, optimizer, features, labels, order, 50, loss);
      expect(last.loss).toBeLessThan(first.loss);
      optimizer.dispose();
      head.dispose();
    }
  });

  it('composes backbone + head into one pixels -> genres model that survives save and load', async () => {
    const spec = { height: 8, width: 8, scaling: 'symmetric' } as const;
    const tensorsAtStart = tf.memory().numTensors;
    const backbone = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 3], filters: DIM, kernelSize: 3, name: 'conv' }),
        tf.layers.globalAveragePooling2d({ name: 'pool' }),
      ],
    });
    const head = buildHead({ featureDim: DIM, numGenres: GENRES, hidden: 8, dropout: 0.5, l2: 0, seed: 1 });
    const classifier = composeClassifier(backbone, head);
    expect(classifier.inputs[0].shape).toEqual([null, 8, 8, 3]);
    expect(classifier.outputs[0].shape).toEqual([null, GENRES]);
    expect(splitClassifier(classifier).head).toBe(head);

    const pixels = new Uint8Array(3 * 8 * 8 * 3).map((_, i) => (i * 31) % 256);
    const probs = await predictProbabilities(classifier, pixels, 3, spec);
    expect(probs).toHaveLength(3 * GENRES);

    let saved: tf.io.ModelArtifacts | undefined;
    await classifier.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const reloaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    expect(splitClassifier(reloaded).head.name).toBe('genre_head');
    const again = await predictProbabilities(reloaded, pixels, 3, spec);
    again.forEach((p, i) => expect(p).toBeCloseTo(probs[i], 5));

    const tensorsBefore = tf.memory().numTensors;
    await predictProbabilities(classifier, pixels, 3, spec);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(() => splitClassifier(backbone)).toThrow(/not a backbone \+ genre_head classifier/);
    disposeClassifier(reloaded);
    disposeClassifier(classifier);
    expect(tf.memory().numTensors).toBe(tensorsAtStart);
  });
});

describe('averageHeads', () => {
  it('averages member heads into one genre_head that composes, saves and loads like a single head', async () => {
    const spec = { height: 8, width: 8, scaling: 'symmetric' } as const;
    const tensorsAtStart = tf.memory().numTensors;
    const members = [0, 1, 2].map((member) =>
      buildHead({ featureDim: DIM, numGenres: GENRES, hidden: 8, dropout: 0.5, l2: 1e-4, seed: 10 + member, member }),
    );
    const head = averageHeads(members);
    expect(head.name).toBe('genre_head');
    expect(averageHeads([members[0]])).toBe(members[0]);

    const features = Float32Array.from({ length: 4 * DIM }, (_, i) => Math.sin(i));
    const each = await Promise.all(members.map((member) => predictHead(member, features, 4, 2)));
    const mean = await predictHead(head, features, 4, 2);
    mean.forEach((p, k) => expect(p).toBeCloseTo((each[0][k] + each[1][k] + each[2][k]) / 3, 6));

    const backbone = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 3], filters: DIM, kernelSize: 3, name: 'conv' }),
        tf.layers.globalAveragePooling2d({ name: 'pool' }),
      ],
    });
    const classifier = composeClassifier(backbone, head);
    const pixels = new Uint8Array(2 * 8 * 8 * 3).map((_, i) => (i * 37) % 256);
    const probs = await predictProbabilities(classifier, pixels, 2, spec);
    let saved: tf.io.ModelArtifacts | undefined;
    await classifier.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    // Every weight is saved under its own name (three members, each with two dense layers).
    const names = saved!.weightSpecs!.map((spec) => spec.name);
    expect(new Set(names).size).toBe(names.length);
    const reloaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    expect(splitClassifier(reloaded).head.name).toBe('genre_head');
    const again = await predictProbabilities(reloaded, pixels, 2, spec);
    again.forEach((p, i) => expect(p).toBeCloseTo(probs[i], 5));
    disposeClassifier(reloaded);
    disposeClassifier(classifier);
    expect(tf.memory().numTensors).toBe(tensorsAtStart);
  });
});

describe('predictProbabilities with averageMirrored', () => {
  it('averages the prediction for each poster and for its mirror image', async () => {
    // A model that sees position: flatten + dense, so a mirrored poster scores differently.
    const model = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [2, 3, 3] }),
        tf.layers.dense({ units: 2, activation: 'sigmoid', kernelInitializer: tf.initializers.randomNormal({ seed: 1 }) }),
      ],
    });
    const spec = { height: 2, width: 3, scaling: 'unit' as const };
    const poster = Uint8Array.from({ length: 18 }, (_, k) => k * 14);
    // The same poster mirrored by hand: columns 0,1,2 -> 2,1,0 in each row.
    const mirrored = new Uint8Array(18);
    for (let y = 0; y < 2; y++)
      for (let x = 0; x < 3; x++) for (let c = 0; c < 3; c++) mirrored[(y * 3 + (2 - x)) * 3 + c] = poster[(y * 3 + x) * 3 + c];

    const plain = await predictProbabilities(model, poster, 1, spec);
    const flipped = await predictProbabilities(model, mirrored, 1, spec);
    const averaged = await predictProbabilities(model, poster, 1, { ...spec, averageMirrored: true });
    expect(Math.abs(plain[0] - flipped[0]) + Math.abs(plain[1] - flipped[1])).toBeGreaterThan(1e-3);
    expect(averaged[0]).toBeCloseTo((plain[0] + flipped[0]) / 2, 6);
    expect(averaged[1]).toBeCloseTo((plain[1] + flipped[1]) / 2, 6);
    model.dispose();
  });
});
