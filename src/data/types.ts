/** Plain data types shared by the DOM-free core, the worker and the UI. */

/** One problem found in the input, always pointing at where it is. */
export interface InputIssue {
  /** Machine-readable kind, stable for tests. */
  kind:
    | 'csv-missing-id-column'
    | 'csv-no-genre-columns'
    | 'csv-duplicate-column'
    | 'csv-extra-column'
    | 'csv-malformed-row'
    | 'csv-short-row'
    | 'csv-bad-value'
    | 'csv-bad-id'
    | 'csv-genre-list-mismatch'
    | 'csv-duplicate-identical'
    | 'csv-duplicate-conflict'
    | 'row-without-poster'
    | 'poster-without-row'
    | 'poster-duplicate'
    | 'poster-unreadable';
  /** Human-readable, names the line or file. */
  message: string;
  /** 1-based line number in the CSV file (header is line 1), when about a row. */
  line?: number;
  /** File name, when about a poster. */
  file?: string;
}

/** A CSV row that survived validation: one poster Id and its multi-hot labels. */
export interface LabelRow {
  id: string;
  /** Multi-hot over `genres`, values 0/1, length = genres.length. */
  labels: Uint8Array;
  /** 1-based CSV line the row came from. */
  line: number;
}

export interface LabelTable {
  /** Genre vocabulary, in CSV header order (columns after Id and Genre). */
  genres: string[];
  /** Unique rows (identical duplicates dropped, conflicting ones dropped and reported). */
  rows: LabelRow[];
  /** Every problem found; the rows above are what is still usable. */
  issues: InputIssue[];
  /** Data lines read (excluding header and blank lines). */
  linesRead: number;
}

export type Result<T> = { ok: true; value: T } | { ok: false; errors: InputIssue[] };
