// @ts-check
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

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

/**
 * Chromium with a profile on disk, as a user's browser has. An off-the-record
 * context (browser.newContext) keeps the Origin Private File System, where
 * the app spills decoded posters, in memory behind IPC: slower than a disk,
 * and a full 400x300 spill stopped at 4,492 posters there. `profile`: a folder
 * to keep between runs; by default a fresh one, deleted by `close`.
 * @param {import('@playwright/test').BrowserType} chromium
 * @param {import('@playwright/test').LaunchOptions & import('@playwright/test').BrowserContextOptions & { profile?: string }} options
 */
export async function launchWithProfile(chromium, { profile, ...options }) {
  const dir = profile ? resolve(profile) : mkdtempSync(join(tmpdir(), 'poster-genres-profile-'));
  mkdirSync(dir, { recursive: true });
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, ...options });
  const page = context.pages()[0] ?? (await context.newPage());
  const browser = /** @type {import('@playwright/test').Browser} */ (context.browser());
  const close = async () => {
    try {
      await context.close();
    } finally {
      if (!profile) rmSync(dir, { recursive: true, force: true });
    }
  };
  return { context, browser, page, close };
}
