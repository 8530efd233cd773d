/**
 * One self-test per fault: start a fault proxy in front of the shared reference server, run the
 * suite (the tests named by `grep`) through it, and check that the suite fails naming the broken
 * requirement (or, for a SHOULD, records a finding and still passes).
 */
import { test, expect } from '@playwright/test';
import type { RequirementId } from '../../core/req';
import { startFaultProxy, type Fault } from './fault-proxy';
import { runSuite, summarize, type SuiteRun } from './run-suite';
import { sharedServer } from './shared-server';

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
}

/** Further checks of a caught fault's run; `rerun` runs the same tests through the same proxy again
 * with more environment (e.g. a replay seed). */
export type FaultVerifier = (run: SuiteRun, rerun: (env: Record<string, string>) => Promise<SuiteRun>) => Promise<void>;

export function faultTests(cases: Array<FaultCase & { verify?: FaultVerifier }>): void {
  for (const c of cases) {
    test(`${c.breaks} is caught: ${c.fault}`, async () => {
      const server = sharedServer();
      const proxy = await startFaultProxy(server.baseURL, c.proxy);
      try {
        const suite = (env?: Record<string, string>) => runSuite({ ...server, baseURL: proxy.baseURL }, { grep: c.grep ?? c.breaks, env: { ...c.env, ...env } });
        const run = await suite();
        // A run that fails without the fault ever firing proves nothing about the fault.
        expect(proxy.altered().length, `the fault must have changed at least one exchange\n${summarize(run)}`).toBeGreaterThan(0);
        if ((c.expect ?? 'fail') === 'fail') {
          expect(run.exitCode, `the suite must fail on this fault\n${summarize(run)}`).toBe(1);
          expect([...run.failedRequirements], `the failure must name ${c.breaks}\n${summarize(run)}`).toContain(c.breaks);
        } else {
          expect(run.exitCode, `a SHOULD fault is a finding, not a failure\n${summarize(run)}`).toBe(0);
          expect([...run.findings], `the finding must name ${c.breaks}\n${summarize(run)}`).toContain(c.breaks);
        }
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
}

/** Benign changes a correct suite must accept: the same run through this proxy passes. */
export function benignTests(cases: BenignCase[]): void {
  for (const c of cases) {
    test(`benign, still passes: ${c.change}`, async () => {
      const server = sharedServer();
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
