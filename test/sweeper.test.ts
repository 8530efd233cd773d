/**
 * Leases and the sweeper on a shared target: what a run killed mid-way left is removed by the next
 * run once its lease lapses, while a live run's resources are spared.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, request, test } from '@playwright/test';
import { ApiClient } from '../contract/client';
import { takeLease } from '../setup/lease';
import { sweep } from '../setup/sweeper';
import { ZenmlApi } from '../zenml/api';
import { ROOT, runSuite, summarize } from './harness/run-suite';
import { sharedServer } from './harness/shared-server';

async function admin() {
  const server = sharedServer();
  const ctx = await request.newContext();
  const zenml = new ZenmlApi(new ApiClient(ctx, server.baseURL));
  const token = (await zenml.login.password(server.username, server.password)).body.access_token!;
  return { zenml, token, dispose: () => ctx.dispose() };
}

/** A run id of the suite's own shape (core/target.ts newRunId). */
const runId = () => `zct-${Date.now().toString(36)}-${Math.random().toString(16).slice(2, 6).padEnd(4, '0')}`;

async function names(zenml: ZenmlApi, token: string, prefix: string): Promise<string[]> {
  const res = await zenml.serviceAccounts.list(token, { name: `startswith:${prefix}`, size: 100 });
  return res.body.items.map((a) => a.name).sort();
}

test("the sweeper removes a dead run's leftovers and spares a live run's", async () => {
  const { zenml, token, dispose } = await admin();
  try {
    const dead = runId();
    const live = runId();
    // The dead run's lease lapsed a minute ago (a lease marker written as a killed run leaves it).
    const lapsed = await zenml.serviceAccounts.create(token, {
      name: `${dead}-lease`,
      active: false,
      description: `zenml-conformance lease until ${new Date(Date.now() - 60_000).toISOString()}`,
    });
    expect(lapsed.status).toBe(200);
    const lease = await takeLease(zenml, token, live);
    expect(lease, 'the live run holds a lease').toBeDefined();
    for (const run of [dead, live])
      expect((await zenml.serviceAccounts.create(token, { name: `${run}-t0-sa-1-abcd` })).status).toBe(200);

    const { removed, spared } = await sweep(zenml, token, { currentRunId: runId() });
    expect(removed).toEqual(expect.arrayContaining([`service account ${dead}-lease`, `service account ${dead}-t0-sa-1-abcd`]));
    expect(spared).toContain(live);
    expect(await names(zenml, token, dead), "the dead run's resources are gone").toEqual([]);
    expect(await names(zenml, token, live), "the live run's resources are there").toEqual([
      `${live}-lease`,
      `${live}-t0-sa-1-abcd`,
    ]);

    lease!.release();
    expect((await sweep(zenml, token, { currentRunId: live })).removed, 'its own run removes all it holds').toHaveLength(2);
  } finally {
    await dispose();
  }
});

test('a run killed with SIGKILL leaves resources that the next run removes once its lease lapses', async () => {
  const server = sharedServer();
  const killed = runId();
  // The API-key tests create service accounts at once, and the expiry wait keeps the run going; a
  // short lease lapses soon after the kill.
  const child = spawn(
    path.join(ROOT, 'node_modules', '.bin', 'playwright'),
    ['test', '-c', path.join(ROOT, 'playwright.config.ts'), '--grep', 'APIKEY-|TOKEN-API-SHORT', '--reporter=dot'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        BASE_URL: server.baseURL,
        ZENML_USERNAME: server.username,
        ZENML_PASSWORD: server.password,
        ZC_RUN_ID: killed,
        ZC_LEASE_MINUTES: '0.2',
        ZC_REPORT_DIR: path.join(ROOT, 'test-results', 'selftest', 'killed-run'),
      },
      stdio: 'ignore',
      detached: true,
    },
  );
  const { zenml, token, dispose } = await admin();
  try {
    await expect
      .poll(async () => (await names(zenml, token, killed)).length, {
        timeout: 60_000,
        message: 'the run created its lease and service accounts',
      })
      .toBeGreaterThan(2);
    process.kill(-child.pid!, 'SIGKILL');
    const left = await names(zenml, token, killed);
    expect(left.length, 'the killed run left service accounts behind').toBeGreaterThan(1);
    // The lease lapses 12 s after its last renewal; the next run's global setup sweeps.
    await new Promise((r) => setTimeout(r, 13_000));
    const next = await runSuite(server, { grep: 'SRV-HEALTH' });
    expect(next.exitCode, summarize(next)).toBe(0);
    expect(next.output).toMatch(/Swept \d+ leftovers of runs that died/);
    const leases = await zenml.serviceAccounts.list(token, { name: `startswith:${killed}`, size: 100, hydrate: true });
    expect(
      await names(zenml, token, killed),
      `nothing of the killed run is left\n${JSON.stringify(leases.body.items.map((a) => [a.name, (a as { metadata?: unknown }).metadata]))}\n${next.output}`,
    ).toEqual([]);
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone already */
    }
    await dispose();
  }
});
