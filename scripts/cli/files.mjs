// @ts-check
/**
 * Checks on the user's folders before a browser starts, so a typo fails in
 * milliseconds with the path in the message rather than minutes later in the page.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { CliError } from './options.mjs';

/** What the browser can decode as a poster; anything else the app would skip. */
const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.gif', '.webp', '.bmp', '.avif']);

/** The three files "Export model" writes and "Import model files" needs. */
export const MODEL_FILES = /** @type {const} */ (['model.json', 'weights.bin', 'metadata.json']);

/** @param {string} dir @returns {string[]} every file under dir, hidden ones left out (the folder picker does the same with .DS_Store noise) */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * A folder of posters: fails unless it exists and holds at least one image.
 * @param {string} flag  the flag that named it, for the message
 * @param {string} path
 * @returns {{ dir: string, images: number, csvFiles: string[] }}
 */
export function checkPosterFolder(flag, path) {
  const dir = resolve(path);
  if (!existsSync(dir)) throw new CliError(`${flag} ${path}: no such folder`);
  if (!statSync(dir).isDirectory()) throw new CliError(`${flag} ${path}: not a folder`);
  const files = filesUnder(dir);
  const images = files.filter((file) => IMAGE_EXTENSIONS.has(extname(file).toLowerCase())).length;
  if (images === 0) {
    throw new CliError(`${flag} ${path}: no images in this folder (looked for ${[...IMAGE_EXTENSIONS].join(' ')}, subfolders included)`);
  }
  const csvFiles = files.filter((file) => extname(file).toLowerCase() === '.csv').map((file) => relative(dir, file));
  return { dir, images, csvFiles };
}

/**
 * The labels for a poster folder: --csv when given, else the CSV inside the
 * folder (the app picks train.csv when there are several).
 * @param {{ dir: string, csvFiles: string[] }} folder
 * @param {string | undefined} csvFlag
 * @param {string} dataFlag
 * @returns {{ csvPath?: string, description: string }}
 */
export function labelsFor(folder, csvFlag, dataFlag) {
  if (csvFlag !== undefined) {
    const csvPath = resolve(csvFlag);
    if (!existsSync(csvPath) || !statSync(csvPath).isFile()) throw new CliError(`--csv ${csvFlag}: no such file`);
    return { csvPath, description: `labels from ${csvPath}` };
  }
  if (folder.csvFiles.length === 0) {
    throw new CliError(`${dataFlag} ${folder.dir}: no labels CSV in this folder; put one there or pass --csv FILE`);
  }
  const chosen = folder.csvFiles.find((file) => file.toLowerCase().endsWith('train.csv')) ?? folder.csvFiles[0];
  const others =
    folder.csvFiles.length > 1 ? ` (the app prefers train.csv; also found: ${folder.csvFiles.filter((f) => f !== chosen).join(', ')})` : '';
  return { description: `labels from ${chosen} inside the folder${others}` };
}

/**
 * A model folder as `train` writes it.
 * @param {string} path
 * @returns {string[]} the three file paths, in MODEL_FILES order
 */
export function checkModelFolder(path) {
  const dir = resolve(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`--model ${path}: no such folder`);
  const missing = MODEL_FILES.filter((name) => !existsSync(join(dir, name)));
  if (missing.length > 0) {
    throw new CliError(
      `--model ${path}: missing ${missing.join(', ')}; a model folder holds ${MODEL_FILES.join(', ')} (as \`train --out\` writes them)`,
    );
  }
  return MODEL_FILES.map((name) => join(dir, name));
}
