import { join } from 'node:path';
import { builtAssets, BUDGETS, checkBudgets, describeBudgets } from '../scripts/bundleBudget.mjs';
import { expect, test } from './fixtures';

test('the page entry chunk and a decode worker stay within their size budgets (no browser)', () => {
  const results = checkBudgets(builtAssets(join(import.meta.dirname, '..', 'dist')));
  console.log(describeBudgets(results));
  expect(results.map((result) => result.name)).toEqual(BUDGETS.map((budget) => budget.name));
  for (const result of results) expect(result.ok, `${result.name}: ${result.fileName} ${result.bytes} bytes, budget ${result.maxBytes}`).toBe(true);
});

test('the budget check fails what is over it or missing', () => {
  const results = checkBudgets([{ fileName: 'assets/main-abc123.js', bytes: 400 * 1024 }]);
  expect(results.map((result) => result.ok)).toEqual([false, false]);
  expect(describeBudgets(results)).toContain('OVER BUDGET');
});
