import type { InputIssue } from '../data/types';
import { parseLabelsCsv } from '../data/labelsCsv';
import { posterIdFromFileName } from '../data/vocabulary';
import { constantPriorBaseline, evaluateMultiLabel } from '../metrics';
import { predictPosters } from '../ml/training/predictPosters';
import { occlusionSaliency, type SaliencyGrid } from '../ml/occlusionSaliency';
import { predictProbabilities } from '../ml/trainStep';
import type { HeldModel } from './modelHolder';
import { PosterPixelStore, posterFeed, type DecodeFn, type PosterSourceItem } from './posterBatches';
import type { BatchPredictions, GenreScore } from './protocol';

/** Posters per forward pass when predicting a folder. */
const PREDICT_BATCH = 16;

/** Every genre's probability for one poster, and the top three. */
export async function predictPoster(held: HeldModel, decode: DecodeFn, file: File): Promise<{ top: GenreScore[]; scores: GenreScore[] }> {
  const { model, metadata } = held;
  const pixels = await decode(file, metadata.input);
  const probs = await predictProbabilities(model, pixels, 1, metadata.input);
  const scores: GenreScore[] = metadata.genres.map((genre, k) => ({ genre, probability: probs[k], threshold: metadata.thresholds[k] }));
  return { top: [...scores].sort((a, b) => b.probability - a.probability).slice(0, 3), scores };
}

/** Where on `file` the model sees `genre`: its probability with each region hidden, scored as predictions are. */
export async function explainPoster(held: HeldModel, decode: DecodeFn, file: File, genre: string): Promise<SaliencyGrid> {
  const { model, metadata } = held;
  const index = metadata.genres.indexOf(genre);
  if (index < 0) throw new Error(`this model has no genre "${genre}"`);
  const pixels = await decode(file, metadata.input);
  const { height, width } = metadata.input;
  return occlusionSaliency(pixels, height, width, index, metadata.genres.length, (copies, count) =>
    predictProbabilities(model, copies, count, metadata.input),
  );
}

/** The CSV's labels reordered into the model's output order, by poster Id; throws when it lacks a genre of the model's. */
async function labelsInModelOrder(csv: File, genres: readonly string[], notes: InputIssue[]): Promise<Map<string, Uint8Array>> {
  const parsed = parseLabelsCsv(await csv.text());
  if (!parsed.ok) throw new Error(`${csv.name}: ${parsed.errors.map((e) => e.message).join('; ')}`);
  const missing = genres.filter((genre) => !parsed.value.genres.includes(genre));
  if (missing.length > 0) throw new Error(`${csv.name} lacks the model's genres ${missing.join(', ')}: cannot evaluate on it`);
  const column = genres.map((genre) => parsed.value.genres.indexOf(genre));
  notes.push(...parsed.value.issues);
  return new Map(parsed.value.rows.map((row) => [row.id, Uint8Array.from(column, (c) => row.labels[c])]));
}

/**
 * Predicts every poster of a folder; with a labels CSV, also scores the
 * model on the posters it labels, next to the constant prior. Unreadable
 * posters and malformed CSV rows are listed in `skipped`.
 */
export async function predictFolder(
  held: HeldModel,
  decode: DecodeFn,
  files: readonly File[],
  csv: File | undefined,
  onProgress: (done: number, total: number) => void,
  cancelled: () => boolean = () => false,
): Promise<BatchPredictions> {
  const { model, metadata } = held;
  const genres = metadata.genres;
  const g = genres.length;
  const notes: InputIssue[] = [];
  const labelsById = csv ? await labelsInModelOrder(csv, genres, notes) : undefined;
  const items: PosterSourceItem[] = files
    .filter((file) => posterIdFromFileName(file.name) !== null)
    .map((file) => ({ file, name: file.name, labels: labelsById?.get(posterIdFromFileName(file.name)!) ?? new Uint8Array(g) }));
  const skipped: InputIssue[] = [];
  // Nothing is kept: each poster is seen once.
  const store = new PosterPixelStore(metadata.input, decode, 0, (issue) => skipped.push(issue));
  onProgress(0, items.length);
  const predictions = await predictPosters(
    model,
    posterFeed(items, store, g),
    items.map((_, k) => k),
    PREDICT_BATCH,
    g,
    { onProgress: (done) => onProgress(done, items.length), shouldStop: cancelled },
  );
  const idOf = (k: number) => posterIdFromFileName(items[k].name)!;
  const training = new Set(metadata.trainingIds ?? []);
  const seenInTraining = predictions.indices.map((k) => training.has(idOf(k)));
  const result: BatchPredictions = {
    ids: predictions.indices.map(idOf),
    files: predictions.indices.map((k) => items[k].name),
    probs: predictions.probs,
    genres,
    thresholds: metadata.thresholds,
    skipped: [...notes, ...skipped],
    seenInTraining,
    cancelled: cancelled(),
    seenExcluded: 0,
  };
  // A model scores posters it trained on far too well: those are flagged, and the metrics leave them out.
  const withLabels = labelsById ? predictions.indices.flatMap((k, row) => (labelsById.has(idOf(k)) ? [row] : [])) : [];
  const labelled = withLabels.filter((row) => !seenInTraining[row]);
  result.seenExcluded = withLabels.length - labelled.length;
  if (labelled.length > 0) {
    const probs = new Float32Array(labelled.length * g);
    const labels = new Uint8Array(labelled.length * g);
    labelled.forEach((row, i) => {
      probs.set(predictions.probs.subarray(row * g, (row + 1) * g), i * g);
      labels.set(predictions.labels.subarray(row * g, (row + 1) * g), i * g);
    });
    // The constant prior here uses these posters' own genre rates: the best any constant can do.
    const prior = constantPriorBaseline(labels, labelled.length, g, labelled.length);
    result.evaluation = {
      metrics: evaluateMultiLabel(probs, labels, g, metadata.thresholds),
      baseline: evaluateMultiLabel(prior, labels, g),
      posters: labelled.length,
    };
  }
  return result;
}
