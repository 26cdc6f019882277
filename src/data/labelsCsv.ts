/**
 * Parses the labels CSV (`Id,Genre,Action,...,Western`) into a validated table.
 *
 * Only header problems are fatal (no Id column, no genre columns, a column
 * named twice); a bad row is reported with its line and skipped, so that one
 * typo does not throw away a 7,000-row file.
 */
import Papa from 'papaparse';
import type { InputIssue, LabelRow, LabelTable, Result } from './types';
import { genresOf } from './vocabulary';

const CANDIDATE_DELIMITERS = [',', ';', '\t'];

/** `0`, `1`, `0.0`, `1.0` with optional surrounding whitespace; group 1 is the digit. */
const ZERO_ONE = /^\s*([01])(?:\.0+)?\s*$/;

/** C0 and C1 control characters: never part of a real file name. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** How many bad cells one `csv-bad-value` message spells out before "and N more". */
const MAX_BAD_CELLS_NAMED = 3;

/** One parsed record with the physical line it starts on. */
interface CsvRecord {
  cells: string[];
  /** 1-based physical line of the record's first character. */
  line: number;
  /** 1-based physical line of the record's last character (> line for quoted newlines). */
  lastLine: number;
  /** Papaparse's complaint about quotes in this record, if any. */
  quoteError?: { code: string; message: string };
}

/** A record whose cell count matches the header (trailing empty cells dropped). */
interface WellFormedRecord {
  cells: string[];
  line: number;
}

export function parseLabelsCsv(text: string): Result<LabelTable> {
  // IMPORTANT: line numbers are counted on this normalised text. Turning CRLF and
  // lone CR into LF keeps one physical line per '\n' and lets files with mixed
  // line endings (CRLF file, line appended in a Unix editor) parse as one.
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const records = readRecords(normalised, detectDelimiter(normalised));

  const headerIndex = records.findIndex((record) => !isBlank(record.cells));
  if (headerIndex < 0) {
    return fail({ kind: 'csv-missing-id-column', message: 'The CSV file is empty: there is no header line with an Id column.' });
  }
  const headerRecord = records[headerIndex];
  if (headerRecord.quoteError) {
    return fail(quoteIssue(headerRecord, 'the header cannot be read'));
  }
  const header = readHeader(headerRecord);
  if (!header.ok) return header;
  const { names, idIndex, genreListIndex } = header.value;
  const headerLine = headerRecord.line;

  const issues: InputIssue[] = [];
  const wellFormed: WellFormedRecord[] = [];
  let linesRead = 0;
  for (const record of records.slice(headerIndex + 1)) {
    // Blank lines (also lines of only delimiters, as spreadsheets export them) carry no row.
    if (isBlank(record.cells)) continue;
    linesRead += 1;
    const structural = checkStructure(record, names.length);
    if (structural) issues.push(structural);
    else wellFormed.push({ cells: record.cells.slice(0, names.length), line: record.line });
  }

  const { genreIndices, extraColumnIssues } = classifyColumns(names, idIndex, genreListIndex, wellFormed, headerLine);
  issues.push(...extraColumnIssues);
  if (genreIndices.length === 0) {
    return {
      ok: false,
      errors: [
        {
          kind: 'csv-no-genre-columns',
          message: `Line ${headerLine}: no genre columns. Besides Id${genreListIndex >= 0 ? ' and Genre' : ''}, the header needs one column per genre holding 0 or 1.`,
          line: headerLine,
        },
        ...extraColumnIssues,
      ],
    };
  }
  const genres = genreIndices.map((index) => names[index]);

  const validRows: LabelRow[] = [];
  for (const record of wellFormed) {
    const row = readRow(record, idIndex, genreListIndex, genreIndices, genres, issues);
    if (row) validRows.push(row);
  }
  const rows = dropDuplicates(validRows, genres, issues);

  // Issues were gathered pass by pass; the user reads them top to bottom.
  issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { ok: true, value: { genres, rows, issues, linesRead } };
}

function fail(issue: InputIssue): Result<LabelTable> {
  return { ok: false, errors: [issue] };
}

/**
 * The delimiter is whichever of `,` `;` tab occurs most often, outside quotes, in
 * the header line. The header decides because genre names never contain a
 * delimiter, whereas data rows do (`"['Comedy', 'Drama']"`), which can fool a
 * guess made on rows.
 */
function detectDelimiter(text: string): string {
  const counts = new Map<string, number>();
  let inQuotes = false;
  let lineHasContent = false;
  for (const ch of text) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch === '\n') {
      if (lineHasContent) break;
      counts.clear(); // a blank line before the header
      continue;
    } else if (!inQuotes && CANDIDATE_DELIMITERS.includes(ch)) {
      counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    if (ch.trim() !== '') lineHasContent = true;
  }
  let best = ',';
  for (const delimiter of CANDIDATE_DELIMITERS) {
    if ((counts.get(delimiter) ?? 0) > (counts.get(best) ?? 0)) best = delimiter;
  }
  return best;
}

/**
 * All records, blank ones included, each with its physical line.
 *
 * Papaparse runs without `skipEmptyLines` so that every record is accounted
 * for; a record then spans one line plus one per newline inside its quoted
 * cells (newlines occur nowhere else), which keeps line numbers exact even
 * when a quoted Genre cell contains a line break.
 */
function readRecords(text: string, delimiter: string): CsvRecord[] {
  const parsed = Papa.parse<string[]>(text, { header: false, delimiter, newline: '\n', quoteChar: '"', skipEmptyLines: false });
  const quoteErrors = new Map<number, { code: string; message: string }>();
  for (const error of parsed.errors) {
    if (error.type === 'Quotes' && error.row !== undefined && !quoteErrors.has(error.row)) {
      quoteErrors.set(error.row, { code: error.code, message: error.message });
    }
  }
  const records: CsvRecord[] = [];
  let line = 1;
  parsed.data.forEach((cells, index) => {
    let newlinesInside = 0;
    for (const cell of cells) {
      if (cell.includes('\n')) newlinesInside += cell.split('\n').length - 1;
    }
    records.push({ cells, line, lastLine: line + newlinesInside, quoteError: quoteErrors.get(index) });
    line += 1 + newlinesInside;
  });
  return records;
}

function isBlank(cells: string[]): boolean {
  return cells.every((cell) => cell.trim() === '');
}

interface Header {
  /** Trimmed column names; trailing unnamed columns (a trailing delimiter) are dropped. */
  names: string[];
  idIndex: number;
  /** -1 when there is no Genre list column. */
  genreListIndex: number;
}

function readHeader(record: CsvRecord): Result<Header> {
  const line = record.line;
  const names = record.cells.map((cell) => cell.trim());
  while (names.length > 0 && names[names.length - 1] === '') names.pop();

  const seen = new Map<string, number>();
  const duplicates: string[] = [];
  names.forEach((name, index) => {
    if (name === '') return;
    const key = name.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else duplicates.push(`"${name}" (columns ${first + 1} and ${index + 1})`);
  });
  if (duplicates.length > 0) {
    return {
      ok: false,
      errors: [
        {
          kind: 'csv-duplicate-column',
          message: `Line ${line}: the header names a column twice: ${duplicates.join(', ')}. Rename or remove one so each genre has a single column.`,
          line,
        },
      ],
    };
  }

  const idIndex = names.findIndex((name) => name.toLowerCase() === 'id');
  if (idIndex < 0) {
    return {
      ok: false,
      errors: [
        {
          kind: 'csv-missing-id-column',
          message: `Line ${line}: the header has no Id column (found: ${names.map((name) => `"${name}"`).join(', ')}). The Id names the poster file, e.g. Id tt0086425 for tt0086425.jpg.`,
          line,
        },
      ],
    };
  }
  const genreListIndex = names.findIndex((name, index) => index !== idIndex && ['genre', 'genres'].includes(name.toLowerCase()));
  return { ok: true, value: { names, idIndex, genreListIndex } };
}

/** An issue when the record cannot be split into the header's columns, else null. */
function checkStructure(record: CsvRecord, width: number): InputIssue | null {
  const { cells, line } = record;
  if (record.quoteError) return quoteIssue(record, 'row skipped');
  if (cells.length < width) {
    return {
      kind: 'csv-short-row',
      message: `Line ${line}: ${cells.length} ${cells.length === 1 ? 'cell' : 'cells'}, but the header has ${width} columns; row skipped.`,
      line,
    };
  }
  // Extra cells that are all empty come from a trailing delimiter: harmless.
  if (cells.slice(width).some((cell) => cell.trim() !== '')) {
    return {
      kind: 'csv-malformed-row',
      message: `Line ${line}: ${cells.length} cells, but the header has ${width} columns (a value with an unquoted delimiter in it?); row skipped.`,
      line,
    };
  }
  return null;
}

function quoteIssue(record: CsvRecord, consequence: string): InputIssue {
  const { line, lastLine, quoteError } = record;
  const message =
    quoteError?.code === 'MissingQuotes'
      ? `Line ${line}: a quoted cell is never closed, so ${lastLine > line ? `lines ${line}-${lastLine} were` : 'the line was'} read as one row; ${consequence}.`
      : `Line ${line}: malformed quotes (${quoteError?.message ?? 'unknown problem'}); ${consequence}.`;
  return { kind: 'csv-malformed-row', message, line };
}

/**
 * Genre columns are the named columns other than Id and Genre in which at least
 * half of the well-formed rows hold 0 or 1. The rest (a Year, a Title, a
 * pandas index) are ignored and reported once each, instead of failing every
 * row with a bad value. A genre column with a few typos stays a genre column,
 * and those rows get `csv-bad-value`.
 */
function classifyColumns(
  names: string[],
  idIndex: number,
  genreListIndex: number,
  rows: WellFormedRecord[],
  headerLine: number,
): { genreIndices: number[]; extraColumnIssues: InputIssue[] } {
  const genreIndices: number[] = [];
  const extraColumnIssues: InputIssue[] = [];
  names.forEach((name, index) => {
    if (index === idIndex || index === genreListIndex) return;
    let zeroOneCount = 0;
    for (const row of rows) {
      if (ZERO_ONE.test(row.cells[index])) zeroOneCount += 1;
    }
    if (name !== '' && zeroOneCount * 2 >= rows.length) {
      genreIndices.push(index);
      return;
    }
    const label = name === '' ? `Unnamed column ${index + 1}` : `Column "${name}" (column ${index + 1})`;
    const reason = name === '' ? 'has no name' : `holds 0 or 1 in only ${zeroOneCount} of ${rows.length} rows`;
    extraColumnIssues.push({
      kind: 'csv-extra-column',
      message: `Line ${headerLine}: ${label} ${reason}, so it is not a genre column; it is ignored.`,
      line: headerLine,
    });
  });
  return { genreIndices, extraColumnIssues };
}

/** Validates one well-formed record; pushes at most one error (row skipped) or one warning. */
function readRow(
  record: WellFormedRecord,
  idIndex: number,
  genreListIndex: number,
  genreIndices: number[],
  genres: string[],
  issues: InputIssue[],
): LabelRow | null {
  const { cells, line } = record;
  const id = cells[idIndex].trim();
  const idProblem = problemWithId(id);
  if (idProblem) {
    issues.push({ kind: 'csv-bad-id', message: `Line ${line}: Id "${printable(id)}" ${idProblem}; row skipped.`, line });
    return null;
  }

  const labels = new Uint8Array(genres.length);
  const badCells: string[] = [];
  genreIndices.forEach((columnIndex, genreIndex) => {
    const match = ZERO_ONE.exec(cells[columnIndex]);
    if (match) labels[genreIndex] = match[1] === '1' ? 1 : 0;
    else badCells.push(`"${printable(cells[columnIndex])}" in column "${genres[genreIndex]}"`);
  });
  if (badCells.length > 0) {
    const named = badCells.slice(0, MAX_BAD_CELLS_NAMED).join(', ');
    const more = badCells.length > MAX_BAD_CELLS_NAMED ? ` and ${badCells.length - MAX_BAD_CELLS_NAMED} more` : '';
    issues.push({ kind: 'csv-bad-value', message: `Line ${line}: expected 0 or 1, got ${named}${more}; row skipped.`, line });
    return null;
  }

  if (genreListIndex >= 0) {
    const mismatch = genreListMismatch(cells[genreListIndex], labels, genres);
    if (mismatch) issues.push({ kind: 'csv-genre-list-mismatch', message: `Line ${line}: ${mismatch}`, line });
  }
  return { id, labels, line };
}

/** Why an Id cannot name a poster file, or null when it can. */
function problemWithId(id: string): string | null {
  if (id === '') return 'is empty';
  if (id.includes('/') || id.includes('\\')) return 'contains a path separator (/ or \\)';
  if (id.includes('..')) return "contains '..'";
  if (CONTROL_CHARACTERS.test(id)) return 'contains a control character';
  return null;
}

/** Shows control characters as \uXXXX so a message never breaks a log line. */
function printable(value: string): string {
  // eslint-disable-next-line no-control-regex -- replacing control characters is the point
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Compares the Genre list (`['Comedy', 'Drama']`, `["Comedy","Drama"]`,
 * `Comedy|Drama` or `Comedy, Drama`; case-insensitive) with the 0/1 columns and
 * says how they differ, or returns null. An empty cell means "no list", not
 * "no genres", so it is not compared.
 */
function genreListMismatch(cell: string, labels: Uint8Array, genres: string[]): string | null {
  if (cell.trim() === '') return null;
  const listed = parseGenreList(cell);
  const fromColumns = genresOf(labels, genres);
  const listedKeys = new Set(listed.map((name) => name.toLowerCase()));
  const columnKeys = new Set(fromColumns.map((name) => name.toLowerCase()));
  const same = listedKeys.size === columnKeys.size && [...listedKeys].every((key) => columnKeys.has(key));
  if (same) return null;
  const describe = (names: string[]): string => (names.length === 0 ? 'no genre' : names.join(', '));
  return `the Genre list says ${describe(listed)} but the 0/1 columns say ${describe(fromColumns)}; the 0/1 columns are used.`;
}

function parseGenreList(cell: string): string[] {
  const inner = cell.trim().replace(/^\[/, '').replace(/\]$/, '');
  return inner
    .split(/[,|;]/)
    .map((part) => part.trim().replace(/^['"]/, '').replace(/['"]$/, '').trim())
    .filter((name) => name !== '');
}

/**
 * Keeps the first row of each Id. Copies with the same labels are dropped with
 * one `csv-duplicate-identical` per Id; if any copy disagrees, every row of that
 * Id is dropped, since there is no telling which labels are right.
 */
function dropDuplicates(rows: LabelRow[], genres: string[], issues: InputIssue[]): LabelRow[] {
  const byId = new Map<string, { copies: LabelRow[]; conflict: boolean }>();
  for (const row of rows) {
    const group = byId.get(row.id);
    if (!group) byId.set(row.id, { copies: [row], conflict: false });
    else {
      group.copies.push(row);
      if (!sameLabels(group.copies[0].labels, row.labels)) group.conflict = true;
    }
  }

  for (const [id, { copies, conflict }] of byId) {
    if (copies.length === 1) continue;
    const [first, ...later] = copies;
    const line = later[0].line;
    if (conflict) {
      const versions = copies.map((copy) => `${copy.line} (${genresOf(copy.labels, genres).join(', ') || 'no genre'})`).join(', ');
      issues.push({
        kind: 'csv-duplicate-conflict',
        message: `Line ${line}: Id "${id}" appears on lines ${versions} with different genres; all its rows are dropped because it is unclear which is right.`,
        line,
      });
    } else {
      const lines = later.map((copy) => copy.line).join(', ');
      issues.push({
        kind: 'csv-duplicate-identical',
        message: `Line ${line}: Id "${id}" appears again on ${later.length === 1 ? 'line' : 'lines'} ${lines} with the same genres as line ${first.line}; the first row is kept.`,
        line,
      });
    }
  }
  return rows.filter((row) => {
    const group = byId.get(row.id);
    return group !== undefined && !group.conflict && group.copies[0] === row;
  });
}

function sameLabels(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
