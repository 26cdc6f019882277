import * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackendName } from '../config/trainConfig';
import { LYING_BACKEND, registerLyingBackend } from '../ml/lyingBackend.testkit';
import type { InputSpec } from '../data/inputSpec';
import { DEFAULT_TRAIN_CONFIG } from '../config/registry.js';
import type { TrainConfig } from '../config/trainConfig';
import { checkCheckpoint, MemoryCheckpointStore } from './checkpointStore';
import { MemoryEmbeddingStore } from '../ml/training/embedAll';
import { MemoryPixelSpill } from './pixelSpill';
import type { WorkerEvent } from './protocol';
import { RequestDispatcher } from './dispatcher';
import { MemoryRunLocks } from './runLocks';
import { WorkerSession } from './session';

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerLyingBackend();
});

const GENRES = ['Action', 'Comedy', 'Drama'];
const CSV = ['Id,Genre,' + GENRES.join(','), 'p1,,1,0,0', 'p2,,0,1,0', 'p3,,0,0,1', 'p4,,1,1,0', 'p5,,0,1,1'].join('\n');

/** Stands in for the browser decoder: the poster's bytes pick a flat colour; "bad" files fail. */
async function fakeDecode(file: Blob, spec: InputSpec): Promise<Uint8Array> {
  const text = await file.text();
  if (text === 'corrupt') throw new Error('not a decodable image');
  return new Uint8Array(spec.height * spec.width * 3).fill(text.length * 40);
}

function posterFiles(): File[] {
  return [
    new File(['a'], 'p1.jpg'),
    new File(['bb'], 'p2.jpg'),
    new File(['ccc'], 'p3.jpg'),
    new File(['dddd'], 'p4.jpg'),
    new File(['corrupt'], 'p5.jpg'),
    new File(['x'], 'unlabelled.jpg'),
  ];
}

function harness(embeddings = new MemoryEmbeddingStore(), extra: Partial<ConstructorParameters<typeof WorkerSession>[0]> = {}) {
  const events: WorkerEvent[] = [];
  const checkpoints = new MemoryCheckpointStore();
  const session = new WorkerSession({ emit: (event) => events.push(event), decode: fakeDecode, checkpoints, embeddings, ...extra });
  const ofType = <T extends WorkerEvent['type']>(type: T) =>
    events.filter((event): event is Extract<WorkerEvent, { type: T }> => event.type === type);
  return { session, events, checkpoints, ofType };
}

/** The newest saved run, read back and checked as the app reads it. */
async function latestRun(checkpoints: MemoryCheckpointStore) {
  const [newest] = await checkpoints.list();
  const checked = checkCheckpoint(await checkpoints.load(newest.runId));
  if (!checked.ok) throw new Error(checked.error);
  return checked.value;
}

/** The worker started on the CPU with the test posters and their CSV loaded, as after a drop. */
async function startWithDataset(session: WorkerSession): Promise<void> {
  await session.handle({ type: 'init', backend: 'cpu' });
  await session.handle({ type: 'loadDataset', posters: posterFiles(), csv: new File([CSV], 'train.csv') });
}

const CONFIG: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, epochs: 1, batchSize: 4, height: 76, width: 76, valFraction: 0.4, seed: 3 };

describe('WorkerSession (the worker without a Worker)', () => {
  it('reports the dataset, trains, checkpoints, resumes, exports and re-imports', async () => {
    const { session, checkpoints, ofType } = harness();
    await session.handle({ type: 'init', backend: 'cpu' });
    expect(ofType('ready')[0]).toMatchObject({ backend: 'cpu' });

    await session.handle({ type: 'loadDataset', posters: posterFiles(), csv: new File([CSV], 'train.csv') });
    const summary = ofType('datasetLoaded')[0].summary;
    expect(summary.examples).toBe(5);
    expect(summary.issues.map((issue) => issue.kind)).toEqual(['poster-without-row']);

    await session.handle({ type: 'train', config: CONFIG });
    expect(ofType('error')).toEqual([]);
    expect(ofType('done')[0]).toMatchObject({ reason: 'completed', epochsCompleted: 1 });
    // The corrupt poster is skipped by name; training went on with the rest.
    const skipped = ofType('posterSkipped').map((event) => event.issue.file);
    expect(skipped).toEqual(['p5.jpg']);
    const epoch1 = ofType('epochEnd')[0].metrics;
    expect(Number.isFinite(epoch1.train.loss)).toBe(true);
    expect(epoch1.validation?.numSamples).toBeGreaterThan(0);
    expect(epoch1.baseline?.aucMacro ?? 0.5).toBeCloseTo(0.5);
    const saved = await latestRun(checkpoints);
    expect(saved.metadata.epochsCompleted).toBe(1);
    expect(saved.optimizer?.length).toBeGreaterThan(1);
    // The saved run is offered to continue, on this dataset.
    expect(ofType('checkpoint').at(-1)).toMatchObject({ checkpoint: { runId: saved.runId, matchesDataset: true }, trainingElsewhere: 0 });

    await session.handle({ type: 'resume', runId: saved.runId, epochs: 2 });
    expect(ofType('error')).toEqual([]);
    expect(ofType('resumed')[0]).toMatchObject({ fromEpoch: 2 });
    expect(ofType('epochEnd').map((event) => event.metrics.epoch)).toEqual([1, 2]);
    // The same run, continued: one saved run with both epochs.
    expect((await checkpoints.list()).map((run) => run.runId)).toEqual([saved.runId]);
    expect((await latestRun(checkpoints)).history.map((m) => m.epoch)).toEqual([1, 2]);

    const poster = new File(['bb'], 'p2.jpg');
    await session.handle({ type: 'predict', requestId: 1, file: poster });
    const before = ofType('prediction')[0].scores.map((s) => s.probability);
    // "Why this genre": the map is scored as the prediction was, so its whole-poster probability is the prediction's.
    const genre = ofType('prediction')[0].top[0];
    await session.handle({ type: 'explain', requestId: 3, file: poster, genre: genre.genre });
    const explanation = ofType('explanation')[0];
    expect(explanation).toMatchObject({ requestId: 3, file: 'p2.jpg', genre: genre.genre });
    expect(explanation.saliency.heat).toHaveLength(64);
    expect(explanation.saliency.probability).toBeCloseTo(genre.probability, 5);
    expect(explanation.saliency.lowestProbability).toBeLessThanOrEqual(genre.probability);
    await session.handle({ type: 'explain', requestId: 4, file: poster, genre: 'Opera' });
    expect(ofType('error').at(-1)).toMatchObject({ request: 'explain', message: expect.stringContaining('no genre "Opera"') });

    await session.handle({ type: 'exportModel' });
    const files = ofType('modelExported')[0].files.map((f) => new File([f.data], f.name));
    expect(files.map((f) => f.name)).toEqual(['model.json', 'weights.bin', 'metadata.json']);

    await session.handle({ type: 'importModel', files });
    expect(ofType('error').filter((event) => event.request !== 'explain')).toEqual([]);
    await session.handle({ type: 'predict', requestId: 2, file: poster });
    const after = ofType('prediction')[1].scores.map((s) => s.probability);
    after.forEach((p, k) => expect(p).toBeCloseTo(before[k], 5));

    await session.handle({ type: 'predictFolder', files: posterFiles(), csv: new File([CSV], 'train.csv') });
    const batch = ofType('batchPredicted')[0].result;
    expect(batch.ids).toEqual(['p1', 'p2', 'p3', 'p4', 'unlabelled']);
    expect(batch.skipped.map((issue) => issue.file)).toEqual(['p5.jpg']);
    // Posters the model trained on are flagged and left out of the metrics: they would flatter it.
    const seen = batch.ids.filter((_, k) => batch.seenInTraining[k]);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).not.toContain('unlabelled');
    expect(batch.seenExcluded).toBe(seen.length);
    expect(batch.evaluation?.posters ?? 0).toBe(4 - seen.length);
  });

  const backboneDir = join(import.meta.dirname, '..', '..', '..', 'shared', 'models', 'mobilenet_v2_035_224');
  it.skipIf(!existsSync(backboneDir))('checks a picked backbone folder at once, uses it, and forgets it on request', async () => {
    const { session, ofType } = harness();
    const folder = readdirSync(backboneDir).map((name) => new File([readFileSync(join(backboneDir, name))], name));
    await session.handle({
      type: 'chooseBackboneFiles',
      backbone: 'mobilenet_v2_035_224',
      files: folder.filter((file) => file.name.endsWith('.json')),
    });
    expect(ofType('error').map((event) => event.message)).toEqual([
      'backbone folder not used: model.json needs the weight file weights.bin, which is not among the chosen files',
    ]);
    expect(ofType('backboneFiles')).toEqual([]);

    await session.handle({ type: 'chooseBackboneFiles', backbone: 'mobilenet_v2_035_224', files: folder });
    expect(ofType('backboneFiles').at(-1)?.source).toEqual({ description: 'model.json + 1 weight file', parameters: 410_208 });
    await session.handle({
      type: 'describeModel',
      config: { ...CONFIG, modelKind: 'mobilenet-frozen', backboneUrl: 'http://127.0.0.1:9/nowhere/model.json' },
    });
    // The folder wins over the (unreachable) URL.
    expect(ofType('modelSummary')).toHaveLength(1);

    await session.handle({ type: 'chooseBackboneFiles', backbone: 'mobilenet_v2_035_224', files: [] });
    expect(ofType('backboneFiles').at(-1)?.source).toBeNull();
    expect(ofType('error')).toHaveLength(1);
  });

  it.skipIf(!existsSync(backboneDir))(
    'trains a frozen-backbone head on plain and mirrored posters, never caches an unreadable one, and predicts with the mirror average',
    async () => {
      const embeddings = new MemoryEmbeddingStore();
      const { session, ofType } = harness(embeddings);
      await session.handle({ type: 'init', backend: 'cpu' });
      const folder = readdirSync(backboneDir).map((name) => new File([readFileSync(join(backboneDir, name))], name));
      await session.handle({ type: 'chooseBackboneFiles', backbone: 'mobilenet_v2_035_224', files: folder });
      await session.handle({ type: 'loadDataset', posters: posterFiles(), csv: new File([CSV], 'train.csv') });
      const config: TrainConfig = { ...CONFIG, modelKind: 'mobilenet-frozen', epochs: 2, mirrorPosters: true };

      await session.handle({ type: 'train', config });
      expect(ofType('error')).toEqual([]);
      expect(ofType('done')[0]).toMatchObject({ reason: 'completed' });
      expect(ofType('posterSkipped').map((event) => event.issue.file)).toEqual(['p5.jpg']);
      // Four readable posters cached (key per backbone and view set); the corrupt one is not.
      expect(embeddings.size).toBe(4);
      const metadata = ofType('modelChanged').at(-1)?.model?.metadata;
      expect(metadata?.input).toEqual({ height: 224, width: 224, scaling: 'symmetric', averageMirrored: true });
      expect(ofType('epochEnd').at(-1)?.metrics.validation?.numSamples).toBeGreaterThan(0);

      await session.handle({ type: 'predict', requestId: 1, file: new File(['bb'], 'p2.jpg') });
      const scores = ofType('prediction')[0].scores.map((score) => score.probability);
      expect(scores).toHaveLength(3);
      for (const p of scores) {
        expect(p).toBeGreaterThan(0);
        expect(p).toBeLessThan(1);
      }

      await session.handle({ type: 'train', config });
      expect(ofType('error')).toEqual([]);
      const logs = ofType('log').map((event) => event.message);
      expect(logs.filter((line) => line.startsWith('embeddings:')).at(-1)).toMatch(/^embeddings: 4 from the cache, 1 computed/);
    },
  );

  it.skipIf(!existsSync(backboneDir))(
    'a frozen run whose training backend lies on synchronous reads still learns: weights move by async reads',
    async () => {
      // The training backend stands in for WebGPU (readSync returns zeros); time runs 1000x faster on it, so the
      // frozen stages measure faster on cpu and the backbone must move there.
      let clock = 0;
      const now = () => (clock += tf.getBackend() === LYING_BACKEND ? 1000 : 1);
      const { session, ofType } = harness(new MemoryEmbeddingStore(), { inferenceBackends: ['cpu'], now });
      await session.handle({ type: 'init', backend: LYING_BACKEND as BackendName });
      expect(ofType('ready')[0].backend).toBe(LYING_BACKEND);
      const folder = readdirSync(backboneDir).map((name) => new File([readFileSync(join(backboneDir, name))], name));
      await session.handle({ type: 'chooseBackboneFiles', backbone: 'mobilenet_v2_035_224', files: folder });
      await session.handle({ type: 'loadDataset', posters: posterFiles(), csv: new File([CSV], 'train.csv') });
      await session.handle({ type: 'train', config: { ...CONFIG, modelKind: 'mobilenet-frozen', epochs: 2, mirrorPosters: false, headEnsemble: 1 } });
      expect(ofType('error')).toEqual([]);
      expect(ofType('log').map((event) => event.message)).toContain('embedding and head training run on cpu');

      // Different posters get different scores, on the backend the model was placed on.
      const scores: number[][] = [];
      for (const [k, text] of ['a', 'dddd'].entries()) {
        await session.handle({ type: 'predict', requestId: k, file: new File([text], `p${k}.jpg`) });
        scores.push(ofType('prediction')[k].scores.map((score) => score.probability));
      }
      expect(scores[0]).not.toEqual(scores[1]);
    },
  );

  it.skipIf(!existsSync(backboneDir))('stops a run whose backbone computes the same embedding for every poster, naming the backend', async () => {
    const { session, ofType } = harness();
    await session.handle({ type: 'init', backend: 'cpu' });
    // The real topology with every weight zero: what the backbone computed after WebGPU's zeroed read.
    const zeroed = readdirSync(backboneDir).map((name) =>
      name.endsWith('.bin')
        ? new File([new Uint8Array(readFileSync(join(backboneDir, name)).length)], name)
        : new File([readFileSync(join(backboneDir, name))], name),
    );
    await session.handle({ type: 'chooseBackboneFiles', backbone: 'mobilenet_v2_035_224', files: zeroed });
    await session.handle({ type: 'loadDataset', posters: posterFiles(), csv: new File([CSV], 'train.csv') });
    await session.handle({ type: 'train', config: { ...CONFIG, modelKind: 'mobilenet-frozen', mirrorPosters: false, headEnsemble: 1 } });
    const errors = ofType('error');
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(
      /^the backbone's embeddings of a batch on the cpu backend: 4 of 4 posters have all-zero features\. This model cannot learn/,
    );
    expect(ofType('done')).toEqual([]);
    expect(ofType('modelChanged')).toEqual([]);
  });

  it('during a run: an import and a second run are refused, a poster is classified between batches, the running model survives', async () => {
    const events: WorkerEvent[] = [];
    const pushed: Array<Promise<void>> = [];
    const wired: { dispatcher?: RequestDispatcher } = {};
    const session = new WorkerSession({
      emit: (event) => {
        events.push(event);
        // After epoch 1 there is a model to classify with; epoch 2 is under way: the requests arrive now.
        if (event.type === 'epochStart' && event.epoch === 2) {
          pushed.push(wired.dispatcher!.push({ type: 'importModel', files: [new File(['{}'], 'model.json')] }));
          pushed.push(wired.dispatcher!.push({ type: 'train', config: CONFIG }));
          pushed.push(wired.dispatcher!.push({ type: 'predict', requestId: 7, file: new File(['bb'], 'p2.jpg') }));
        }
      },
      decode: fakeDecode,
      checkpoints: new MemoryCheckpointStore(),
      embeddings: new MemoryEmbeddingStore(),
    });
    const dispatcher = new RequestDispatcher(session);
    wired.dispatcher = dispatcher;
    session.betweenBatches = () => dispatcher.serveWaiting();
    const ofType = <T extends WorkerEvent['type']>(type: T) =>
      events.filter((event): event is Extract<WorkerEvent, { type: T }> => event.type === type);
    await dispatcher.push({ type: 'init', backend: 'cpu' });
    await dispatcher.push({ type: 'loadDataset', posters: posterFiles(), csv: new File([CSV], 'train.csv') });
    await dispatcher.push({ type: 'train', config: { ...CONFIG, epochs: 3, batchSize: 2 } });
    await Promise.all(pushed);

    expect(ofType('error').map((event) => [event.message, event.refused])).toEqual([
      ['importModel refused: a training run is going on: stop it first', true],
      ['train refused: a training run is going on: stop it first', true],
    ]);
    const order = events.map((event) => event.type);
    expect(order.indexOf('prediction')).toBeGreaterThan(order.indexOf('epochStart'));
    expect(order.indexOf('prediction')).toBeLessThan(order.indexOf('done'));
    expect(ofType('done')).toEqual([{ type: 'done', reason: 'completed', epochsCompleted: 3 }]);
    // The trained model is still there and usable.
    await dispatcher.push({ type: 'predict', requestId: 8, file: new File(['a'], 'p1.jpg') });
    expect(ofType('prediction').map((event) => event.requestId)).toEqual([7, 8]);
    expect(ofType('modelChanged').at(-1)?.model?.source).toBe('trained');
  });

  it.skipIf(!existsSync(backboneDir))('a resumed fine-tune is set up as a fresh one: positive weights from the training split only', async () => {
    const folder = readdirSync(backboneDir).map((name) => new File([readFileSync(join(backboneDir, name))], name));
    const setUp = async (steps: (session: WorkerSession, checkpoints: MemoryCheckpointStore) => Promise<void>) => {
      const { session, ofType, checkpoints } = harness();
      await session.handle({ type: 'init', backend: 'cpu' });
      await session.handle({ type: 'chooseBackboneFiles', backbone: 'mobilenet_v2_035_224', files: folder });
      await session.handle({ type: 'loadDataset', posters: posterFiles(), csv: new File([CSV], 'train.csv') });
      await steps(session, checkpoints);
      expect(ofType('error')).toEqual([]);
      return ofType('log')
        .map((event) => event.message)
        .filter((line) => line.startsWith('fine-tuning '));
    };
    const frozen: TrainConfig = { ...CONFIG, modelKind: 'mobilenet-frozen', epochs: 1, mirrorPosters: false, headEnsemble: 1 };
    const fresh = await setUp((session) =>
      session.handle({ type: 'train', config: { ...frozen, modelKind: 'mobilenet-finetune', fineTuneEpochs: 1 } }),
    );
    const resumed = await setUp(async (session, checkpoints) => {
      await session.handle({ type: 'train', config: frozen });
      await session.handle({ type: 'resume', runId: (await latestRun(checkpoints)).runId, epochs: 2 });
    });
    expect(fresh).toHaveLength(1);
    expect(fresh[0]).toMatch(/^fine-tuning .* at learning rate 0\.0001, weighted-bce with positive weights from the 3 training posters$/);
    expect(resumed).toEqual(fresh);
  });

  it('an import is saved as a run of its own, with its own weight data even when its manifest orders the weights otherwise (issue 14, case 2)', async () => {
    const { session, checkpoints, ofType } = harness();
    await startWithDataset(session);
    await session.handle({ type: 'train', config: CONFIG });
    const trained = await latestRun(checkpoints);
    await session.handle({ type: 'exportModel' });
    const exported = Object.fromEntries(ofType('modelExported')[0].files.map((file) => [file.name, file.data]));

    // The same model, its manifest listing the weights last to first and weights.bin ordered to match.
    const modelJson = JSON.parse(exported['model.json'] as string) as { weightsManifest: Array<{ weights: Array<{ shape: number[] }> }> };
    const weights = modelJson.weightsManifest[0].weights;
    const bytes = new Uint8Array(exported['weights.bin'] as ArrayBuffer);
    let offset = 0;
    const chunks = weights.map((spec) => {
      const size = spec.shape.reduce((a, b) => a * b, 1) * 4;
      const chunk = bytes.slice(offset, offset + size);
      offset += size;
      return chunk;
    });
    modelJson.weightsManifest[0].weights = [...weights].reverse();
    const reordered = new Blob([...chunks].reverse());
    await session.handle({
      type: 'importModel',
      files: [
        new File([JSON.stringify(modelJson)], 'model.json'),
        new File([reordered], 'weights.bin'),
        new File([exported['metadata.json'] as string], 'metadata.json'),
      ],
    });
    expect(ofType('error')).toEqual([]);
    await session.handle({ type: 'predict', requestId: 1, file: new File(['bb'], 'p2.jpg') });
    const imported = ofType('prediction')[0].scores.map((score) => score.probability);

    // Two saved runs now: the trained one is untouched.
    const runs = await checkpoints.list();
    expect(runs).toHaveLength(2);
    expect(runs.map((run) => run.runId)).toContain(trained.runId);
    const stored = checkCheckpoint(await checkpoints.load(runs.find((run) => run.runId !== trained.runId)!.runId));
    if (!stored.ok) throw new Error(stored.error);
    // The imported run's stored weights predict what the imported model predicts.
    const reloaded = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: stored.value.modelTopology, weightSpecs: stored.value.weightSpecs, weightData: stored.value.weightData }),
    );
    const pixels = await fakeDecode(new File(['bb'], 'p2.jpg'), { height: 76, width: 76, scaling: 'unit' });
    const probs = tf.tidy(() => reloaded.predict(tf.tensor4d(pixels, [1, 76, 76, 3], 'float32').div(255)) as tf.Tensor);
    const values = await probs.data();
    probs.dispose();
    reloaded.dispose();
    Array.from(values).forEach((p, k) => expect(p).toBeCloseTo(imported[k], 5));
  });

  it('a checkpoint that cannot be saved is said once, with the reason, and the run goes on (issue 14, case 5)', async () => {
    const { session, checkpoints, ofType } = harness();
    checkpoints.failNextSave = new DOMException('', 'QuotaExceededError');
    await startWithDataset(session);
    await session.handle({ type: 'train', config: { ...CONFIG, epochs: 2 } });
    expect(ofType('checkpointFailed')).toEqual([
      { type: 'checkpointFailed', reason: "the browser's storage for this site is full (QuotaExceededError: no reason given)" },
    ]);
    expect(ofType('done')[0]).toMatchObject({ reason: 'completed', epochsCompleted: 2 });
    // Epoch 2's checkpoint went through.
    expect((await latestRun(checkpoints)).metadata.epochsCompleted).toBe(2);
  });

  it('a stored run that fails the schema is offered only for discarding, with the field named', async () => {
    const { session, checkpoints, ofType } = harness();
    await startWithDataset(session);
    await session.handle({ type: 'train', config: CONFIG });
    const run = await latestRun(checkpoints);
    await checkpoints.save({
      ...run,
      metadata: { ...run.metadata, validation: { mapMacro: '0.41' as unknown as number, aucMacro: null, f1MacroTuned: null } },
    });
    await session.handle({ type: 'loadDataset', posters: posterFiles(), csv: new File([CSV], 'train.csv') });
    expect(ofType('checkpoint').at(-1)).toEqual({
      type: 'checkpoint',
      checkpoint: null,
      trainingElsewhere: 0,
      unreadable: { runId: run.runId, reason: 'the saved run: "metadata.validation.mapMacro" must be a number in [0, 1] (it is the string "0.41")' },
    });
    await session.handle({ type: 'resume', runId: run.runId });
    expect(ofType('error').at(-1)?.message).toMatch(/^the saved run: "metadata.validation.mapMacro"/);
    await session.handle({ type: 'discardCheckpoint', runId: run.runId });
    expect(await checkpoints.list()).toEqual([]);
  });

  it('a run another tab is training is neither offered nor resumable nor discardable here (issue 14, case 4)', async () => {
    const locks = new MemoryRunLocks();
    const { session, checkpoints, ofType } = harness(new MemoryEmbeddingStore(), { locks });
    await startWithDataset(session);
    await session.handle({ type: 'train', config: CONFIG });
    const run = await latestRun(checkpoints);
    locks.otherTabs.add(run.runId);
    await session.handle({ type: 'loadDataset', posters: posterFiles(), csv: new File([CSV], 'train.csv') });
    expect(ofType('checkpoint').at(-1)).toEqual({ type: 'checkpoint', checkpoint: null, trainingElsewhere: 1 });
    await session.handle({ type: 'resume', runId: run.runId, epochs: 2 });
    await session.handle({ type: 'discardCheckpoint', runId: run.runId });
    expect(ofType('error').map((event) => event.message)).toEqual([
      'this run is training in another tab: continue it there, or stop it there first',
      'this run is training in another tab: stop it there first',
    ]);
    // A new run here saves under its own id: the other tab's run is untouched.
    await session.handle({ type: 'train', config: CONFIG });
    expect((await checkpoints.list()).map((saved) => saved.runId)).toContain(run.runId);
    expect(await checkpoints.list()).toHaveLength(2);
  });

  it('refuses model files that do not belong together, naming the problem', async () => {
    const { session, ofType } = harness();
    await session.handle({ type: 'init', backend: 'cpu' });
    await session.handle({
      type: 'importModel',
      files: [new File(['{}'], 'model.json'), new File([new Uint8Array(8)], 'weights.bin'), new File(['{"format":"other"}'], 'metadata.json')],
    });
    expect(ofType('error')[0].message).toMatch(/import refused: metadata.json is not a Poster Genres model/);
  });

  it('keeps decoded posters beyond the memory budget in the spill, so the second epoch decodes nothing', async () => {
    const events: WorkerEvent[] = [];
    const decoded: string[] = [];
    const spill = new MemoryPixelSpill();
    const session = new WorkerSession({
      emit: (event) => events.push(event),
      decode: async (file, spec) => {
        decoded.push((file as File).name);
        return fakeDecode(file, spec);
      },
      checkpoints: new MemoryCheckpointStore(),
      embeddings: new MemoryEmbeddingStore(),
      pixelSpill: () => spill,
    });
    await session.handle({ type: 'init', backend: 'cpu', pixelBudgetBytes: 0 });
    await session.handle({ type: 'loadDataset', posters: posterFiles(), csv: new File([CSV], 'train.csv') });
    await session.handle({ type: 'train', config: { ...CONFIG, epochs: 2 } });
    expect(events.filter((event) => event.type === 'error')).toEqual([]);
    expect(events.filter((event) => event.type === 'epochEnd')).toHaveLength(2);
    // Each of the five posters once, the corrupt one included; nothing in epoch 2.
    expect(decoded.sort()).toEqual(['p1.jpg', 'p2.jpg', 'p3.jpg', 'p4.jpg', 'p5.jpg']);
    const logs = events.flatMap((event) => (event.type === 'log' ? [event.message] : []));
    expect(logs).toContain('decoded posters kept for the next epochs: 4 (0 in memory (0 MB), 4 in a memory spill (0 MB))');
    // The run deletes what it spilled.
    expect(spill.posters).toBe(0);
  });
});
