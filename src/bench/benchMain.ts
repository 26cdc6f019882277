import type { BenchEvent, BenchRequest } from './benchProtocol';

/**
 * The benchmark page: hands the picked posters to the benchmark worker and
 * shows its result. A driver (scripts/bench.mjs) may expose
 * `benchMeasureHeap(label)`, which measures the worker's JS heap while the
 * worker waits at a checkpoint.
 *
 * Without a file picker (scripts/gpu-bench.sh): `?posters=URL/` fetches
 * `URL/labels.csv` and the first `count` of its posters (`URL/<Id>.jpg`),
 * `autorun=1` starts at once and `report=URL` POSTs the result there.
 */
declare global {
  interface Window {
    benchMeasureHeap?: (label: string) => Promise<number | null>;
  }
}

const params = new URLSearchParams(location.search);
const folderInput = document.querySelector<HTMLInputElement>('#poster-folder')!;
const runButton = document.querySelector<HTMLButtonElement>('#run-bench')!;
const status = document.querySelector<HTMLElement>('#bench-status')!;
const errorLine = document.querySelector<HTMLElement>('#bench-error')!;
const resultBlock = document.querySelector<HTMLElement>('#bench-result')!;

interface PosterSelection {
  posters: File[];
  labelsCsv: File;
}

function selectionFromFolder(files: readonly File[]): PosterSelection | string {
  const csvs = files.filter((file) => file.name.toLowerCase().endsWith('.csv'));
  const labelsCsv = csvs.find((file) => /^(labels|train)\.csv$/i.test(file.name)) ?? csvs[0];
  if (!labelsCsv) return 'the folder holds no labels CSV';
  return { posters: files.filter((file) => file !== labelsCsv), labelsCsv };
}

async function fetchFile(url: string, name: string): Promise<File> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new File([await response.blob()], name);
}

async function selectionFromUrl(base: string, count: number): Promise<PosterSelection> {
  const labelsCsv = await fetchFile(`${base}labels.csv`, 'labels.csv');
  const ids = (await labelsCsv.text())
    .split('\n')
    .slice(1)
    .map((line) => line.slice(0, line.indexOf(',')).trim())
    .filter((id) => id.length > 0);
  const posters = await Promise.all([...new Set(ids)].slice(0, count).map((id) => fetchFile(`${base}${id}.jpg`, `${id}.jpg`)));
  return { posters, labelsCsv };
}

async function report(body: unknown): Promise<void> {
  const target = params.get('report');
  if (target) await fetch(target, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

function fail(message: string): void {
  errorLine.textContent = message;
  status.textContent = 'Failed.';
  console.error(`[bench] ${message}`);
  void report({ error: message });
}

function runBenchmark(selection: PosterSelection): void {
  runButton.disabled = true;
  errorLine.textContent = '';
  resultBlock.textContent = '';
  status.textContent = `Running on ${selection.posters.length} files…`;
  const worker = new Worker(new URL('./benchWorker.ts', import.meta.url), { type: 'module', name: 'poster-bench' });
  const send = (request: BenchRequest) => worker.postMessage(request);
  worker.onerror = (event) => fail(`benchmark worker failed: ${event.message}`);
  worker.onmessage = ({ data: event }: MessageEvent<BenchEvent>) => {
    switch (event.type) {
      case 'progress':
        status.textContent = event.message;
        console.log(`[bench] ${event.message}`);
        return;
      case 'checkpoint': {
        const measure = window.benchMeasureHeap ? window.benchMeasureHeap(event.label) : Promise.resolve(null);
        measure
          .catch((error: unknown) => {
            console.error(`[bench] heap not measured at ${event.label}: ${String(error)}`);
            return null;
          })
          .then((jsHeapUsedBytes) => send({ type: 'checkpointMeasured', label: event.label, jsHeapUsedBytes }))
          .catch((error: unknown) => fail(String(error)));
        return;
      }
      case 'done':
        resultBlock.textContent = JSON.stringify(event.result, null, 2);
        status.textContent = `Done in ${event.result.seconds} s.`;
        worker.terminate();
        void report(event.result);
        return;
      case 'error':
        fail(event.message);
        worker.terminate();
        return;
      default: {
        const unknown: never = event;
        fail(`unknown event ${JSON.stringify(unknown)}`);
      }
    }
  };
  send({ type: 'run', configText: params.get('config'), posters: selection.posters, labelsCsv: selection.labelsCsv });
}

let picked: PosterSelection | undefined;

folderInput.addEventListener('change', () => {
  const selection = selectionFromFolder([...(folderInput.files ?? [])]);
  if (typeof selection === 'string') {
    fail(selection);
    return;
  }
  picked = selection;
  runButton.disabled = false;
  status.textContent = `${selection.posters.length} files and ${selection.labelsCsv.name} picked.`;
});

runButton.addEventListener('click', () => {
  if (picked) runBenchmark(picked);
});

const posterUrl = params.get('posters');
if (posterUrl) {
  status.textContent = `Fetching posters from ${posterUrl}…`;
  selectionFromUrl(posterUrl, Number(params.get('count') ?? 96))
    .then((selection) => {
      picked = selection;
      runButton.disabled = false;
      status.textContent = `${selection.posters.length} posters fetched.`;
      if (params.get('autorun') === '1') runBenchmark(selection);
    })
    .catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
}

export {};
