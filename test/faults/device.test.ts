import { expect, test } from '@playwright/test';
import { benign, faults, meetsTheShoulds } from './device.faults';
import { benignTests, faultTests } from '../harness/fault-cases';
import { startFaultProxy } from '../harness/fault-proxy';
import { runSuite, summarize } from '../harness/run-suite';
import { sharedServer } from '../harness/shared-server';

faultTests(faults);
benignTests(benign);

// The SHOULD faults start from a server that meets the SHOULDs (ZenML 0.98.0 misses all four): that
// server must get pass for each, or a finding under a fault would prove nothing.
const SHOULDS = ['DEVICE-TOKEN-EXPIRES', 'DEVICE-VERIFICATION-URI', 'DEVICE-SLOW-DOWN', 'DEVICE-CLIENT-ID-REUSE'];

test('a server that meets the SHOULDs of the device area gets pass for each of them, and for every MUST', async () => {
  const server = sharedServer();
  const proxy = await startFaultProxy(server.baseURL, meetsTheShoulds.proxy());
  try {
    const run = await runSuite({ ...server, baseURL: proxy.baseURL }, { grep: meetsTheShoulds.grep });
    expect(run.exitCode, summarize(run)).toBe(0);
    for (const id of SHOULDS) expect(run.statuses[id], `${id}\n${summarize(run)}`).toBe('pass');
    const notPassing = Object.entries(run.statuses).filter(([id, st]) => id.startsWith('DEVICE-') && st !== 'pass');
    expect(notPassing, summarize(run)).toEqual([]);
    expect(proxy.altered().length, 'the proxy changed the exchanges').toBeGreaterThan(0);
  } finally {
    await proxy.close();
  }
});
