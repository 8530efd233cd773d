/**
 * One self-test per fault: start a fault proxy in front of the shared reference server, run the
 * suite (the tests named by `grep`) through it, and check that the fault is caught: the requirement
 * it breaks gets the verdict fail (a SHOULD: finding) in summary.json, from an assertion. A crash, a
 * timeout or a broken fixture gives "error", which is no catch; nor is a fault that never fired.
 */
import { test, expect } from '@playwright/test';
import type { RequirementId } from '../../core/req';
import { startFaultProxy, type Fault } from './fault-proxy';
import { runSuite, summarize, type SuiteRun } from './run-suite';
import { sharedServer, type SharedServer } from './shared-server';

export interface FaultCase {
  /** The requirement the fault breaks. */
  breaks: RequirementId;
  /** What the proxy does, in words, for the test title. */
  fault: string;
  proxy: Fault;
  /** --grep for the tests that exercise it; the requirement ID when omitted. */
  grep?: string;
  /** A SHOULD gives a finding, not a failure. */
  expect?: 'fail' | 'finding';
  env?: Record<string, string>;
  /** Which shared server the proxy stands in front of (the rate-limit faults need the limited one). */
  server?: SharedServer;
}

/** Further checks of a caught fault's run; `rerun` runs the same tests through the same proxy again
 * with more environment (e.g. a replay seed). */
export type FaultVerifier = (run: SuiteRun, rerun: (env: Record<string, string>) => Promise<SuiteRun>) => Promise<void>;

/** "caught", or why not ("not caught: error", "not caught: pass", "not caught: the fault never fired"). */
export type Catch = 'caught' | `not caught: ${string}`;

/** Whether a run through a fault caught it; the benchmark judges the same way. */
export function catchOf(c: Pick<FaultCase, 'breaks' | 'expect'>, run: SuiteRun, fired: boolean): Catch {
  if (!fired) return 'not caught: the fault never fired';
  const wanted = c.expect ?? 'fail';
  const status = run.statuses[c.breaks] ?? (run.summary ? 'not run' : run.exitCode === 2 ? 'target unusable' : 'no summary');
  if (status !== wanted) return `not caught: ${status}`;
  // A finding must leave the run passing (unless strict); a failure must fail it.
  if (wanted === 'fail' && run.exitCode !== 1) return `not caught: exit code ${run.exitCode}`;
  if (wanted === 'finding' && run.exitCode !== 0) return `not caught: a finding that failed the run (exit ${run.exitCode})`;
  return 'caught';
}

export function faultTests(cases: Array<FaultCase & { verify?: FaultVerifier }>): void {
  for (const c of cases) {
    test(`${c.breaks} is caught: ${c.fault}`, async () => {
      const server = sharedServer(c.server);
      const proxy = await startFaultProxy(server.baseURL, c.proxy);
      try {
        const suite = (env?: Record<string, string>) =>
          runSuite({ ...server, baseURL: proxy.baseURL }, { grep: c.grep ?? c.breaks, env: { ...c.env, ...env } });
        const run = await suite();
        // A run that fails without the fault ever firing proves nothing about the fault.
        expect(
          catchOf(c, run, proxy.altered().length > 0),
          `${c.breaks} must get the verdict ${c.expect ?? 'fail'}\n${summarize(run)}`,
        ).toBe('caught');
        await c.verify?.(run, suite);
      } finally {
        await proxy.close();
      }
    });
  }
}

export interface BenignCase {
  change: string;
  grep?: string;
  proxy: Fault;
  server?: SharedServer;
}

/** Benign changes a correct suite must accept: the same run through this proxy passes. */
export function benignTests(cases: BenignCase[]): void {
  for (const c of cases) {
    test(`benign, still passes: ${c.change}`, async () => {
      const server = sharedServer(c.server);
      const proxy = await startFaultProxy(server.baseURL, c.proxy);
      try {
        const run = await runSuite({ ...server, baseURL: proxy.baseURL }, { grep: c.grep });
        expect(run.exitCode, `a benign change must not fail the suite\n${summarize(run)}`).toBe(0);
        expect(run.tests.filter((t) => t.status === 'passed').length, 'tests ran').toBeGreaterThan(0);
        // A change that never applied shows nothing about the suite's tolerance of it.
        expect(proxy.altered().length, 'the benign change must have applied to at least one exchange').toBeGreaterThan(0);
      } finally {
        await proxy.close();
      }
    });
  }
}

/** A proxy that makes the server keep a requirement it misses (a SHOULD the reference server gives a
 * finding for): through it the requirement must pass, which shows that its check can pass at all, so
 * that the faults built on the same proxy, each with one hole, are caught for the hole. */
export interface FixCase {
  keeps: RequirementId;
  fix: string;
  grep?: string;
  proxy: Fault;
}

export function fixTests(cases: FixCase[]): void {
  for (const c of cases) {
    test(`${c.keeps} passes where ${c.fix}`, async () => {
      const server = sharedServer();
      const proxy = await startFaultProxy(server.baseURL, c.proxy);
      try {
        const run = await runSuite({ ...server, baseURL: proxy.baseURL }, { grep: c.grep ?? c.keeps });
        expect(run.statuses[c.keeps], `${c.keeps} must pass through the fix\n${summarize(run)}`).toBe('pass');
        expect(run.exitCode, `the run through the fix must pass\n${summarize(run)}`).toBe(0);
        expect(proxy.altered().length, 'the fix must have applied to at least one exchange').toBeGreaterThan(0);
      } finally {
        await proxy.close();
      }
    });
  }
}
