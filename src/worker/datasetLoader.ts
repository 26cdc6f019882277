import { buildDatasetReport } from '../data/datasetReport';
import { parseLabelsCsv } from '../data/labelsCsv';
import { datasetFingerprint } from '../ml/modelFiles';
import type { PosterSourceItem } from './posterBatches';
import type { DatasetSummary } from './protocol';

/** A dataset the worker holds: the posters that have a CSV row, with their labels. */
export interface LoadedDataset {
  genres: string[];
  items: PosterSourceItem[];
  /** Identifies posters and labels: a checkpoint resumes only on the data it was trained on. */
  fingerprint: string;
}

/** Parses the labels CSV, matches it with the poster files, and reports every problem found. Throws when the CSV is unusable. */
export async function loadDataset(posters: readonly File[], csv: File): Promise<{ dataset: LoadedDataset; summary: DatasetSummary }> {
  const parsed = parseLabelsCsv(await csv.text());
  if (!parsed.ok) throw new Error(`${csv.name}: ${parsed.errors.map((e) => e.message).join('; ')}`);
  const byName = new Map(posters.map((file) => [file.name, file]));
  const report = buildDatasetReport(
    parsed.value,
    posters.map((file) => file.name),
  );
  const items = report.examples.map((example) => ({ file: byName.get(example.file)!, name: example.file, labels: example.labels }));
  const dataset = {
    genres: report.genres,
    items,
    fingerprint: datasetFingerprint(items.map((item) => ({ name: item.name, size: item.file.size, labels: item.labels }))),
  };
  const { examples, ...rest } = report;
  return { dataset, summary: { ...rest, examples: examples.length } };
}
