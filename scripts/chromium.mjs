/**
 * How this project launches Chromium, shared by the Playwright tests, the CLI
 * and the benchmark: Debian's Chromium (`npx playwright install` cannot
 * download here), WebGPU and WebGL emulated on the CPU by SwiftShader unless
 * POSTER_GENRES_REAL_GPU=1 (scripts/gpu-bench.sh sets its own flags).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
];
