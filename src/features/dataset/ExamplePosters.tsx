import { useEffect, useId, useRef, useState } from 'react';

/** Sample sizes offered; the first is the default (quick to train on a CPU-only machine, big enough to learn). */
const SAMPLE_SIZES = [1000, 300, 3000] as const;
/** Posters fetched at once: enough to hide latency, few enough not to stall the page. */
const PARALLEL_FETCHES = 8;

interface ExamplesIndex {
  csv: string;
  images: string;
  posters: string[];
}

function isExamplesIndex(value: unknown): value is ExamplesIndex {
  const index = value as ExamplesIndex;
  return (
    typeof index === 'object' &&
    index !== null &&
    typeof index.csv === 'string' &&
    typeof index.images === 'string' &&
    Array.isArray(index.posters) &&
    index.posters.every((name) => typeof name === 'string')
  );
}

interface ExamplePostersProps {
  disabled: boolean;
  onDataset: (posters: File[], csv: File) => void;
}

/**
 * "Use the example posters": when the server has the example dataset at
 * /examples/ (the dev and preview servers do, from ../shared/posters), one
 * click fetches a sample of it and loads it as if it had been dropped.
 * Renders nothing where there are no examples.
 */
export function ExamplePosters({ disabled, onDataset }: ExamplePostersProps) {
  const sizeId = useId();
  const [index, setIndex] = useState<ExamplesIndex | undefined>();
  const [size, setSize] = useState<number>(SAMPLE_SIZES[0]);
  const [progress, setProgress] = useState<{ done: number; total: number } | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const abort = useRef<AbortController | undefined>(undefined);

  useEffect(() => {
    const controller = new AbortController();
    fetch('/examples/index.json', { signal: controller.signal })
      .then(async (response) => {
        if (!response.ok || !response.headers.get('content-type')?.includes('json')) return;
        const body: unknown = await response.json();
        if (isExamplesIndex(body) && body.posters.length > 0) setIndex(body);
      })
      .catch(() => undefined);
    return () => {
      controller.abort();
      abort.current?.abort();
    };
  }, []);

  if (!index) return null;
  const sizes = [...new Set([...SAMPLE_SIZES.filter((n) => n < index.posters.length), index.posters.length])];

  const load = async () => {
    const controller = new AbortController();
    abort.current = controller;
    setProblem(undefined);
    // Loaded on click: it brings papaparse, which the page needs for nothing else.
    const { labelsForSample, spreadSample } = await import('../../data/exampleSample');
    const names = spreadSample(index.posters, size);
    setProgress({ done: 0, total: names.length });
    try {
      const csvText = await (await fetch(`/examples/${index.csv}`, { signal: controller.signal })).text();
      const files: File[] = new Array<File>(names.length);
      let next = 0;
      let done = 0;
      const worker = async () => {
        while (next < names.length) {
          const k = next++;
          const response = await fetch(`/examples/${index.images}${encodeURIComponent(names[k])}`, { signal: controller.signal });
          // A poster the server cannot give is passed on empty: the app reports it by name, as it would a corrupt file.
          files[k] = new File([response.ok ? await response.blob() : new Blob()], names[k], { type: 'image/jpeg' });
          done++;
          if (done % 25 === 0 || done === names.length) setProgress({ done, total: names.length });
        }
      };
      await Promise.all(Array.from({ length: PARALLEL_FETCHES }, worker));
      onDataset(files, new File([labelsForSample(csvText, names)], 'labels.csv', { type: 'text/csv' }));
    } catch (error) {
      if (!controller.signal.aborted) setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setProgress(undefined);
    }
  };

  return (
    <div className="examples">
      <p>No dataset at hand? This server has {index.posters.length.toLocaleString('en')} example posters with their labels.</p>
      <div className="picker-row">
        <label htmlFor={sizeId}>Posters</label>
        <select id={sizeId} value={size} disabled={disabled || progress !== undefined} onChange={(event) => setSize(Number(event.target.value))}>
          {sizes.map((n) => (
            <option key={n} value={n}>
              {n === index.posters.length ? `all ${n.toLocaleString('en')}` : n.toLocaleString('en')}
            </option>
          ))}
        </select>
        <button type="button" disabled={disabled || progress !== undefined} onClick={() => void load()}>
          Use the example posters
        </button>
      </div>
      {progress && (
        <p role="status">
          <progress aria-label="Example posters fetched" max={progress.total} value={progress.done} /> Fetching {progress.done} / {progress.total}{' '}
          example posters…
        </p>
      )}
      {problem && <p role="alert">Could not fetch the example posters: {problem}</p>}
    </div>
  );
}
