// The linter enforces the layering of DESIGN.md: src/ is the engine and knows nothing about
// terminals, so it may not import ink, react, chalk or commander, print, or exit.
import tseslint from 'typescript-eslint';

const terminalModules = ['ink', 'ink/*', 'react', 'react/*', 'chalk', 'commander', 'ink-testing-library'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'bench/corpus/**', 'bench/.work/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: terminalModules.filter((m) => !m.includes('*')).map((name) => ({ name, message: 'src/ is the engine: terminal code belongs in cli/ (DESIGN.md).' })),
        patterns: [
          { group: terminalModules, message: 'src/ is the engine: terminal code belongs in cli/ (DESIGN.md).' },
          { group: ['../cli/*', '../../cli/*', '../../../cli/*'], message: 'src/ must not import cli/ (imports point inward).' },
        ],
      }],
      'no-console': 'error',
      'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'the engine never exits; throw a KeyshiftError.' }],
    },
  },
);
