/**
 * The lifecycle property: fast-check generates sequences of lifecycle commands (commands.ts), runs
 * each against the target from a fresh start (a service account with a key, and a user), holds every
 * credential to the model after every step, and shrinks a failing sequence to a minimal one, which
 * the failure prints as readable steps with redacted curl lines. The Replay line it prints (FC_SEED,
 * FC_PATH and the commands' LIFECYCLE_REPLAY_PATH) runs that sequence again.
 *
 * LIFECYCLE_FOCUS=keys,tokens draws from some command families only (keys, accounts, users, tokens,
 * devices). Budget: LIFECYCLE_RUNS sequences (default 3) of at most LIFECYCLE_STEPS commands (default 12: fast-check draws the length, about half of it on average); the
 * nightly profile raises both. What each run made is deleted when it ends, pass or fail.
 */
import fc from 'fast-check';
import { expect, test } from '@playwright/test';
import type { TargetConfig } from '../../core/target';
import { excerpt, redact } from '../../core/redaction';
import { budgetOf, checkParameters, recordPropertyFailure } from '../property';
import { createKey, createServiceAccount, createUser, FAMILIES, focusFromEnv, lifecycleCommands } from './commands';
import { LifecycleModel, rulesFor } from './model';
import { World, type LifecycleDriver } from './world';

export const DEFAULT_RUNS = 3;
export const DEFAULT_STEPS = 12;
/** Milliseconds a sequence may take on a busy server (every key value tried costs two bcrypt checks). */
const MS_PER_RUN = 45_000;

/** A driver for one sequence, and the deletion of what it made (what could not be deleted, in words). */
export type RunFactory = (n: number) => { driver: LifecycleDriver; cleanup: () => Promise<string[]> };

const envInt = (name: string): number | undefined => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : undefined;
};

export async function lifecycleProperty(target: TargetConfig, newRun: RunFactory): Promise<void> {
  const info = test.info();
  const maxCommands = envInt('LIFECYCLE_STEPS') ?? DEFAULT_STEPS;
  const { seed, path, numRuns, timeLimit } = budgetOf(target, 'LIFECYCLE-MODEL', {
    defaultRuns: DEFAULT_RUNS,
    nightly: envInt('LIFECYCLE_RUNS'),
    msPerRun: MS_PER_RUN * (maxCommands / DEFAULT_STEPS),
    fitDefault: true,
  });
  const rules = rulesFor(target.server.version);
  const focus = focusFromEnv();
  let sequences = 0;
  let steps = 0;
  let requests = 0;
  const leftovers: string[] = [];
  const started = performance.now();

  // A replay of a shrunk sequence needs the commands' own replay path too (fast-check's replayPath).
  const replayPath = process.env.LIFECYCLE_REPLAY_PATH || undefined;
  const arbitrary = fc.commands(lifecycleCommands(focus), { maxCommands, replayPath });
  const property = fc.asyncProperty(arbitrary, async (commands) => {
    const { driver, cleanup } = newRun(sequences++);
    const world = new World(new LifecycleModel(rules), driver);
    try {
      // The start of every sequence: a service account with a key, and a user, all of them tried.
      await createKey(world, await createServiceAccount(world));
      await createUser(world);
      await world.verifyAll();
      await fc.asyncModelRun(() => ({ model: world, real: world }), commands);
    } finally {
      steps += world.steps.length;
      requests += world.requests;
      leftovers.push(...(await cleanup()));
    }
  });
  const details = await fc.check(property, checkParameters({ seed, path, numRuns, timeLimit }));
  const seconds = (performance.now() - started) / 1000;
  const families = focus.length < FAMILIES.length ? ` of ${focus.join(', ')}` : '';
  const summary = `${details.numRuns}/${numRuns} sequences of up to ${maxCommands} commands${families} (${sequences} run with shrinking, ${steps} steps, ${requests} requests in ${seconds.toFixed(1)} s)${details.interrupted ? ', stopped by the time limit' : ''}`;
  console.log(`[LIFECYCLE-MODEL] ${summary}`);
  info.annotations.push({ type: 'fuzz', description: `LIFECYCLE-MODEL: ${summary}` });
  if (leftovers.length)
    info.annotations.push({ type: 'cleanup', description: `could not delete ${leftovers.join('; ')} (the sweeper will retry)` });

  let failure: string | undefined;
  if (details.failed) {
    const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    const printed = details.counterexample ? fc.stringify(details.counterexample[0]) : '';
    const commands = excerpt(printed, 1500);
    // Everything the generation depends on, so that the line replays the shrunk sequence as it is.
    const replayEnv = [
      `FC_SEED=${seed}`,
      `FC_PATH="${details.counterexamplePath}"`,
      `LIFECYCLE_REPLAY_PATH="${/replayPath="([^"]*)"/.exec(printed)?.[1] ?? ''}"`,
      `LIFECYCLE_STEPS=${maxCommands}`,
      ...(process.env.LIFECYCLE_FOCUS ? [`LIFECYCLE_FOCUS=${focus.join(',')}`] : []),
    ].join(' ');
    failure = [
      `[LIFECYCLE-MODEL] property failed after ${details.numRuns} sequence(s), shrunk ${details.numShrinks} time(s)${details.interrupted ? ' (shrinking stopped by the time limit: may not be minimal)' : ''}: { seed: ${seed}, path: "${details.counterexamplePath}" }`,
      redact(error),
      `Replay: ${replayEnv} npx playwright test --grep LIFECYCLE-MODEL`,
      `Commands as fast-check prints them: ${commands}`,
    ].join('\n');
    await info.attach('lifecycle-failure.txt', { body: failure, contentType: 'text/plain' });
    recordPropertyFailure(details.errorInstance, failure);
  }
  expect(details.failed, failure).toBe(false);
}
