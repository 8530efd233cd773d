/**
 * The lifecycle property catches faults that only a sequence shows, and the hand-written tests of
 * the same rules do not: both are shown here, through the same fault. The property's failure is a
 * shrunk sequence printed as steps with curl lines, and FC_SEED/FC_PATH replay it.
 */
import { expect, test } from '@playwright/test';
import { paramFaults, sequenceFaults } from './lifecycle.faults';
import { faultTests } from '../harness/fault-cases';
import { startFaultProxy } from '../harness/fault-proxy';
import { runSuite, summarize, type SuiteRun } from '../harness/run-suite';
import { sharedServer } from '../harness/shared-server';

const failureOf = (run: SuiteRun) => run.tests.flatMap((t) => t.errors).join('\n');

faultTests(
  sequenceFaults.map((c) => ({
    ...c,
    verify: async (run, rerun) => {
      const failure = failureOf(run);
      expect(failure, 'the failure lists the steps').toMatch(/Steps:\n\s+1\. create service account sa1/);
      expect(failure, 'each step with its curl line').toMatch(/→ 200\n\s+curl -sS -i -X /);
      expect(failure, 'no secret in the report').not.toMatch(/ZENKEY_|eyJ[\w-]{10,}\./);
      const replay = failure.match(/Replay: (.*) npx playwright test/)?.[1];
      expect(replay, `the failure says how to replay it\n${failure}`).toBeDefined();
      const env = Object.fromEntries([...replay!.matchAll(/([A-Z_]+)="?([^"\s]*)"?/g)].map((m) => [m[1], m[2]]));
      expect(Object.keys(env), "the replay names the seed, the path and the commands' path").toEqual(
        expect.arrayContaining(['FC_SEED', 'FC_PATH', 'LIFECYCLE_REPLAY_PATH']),
      );
      const again = await rerun(env);
      expect(again.statuses['LIFECYCLE-MODEL'], `the replay fails the same way\n${summarize(again)}`).toBe('fail');
    },
  })),
);

faultTests(paramFaults);

for (const c of sequenceFaults) {
  test(`no hand-written test catches it: ${c.fault}`, async () => {
    const server = sharedServer();
    const proxy = await startFaultProxy(server.baseURL, c.proxy);
    try {
      const run = await runSuite({ ...server, baseURL: proxy.baseURL }, { grep: c.handTests });
      expect(run.exitCode, `the hand-written tests pass through the fault\n${summarize(run)}`).toBe(0);
      for (const id of c.handRequirements) expect(run.statuses[id], `${id}\n${summarize(run)}`).toBe('pass');
    } finally {
      await proxy.close();
    }
  });
}
