/**
 * Proofs for the fuzz area (faults in fuzz.faults.ts). The login character faults also check what a
 * person needs to act on a fuzz failure: the seed, the path and the shrunk, minimal counterexample in
 * the output, a curl line, and that FC_SEED/FC_PATH from it replay the same case at once.
 */
import { expect } from '@playwright/test';
import { benignTests, faultTests, type FaultCase, type FaultVerifier } from '../harness/fault-cases';
import { summarize } from '../harness/run-suite';
import { benign, faults, shrinkFaults, type ShrinkCase } from './fuzz.faults';

const counterexampleOf = (error: string) => /^Minimal counterexample: (.*)$/m.exec(error)?.[1];

/** After faultTests' check (the suite fails naming the requirement): the report and its replay. */
const shrinkProof =
  (c: ShrinkCase): FaultVerifier =>
  async (run, rerun) => {
    const error = run.tests.find((t) => t.requirement === c.breaks)?.errors.join('\n') ?? '';
    const found = /\{ seed: (-?\d+), path: "([\d:]+)" \}/.exec(error);
    expect(found, `the failure names the seed and the path\n${error}`).not.toBeNull();
    const minimal = counterexampleOf(error);
    expect(minimal, `the failure shows the shrunk counterexample\n${error}`).toBeDefined();
    expect(c.minimal(JSON.parse(minimal!)), `the counterexample is minimal: ${minimal}`).toBe(true);
    expect(error, 'the failure shows a curl line').toMatch(/^curl: curl -sS -i -X POST '[^']+\/api\/v1\/login'/m);

    const replay = await rerun({ FC_SEED: found![1], FC_PATH: found![2] });
    const replayed = replay.tests.find((t) => t.requirement === c.breaks)?.errors.join('\n') ?? '';
    expect(replay.exitCode, `the replay fails too\n${summarize(replay)}`).toBe(1);
    expect(counterexampleOf(replayed), `the replay fails on the same case\n${replayed}`).toBe(minimal);
    expect(replayed, 'the replay needs a single run').toMatch(/property failed after 1 run\(s\)/);
  };

faultTests(
  faults.map((c) => {
    const shrink = (shrinkFaults as readonly FaultCase[]).includes(c) ? (c as ShrinkCase) : undefined;
    return shrink ? { ...c, verify: shrinkProof(shrink) } : c;
  }),
);
benignTests(benign);
