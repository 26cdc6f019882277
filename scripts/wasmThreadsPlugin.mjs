// @ts-check
/**
 * Multi-threaded WASM for the frozen stages: two patches to tfjs' threaded
 * WASM build, both checked so that a tfjs update fails the build instead of
 * shipping workers that die. Used by the app's build (vite.config.ts) and the
 * benchmark page's (scripts/bench.mjs), for the page and for its workers.
 * 1. tfjs hands each pthread worker the source of its Emscripten factory as
 *    `factory.toString()`; bundled and minified, that function refers to
 *    names outside itself ("e is not defined"). Hand them the factory file's
 *    own source instead, as tfjs does when it is not bundled.
 * 2. tfjs caps its thread pool at half of navigator.hardwareConcurrency,
 *    assuming two hardware threads per core: one thread on a 2-core machine.
 *    The factory reports twice the logical cores, so the cap is all of them
 *    (setThreadsCount in src/worker/registerBackends.ts asks for that many).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const THREADED_FACTORY = join(
  import.meta.dirname,
  '..',
  'node_modules',
  '@tensorflow',
  'tfjs-backend-wasm',
  'wasm-out',
  'tfjs-backend-wasm-threaded-simd.js',
);
const FACTORY_TO_STRING = /`var WasmBackendModuleThreadedSimd = ` \+\s*wasmFactoryThreadedSimd\.toString\(\)/;
const LOGICAL_CORES = 'return navigator["hardwareConcurrency"]}';

/**
 * @param {string} source
 * @param {(message: string) => never} fail
 */
function patchThreadedFactory(source, fail) {
  if (!source.includes(LOGICAL_CORES)) fail('tfjs-backend-wasm changed: the thread-count patch no longer applies');
  return source.replace(LOGICAL_CORES, 'return 2*navigator["hardwareConcurrency"]}');
}

/** @type {import('vite').Plugin} */
export const wasmThreadsPlugin = {
  name: 'poster-genres-wasm-threads',
  transform(code, id) {
    const path = id.replaceAll('\\', '/');
    /** @type {(message: string) => never} */
    const fail = (message) => this.error(message);
    if (path.endsWith('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js')) {
      return { code: patchThreadedFactory(code, fail), map: null };
    }
    if (!path.endsWith('@tensorflow/tfjs-backend-wasm/dist/backend_wasm.js')) return null;
    if (!FACTORY_TO_STRING.test(code)) fail('tfjs-backend-wasm changed: the threaded-factory source patch no longer applies');
    const factorySource = patchThreadedFactory(readFileSync(THREADED_FACTORY, 'utf8'), fail);
    return { code: code.replace(FACTORY_TO_STRING, JSON.stringify(factorySource)), map: null };
  },
};
