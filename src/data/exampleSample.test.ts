import { describe, expect, it } from 'vitest';
import { parseLabelsCsv } from './labelsCsv';
import { labelsForSample, spreadSample } from './exampleSample';

describe('the example sample', () => {
  it('spreads the sample over the whole sorted list', () => {
    const names = Array.from({ length: 10 }, (_, k) => `tt${k}.jpg`);
    expect(spreadSample(names, 3)).toEqual(['tt0.jpg', 'tt3.jpg', 'tt6.jpg']);
    expect(spreadSample(names, 20)).toEqual(names);
  });

  it('keeps the header and the rows of the sampled posters, quoted genre lists intact', () => {
    const csv = [
      'Id,Genre,Action,Drama',
      "tt1,\"['Action', 'Drama']\",1,1",
      'tt2,"[\'Drama\']",0,1',
      'tt3,"[\'Action\']",1,0',
      'tt3,"[\'Action\']",1,0',
      '',
    ].join('\n');
    const cut = labelsForSample(csv, ['tt1.jpg', 'tt3.jpg']);
    const parsed = parseLabelsCsv(cut);
    if (!parsed.ok) throw new Error('unparseable');
    expect(parsed.value.genres).toEqual(['Action', 'Drama']);
    expect(parsed.value.rows.map((row) => [row.id, [...row.labels]])).toEqual([
      ['tt1', [1, 1]],
      ['tt3', [1, 0]],
    ]);
    expect(cut.split('\n')[1]).toBe("tt1,\"['Action', 'Drama']\",1,1");
  });
});
