import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'lib/**', 'azure-pipelines/out/**', 'node_modules/**', 'coverage/**', '.stryker-tmp/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // CommonJS config files (dependency-cruiser reads .cjs).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Every log line goes through a sink that neutralises workflow commands and control characters
    // (src/model/log-text.ts): a name from the tenant must not be able to steer a CI log.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/output.ts', 'src/github/log.ts', 'src/azdo/agent-log.ts', 'src/emulator/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.object.name='process'][object.property.name=/^(stdout|stderr)$/][property.name='write']",
          message: 'Write through src/cli/output.ts (CLI) or src/github/log.ts (action): they neutralise what a file or the tenant could inject.',
        },
        {
          selector: "CallExpression[callee.object.name='core'][callee.property.name=/^(info|notice|warning|error|debug|setFailed|startGroup)$/]",
          message: 'Log through src/github/log.ts: it neutralises what a file or the tenant could inject.',
        },
        { selector: "CallExpression[callee.object.name='console']", message: 'Write through src/cli/output.ts or src/github/log.ts.' },
      ],
    },
  },
);
