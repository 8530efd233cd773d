// Lint and layering. `npm run lint` runs it (and `npm test` does first).
// Layers: specs -> fixtures -> {zenml, contract, fuzz} -> core; reporters -> core only;
// setup may use everything but reporters; scripts and test may use everything.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const LAYERS = [
  'core',
  'contract',
  'zenml',
  'fuzz',
  'reference-server',
  'fixtures',
  'setup',
  'reporters',
  'specs',
  'scripts',
  'test',
];

/** `files` may import none of `forbidden` (relative imports, any depth). */
const layer = (files, forbidden, why) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: [{ regex: `^(\\.\\./)+(${forbidden.join('|')})(/|$)`, message: why }] }],
  },
});
const except = (...allowed) => LAYERS.filter((l) => !allowed.includes(l));

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.build/',
      '.zenml-reference/',
      'playwright-report/',
      'test-results/',
      'conformance-report/',
      'bench-results/',
      'soak-results/',
      'matrix-results/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Playwright fixtures take an empty destructuring pattern as their first argument.
      'no-empty-pattern': 'off',
      // The suite matches control characters on purpose (ANSI codes, NUL in fuzzed input).
      'no-control-regex': 'off',
      // Interfaces (reporters, fault hooks) are async whether or not an implementation awaits.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Fault proxies rewrite arbitrary JSON bodies of a real server: `any` is their honest type.
    files: ['test/faults/**/*.ts', 'test/harness/fault-proxy.ts', 'test/*.test.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  layer(['core/**/*.ts'], except('core'), 'core/ depends on nothing of ours'),
  layer(['contract/**/*.ts', 'zenml/**/*.ts', 'reference-server/**/*.ts'], except('core'), 'this layer depends on core/ only'),
  layer(['fuzz/**/*.ts'], except('core', 'contract', 'zenml'), 'fuzz/ depends on core/, contract/ and zenml/ only'),
  layer(
    ['fixtures/**/*.ts'],
    except('core', 'contract', 'zenml', 'fuzz', 'fixtures'),
    'fixtures/ may not depend on setup, reporters, specs, scripts or test',
  ),
  layer(
    ['setup/**/*.ts'],
    ['reporters', 'specs', 'scripts', 'test'],
    'setup/ may not depend on reporters, specs, scripts or test',
  ),
  layer(['reporters/**/*.ts'], except('core', 'reporters'), 'reporters/ depend on core/ only'),
  layer(
    ['specs/**/*.ts'],
    ['setup', 'reporters', 'scripts', 'test', 'reference-server'],
    'specs speak through fixtures/ and the API layer',
  ),
  prettier,
);
