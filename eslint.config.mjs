import nx from '@nx/eslint-plugin';
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
      { sourceTag: 'type:testing', onlyDependOnLibsWithTags: [...runtimeLibs, 'type:testing'] },
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: [...runtimeLibs, ...extraForAll] },
      { sourceTag: 'type:tool', onlyDependOnLibsWithTags: [...runtimeLibs, 'type:testing'] },
      { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: [...runtimeLibs, 'type:testing'] },
    ],
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.nx/**', 'docker/**', 'bench-results/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(),
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'read configuration through a validated config class (libs/config loadConfig)' }],
    },
  },
  {
    // Tests may use the testing library.
    files: ['**/*.spec.ts', '**/test/**/*.ts', 'e2e/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(['type:testing']) },
  },
  {
    // The one place that reads the environment.
    files: ['libs/config/src/load-config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // The dashboard's browser script (served as written; API data must never become markup).
    files: ['apps/config-api/src/dashboard/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'navigator', 'sessionStorage', 'fetch', 'URL', 'URLSearchParams', 'Intl', 'CSS', 'Node', 'setTimeout'].map((name) => [name, 'readonly']),
      ),
    },
    rules: {
      'no-undef': 'error',
      'no-unused-vars': 'error',
      'no-implicit-globals': 'error',
      eqeqeq: 'error',
      'prefer-const': 'error',
      'no-restricted-properties': [
        'error',
        ...['innerHTML', 'outerHTML', 'insertAdjacentHTML'].map((property) => ({ property, message: 'render API data with textContent or DOM nodes, never as HTML' })),
      ],
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.property.name='write'][callee.object.name='document']", message: 'no document.write' }],
    },
  },
);
