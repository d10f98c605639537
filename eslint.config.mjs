/**
 * ESLint for the server (TypeScript on Node) and the console (Vue 3 + TypeScript in the browser).
 * `npm run lint`; `npm test` runs it after the type check. The server's files are linted with
 * type information from the TypeScript project service (tsconfig.json), so no-floating-promises
 * sees the real types; the console's without (docs/ARCHITECTURE.md, "Tests", has the figures).
 */
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import vueParser from 'vue-eslint-parser';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

/** Rules for every TypeScript file, server or console. */
const typescriptRules = {
  // An unawaited promise loses its error and its ordering; `void` marks a deliberate one.
  '@typescript-eslint/no-floating-promises': 'error',
  // Type-only imports vanish from the output: the workflow bundle and the console stay free of
  // modules they only name as types.
  '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'separate-type-imports' }],
  '@typescript-eslint/no-explicit-any': 'error',
  // Chinese text uses the ideographic space (U+3000) in strings, templates and comments; code does not.
  'no-irregular-whitespace': ['error', { skipStrings: true, skipTemplates: true, skipComments: true, skipRegExps: true }],
  // `_name` marks a parameter or binding kept for its position.
  '@typescript-eslint/no-unused-vars': ['error', {
    argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true,
  }],
};

export default defineConfig(
  globalIgnores([
    '**/node_modules/', 'dist/', 'console/dist/', 'coverage/', 'data/',
    'bench/results/', 'test/histories/',
    // Generated: the console's API types (openapi-typescript) and component declarations.
    'console/src/api/schema.d.ts', 'console/types/components.d.ts',
  ]),

  // Plain JavaScript: the Jest and dependency-cruiser configurations (CommonJS), this file (ESM).
  {
    files: ['**/*.js', '**/*.cjs'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
  {
    files: ['**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'module', globals: globals.node },
  },

  // The server, its scripts, benchmarks and tests: one TypeScript project (tsconfig.json).
  {
    files: ['**/*.ts', '**/*.mts'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: root },
    },
    rules: typescriptRules,
  },
  // The console's build files belong to console/tsconfig.node.json, which the project service
  // does not find by name.
  {
    files: ['console/*.mts'],
    languageOptions: {
      parserOptions: { projectService: false, project: './console/tsconfig.node.json', tsconfigRootDir: root },
    },
  },

  // The console: TypeScript modules and Vue single-file components (<script setup lang="ts">),
  // in the browser. vue-eslint-parser reads the template and hands the script to TypeScript's.
  // Without type information: vue-tsc checks the console's types already, and building the
  // console's program once more for no-floating-promises costs as much as all the rest of the lint.
  {
    files: ['console/src/**/*.{ts,vue}'],
    extends: [pluginVue.configs['flat/recommended']],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { parser: tseslint.parser, projectService: false, extraFileExtensions: ['.vue'] },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      // The templates keep a short element, its attributes and its text on one line.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
    },
  },
  {
    files: ['console/src/**/*.vue'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { parser: vueParser },
    rules: {
      ...typescriptRules,
      '@typescript-eslint/no-floating-promises': 'off',
      // vue-tsc checks names; ESLint's no-undef knows neither TypeScript's types nor Vue's macros.
      'no-undef': 'off',
    },
  },
);
