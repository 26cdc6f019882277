import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { evaluateMultiLabel } from '../../metrics';
import { HAND_GENRES, handLabels, handProbs } from '../../metrics/testFixtures';
import { BatchPredictPanel } from '../batchPredict/BatchPredictPanel';
import { EvaluationPanel, type ValidationPosters } from './EvaluationPanel';

// Server rendering needs no DOM: it checks the markup tests and screen readers locate by.
const genres = ['Action', 'Comedy', 'Western'];
const metrics = evaluateMultiLabel(handProbs, handLabels, HAND_GENRES);
const baseline = evaluateMultiLabel(
  Float32Array.from(handProbs, () => 0.5),
  handLabels,
  HAND_GENRES,
);
const posters: ValidationPosters = {
  ids: ['s0', 's1', 's2', 's3'],
  files: null,
  probs: handProbs,
  labels: handLabels,
  thresholds: [0.5, 0.5, 0.5],
};

/**
 * The charts are lazy: server rendering shows their fallback until their
 * module has loaded, so render again until it has (React caches the module).
 */
async function renderWithCharts(element: ReturnType<typeof createElement>): Promise<string> {
  let html = renderToStaticMarkup(element);
  for (let attempt = 0; attempt < 50 && html.includes('Loading the chart…'); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    html = renderToStaticMarkup(element);
  }
  return html;
}

describe('EvaluationPanel markup', () => {
  it('labels its tables, selects and grid, and names the kinds of mistake', async () => {
    const html = await renderWithCharts(createElement(EvaluationPanel, { genres, metrics, baseline, posters }));
    expect(html).toContain('aria-label="Headline metrics"');
    expect(html).toContain('aria-label="Per-genre metrics"');
    expect(html).toContain('aria-label="Validation posters"');
    expect(html).toMatch(/<label[^>]*>Genre for PR curve<\/label><select id="[^"]+"/);
    expect(html).toMatch(/<label for="([^"]+)">Show<\/label><select id="\1">/);
    expect(html).toContain('<option value="topWrong">Top genre wrong (1)</option>');
    expect(html).toContain('>Any mistake (predicted set ≠ true set) (2)</option>');
    expect(html).toContain('<span class="poster-card-badge">top genre wrong · false genre</span>');
    // Genres with few validation posters are flagged in words, not only with a sign.
    expect(html).toContain('2 genres have fewer than 10 validation posters');
    expect(html).toContain('<span class="eval-sr-only"> (few posters)</span>');
    expect(html).toContain('tutorial&#x27;s per-label accuracy @0.5 — ~0.91 means nothing learned');
    expect(html).toContain('over 2 genres');
    // Western has no positives: AP shows a dash, not 0.
    expect(html).toMatch(/<th scope="row">Western<\/th><td class="num">0<\/td><td class="num">–<\/td>/);
    // s1 (Action predicted, Comedy true) is a mistake; s0 is right.
    expect(html).toMatch(/aria-label="Poster s1" data-mistake="true"/);
    expect(html).toMatch(/aria-label="Poster s0" data-mistake="false"/);
  });

  it('leaves out the per-poster views without posters, and reports a bad layout', () => {
    const without = renderToStaticMarkup(createElement(EvaluationPanel, { genres, metrics }));
    expect(without).not.toContain('Validation posters"');
    expect(without).not.toContain('Constant prior');
    const bad = renderToStaticMarkup(createElement(EvaluationPanel, { genres, metrics, posters: { ...posters, thresholds: [0.5] } }));
    expect(bad).toContain('role="alert"');
  });
});

describe('BatchPredictPanel markup', () => {
  it('labels the folder input and table, offers the CSV and lists skipped files', () => {
    const html = renderToStaticMarkup(
      createElement(BatchPredictPanel, {
        enabled: true,
        genres,
        thresholds: [0.5, 0.5, 0.5],
        running: false,
        result: {
          ids: posters.ids,
          probs: handProbs,
          skipped: [{ kind: 'poster-unreadable', file: 'bad.gif', message: 'not an image' }],
          evaluation: metrics,
          seenInTraining: posters.ids.map(() => false),
          seenExcluded: 0,
          cancelled: false,
        },
        onFolder: () => undefined,
        onCancel: () => undefined,
      }),
    );
    expect(html).toMatch(/<label>Folder to predict<input type="file" multiple=""\/><\/label>/);
    expect(html).toContain('aria-label="Batch predictions"');
    expect(html).toContain('aria-label="Batch evaluation metrics"');
    expect(html).toContain('>Download CSV</button>');
    expect(html).toContain('bad.gif');
    expect(html).toContain('<th scope="row">s0</th><td>Action 90.0% · Comedy 30.0% · Western 10.0%</td><td>Action</td>');
  });

  it('disables the input until a model can predict', () => {
    const html = renderToStaticMarkup(
      createElement(BatchPredictPanel, {
        enabled: false,
        genres,
        thresholds: [0.5, 0.5, 0.5],
        running: false,
        onFolder: () => undefined,
        onCancel: () => undefined,
      }),
    );
    expect(html).toMatch(/<input type="file" multiple="" disabled=""\/>/);
    expect(html).not.toContain('Batch predictions');
  });
});
