import { join } from 'node:path';
import { expect, makePosterSubset, test } from './fixtures';

const subset = makePosterSubset(4, 'parity');

/**
 * Learning gate, part 1: every backend the app may use computes the same
 * numbers as the CPU on real posters: a training step (loss, gradients,
 * updated weights) on cpu, webgl and webgpu, and MobileNetV2 embeddings on
 * cpu, wasm, webgl and webgpu. A backend that read back zeros fails here.
 * On WebGPU (SwiftShader here) also the app's direct convolution kernels
 * against tfjs' own, on shapes the parity step does not cover ('same' padding).
 */
test('the self-check: the same training step and embeddings on cpu, wasm, webgl and webgpu', async ({ page, pageErrors }) => {
  test.setTimeout(5 * 60_000);
  await page.goto('/selfcheck.html');
  await page.getByLabel(/^Posters to use/).setInputFiles(subset.ids.map((id) => join(subset.dir, `${id}.jpg`)));
  await page.getByRole('button', { name: 'Run the check' }).click();
  const result = page.getByTestId('selfcheck-result');
  await expect(result).not.toBeEmpty({ timeout: 4 * 60_000 });
  const parsed = JSON.parse((await result.textContent()) ?? '{}') as import('../src/selfcheck/selfcheckProtocol').SelfCheckResult;
  console.log(JSON.stringify(parsed.backends));
  expect(parsed.posters).toBe(4);
  expect(parsed.backbone).toMatch(/^mobilenet_v2_035_224 from \/models\//);
  const byName = Object.fromEntries(parsed.backends.map((row) => [row.backend, row]));
  for (const backend of ['cpu', 'wasm', 'webgl', 'webgpu']) expect(byName[backend]?.available, `${backend}: ${byName[backend]?.notes}`).toBe(true);
  for (const backend of ['webgl', 'webgpu']) expect(byName[backend].step?.pass, `${backend} step ${JSON.stringify(byName[backend].step)}`).toBe(true);
  for (const backend of ['wasm', 'webgl', 'webgpu'])
    expect(byName[backend].embeddings?.pass, `${backend} embeddings ${JSON.stringify(byName[backend].embeddings)}`).toBe(true);
  // WebGPU here is SwiftShader: the app's direct convolution kernels run, and match tfjs' own.
  const kernels = byName.webgpu.kernels ?? [];
  const perKernel = (name: string) => Array<string>(3).fill(name);
  expect(kernels.map((row) => row.kernel).sort()).toEqual([
    ...perKernel('Conv2D'),
    ...perKernel('Conv2DBackpropFilter'),
    ...perKernel('Conv2DBackpropInput'),
  ]);
  for (const row of kernels) expect(row.pass, JSON.stringify(row)).toBe(true);
  expect(parsed.pass).toBe(true);
  await expect(page.getByRole('status')).toHaveText('Every available backend computes the same numbers as the CPU.');
  expect(pageErrors).toEqual([]);
});
