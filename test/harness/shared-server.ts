/**
 * The self-tests share real reference servers (test/harness/global-setup.ts): the default one, and
 * one with login rate limiting on, handed to the tests through the environment.
 */
import type { SuiteTarget } from './run-suite';

export type SharedServer = 'default' | 'rate-limited';

export function sharedServer(
  name: SharedServer = 'default',
): SuiteTarget & { username: string; password: string; jwtSecret: string } {
  const s = process.env[`ZC_SELFTEST_SERVER_${name.toUpperCase().replace(/-/g, '_')}`];
  if (!s) throw new Error(`the self-test global setup did not start the ${name} reference server`);
  return JSON.parse(s) as ReturnType<typeof sharedServer>;
}
