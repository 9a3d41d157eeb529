// ESLint (flat config): typescript-eslint's recommended rules, and the layer rules of docs/architecture.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';

/** Query-builder calls and SQL templates: allowed only in repositories and storage/ (docs/architecture.md#layers). */
const SQL_SYNTAX = [
  {
    selector: 'CallExpression[callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|with)$/]',
    message: 'SQL belongs in a *.repository.ts (or server/storage/); call a repository method instead.',
  },
  { selector: "TaggedTemplateExpression[tag.name='sql']", message: 'SQL belongs in a *.repository.ts (or server/storage/).' },
  { selector: "MemberExpression[object.name='sql'][property.name=/^(raw|ref|id|lit|table|join|val)$/]", message: 'SQL belongs in a *.repository.ts (or server/storage/).' },
];

/** Packages a pure module (statistics, csv) must not use: no web framework, no database. */
const IO_PACKAGES = ['express', 'kysely', 'pg', 'better-sqlite3', 'multer'].map((name) => ({ name, message: 'statistics/ and csv/ are pure: no Express, no database.' }));

export default tseslint.config(
  { ignores: ['dist/**', 'public/build/**', 'node_modules/**', 'coverage/**', 'tests/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { import: importPlugin },
    settings: { 'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } } },
    rules: {
      // The code base's own conventions: `_`-prefixed names are deliberately unused; `!` after a checked lookup.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Worker and lazy loads use require() on purpose (server/paths.ts, charts.routes.ts).
      '@typescript-eslint/no-require-imports': 'off',
      'no-control-regex': 'off',
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'import/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './server/statistics', from: ['./server/storage', './server/pages'], message: 'statistics/ is pure: no storage, no pages.' },
            { target: './server/csv', from: ['./server/storage', './server/pages'], message: 'csv/ is pure: no storage, no pages.' },
            { target: './server/storage', from: './server', except: ['./storage', './paths.ts'], message: 'storage/ imports no feature.' },
            { target: './server/**/*.repository.ts', from: './server/**/*.service.ts', message: 'A repository imports no service.' },
            { target: './server/pages', from: './server/!(pages)/*.routes.ts', message: 'A page router never imports an API router; share a service.' },
          ],
        },
      ],
    },
  },
  {
    files: ['server/statistics/**/*.ts', 'server/csv/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: IO_PACKAGES }] },
  },
  {
    files: ['server/**/*.ts'],
    ignores: ['server/**/*.repository.ts', 'server/storage/**'],
    rules: { 'no-restricted-syntax': ['error', ...SQL_SYNTAX] },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly' } },
  },
  {
    files: ['public/src/**/*.ts'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly' } },
  },
);
