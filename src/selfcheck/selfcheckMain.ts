import type { SelfCheckEvent, SelfCheckRequest, SelfCheckResult } from './selfcheckProtocol';

/**
 * The self-check page: runs the same training step and the same backbone on
 * every backend this browser has and compares each with the CPU's numbers.
 * A backend that computes wrong numbers (the failure that once made WebGPU
 * train useless models) shows as a failed row, before anyone trains on it.
 */
const postersInput = document.querySelector<HTMLInputElement>('#selfcheck-posters')!;
const runButton = document.querySelector<HTMLButtonElement>('#selfcheck-run')!;
const status = document.querySelector<HTMLElement>('#selfcheck-status')!;
const table = document.querySelector<HTMLTableSectionElement>('#selfcheck-rows')!;
const resultBlock = document.querySelector<HTMLElement>('#selfcheck-result')!;

const format = (value: number) => (Number.isFinite(value) ? value.toExponential(1) : String(value));

function cell(text: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

/** "direct convolution kernels against tfjs' own: worst 5.1e-7 (9 cases)", or the failing ones. */
function describeKernels(kernels: NonNullable<SelfCheckResult['backends'][number]['kernels']>): string {
  const failing = kernels.filter((kernel) => !kernel.pass);
  if (failing.length > 0)
    return `direct kernels differ from tfjs' own: ${failing.map((k) => `${k.kernel} (${k.case}) ${format(k.relativeError)}`).join(', ')}`;
  const worst = Math.max(0, ...kernels.map((kernel) => kernel.relativeError));
  return `direct convolution kernels against tfjs' own: worst ${format(worst)} (${kernels.length} cases)`;
}

function show(result: SelfCheckResult): void {
  table.replaceChildren(
    ...result.backends.map((row) => {
      const tr = document.createElement('tr');
      const verdict = !row.available
        ? 'not available'
        : row.step?.pass === false || row.embeddings?.pass === false || row.kernels?.some((kernel) => !kernel.pass)
          ? 'FAILS: wrong numbers'
          : 'matches the CPU';
      tr.append(
        cell(row.backend),
        cell(verdict),
        cell(
          row.step
            ? `loss ${format(row.step.lossRelative)}, gradients ${format(row.step.gradientRelative)}, weights ${format(row.step.updatedAbsolute)}`
            : '–',
        ),
        cell(row.embeddings ? format(row.embeddings.relative) : '–'),
        cell([...row.notes, ...(row.kernels ? [describeKernels(row.kernels)] : [])].join('; ')),
      );
      return tr;
    }),
  );
  resultBlock.textContent = JSON.stringify(result, null, 2);
  status.textContent = result.pass
    ? 'Every available backend computes the same numbers as the CPU.'
    : 'A backend computes wrong numbers: do not train on it (choose another with ?backend=).';
}

runButton.addEventListener('click', () => {
  runButton.disabled = true;
  status.textContent = 'Starting…';
  const worker = new Worker(new URL('./selfcheckWorker.ts', import.meta.url), { type: 'module', name: 'selfcheck' });
  worker.onerror = (event) => {
    status.textContent = `The check failed: ${event.message}`;
    runButton.disabled = false;
  };
  worker.onmessage = ({ data: event }: MessageEvent<SelfCheckEvent>) => {
    if (event.type === 'progress') {
      status.textContent = event.message;
      return;
    }
    worker.terminate();
    runButton.disabled = false;
    if (event.type === 'done') show(event.result);
    else status.textContent = `The check failed: ${event.message}`;
  };
  worker.postMessage({ type: 'run', posters: [...(postersInput.files ?? [])] } satisfies SelfCheckRequest);
});

export {};
