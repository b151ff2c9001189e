import appsync from '@aws-appsync/eslint-plugin';
import tseslint from 'typescript-eslint';
import { boundaries } from './eslint/boundaries.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'build/', 'cdk.out/', '.splitloop/', 'dist/', 'test-artifacts/', '**/generated/**', 'dashboard/dist/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // APPSYNC_JS: the runtime rejects what these rules forbid (async, try, classes, while, ++, regex...).
  {
    files: ['resolvers/**/*.ts', 'model/**/*.ts'],
    ignores: ['resolvers/manifest.ts', 'resolvers/manifest-types.ts'],
    ...appsync.configs.recommended,
    languageOptions: {
      ...appsync.configs.recommended.languageOptions,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  ...boundaries,
);
