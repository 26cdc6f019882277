import { describe, expect, it } from 'vitest';
import { RequestDispatcher, type DispatchTarget } from './dispatcher';
import type { WorkerRequest } from './protocol';

/** A session stand-in: records what it handled, in order; `train` runs until released. */
function fakeTarget() {
  const handled: string[] = [];
  const refused: string[] = [];
  let release = () => {};
  const target: DispatchTarget & { running: boolean } = {
    running: false,
    async handle(request) {
      handled.push(request.type);
      if (request.type === 'train') {
        target.running = true;
        await new Promise<void>((resolve) => (release = resolve));
        target.running = false;
      }
    },
    refuse(request, reason) {
      refused.push(`${request.type}: ${reason}`);
    },
  };
  return { target, handled, refused, release: () => release() };
}

const poster = new File(['x'], 'p.jpg');
const train: WorkerRequest = { type: 'train', config: {} as never };

describe('RequestDispatcher', () => {
  it('runs requests one at a time, in order', async () => {
    const { target, handled } = fakeTarget();
    const dispatcher = new RequestDispatcher(target);
    await Promise.all([
      dispatcher.push({ type: 'exportModel' }),
      dispatcher.push({ type: 'discardCheckpoint', runId: 'r1' }),
      dispatcher.push({ type: 'predict', requestId: 1, file: poster }),
    ]);
    expect(handled).toEqual(['exportModel', 'discardCheckpoint', 'predict']);
  });

  it('during a run: stop at once, imports and new runs refused, predictions between batches, the rest after the run', async () => {
    const { target, handled, refused, release } = fakeTarget();
    const dispatcher = new RequestDispatcher(target);
    const run = dispatcher.push(train);
    await Promise.resolve();
    await Promise.resolve();
    expect(target.running).toBe(true);

    await dispatcher.push({ type: 'importModel', files: [] });
    await dispatcher.push({ type: 'resume', runId: 'r1' });
    await dispatcher.push({ type: 'train', config: {} as never });
    expect(refused).toEqual([
      'importModel: a training run is going on: stop it first',
      'resume: a training run is going on: stop it first',
      'train: a training run is going on: stop it first',
    ]);

    const exported = dispatcher.push({ type: 'exportModel' });
    void dispatcher.push({ type: 'predict', requestId: 1, file: poster });
    await dispatcher.push({ type: 'stop' });
    expect(handled).toEqual(['train', 'stop']);

    // The run reaches a batch boundary: the waiting prediction is served there.
    await dispatcher.serveWaiting();
    expect(handled).toEqual(['train', 'stop', 'predict']);

    release();
    await run;
    await exported;
    expect(handled).toEqual(['train', 'stop', 'predict', 'exportModel']);
  });

  it('serves predictions left waiting when the run ends before its next batch', async () => {
    const { target, handled, release } = fakeTarget();
    const dispatcher = new RequestDispatcher(target);
    const run = dispatcher.push(train);
    await Promise.resolve();
    await Promise.resolve();
    void dispatcher.push({ type: 'predictFolder', files: [] });
    release();
    await run;
    expect(handled).toEqual(['train', 'predictFolder']);
  });
});
