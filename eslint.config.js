import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'coverage/**',
      '.stack/**',
      '.cache/**',
      '.pipeline/**',
      'examples/**/.venv/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@actions/core', message: 'Only packages/action-kit talks to @actions/core.' }] },
      ],
    },
  },
  { files: ['packages/action-kit/src/**'], rules: { 'no-restricted-imports': 'off' } },
);
