import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InferenceBackendName } from '../config/trainConfig';
import { LYING_BACKEND, registerLyingBackend } from '../ml/lyingBackend.testkit';
import { ModelHolder } from './modelHolder';
import type { WorkerEvent } from './protocol';

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerLyingBackend();
});

const SPEC = { height: 8, width: 8, scaling: 'symmetric' as const, averageMirrored: false };

function tinyBackbone(): tf.LayersModel {
  return tf.sequential({
    layers: [tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 2, kernelSize: 3 }), tf.layers.globalAveragePooling2d({})],
  });
}

/** A holder whose training backend is the lying CPU (standing in for a GPU) and whose other inference backend is the CPU. */
function holder(software: boolean) {
  const logs: string[] = [];
  const models = new ModelHolder({
    emit: (event: WorkerEvent) => {
      if (event.type === 'log') logs.push(event.message);
    },
    now: () => performance.now(),
    inferenceBackends: ['cpu'],
  });
  models.trainingBackend = LYING_BACKEND as never;
  models.trainingBackendIsSoftware = software;
  return { models, logs };
}

describe('ModelHolder.placeForInference', () => {
  it('times the training backend and the others, and keeps the fastest', async () => {
    const { models, logs } = holder(false);
    const model = tinyBackbone();
    const where = await models.placeForInference(model, 'tiny', SPEC);
    expect(Object.keys(models.forwardRates('tiny')).sort()).toEqual(['cpu', LYING_BACKEND]);
    expect(['cpu', LYING_BACKEND]).toContain(where);
    expect(logs[0]).toMatch(/^tiny forward speed: .* posters\/s; it runs on /);
    model.dispose();
  });

  it('does not time a software GPU for embedding and prediction, and says so; an estimate of fine-tuning times it', async () => {
    const { models, logs } = holder(true);
    const model = tinyBackbone();
    expect(await models.placeForInference(model, 'tiny', SPEC)).toBe('cpu');
    expect(Object.keys(models.forwardRates('tiny'))).toEqual(['cpu']);
    expect(logs[0]).toMatch(new RegExp(`\\(${LYING_BACKEND} not timed: a software GPU, far slower than cpu forward\\); it runs on cpu$`));
    // Measured once: a second placement reuses the choice.
    await models.placeForInference(model, 'tiny', SPEC);
    expect(logs).toHaveLength(1);
    // Fine-tuning runs on the training backend: its rate is measured when asked for.
    await models.placeForInference(model, 'tiny', SPEC, { timeTrainingBackend: true });
    expect(Object.keys(models.forwardRates('tiny')).sort()).toEqual(['cpu', LYING_BACKEND] as InferenceBackendName[]);
    model.dispose();
  });
});
