import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLabelsCsv } from './labelsCsv';
import type { InputIssue, LabelTable } from './types';
import { genresOf } from './vocabulary';

/** The 25 genre columns of the real dataset, in its order. */
const GENRES = [
  'Action',
  'Adventure',
  'Animation',
  'Biography',
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Family',
  'Fantasy',
  'History',
  'Horror',
  'Music',
  'Musical',
  'Mystery',
  'N/A',
  'News',
  'Reality-TV',
  'Romance',
  'Sci-Fi',
  'Short',
  'Sport',
  'Thriller',
  'War',
  'Western',
];
const HEADER = ['Id', 'Genre', ...GENRES].join(',');

/** A data line in the real format: `tt1,"['Comedy', 'Drama']",0,0,0,0,1,...`. */
function realLine(id: string, genres: string[], listed: string[] = genres): string {
  const list = `"[${listed.map((name) => `'${name}'`).join(', ')}]"`;
  return [id, list, ...GENRES.map((name) => (genres.includes(name) ? '1' : '0'))].join(',');
}

function parseOk(text: string): LabelTable {
  const result = parseLabelsCsv(text);
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.errors)}`);
  return result.value;
}

function parseErrors(text: string): InputIssue[] {
  const result = parseLabelsCsv(text);
  if (result.ok) throw new Error('expected the parse to fail');
  return result.errors;
}

function kinds(issues: InputIssue[]): string[] {
  return issues.map((issue) => issue.kind);
}

function named(table: LabelTable, id: string): string[] {
  const row = table.rows.find((candidate) => candidate.id === id);
  if (!row) throw new Error(`no row ${id}`);
  return genresOf(row.labels, table.genres);
}

describe('parseLabelsCsv: format', () => {
  it('reads the real header and rows, quoted commas in Genre included', () => {
    const table = parseOk([HEADER, realLine('tt0086425', ['Comedy', 'Drama']), realLine('tt0085549', ['Drama', 'Romance', 'Music'])].join('\n'));
    expect(table.genres).toEqual(GENRES);
    expect(table.rows.map((row) => [row.id, row.line])).toEqual([
      ['tt0086425', 2],
      ['tt0085549', 3],
    ]);
    expect(named(table, 'tt0086425')).toEqual(['Comedy', 'Drama']);
    expect(named(table, 'tt0085549')).toEqual(['Drama', 'Music', 'Romance']);
    expect(table.rows[0].labels).toBeInstanceOf(Uint8Array);
    expect(table.rows[0].labels.length).toBe(25);
    expect(table.linesRead).toBe(2);
    expect(table.issues).toEqual([]);
  });

  it('strips a UTF-8 byte order mark before the Id column', () => {
    const table = parseOk(`\uFEFF${HEADER}\n${realLine('tt1', ['Action'])}\n`);
    expect(table.rows.map((row) => row.id)).toEqual(['tt1']);
    expect(table.issues).toEqual([]);
  });

  it('matches the Id and Genre columns case-insensitively and trimmed', () => {
    const table = parseOk(' ID , genre ,Action,Drama\ntt1,Drama,0,1\n');
    expect(table.genres).toEqual(['Action', 'Drama']);
    expect(named(table, 'tt1')).toEqual(['Drama']);
  });

  it('detects semicolon delimiters even when an unquoted Genre list has commas', () => {
    const table = parseOk('Id;Genre;Action;Comedy;Drama\ntt1;Comedy, Drama;0;1;1\ntt2;Action;1;0;0\n');
    expect(table.genres).toEqual(['Action', 'Comedy', 'Drama']);
    expect(named(table, 'tt1')).toEqual(['Comedy', 'Drama']);
    expect(table.issues).toEqual([]);
  });

  it('detects tab delimiters', () => {
    const table = parseOk("Id\tGenre\tAction\tDrama\ntt1\t['Action', 'Drama']\t1\t1\n");
    expect(named(table, 'tt1')).toEqual(['Action', 'Drama']);
    expect(table.issues).toEqual([]);
  });

  it('reads CRLF line endings, mixed endings included, with exact line numbers', () => {
    const text = `${HEADER}\r\n${realLine('tt1', ['War'])}\r\n\r\n${realLine('tt2', ['Western'])}\n${realLine('tt3', ['Short'])}\r\n`;
    const table = parseOk(text);
    expect(table.rows.map((row) => [row.id, row.line])).toEqual([
      ['tt1', 2],
      ['tt2', 4],
      ['tt3', 5],
    ]);
    expect(named(table, 'tt2')).toEqual(['Western']);
    expect(table.issues).toEqual([]);
  });

  it('skips blank and whitespace-only lines silently and keeps line numbers physical', () => {
    const text = ['', HEADER, '', realLine('tt1', ['Drama']), '   ', '', 'tt2,"[]",1', ''].join('\n');
    const table = parseOk(text);
    expect(table.rows.map((row) => row.line)).toEqual([4]);
    expect(table.issues).toEqual([expect.objectContaining({ kind: 'csv-short-row', line: 7 })]);
    expect(table.linesRead).toBe(2);
  });

  it('counts a newline inside a quoted cell as a physical line', () => {
    const text = ['Id,Genre,Action,Drama', "tt1,\"['Action',\n 'Drama']\",1,1", 'tt2,x,1', 'tt3,Drama,0,1'].join('\n');
    const table = parseOk(text);
    expect(table.rows.map((row) => [row.id, row.line])).toEqual([
      ['tt1', 2],
      ['tt3', 5],
    ]);
    expect(table.issues).toEqual([expect.objectContaining({ kind: 'csv-short-row', line: 4 })]);
  });
});

describe('parseLabelsCsv: row shape', () => {
  it('skips short rows with their line', () => {
    const table = parseOk(`${HEADER}\n${realLine('tt1', ['Drama'])}\ntt2,"['Drama']",0,1\n`);
    expect(table.rows.map((row) => row.id)).toEqual(['tt1']);
    expect(table.issues).toHaveLength(1);
    expect(table.issues[0]).toMatchObject({ kind: 'csv-short-row', line: 3 });
    expect(table.issues[0].message).toContain('Line 3');
    expect(table.linesRead).toBe(2);
  });

  it('skips rows with too many cells, but tolerates a trailing delimiter', () => {
    const text = 'Id,Action,Drama\ntt1,1,0\ntt2,1,0,1\ntt3,0,1,\ntt4,0,1, ,\n';
    const table = parseOk(text);
    expect(table.rows.map((row) => row.id)).toEqual(['tt1', 'tt3', 'tt4']);
    expect(table.issues).toEqual([expect.objectContaining({ kind: 'csv-malformed-row', line: 3 })]);
  });

  it('tolerates a trailing delimiter on the header line', () => {
    const table = parseOk('Id,Action,Drama,\ntt1,1,0\ntt2,0,1,\n');
    expect(table.genres).toEqual(['Action', 'Drama']);
    expect(table.rows).toHaveLength(2);
    expect(table.issues).toEqual([]);
  });

  it('reports an unterminated quote as a malformed row spanning the rest of the file', () => {
    const table = parseOk('Id,Genre,Action\ntt1,Action,1\ntt2,"[Action,1\ntt3,Action,1\n');
    expect(table.rows.map((row) => row.id)).toEqual(['tt1']);
    expect(table.issues).toHaveLength(1);
    expect(table.issues[0]).toMatchObject({ kind: 'csv-malformed-row', line: 3 });
    expect(table.issues[0].message).toMatch(/never closed.*lines 3-5/);
  });
});

describe('parseLabelsCsv: columns', () => {
  it('fails without an Id column', () => {
    const errors = parseErrors('Name,Action,Drama\ntt1,1,0\n');
    expect(kinds(errors)).toEqual(['csv-missing-id-column']);
    expect(errors[0].line).toBe(1);
    expect(errors[0].message).toContain('"Name"');
  });

  it('fails on an empty file', () => {
    expect(kinds(parseErrors(''))).toEqual(['csv-missing-id-column']);
    expect(kinds(parseErrors('\n  \n'))).toEqual(['csv-missing-id-column']);
  });

  it('fails when no genre columns remain', () => {
    expect(kinds(parseErrors('Id,Genre\ntt1,"[\'Drama\']"\n'))).toEqual(['csv-no-genre-columns']);
    // Title is not 0/1, so it is an extra column and nothing is left.
    expect(kinds(parseErrors('Id,Title\ntt1,Alien\ntt2,Heat\n'))).toEqual(['csv-no-genre-columns', 'csv-extra-column']);
  });

  it('fails when a column is named twice', () => {
    const errors = parseErrors('Id,Action,Drama,action\ntt1,1,0,1\n');
    expect(kinds(errors)).toEqual(['csv-duplicate-column']);
    expect(errors[0].message).toContain('columns 2 and 4');
  });

  it('ignores columns that are not 0/1 and reports each once', () => {
    const text = [',Id,Year,Action,Drama', '0,tt1,1999,1,0', '1,tt2,2004,0,1', '2,tt3,1,0,1'].join('\n');
    const table = parseOk(text);
    expect(table.genres).toEqual(['Action', 'Drama']);
    expect(table.rows.map((row) => row.id)).toEqual(['tt1', 'tt2', 'tt3']);
    expect(kinds(table.issues)).toEqual(['csv-extra-column', 'csv-extra-column']);
    expect(table.issues.every((issue) => issue.line === 1)).toBe(true);
    expect(table.issues[0].message).toContain('Unnamed column 1');
    expect(table.issues[1].message).toContain('"Year"');
  });

  it('keeps a genre column with a few typos as a genre column', () => {
    const table = parseOk('Id,Action,Drama\ntt1,1,0\ntt2,0,1\ntt3,yes,0\n');
    expect(table.genres).toEqual(['Action', 'Drama']);
    expect(kinds(table.issues)).toEqual(['csv-bad-value']);
  });
});

describe('parseLabelsCsv: values and Ids', () => {
  it('accepts 0/1 with whitespace and 0.0/1.0', () => {
    const table = parseOk('Id,Action,Comedy,Drama,War\ntt1, 1 ,1.0,0.0,0\n');
    expect(named(table, 'tt1')).toEqual(['Action', 'Comedy']);
    expect(table.issues).toEqual([]);
  });

  it('skips rows with values other than 0/1, naming line, column and value', () => {
    const text = 'Id,Action,Drama\ntt1,1,0\ntt2,2,0\ntt3,0,\ntt4,true,0\ntt5,0,1\n';
    const table = parseOk(text);
    expect(table.rows.map((row) => row.id)).toEqual(['tt1', 'tt5']);
    expect(table.issues.map((issue) => [issue.kind, issue.line])).toEqual([
      ['csv-bad-value', 3],
      ['csv-bad-value', 4],
      ['csv-bad-value', 5],
    ]);
    expect(table.issues[0].message).toBe('Line 3: expected 0 or 1, got "2" in column "Action"; row skipped.');
    expect(table.issues[1].message).toContain('"" in column "Drama"');
  });

  it('skips Ids that are empty or look like paths or hold control characters', () => {
    const text = ['Id,Action', ' ,1', 'a/b,1', '..\\evil,1', '..,1', 'tt\u00071,1', 'ok..not,1', 'tt9,1'].join('\n');
    const table = parseOk(text);
    expect(table.rows.map((row) => row.id)).toEqual(['tt9']);
    expect(table.issues.map((issue) => [issue.kind, issue.line])).toEqual([2, 3, 4, 5, 6, 7].map((line) => ['csv-bad-id', line]));
    expect(table.issues[1].message).toContain('path separator');
    expect(table.issues[4].message).toContain('\\u0007');
  });

  it('keeps other odd Ids exactly as written, trimmed', () => {
    const table = parseOk('Id,Action\n  my poster (1) ,1\nAmélie,0\n');
    expect(table.rows.map((row) => row.id)).toEqual(['my poster (1)', 'Amélie']);
  });
});

describe('parseLabelsCsv: Genre list', () => {
  it('warns when the Genre list disagrees with the 0/1 columns and keeps the columns', () => {
    const table = parseOk(`${HEADER}\n${realLine('tt1', ['Comedy'], ['Comedy', 'Drama'])}\n`);
    expect(named(table, 'tt1')).toEqual(['Comedy']);
    expect(table.issues).toHaveLength(1);
    expect(table.issues[0]).toMatchObject({ kind: 'csv-genre-list-mismatch', line: 2 });
    expect(table.issues[0].message).toContain('the 0/1 columns are used');
  });

  it('reads JSON, pipe and comma lists, ignoring case; an empty cell is not compared', () => {
    const text = [
      'Id,Genre,Action,Drama,N/A',
      'tt1,"[""Action"", ""Drama""]",1,1,0',
      'tt2,action|drama,1,1,0',
      'tt3,"Drama, N/A",0,1,1',
      'tt4,,1,0,0',
      'tt5,[],0,0,0',
      'tt6,[],1,0,0',
    ].join('\n');
    const table = parseOk(text);
    expect(table.rows).toHaveLength(6);
    expect(table.issues.map((issue) => [issue.kind, issue.line])).toEqual([['csv-genre-list-mismatch', 7]]);
    expect(table.issues[0].message).toContain('says no genre but the 0/1 columns say Action');
  });
});

describe('parseLabelsCsv: duplicate Ids', () => {
  it('keeps the first of identical copies and reports one issue per Id', () => {
    const text = [HEADER, realLine('tt1', ['Drama']), realLine('tt2', ['War']), realLine('tt1', ['Drama']), realLine('tt1', ['Drama'])].join('\n');
    const table = parseOk(text);
    expect(table.rows.map((row) => [row.id, row.line])).toEqual([
      ['tt1', 2],
      ['tt2', 3],
    ]);
    expect(table.issues).toHaveLength(1);
    expect(table.issues[0]).toMatchObject({ kind: 'csv-duplicate-identical', line: 4 });
    expect(table.issues[0].message).toContain('lines 4, 5');
    expect(table.linesRead).toBe(4);
  });

  it('drops every row of an Id whose copies disagree, naming both lines', () => {
    const text = [HEADER, realLine('tt1', ['Drama']), realLine('tt2', ['War']), realLine('tt1', ['Comedy'])].join('\n');
    const table = parseOk(text);
    expect(table.rows.map((row) => row.id)).toEqual(['tt2']);
    expect(table.issues).toHaveLength(1);
    expect(table.issues[0]).toMatchObject({ kind: 'csv-duplicate-conflict', line: 4 });
    expect(table.issues[0].message).toContain('lines 2 (Drama), 4 (Comedy)');
  });
});

describe('parseLabelsCsv: scale and real data', () => {
  it('parses 50,000 rows', () => {
    const lines = [HEADER];
    for (let index = 0; index < 50_000; index += 1) {
      lines.push(realLine(`tt${String(index).padStart(7, '0')}`, [GENRES[index % 25], GENRES[(index * 7 + 3) % 25]]));
    }
    const table = parseOk(lines.join('\n'));
    expect(table.rows).toHaveLength(50_000);
    expect(table.linesRead).toBe(50_000);
    expect(table.issues).toEqual([]);
    expect(table.rows[49_999].line).toBe(50_001);
    expect(named(table, 'tt0000001')).toEqual(['Adventure', 'History']);
  });

  const realCsv = '/work/shared/posters/labels.csv';
  it.skipIf(!existsSync(realCsv))('parses the real labels.csv: 25 genres, identical duplicates only', () => {
    const text = readFileSync(realCsv, 'utf8');
    const dataLines = text
      .split(/\r?\n/)
      .slice(1)
      .filter((line) => line.trim() !== '');
    const distinctIds = new Set(dataLines.map((line) => line.slice(0, line.indexOf(','))));

    const table = parseOk(text);
    expect(table.genres).toHaveLength(25);
    expect(table.genres).toContain('N/A');
    expect(table.linesRead).toBe(dataLines.length);
    expect(table.rows).toHaveLength(distinctIds.size);
    expect(distinctIds.size).toBeLessThan(dataLines.length);
    expect(kinds(table.issues).every((kind) => kind === 'csv-duplicate-identical')).toBe(true);
    expect(table.issues.length).toBeGreaterThan(0);
  });
});
