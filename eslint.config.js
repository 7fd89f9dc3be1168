import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      'var/',
      'artifacts/',
      'contracts/generated/',
      'apps/web/src/api/schema.d.ts',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', setTimeout: 'readonly', Buffer: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    // The web UI runs in the browser.
    files: ['apps/web/src/**/*.{ts,tsx}'],
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', fetch: 'readonly', URL: 'readonly', Intl: 'readonly' },
    },
    rules: {
      // what the hub knows reaches the web through its API and the types generated from its OpenAPI document
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/hub/src/**', '@hub/*'], message: 'the web app imports nothing of apps/hub; use its API' },
          ],
        },
      ],
    },
  },
  {
    // Tests read response bodies and broker messages as they come.
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
