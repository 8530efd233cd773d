import { defineConfig } from '@playwright/test';
import { defaultWorkers } from './core/workers';

/**
 * `npx playwright test` runs the conformance suite against BASE_URL, or, without it, against the
 * embedded reference ZenML server that the global setup starts. See README.md for the variables.
 */
export default defineConfig({
  testDir: './specs',
  globalSetup: require.resolve('./setup/global-setup'),
  fullyParallel: true,
  // By where the time goes: a server on this machine shares its cores, a remote one costs round trips.
  workers: defaultWorkers(),
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 90_000,
  reporter: [
    // First: it redacts, in place, what every later reporter reads (see the file).
    ['./reporters/redaction-reporter.ts'],
    [process.env.CI ? 'dot' : 'list'],
    ['html', { open: 'never', title: 'ZenML conformance' }],
    ['junit', { outputFile: 'conformance-report/junit.xml' }],
    // summary.json / summary.md: the requirement matrix and the verdict (docs/ci.md).
    ['./reporters/conformance-reporter.ts', { outputDir: 'conformance-report' }],
  ],
  outputDir: 'test-results',
});
