/**
 * `npm run soak -- N`: the repeat check. Runs the whole suite N times (default 20) against one
 * reference server (or BASE_URL with its credentials), each run with a new run id and so with new
 * fuzz seeds, and reports every requirement that was not a plain pass in any run, with the run, the
 * evidence and the fast-check seed that replays it. A gate that is red on a correct server one run
 * in twenty-five is found here, not in CI. Environment as for the suite (FUZZ_RUNS raises the fuzz
 * budget of every run). Writes soak-results/soak.json and soak.md; exit code 1 when a run failed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startReferenceServer, type ReferenceServer } from '../reference-server/launcher';
import { PROJECT_ROOT } from '../reference-server/python-env';
import { runSuite, type SuiteTarget } from '../test/harness/run-suite';

interface NonPass {
  run: number;
  requirement: string;
  status: string;
  evidence: string;
  /** "FC_SEED=… " of the run's fuzz test for this requirement, when it has one. */
  seed?: string;
}

interface RunResult {
  run: number;
  result: string;
  exitCode: number;
  seconds: number;
  seeds: string[];
}

const OUT = path.join(PROJECT_ROOT, 'soak-results');

function targetFromEnv(): SuiteTarget | undefined {
  const baseURL = process.env.BASE_URL;
  if (!baseURL) return undefined;
  return {
    baseURL,
    username: process.env.ZENML_USERNAME,
    password: process.env.ZENML_PASSWORD,
    jwtSecret: process.env.ZENML_JWT_SECRET,
    apiKey: process.env.ZENML_API_KEY,
  };
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 20);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`usage: npm run soak -- <runs>  (got ${process.argv[2]})`);
  let server: ReferenceServer | undefined;
  let target = targetFromEnv();
  if (!target) {
    server = await startReferenceServer((m) => console.log(`[soak] ${m}`));
    target = server;
  }
  const results: RunResult[] = [];
  const nonPass: NonPass[] = [];
  try {
    for (let i = 1; i <= runs; i++) {
      const t0 = performance.now();
      const run = await runSuite(target);
      const seconds = Number(((performance.now() - t0) / 1000).toFixed(1));
      const seedOf = new Map<string, string>();
      for (const t of run.tests) {
        for (const a of t.annotations) {
          const m = a.type === 'fuzz-seed' ? /^([A-Z0-9-]+): (.*)$/.exec(a.description ?? '') : null;
          if (m) seedOf.set(m[1], m[2]);
        }
      }
      const result = run.summary?.result ?? (run.exitCode === 2 ? 'unusable' : 'no summary');
      results.push({ run: i, result, exitCode: run.exitCode, seconds, seeds: [...seedOf].map(([id, seed]) => `${id} ${seed}`) });
      for (const r of run.summary?.requirements ?? []) {
        if (r.status !== 'pass')
          nonPass.push({ run: i, requirement: r.id, status: r.status, evidence: r.evidence[0] ?? '', seed: seedOf.get(r.id) });
      }
      const odd = nonPass.filter((n) => n.run === i).map((n) => `${n.requirement} ${n.status}${n.seed ? ` (${n.seed})` : ''}`);
      console.log(
        `[soak] run ${i}/${runs}: ${result.toUpperCase()} in ${seconds} s${odd.length ? `; not pass: ${odd.join(', ')}` : ''}`,
      );
    }
  } finally {
    await server?.stop();
  }

  // Per requirement: in how many runs it was not a pass, and how.
  const byRequirement = new Map<string, NonPass[]>();
  for (const n of nonPass) byRequirement.set(n.requirement, [...(byRequirement.get(n.requirement) ?? []), n]);
  const green = results.filter((r) => r.result === 'pass').length;
  const lines = [
    `# Soak: ${green} of ${runs} runs green`,
    '',
    `Target: ${server ? 'the embedded reference server' : target.baseURL}; FUZZ_RUNS=${process.env.FUZZ_RUNS ?? '(default)'}; ${new Date().toISOString()}`,
    '',
    '| run | result | seconds | fuzz seeds |',
    '|---|---|---|---|',
    ...results.map((r) => `| ${r.run} | ${r.result} | ${r.seconds} | ${r.seeds.join('<br>')} |`),
    '',
    byRequirement.size
      ? '| requirement | not pass in runs | statuses | first evidence |'
      : 'Every requirement passed in every run.',
    ...(byRequirement.size ? ['|---|---|---|---|'] : []),
    ...[...byRequirement].map(
      ([id, list]) =>
        `| ${id} | ${list.map((n) => n.run).join(', ')} (${list.length}/${runs}) | ${[...new Set(list.map((n) => n.status))].join(', ')} | ${list[0].evidence.replace(/\|/g, '\\|')}${list[0].seed ? ` (${list[0].seed})` : ''} |`,
    ),
    '',
  ];
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path.join(OUT, 'soak.json'), `${JSON.stringify({ runs, green, results, nonPass }, null, 2)}\n`);
  writeFileSync(path.join(OUT, 'soak.md'), lines.join('\n'));
  console.log(`\n${lines[0].slice(2)}. ${path.relative(process.cwd(), path.join(OUT, 'soak.md'))}`);
  for (const [id, list] of byRequirement)
    console.log(
      `  ${id}: ${[...new Set(list.map((n) => n.status))].join(', ')} in ${list.length}/${runs} runs (${list.map((n) => n.run).join(', ')})`,
    );
  process.exitCode = green === runs ? 0 : 1;
}

main().catch((e: unknown) => {
  console.error(`soak: ${(e as Error).message ?? e}`);
  process.exit(2);
});
