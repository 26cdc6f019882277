/** Joins the parsed labels with the poster files the user picked, and says what does not match. */
import type { InputIssue, LabelTable } from './types';
import { posterIdFromFileName } from './vocabulary';

/** A labelled poster: the unit the training set is built from. */
export interface PosterExample {
  id: string;
  /** Poster file name as given, e.g. `tt0086425.jpg`. */
  file: string;
  /** Multi-hot over the report's `genres`. */
  labels: Uint8Array;
}

export interface DatasetReport {
  /** Genre vocabulary, in CSV column order. */
  genres: string[];
  /** CSV rows that have a poster, in CSV order. */
  examples: PosterExample[];
  /** Distinct poster Ids among the image files (a second file for the same Id is not counted). */
  postersFound: number;
  /** Data lines in the CSV (`LabelTable.linesRead`). */
  rowsRead: number;
  /** Usable rows after validation and de-duplication. */
  uniqueRows: number;
  /** Per genre, how many examples have it: [genres.length]. */
  genreCounts: number[];
  /** The CSV's issues, then rows without a poster, then problems with poster files. */
  issues: InputIssue[];
}

/**
 * `posterFileNames` are base names (`tt0086425.jpg`) of everything in the
 * picked folder. Files that are not images (the CSV itself, `.DS_Store`) are
 * expected there and ignored without an issue.
 */
export function buildDatasetReport(table: LabelTable, posterFileNames: readonly string[]): DatasetReport {
  const issues: InputIssue[] = [...table.issues];
  const posterIssues: InputIssue[] = [];

  const fileById = new Map<string, string>();
  for (const file of posterFileNames) {
    const id = posterIdFromFileName(file);
    if (id === null) continue;
    const kept = fileById.get(id);
    if (kept === undefined) fileById.set(id, file);
    else {
      posterIssues.push({
        kind: 'poster-duplicate',
        message: `${file}: another poster for Id "${id}"; ${kept} is used and this file is ignored.`,
        file,
      });
    }
  }

  const examples: PosterExample[] = [];
  const genreCounts = new Array<number>(table.genres.length).fill(0);
  const labelledIds = new Set<string>();
  for (const row of table.rows) {
    labelledIds.add(row.id);
    const file = fileById.get(row.id);
    if (file === undefined) {
      issues.push({
        kind: 'row-without-poster',
        message: `Line ${row.line}: no poster file for Id "${row.id}" (expected e.g. ${row.id}.jpg); row not used.`,
        line: row.line,
      });
      continue;
    }
    examples.push({ id: row.id, file, labels: row.labels });
    row.labels.forEach((value, index) => {
      genreCounts[index] += value;
    });
  }

  // IMPORTANT: rows the CSV parser rejected are not in `table.rows`, so their
  // posters show up here too; the CSV issue already says why the row is missing.
  for (const [id, file] of fileById) {
    if (!labelledIds.has(id)) {
      posterIssues.push({ kind: 'poster-without-row', message: `${file}: no usable CSV row with Id "${id}"; poster not used.`, file });
    }
  }

  return {
    genres: table.genres,
    examples,
    postersFound: fileById.size,
    rowsRead: table.linesRead,
    uniqueRows: table.rows.length,
    genreCounts,
    issues: [...issues, ...posterIssues],
  };
}
