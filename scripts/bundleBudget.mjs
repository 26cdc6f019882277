// @ts-check
/**
 * Size budgets of what the browser loads first, before gzip: the page's
 * entry chunk (React and the app, without TensorFlow.js, which lives in the
 * workers, or Recharts, which loads with the first chart) and a poster-decoding
 * worker (it decodes JPEGs; it needs neither). The build prints them and fails
 * over budget (vite.config.ts); e2e/bundle-budget.spec.ts checks dist/ again.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const BUDGETS = [
  { name: 'page entry chunk', pattern: /^main-[\w-]+\.js$/, maxBytes: 300 * 1024 },
  { name: 'decode worker', pattern: /^decodeWorker-[\w-]+\.js$/, maxBytes: 50 * 1024 },
];

/**
 * @param {Array<{ fileName: string, bytes: number }>} files  the built assets
 * @returns {Array<{ name: string, fileName: string | null, bytes: number, maxBytes: number, ok: boolean }>}
 */
export function checkBudgets(files) {
  return BUDGETS.map(({ name, pattern, maxBytes }) => {
    const file = files.find((candidate) => pattern.test(candidate.fileName.split('/').pop() ?? ''));
    return { name, fileName: file?.fileName ?? null, bytes: file?.bytes ?? 0, maxBytes, ok: file !== undefined && file.bytes <= maxBytes };
  });
}

/** @param {string} distDir @returns {Array<{ fileName: string, bytes: number }>} */
export function builtAssets(distDir) {
  const assets = join(distDir, 'assets');
  return readdirSync(assets).map((fileName) => ({ fileName, bytes: statSync(join(assets, fileName)).size }));
}

/** @param {ReturnType<typeof checkBudgets>} results */
export function describeBudgets(results) {
  const kb = (/** @type {number} */ bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  return results
    .map((r) => `${r.name}: ${r.fileName ?? 'not found'} ${kb(r.bytes)} (budget ${kb(r.maxBytes)})${r.ok ? '' : ' OVER BUDGET'}`)
    .join('\n');
}
