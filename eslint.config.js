import js from '@eslint/js';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layers (../shared/STYLE.md), as import rules: each layer lists what it
 * may not import, and `npm test` fails when one does.
 *
 *   UI (App, features)  ->  worker client + protocol  ->  worker  ->  ml  ->  data, metrics, lib, config
 *
 * Type-only imports are allowed across layers (they vanish from the bundle);
 * values are not. Each file gets exactly one layer's list: ESLint does not
 * merge two settings of one rule.
 */
const TFJS = { group: ['@tensorflow/*'], message: 'only ml/, the workers, the bench and the self-check load TensorFlow.js' };
const REACT = { group: ['react', 'react-dom', 'react-dom/*', 'recharts'], message: 'React and charts belong to the UI (App, features)' };
const UI = { group: ['**/features/*', '**/features/**', '**/App', '**/main'], message: 'the core and the workers import no UI' };

const LAYERS = [
  {
    name: 'UI: reaches models and parsing only through the worker',
    files: ['src/App.tsx', 'src/main.tsx', 'src/features/**'],
    patterns: [
      TFJS,
      { group: ['papaparse', '**/data/labelsCsv'], message: 'CSV parsing runs in the worker; the page sends the file' },
      { group: ['**/ml/*', '**/ml/**'], message: 'the page reaches models only through the worker (worker/client, worker/protocol)' },
      {
        group: ['**/worker/*', '!**/worker/client', '!**/worker/protocol'],
        message: 'the page talks to the worker only through worker/client and worker/protocol',
      },
      { group: ['**/bench/*', '**/selfcheck/*'], message: 'the bench and the self-check are pages of their own' },
    ],
  },
  {
    name: 'the core (data, metrics, lib, config): plain data, no tfjs, no UI, no worker',
    files: ['src/data/**', 'src/metrics/**', 'src/lib/**', 'src/config/**'],
    patterns: [
      TFJS,
      REACT,
      UI,
      { group: ['**/ml/*', '**/ml/**', '**/worker/*', '**/worker/**'], message: 'the core is imported by ml/ and the workers, never the other way' },
    ],
  },
  {
    name: 'ml: models and training loops, no UI, no worker',
    files: ['src/ml/**'],
    patterns: [
      REACT,
      UI,
      {
        group: ['**/worker/*', '**/worker/**', '**/bench/*', '**/selfcheck/*'],
        message: 'ml/ is driven by the worker through interfaces (ml/training/types.ts); it never imports it',
      },
    ],
  },
  {
    name: 'the decode worker: decodes posters without loading TensorFlow.js',
    files: ['src/worker/decodeWorker.ts', 'src/worker/decodePoster.ts'],
    patterns: [
      TFJS,
      REACT,
      UI,
      { group: ['**/ml/*', '**/ml/**'], message: 'a decode worker must stay small: it loads no ml/ module (and so no tfjs)' },
    ],
  },
  {
    name: 'the training worker: no UI',
    files: ['src/worker/**', 'src/bench/**', 'src/selfcheck/**'],
    ignores: ['src/worker/decodeWorker.ts', 'src/worker/decodePoster.ts'],
    patterns: [REACT, UI],
  },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/', 'playwright-report/', '.bench/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.worker, ...globals.node },
      parserOptions: { projectService: { allowDefaultProject: ['public/sw.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(dataSync|arraySync)$/]',
          message: 'on WebGPU synchronous reads can return zeros: use await tensor.data()',
        },
        {
          selector: "CallExpression[callee.property.name='setBackend']",
          message: 'switch backends with ml/placement.ts (activateBackend, moveModelTo): weights must live on the backend that uses them',
        },
      ],
    },
  },
  {
    files: ['src/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  { files: ['src/**/*.tsx'], ...jsxA11y.flatConfigs.recommended },
  {
    files: ['src/**/*.tsx'],
    // A scrolling log or region must be reachable by keyboard (axe: scrollable-region-focusable).
    rules: { 'jsx-a11y/no-noninteractive-tabindex': ['error', { roles: ['log', 'region'], tags: [] }] },
  },
  // Where backends are chosen: the one place tf.setBackend is called.
  {
    files: ['src/ml/backend.ts', 'src/ml/placement.ts', 'src/bench/benchWorker.ts', 'src/**/*.test.ts', 'src/ml/lyingBackend.testkit.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  ...LAYERS.map(({ name, files, ignores, patterns }) => ({
    name,
    files,
    ...(ignores ? { ignores } : {}),
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: patterns.map((pattern) => ({ ...pattern, allowTypeImports: true })) }],
    },
  })),
);
