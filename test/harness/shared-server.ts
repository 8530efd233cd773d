/**
 * The self-tests share one real reference server: started by the self-test global setup, handed to
 * the tests through the environment, stopped at the end.
 */
import type { SuiteTarget } from './run-suite';

export function sharedServer(): SuiteTarget & { username: string; password: string; jwtSecret: string } {
  const s = process.env.ZC_SELFTEST_SERVER;
  if (!s) throw new Error('the self-test global setup did not start the reference server');
  return JSON.parse(s) as ReturnType<typeof sharedServer>;
}
