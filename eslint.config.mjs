// ESLint (type-aware typescript-eslint) plus the dependency rule of architecture.md as import
// boundaries: a layer that imports what it must not is a lint error, not a review comment.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';

const pattern = (group, message) => ({ group, message });
const LAYERS = {
  api: pattern(['**/api/**'], 'only src/api and the composition root (src/system*.ts) import the API'),
  bot: pattern(['**/bot/**'], 'the bot is reached through ports declared in src/domain (src/domain/ports)'),
  jobs: pattern(['**/jobs/**'], 'jobs are reached through ports wired in the composition root'),
  tests: pattern(['**/tests/**'], 'nothing outside tests/ imports tests/'),
  tools: pattern(['**/tools/**'], 'development tools never load in production (DEMO=1 imports them dynamically)'),
  typeorm: pattern(['typeorm', 'typeorm/**'], 'TypeORM lives in *.entity.ts, *.repository.ts, *.queries.ts and src/domain/db/ only'),
  frameworks: pattern(
    ['koa', 'koa-*', '@koa/*', 'bull', 'ioredis', '@nlpjs/*', 'node-nlp', 'prom-client', '@bull-board/*', 'jose', 'exceljs', '@resvg/*'],
    'the domain knows no web framework, queue, cache, NLP engine, metrics or file format library',
  ),
};
const restrict = (...groups) => ['error', { patterns: groups }];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'data/**',
      'bench/out/**',
      'artifacts/**',
      '**/*.mjs',
      // Generated: the API's types (npm run web:types) and the on-demand import declarations (the Vite build).
      'web/src/shared/api-types.ts',
      'web/**/*.d.ts',
      'web/vite.config.mts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Unused parameters named _x are placeholders of an interface's signature.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Koa middleware and route handlers are async by contract even when one does not await.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
    },
  },
  // The dependency rule (architecture.md).
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(LAYERS.api, LAYERS.bot, LAYERS.jobs, LAYERS.tests, LAYERS.tools, LAYERS.typeorm, LAYERS.frameworks),
    },
  },
  {
    files: ['src/domain/**/*.entity.ts', 'src/domain/**/*.repository.ts', 'src/domain/**/*.queries.ts', 'src/domain/db/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(LAYERS.api, LAYERS.bot, LAYERS.jobs, LAYERS.tests, LAYERS.tools, LAYERS.frameworks) },
  },
  {
    files: ['src/bot/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(LAYERS.api, LAYERS.jobs, LAYERS.tests, LAYERS.tools, LAYERS.typeorm) },
  },
  {
    files: ['src/jobs/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(LAYERS.api, LAYERS.bot, LAYERS.tests, LAYERS.tools, LAYERS.typeorm) },
  },
  {
    files: ['src/api/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(LAYERS.bot, LAYERS.jobs, LAYERS.tests, LAYERS.tools, LAYERS.typeorm) },
  },
  { files: ['src/*.ts', 'src/cli/**/*.ts'], rules: { 'no-restricted-imports': restrict(LAYERS.tests, LAYERS.tools) } },
  { files: ['bench/**/*.ts', 'tools/**/*.ts'], rules: { 'no-restricted-imports': restrict(LAYERS.tests) } },
  // Command-line programs talk to a terminal.
  { files: ['src/cli/**/*.ts', 'tools/**/*.ts', 'bench/**/*.ts'], rules: { 'no-console': 'off' } },
  // Tests read JSON answers as `any` by design (the contract is asserted, not typed).
  {
    files: ['tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      'no-console': 'off',
    },
  },
  // The workbench (web/): Vue single-file components and browser TypeScript, checked by syntax (vue-tsc type-checks them).
  ...pluginVue.configs['flat/recommended'].map((c) => ({ ...c, files: ['web/**/*.{ts,vue}'] })),
  {
    files: ['web/**/*.{ts,vue}'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parser: vueParser,
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module', projectService: false, project: null },
      globals: { window: 'readonly', document: 'readonly', navigator: 'readonly', console: 'readonly', fetch: 'readonly' },
    },
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      // Pages log nothing to the console: errors reach the person as a toast.
      'no-console': 'error',
      'vue/multi-word-component-names': 'off',
    },
  },
  prettier,
);
