import nx from '@nx/eslint-plugin';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const runtimeLibs = ['type:contracts', 'type:runtime', 'type:data', 'type:publisher'];

/** Who may import whom: apps never import apps, contracts import nothing of ours. */
const boundaries = (extraForAll = []) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
      { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:contracts', 'type:runtime', ...extraForAll] },
      { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:contracts', 'type:runtime', ...extraForAll] },
      { sourceTag: 'type:publisher', onlyDependOnLibsWithTags: ['type:contracts', 'type:runtime', ...extraForAll] },
      // Starting nats-server, the MongoDB-wire server and built apps on one machine: npm start, tests, benchmarks.
      { sourceTag: 'type:launch', onlyDependOnLibsWithTags: ['type:contracts', 'type:runtime'] },
      { sourceTag: 'type:testing', onlyDependOnLibsWithTags: [...runtimeLibs, 'type:launch', 'type:testing'] },
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: [...runtimeLibs, ...extraForAll] },
      { sourceTag: 'type:tool', onlyDependOnLibsWithTags: [...runtimeLibs, 'type:launch', 'type:testing'] },
      // The dashboard talks to the API over HTTP only: its types come from the OpenAPI document.
      { sourceTag: 'type:web', onlyDependOnLibsWithTags: [] },
      { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: [...runtimeLibs, 'type:launch', 'type:testing'] },
    ],
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.nx/**', 'docker/**', 'bench-results/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(),
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'read configuration through a validated config class (libs/config loadConfig)' },
      ],
    },
  },
  {
    // Tests may use the testing library.
    files: ['**/*.spec.ts', '**/test/**/*.ts', 'e2e/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(['type:testing', 'type:launch']) },
  },
  {
    // The one place that reads the environment.
    files: ['libs/config/src/load-config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // The dashboard (React): API data is attacker-controlled text and must never become markup.
    files: ['apps/dashboard/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-properties': [
        'error',
        ...['innerHTML', 'outerHTML', 'insertAdjacentHTML'].map((property) => ({ property, message: 'render API data as React text, never as HTML' })),
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'render API data as React text, never as HTML' },
      ],
    },
  },
);
