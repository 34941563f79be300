import js from '@eslint/js';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Import paths that would tie one side to the other's sources: both speak through contract/. */
const restrictImports = (...patterns) => ['error', { patterns }];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'chart/templates/**', 'chart/files/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Long strings, URLs and patterns stay whole (splitting them hides what they say).
      'max-len': ['error', { code: 160, ignoreStrings: true, ignoreUrls: true, ignoreRegExpLiterals: true, ignoreTemplateLiterals: true }],
    },
  },
  {
    // The import graph stays acyclic: a cycle is two files that should be one, or a third
    // file both should import.
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/extensions': ['.ts', '.js'], 'import-x/resolver': { node: { extensions: ['.ts', '.js'] } } },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // The elements know the API only by what it sends (contract/) and its HTTP routes.
    files: ['web-components/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictImports({ regex: '(^|/)api/src(/|$)', message: 'The elements may not import the API: put what both sides speak in contract/.' }),
    },
  },
  {
    // The API serves the built bundle (api/src/repo-files.ts), never the elements' sources.
    files: ['api/src/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictImports({ regex: '(^|/)web-components/', message: 'The API may not import the elements: put what both sides speak in contract/.' }),
    },
  },
  {
    // The contract depends on zod only, and on neither side.
    files: ['contract/**/*.ts'],
    ignores: ['contract/**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrictImports(
        { regex: '(^|/)(api|web-components)/', message: 'contract/ may not depend on the API or the elements.' },
        { regex: '^(?!zod$|\\./|\\.\\./)', message: 'contract/ depends on zod only.' },
      ),
    },
  },
);
