import type { InputIssue } from './types';
/**
 * Serialises batch predictions as a CSV that opens safely in a spreadsheet:
 *
 *   Id,<genre 1>,...,<genre N>,predicted
 *   tt0111161,0.031000,...,0.742000,Crime|Drama
 *
 * RFC 4180: CRLF line ends, a field is quoted when it holds a comma, a quote,
 * CR or LF, and quotes inside are doubled. Text cells that a spreadsheet would
 * run as a formula (starting with = + - @, tab or CR) get a leading apostrophe
 * (OWASP "CSV injection"); plain numbers such as -0.1 are left alone.
 */

const LINE_END = '\r\n';

/** Probabilities are in [0, 1]; six decimals keep ~Float32 precision. */
const PROBABILITY_DECIMALS = 6;

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

/** A cell a spreadsheet would evaluate gets a leading apostrophe; numbers stay numbers. */
export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell) ? `'${cell}` : cell;
}

/** RFC 4180 quoting: only when needed, with embedded quotes doubled. */
export function quoteCsvField(cell: string): string {
  return NEEDS_QUOTES.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** A text cell as written: neutralised first, then quoted. */
function textCell(cell: string): string {
  return quoteCsvField(neutraliseFormula(cell));
}

/**
 * One row per poster: its Id, every genre's probability, and the `|`-joined
 * genres with p >= that genre's threshold (empty when none).
 *
 * probs: Float32Array [ids.length * genres.length], row-major, values in [0, 1].
 * Throws RangeError on a shape mismatch: a programming error upstream, and a
 * silently shifted column would put every probability under the wrong genre.
 */
export function predictionsToCsv(ids: string[], genres: string[], probs: Float32Array, thresholds: number[]): string {
  const numGenres = genres.length;
  if (probs.length !== ids.length * numGenres) {
    throw new RangeError(`probs has ${probs.length} values, expected ${ids.length} ids x ${numGenres} genres`);
  }
  if (thresholds.length !== numGenres) {
    throw new RangeError(`expected ${numGenres} thresholds, got ${thresholds.length}`);
  }
  const lines = [['Id', ...genres, 'predicted'].map(textCell).join(',')];
  for (let i = 0; i < ids.length; i++) {
    const cells = [textCell(ids[i])];
    const predicted: string[] = [];
    for (let j = 0; j < numGenres; j++) {
      const probability = probs[i * numGenres + j];
      cells.push(probability.toFixed(PROBABILITY_DECIMALS));
      if (probability >= thresholds[j]) predicted.push(genres[j]);
    }
    cells.push(textCell(predicted.join('|')));
    lines.push(cells.join(','));
  }
  return lines.join(LINE_END) + LINE_END;
}

/**
 * Every problem found in the input, one row each: kind, file, CSV line and the
 * message, as the page lists them. The CLI writes this beside its output as
 * problems.csv.
 */
export function problemsToCsv(issues: readonly InputIssue[]): string {
  const lines = [['kind', 'file', 'line', 'message'].join(',')];
  for (const issue of issues)
    lines.push([issue.kind, issue.file ?? '', issue.line === undefined ? '' : String(issue.line), issue.message].map(textCell).join(','));
  return lines.join(LINE_END) + LINE_END;
}
