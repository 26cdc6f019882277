import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { neutraliseFormula, predictionsToCsv, quoteCsvField, problemsToCsv } from './predictionsCsv';

describe('predictionsToCsv', () => {
  it('writes a header, six-decimal probabilities and the genres at or above threshold', () => {
    const csv = predictionsToCsv(['tt01', 'tt02'], ['Action', 'Drama'], Float32Array.from([0.9, 0.25, 0.1, 0.5]), [0.5, 0.5]);
    expect(csv).toBe('Id,Action,Drama,predicted\r\n' + 'tt01,0.900000,0.250000,Action\r\n' + 'tt02,0.100000,0.500000,Drama\r\n');
  });

  it('uses each genre its own threshold and joins several with |', () => {
    const csv = predictionsToCsv(['a'], ['Action', 'Drama', 'Horror'], Float32Array.from([0.3, 0.2, 0.05]), [0.25, 0.2, 0.1]);
    expect(csv.split('\r\n')[1]).toBe('a,0.300000,0.200000,0.050000,Action|Drama');
  });

  it('leaves predicted empty when nothing passes', () => {
    const csv = predictionsToCsv(['a'], ['Action'], Float32Array.from([0.1]), [0.5]);
    expect(csv.split('\r\n')[1]).toBe('a,0.100000,');
  });

  it('quotes a genre name with a comma and an Id with a quote (RFC 4180), and round-trips', () => {
    const genres = ['Action, Adventure', 'Drama'];
    const ids = ['the "best" one'];
    const csv = predictionsToCsv(ids, genres, Float32Array.from([0.7, 0.6]), [0.5, 0.5]);
    expect(csv).toBe('Id,"Action, Adventure",Drama,predicted\r\n' + '"the ""best"" one",0.700000,0.600000,"Action, Adventure|Drama"\r\n');
    const parsed = Papa.parse<string[]>(csv.trimEnd(), { newline: '\r\n' });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data).toEqual([
      ['Id', 'Action, Adventure', 'Drama', 'predicted'],
      ['the "best" one', '0.700000', '0.600000', 'Action, Adventure|Drama'],
    ]);
  });

  it('quotes fields holding newlines', () => {
    const csv = predictionsToCsv(['two\nlines'], ['A'], Float32Array.from([0]), [0.5]);
    expect(csv.split('\r\n')[1]).toBe('"two\nlines",0.000000,');
  });

  it('neutralises formula-looking Ids and genres, then quotes as needed', () => {
    const csv = predictionsToCsv(['=HYPERLINK("x")', '@SUM(A1)'], ['+Plus', '-Minus'], Float32Array.from([1, 0, 0, 1]), [0.5, 0.5]);
    const [header, first, second] = csv.split('\r\n');
    expect(header).toBe("Id,'+Plus,'-Minus,predicted");
    expect(first).toBe(`"'=HYPERLINK(""x"")",1.000000,0.000000,'+Plus`);
    expect(second).toBe("'@SUM(A1),0.000000,1.000000,'-Minus");
  });

  it('rejects shape mismatches', () => {
    expect(() => predictionsToCsv(['a'], ['A', 'B'], new Float32Array(3), [0.5, 0.5])).toThrow(RangeError);
    expect(() => predictionsToCsv(['a'], ['A', 'B'], new Float32Array(2), [0.5])).toThrow(RangeError);
  });

  it('writes just the header for no posters', () => {
    expect(predictionsToCsv([], ['A'], new Float32Array(0), [0.5])).toBe('Id,A,predicted\r\n');
  });
});

describe('neutraliseFormula', () => {
  it.each(['=1+1', '+A1', '-A1', '@cmd', '\tx', '\rx', '-', '+', '-1+2'])('prefixes %j', (cell) => {
    expect(neutraliseFormula(cell)).toBe(`'${cell}`);
  });

  it.each(['-0.1', '+3', '-12', '-1e-5', '-.5', 'tt0111161', 'Drama', '', '0.5'])('leaves %j alone', (cell) => {
    expect(neutraliseFormula(cell)).toBe(cell);
  });
});

describe('quoteCsvField', () => {
  it('quotes only when needed', () => {
    expect(quoteCsvField('plain')).toBe('plain');
    expect(quoteCsvField('a,b')).toBe('"a,b"');
    expect(quoteCsvField('say "hi"')).toBe('"say ""hi"""');
    expect(quoteCsvField('a\r\nb')).toBe('"a\r\nb"');
  });
});

describe('problemsToCsv', () => {
  it('lists each problem with its kind, file or line, and message, safe for a spreadsheet', () => {
    const csv = problemsToCsv([
      { kind: 'csv-bad-value', line: 7, message: 'line 7: "Drama" is "2", not 0 or 1' },
      { kind: 'poster-unreadable', file: '=cmd.jpg', message: '=cmd.jpg: skipped, not an image' },
    ]);
    expect(csv).toBe(
      'kind,file,line,message\r\n' +
        'csv-bad-value,,7,"line 7: ""Drama"" is ""2"", not 0 or 1"\r\n' +
        `poster-unreadable,'=cmd.jpg,,"'=cmd.jpg: skipped, not an image"\r\n`,
    );
  });
});
