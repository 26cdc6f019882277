import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { expect, makePosterSubset, POSTERS_DIR, test, type PosterSubset } from './fixtures';

/**
 * `npm run cli` end to end: the CLI runs as a child process, as a user runs
 * it, and drives its own headless Chromium. One small training run feeds the
 * predict and evaluate tests.
 */

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'scripts', 'cli.mjs');
const MODEL_FILES = ['model.json', 'weights.bin', 'metadata.json'];

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], timeoutMs = 5 * 60_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // SIGTERM lets the CLI close its browser and server.
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `poster-genres-cli-${name}-`));
  scratch.push(dir);
  return dir;
}

const scratch: string[] = [];
// Made in beforeAll, not at import: Playwright also imports spec files in its runner process.
let subset: PosterSubset;
let modelDir: string;

test.describe.configure({ mode: 'serial' });
test.beforeAll(() => {
  subset = makePosterSubset(24, 'cli');
  scratch.push(subset.dir);
  modelDir = join(tempDir('model'), 'model');
});
test.afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

test('bad arguments fail fast with a clear message and a non-zero exit', async () => {
  const help = await runCli(['train', '--help']);
  expect(help.code).toBe(0);
  for (const flag of [
    '--data',
    '--csv',
    '--out',
    '--epochs',
    '--batch',
    '--lr',
    '--size',
    '--val',
    '--seed',
    '--backend',
    '--model',
    '--url',
    '--no-build',
    '--backbone',
    '--mirror',
    '--heads',
    '--head-loss',
    '--fine-tune-epochs',
    '--profile',
  ]) {
    expect(help.stdout).toContain(flag);
  }

  const cases: Array<{ args: string[]; code: number; message: string | RegExp }> = [
    { args: ['train', '--out', tempDir('unused')], code: 2, message: 'missing --data DIR' },
    {
      args: ['train', '--data', join(tmpdir(), 'no-such-poster-folder'), '--out', tempDir('unused')],
      code: 1,
      message: /no-such-poster-folder: no such folder/,
    },
    { args: ['fly'], code: 2, message: 'unknown command "fly"' },
    { args: ['train', '--data', subset.dir, '--out', tempDir('unused'), '--epochz', '1'], code: 2, message: "Unknown option '--epochz'" },
    { args: ['train', '--data', subset.dir, '--out', tempDir('unused'), '--size', '80'], code: 2, message: '--size needs HEIGHTxWIDTH' },
    {
      args: ['train', '--data', subset.dir, '--out', tempDir('unused'), '--mirror', 'maybe'],
      code: 2,
      message: '--mirror must be one of on, off, got "maybe"',
    },
    {
      args: ['train', '--data', subset.dir, '--out', tempDir('unused'), '--backbone', 'resnet'],
      code: 2,
      message: /--backbone must be one of mobilenet_v2_035_224, mobilenet_v2_100_224/,
    },
    { args: ['train', '--data', subset.dir, '--out', tempDir('unused'), '--heads', '0'], code: 2, message: /--heads needs/ },
    { args: ['train', '--data', tempDir('empty'), '--out', tempDir('unused')], code: 1, message: 'no images in this folder' },
    {
      args: ['predict', '--model', tempDir('no-model'), '--images', subset.dir, '--out', join(tempDir('unused'), 'x.csv')],
      code: 1,
      message: 'missing model.json, weights.bin, metadata.json',
    },
  ];
  for (const { args, code, message } of cases) {
    const run = await runCli(args);
    expect(run.code, `${args.join(' ')}\n${run.stderr}`).toBe(code);
    expect(run.stderr).toMatch(message);
  }
});

test('train writes the model, its metrics and its log, streaming the log', async () => {
  test.setTimeout(8 * 60_000);
  // Its own preview server of the built dist/ (npm test builds it first).
  const run = await runCli(
    [
      'train',
      '--data',
      subset.dir,
      '--out',
      modelDir,
      '--epochs',
      '1',
      '--batch',
      '8',
      '--size',
      '80x76',
      '--val',
      '0.25',
      '--backend',
      'webgl',
      '--no-build',
    ],
    7 * 60_000,
  );
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toContain('serving dist/ at http://127.0.0.1:');
  expect(run.stdout).toContain('epoch 1: train loss');
  expect(readdirSync(modelDir).sort()).toEqual([...MODEL_FILES, 'metrics.json', 'training-log.txt'].sort());

  const metrics = JSON.parse(readFileSync(join(modelDir, 'metrics.json'), 'utf8'));
  expect(metrics.config).toMatchObject({ epochs: 1, batchSize: 8, height: 80, width: 76, valFraction: 0.25 });
  expect(metrics.epochs).toHaveLength(1);
  expect(metrics.epochs[0].validation.mapMacro).toBeGreaterThanOrEqual(0);
  expect(metrics.epochs[0].validation.mapMacro).toBeLessThanOrEqual(1);
  expect(readFileSync(join(modelDir, 'training-log.txt'), 'utf8')).toContain('epoch 1: train loss');
});

test('runs that share --profile share the embedding cache: the second computes none', async () => {
  test.setTimeout(8 * 60_000);
  const profile = tempDir('profile');
  const train = () =>
    runCli(
      [
        'train',
        '--data',
        subset.dir,
        '--out',
        tempDir('frozen'),
        '--model',
        'mobilenet-frozen',
        '--backbone',
        'mobilenet_v2_035_224',
        '--mirror',
        'off',
        '--heads',
        '1',
        '--epochs',
        '1',
        '--profile',
        profile,
        '--no-build',
      ],
      4 * 60_000,
    );
  const first = await train();
  expect(first.code, first.stderr).toBe(0);
  expect(first.stdout).toContain('embeddings: 0 from the cache, 24 computed');
  const second = await train();
  expect(second.code, second.stderr).toBe(0);
  expect(second.stdout).toContain('embeddings: 24 from the cache, 0 computed');
  // The same origin both times: IndexedDB belongs to it, port included.
  const served = (run: CliRun) => /serving dist\/ at (\S+)/.exec(run.stderr)?.[1];
  expect(served(second)).toBe(served(first));
});

test('predict writes one CSV row of probabilities per poster, and names the file it skipped', async ({ baseURL }) => {
  test.setTimeout(3 * 60_000);
  const unlabeled = join(POSTERS_DIR, 'unlabeled');
  const posters = readdirSync(unlabeled)
    .filter((name) => name.endsWith('.jpg'))
    .slice(0, 5);
  const imagesDir = tempDir('predict');
  posters.forEach((name) => copyFileSync(join(unlabeled, name), join(imagesDir, name)));
  writeFileSync(join(imagesDir, 'broken.jpg'), 'not a poster');
  const outPath = join(tempDir('probs'), 'out', 'probs.csv');

  // The test server already serves dist/: reuse it.
  const run = await runCli(['predict', '--model', modelDir, '--images', imagesDir, '--out', outPath, '--backend', 'webgl', '--url', baseURL!]);
  expect(run.code, run.stderr).toBe(0);
  const [header, ...rows] = readFileSync(outPath, 'utf8')
    .trimEnd()
    .split(/\r\n/)
    .map((line) => line.split(','));
  // labels.csv pads its last header cell ("Western    "); the app trims genre names.
  const genres = subset.genres.map((genre) => genre.trim());
  expect(header).toEqual(['Id', ...genres, 'predicted']);
  expect(rows.map((row) => row[0]).sort()).toEqual(posters.map((name) => parse(name).name).sort());
  for (const row of rows) {
    expect(row).toHaveLength(genres.length + 2);
    for (const cell of row.slice(1, -1)) {
      const probability = Number(cell);
      expect(probability).toBeGreaterThanOrEqual(0);
      expect(probability).toBeLessThanOrEqual(1);
    }
  }
  expect(run.stderr).toContain('broken.jpg: skipped, not an image');
  expect(readFileSync(join(dirname(outPath), 'problems.csv'), 'utf8')).toContain('poster-unreadable,broken.jpg,,');
});

test('evaluate prints the metrics as JSON; a labels CSV can come from outside the folder', async ({ baseURL }) => {
  test.setTimeout(3 * 60_000);
  const dataDir = tempDir('evaluate');
  subset.ids.slice(0, 8).forEach((id) => copyFileSync(join(subset.dir, `${id}.jpg`), join(dataDir, `${id}.jpg`)));

  const run = await runCli(['evaluate', '--model', modelDir, '--data', dataDir, '--csv', subset.csvPath, '--backend', 'webgl', '--url', baseURL!]);
  expect(run.code, run.stderr).toBe(0);
  const evaluation = JSON.parse(run.stdout);
  expect(evaluation.mapMacro).toBeGreaterThanOrEqual(0);
  expect(evaluation.mapMacro).toBeLessThanOrEqual(1);
});

test('every skipped poster and refused CSV row is printed and written to problems.csv (issue 14, case 9)', async ({ baseURL }) => {
  test.setTimeout(4 * 60_000);
  const data = tempDir('problems');
  subset.ids.slice(0, 8).forEach((id) => copyFileSync(join(subset.dir, `${id}.jpg`), join(data, `${id}.jpg`)));
  writeFileSync(join(data, `${subset.ids[8]}.jpg`), 'not a poster');
  const [header, ...rows] = readFileSync(subset.csvPath, 'utf8').trim().split('\n');
  // Row 10 (line 11) gets a bad value in its last genre column; the poster of row 9 is the text file above.
  const badRow = rows[9].split(',');
  badRow[badRow.length - 1] = '7';
  writeFileSync(join(data, 'train.csv'), [header, ...rows.slice(0, 9), badRow.join(','), ...rows.slice(10)].join('\n') + '\n');
  const out = join(tempDir('problems-model'), 'model');
  const run = await runCli([
    'train',
    '--data',
    data,
    '--out',
    out,
    '--epochs',
    '1',
    '--batch',
    '4',
    '--size',
    '80x76',
    '--val',
    '0',
    '--backend',
    'cpu',
    '--url',
    baseURL!,
  ]);
  expect(run.code, run.stderr).toBe(0);
  const problems = readFileSync(join(out, 'problems.csv'), 'utf8');
  expect(problems).toMatch(/^kind,file,line,message\r\n/);
  expect(problems).toContain(`poster-unreadable,${subset.ids[8]}.jpg,,`);
  expect(problems).toContain('csv-bad-value,,11,');
  // Each one named on stderr, as the page lists them.
  expect(run.stderr).toContain(`${subset.ids[8]}.jpg: skipped, not an image`);
  expect(run.stderr).toMatch(/Line 11: /);
});

test("the app's own refusals end the CLI with the app's message", async ({ baseURL }) => {
  test.setTimeout(3 * 60_000);
  // Posters whose Ids are in no CSV row: the dataset report shows 0 usable examples.
  const strangers = tempDir('strangers');
  readdirSync(join(POSTERS_DIR, 'unlabeled'))
    .filter((name) => name.endsWith('.jpg'))
    .slice(0, 3)
    .forEach((name) => copyFileSync(join(POSTERS_DIR, 'unlabeled', name), join(strangers, name)));
  writeFileSync(join(strangers, 'train.csv'), readFileSync(subset.csvPath, 'utf8'));
  const empty = await runCli(['train', '--data', strangers, '--out', tempDir('unused'), '--backend', 'cpu', '--url', baseURL!]);
  expect(empty.code, empty.stderr).toBe(1);
  expect(empty.stderr).toContain('no usable examples');

  // A weights file from another model: the app refuses the import in an alert.
  const broken = tempDir('broken');
  for (const name of MODEL_FILES) copyFileSync(join(modelDir, name), join(broken, name));
  writeFileSync(join(broken, 'weights.bin'), Buffer.alloc(1000));
  const refused = await runCli([
    'predict',
    '--model',
    broken,
    '--images',
    subset.dir,
    '--out',
    join(broken, 'p.csv'),
    '--backend',
    'cpu',
    '--url',
    baseURL!,
  ]);
  expect(refused.code, refused.stderr).toBe(1);
  expect(refused.stderr).toContain('import refused: weights.bin holds 1000 bytes');
  expect(existsSync(join(broken, 'p.csv'))).toBe(false);
});
