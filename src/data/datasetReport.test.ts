import { describe, expect, it } from 'vitest';
import { buildDatasetReport } from './datasetReport';
import { parseLabelsCsv } from './labelsCsv';
import type { LabelTable } from './types';

function table(text: string): LabelTable {
  const result = parseLabelsCsv(text);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

const CSV = [
  'Id,Genre,Action,Comedy,Drama',
  'tt1,Action,1,0,0',
  'tt2,"Comedy, Drama",0,1,1',
  'tt3,Drama,0,0,1',
  'tt4,Drama,0,0,1',
  'tt2,"Comedy, Drama",0,1,1',
  'tt5,Drama,0,0,2',
].join('\n');

describe('buildDatasetReport', () => {
  it('joins rows with posters in CSV order and counts genres over the examples', () => {
    const report = buildDatasetReport(table(CSV), ['tt3.JPG', 'labels.csv', 'tt2.png', '.DS_Store', 'tt1.jpeg', 'notes.txt']);
    expect(report.genres).toEqual(['Action', 'Comedy', 'Drama']);
    expect(report.examples.map((example) => [example.id, example.file])).toEqual([
      ['tt1', 'tt1.jpeg'],
      ['tt2', 'tt2.png'],
      ['tt3', 'tt3.JPG'],
    ]);
    expect(Array.from(report.examples[1].labels)).toEqual([0, 1, 1]);
    expect(report.genreCounts).toEqual([1, 1, 2]);
    expect(report.postersFound).toBe(3);
    expect(report.rowsRead).toBe(6);
    expect(report.uniqueRows).toBe(4);
  });

  it('reports CSV issues, rows without a poster and posters without a row; ignores non-images', () => {
    const report = buildDatasetReport(table(CSV), ['tt1.jpg', 'tt2.jpg', 'tt3.jpg', 'tt9.jpg', 'tt5.jpg', 'labels.csv', '.DS_Store']);
    expect(report.issues.map((issue) => [issue.kind, issue.line ?? issue.file])).toEqual([
      ['csv-duplicate-identical', 6],
      ['csv-bad-value', 7],
      ['row-without-poster', 5],
      ['poster-without-row', 'tt9.jpg'],
      ['poster-without-row', 'tt5.jpg'],
    ]);
    expect(report.issues[2].message).toContain('"tt4"');
  });

  it('uses the first of two files for one Id and reports the other', () => {
    const report = buildDatasetReport(table(CSV), ['tt1.jpg', 'tt1.png', 'tt2.jpg', 'tt3.jpg', 'tt4.jpg']);
    expect(report.examples.find((example) => example.id === 'tt1')?.file).toBe('tt1.jpg');
    expect(report.postersFound).toBe(4);
    expect(report.issues.filter((issue) => issue.kind === 'poster-duplicate')).toEqual([
      expect.objectContaining({ kind: 'poster-duplicate', file: 'tt1.png' }),
    ]);
  });

  it('matches Ids with spaces and unicode exactly', () => {
    const report = buildDatasetReport(table('Id,Action\nmy poster,1\nAmélie,0\n'), ['my poster.jpg', 'amélie.jpg']);
    expect(report.examples.map((example) => example.id)).toEqual(['my poster']);
    expect(report.issues.map((issue) => issue.kind)).toEqual(['row-without-poster', 'poster-without-row']);
  });
});
