import { defineConfig } from '@playwright/test';

/**
 * The project's own tests (`npm test`): unit tests of the building blocks, the suite run against the
 * real reference server, and fault-injection proofs that each check fails when its rule is broken.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.test.ts',
  globalSetup: require.resolve('./harness/global-setup'),
  fullyParallel: true,
  workers: Number(process.env.ZC_SELFTEST_WORKERS) || 2,
  forbidOnly: !!process.env.CI,
  timeout: 300_000,
  reporter: [[process.env.CI ? 'line' : 'list'], ['html', { open: 'never', outputFolder: '../playwright-report/selftest' }]],
  outputDir: '../test-results/selftest',
});
