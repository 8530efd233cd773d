/**
 * `npm run bench`: what the suite costs and what it catches, beside Schemathesis, on the same
 * reference server in one run on this machine. Writes bench-results/bench.json and bench.md.
 *
 * - reference-server start, cold (migrating a new database) and warm (copying the template);
 * - the full default profile: wall, CPU of the suite's processes, requests, schema loading and
 *   compilation, validation time, and the floor (the longest chain of waits the suite must make:
 *   its longest test, or the server time of its requests spread over the server's cores);
 * - Schemathesis with its default checks over the same operations;
 * - fault-injection cases of test/faults/ through both tools: who caught it.
 * BENCH_FAULTS=0 skips the fault comparison, BENCH_FAULTS=all runs every fault case (default: the
 * first of each requirement); BENCH_ST_EXAMPLES sets Schemathesis' examples per operation in the
 * fault runs (default 5, to keep the comparison under an hour); BENCH_ST_ROUNDS bounds the runs that
 * build its baseline (default 8).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { startReferenceServer, type ReferenceServer } from '../reference-server/launcher';
import { PROJECT_ROOT } from '../reference-server/python-env';
import { startFaultProxy } from '../test/harness/fault-proxy';
import { catchOf, type FaultCase } from '../test/harness/fault-cases';
import { ALL_FAULTS } from '../test/faults/index';
import { runSuite, type SuiteRun } from '../test/harness/run-suite';
import { baselineEntries, ensureSchemathesis, runSchemathesis, type SchemathesisRun } from './bench-schemathesis';

const OUT = path.join(PROJECT_ROOT, 'bench-results');
const progress = (m: string) => console.log(`[bench] ${m}`);
const s = (ms: number) => Number((ms / 1000).toFixed(1));

/** CPU seconds from /proc: of a process itself, or of its waited-for children (the suite runner and its workers). */
function cpuSeconds(pid: number | 'self', of: 'self' | 'children'): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const [user, system] = of === 'self' ? [fields[11], fields[12]] : [fields[13], fields[14]];
  return (Number(user) + Number(system)) / 100;
}

function annotationSum(run: SuiteRun, type: string): number {
  return run.tests.reduce(
    (sum, t) => sum + t.annotations.filter((a) => a.type === type).reduce((x, a) => x + Number(a.description ?? 0), 0),
    0,
  );
}

async function timedStart(coldHome?: string): Promise<{ server: ReferenceServer; ms: number }> {
  if (coldHome) process.env.ZC_TEMPLATE_HOME = coldHome;
  const t0 = performance.now();
  const server = await startReferenceServer(progress);
  delete process.env.ZC_TEMPLATE_HOME;
  return { server, ms: performance.now() - t0 };
}

async function suiteProfile(server: ReferenceServer, workerCount?: number) {
  const benchFile = path.join(mkdtempSync(path.join(tmpdir(), 'zc-bench-')), 'bench.jsonl');
  writeFileSync(benchFile, '');
  const cpu0 = cpuSeconds('self', 'children');
  const server0 = cpuSeconds(server.pid, 'self');
  const t0 = performance.now();
  const run = await runSuite(server, {
    env: { ZC_BENCH_FILE: benchFile, ...(workerCount ? { ZC_WORKERS: String(workerCount) } : {}) },
  });
  const wallMs = performance.now() - t0;
  const suiteCpuS = cpuSeconds('self', 'children') - cpu0;
  // What the server itself computed for the suite (bcrypt dominates): the part no client can avoid.
  const serverCpuS = cpuSeconds(server.pid, 'self') - server0;
  const lines = readFileSync(benchFile, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { worker?: { setupMs: number; compileMs: number; compiled: number }; documentMs?: number });
  rmSync(path.dirname(benchFile), { recursive: true, force: true });
  const workers = lines.flatMap((l) => (l.worker ? [l.worker] : []));
  const requestMs = annotationSum(run, '_request_ms');
  const longest = [...run.tests].sort((a, b) => b.duration - a.duration)[0];
  const counts: Record<string, number> = {};
  run.tests.forEach((t) => (counts[t.status] = (counts[t.status] ?? 0) + 1));
  return {
    exitCode: run.exitCode,
    tests: counts,
    wallMs,
    cpuSeconds: suiteCpuS,
    serverCpuS,
    requests: annotationSum(run, '_requests'),
    serverMs: requestMs,
    validateMs: annotationSum(run, '_validate_ms'),
    documentMs: lines.find((l) => l.documentMs !== undefined)?.documentMs,
    workers,
    longestTest: longest ? { title: longest.title, ms: longest.duration } : undefined,
  };
}

async function adminToken(server: ReferenceServer): Promise<string> {
  const res = await fetch(`${server.baseURL}/api/v1/login`, {
    method: 'POST',
    body: new URLSearchParams({ username: server.username, password: server.password }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

interface FaultRow {
  breaks: string;
  fault: string;
  suite: boolean;
  schemathesis: boolean;
  /** Schemathesis' failures beyond its baseline on an operation whose exchanges the fault changed: the catch. */
  schemathesisOnFault: string[];
  /** Its failures beyond the baseline elsewhere: the fault changed what it explored, not what it checked. */
  schemathesisElsewhere: string[];
}

interface BaselineRounds {
  rounds: number;
  entries: number;
  requests: number;
}

/** Runs on a fresh reference server (Schemathesis changes its state), stopped afterwards. */
async function onFreshServer<T>(run: (fresh: ReferenceServer) => Promise<T>): Promise<T> {
  const fresh = await startReferenceServer(() => undefined);
  try {
    // ZenML builds its OpenAPI document on the first request (seconds); Schemathesis gives up
    // loading a document after 10 s, so the build must not count against it.
    await fetch(`${fresh.baseURL}/openapi.json`);
    return await run(fresh);
  } finally {
    await fresh.stop();
  }
}

/** One deterministic Schemathesis run on a fresh server behind a fault proxy (a no-op one for `{}`). */
function schemathesisThrough(
  fault: FaultCase['proxy'],
  options: { baseline: string; updateBaseline?: boolean; examples: number },
): Promise<{ run: SchemathesisRun; altered: string[] }> {
  return onFreshServer(async (fresh) => {
    const proxy = await startFaultProxy(fresh.baseURL, fault);
    try {
      const run = await runSchemathesis({
        baseURL: proxy.baseURL,
        token: await adminToken(fresh),
        baseline: options.baseline,
        updateBaseline: options.updateBaseline,
        maxExamples: options.examples,
        deterministic: true,
      });
      // Exit 1: failures beyond the baseline; any other non-zero exit is Schemathesis' own error.
      if (run.exitCode !== 0 && run.exitCode !== 1) throw new Error(`Schemathesis exited with ${run.exitCode}`);
      return { run, altered: proxy.altered() };
    } finally {
      await proxy.close();
    }
  });
}

async function convergeBaseline(baseline: string, examples: number): Promise<BaselineRounds> {
  const maxRounds = Number(process.env.BENCH_ST_ROUNDS ?? 8);
  for (let round = 1; round <= maxRounds; round++) {
    const { run } = await schemathesisThrough({}, { baseline, updateBaseline: true, examples });
    progress(`Schemathesis baseline, round ${round}: ${run.requests} requests, ${run.newFailures.length} new failure kinds`);
    if (run.exitCode === 0) return { rounds: round, entries: baselineEntries(baseline).length, requests: run.requests };
  }
  throw new Error(
    `Schemathesis' baseline still grew after ${maxRounds} rounds (BENCH_ST_ROUNDS): its per-fault results would be noise`,
  );
}

/** Whether an exchange ("GET /api/v1/users/abc") is a call of an operation ("GET /api/v1/users/{user_id}"). */
function isCallOf(operation: string, exchange: string): boolean {
  const pattern = operation.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
  return new RegExp(`^${pattern}$`).test(exchange);
}

async function suiteCatches(server: ReferenceServer, c: FaultCase, isControl: boolean): Promise<boolean> {
  const proxy = await startFaultProxy(server.baseURL, c.proxy);
  try {
    const run = await runSuite({ ...server, baseURL: proxy.baseURL }, { grep: c.grep ?? c.breaks, env: c.env });
    if (isControl) return run.exitCode !== 0;
    // The same judgement as the self-tests: the named requirement's verdict, never a crash.
    return catchOf(c, run, proxy.altered().length > 0) === 'caught';
  } finally {
    await proxy.close();
  }
}

async function schemathesisCatches(
  c: FaultCase,
  baseline: string,
  examples: number,
): Promise<Pick<FaultRow, 'schemathesisOnFault' | 'schemathesisElsewhere'>> {
  const { run, altered } = await schemathesisThrough(c.proxy, { baseline, examples }).catch((e: Error) => {
    throw new Error(`Schemathesis on the fault "${c.fault}": ${e.message}`);
  });
  const rows: Pick<FaultRow, 'schemathesisOnFault' | 'schemathesisElsewhere'> = {
    schemathesisOnFault: [],
    schemathesisElsewhere: [],
  };
  for (const f of run.newFailures) {
    const line = `${f.operation}: ${f.check} (${f.failure}${f.signature ? ` ${f.signature}` : ''})`;
    (altered.some((x) => isCallOf(f.operation, x)) ? rows.schemathesisOnFault : rows.schemathesisElsewhere).push(line);
  }
  return rows;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const coldHome = mkdtempSync(path.join(tmpdir(), 'zc-cold-'));
  progress('cold start: a new database, migrated');
  const cold = await timedStart(coldHome);
  await cold.server.stop();
  rmSync(coldHome, { recursive: true, force: true });
  progress('warm start: the migrated template copied');
  const warm = await timedStart();
  const server = warm.server;
  try {
    progress('the full default profile of the suite, one worker (before: the sequential baseline)');
    const serial = await suiteProfile(server, 1);
    progress(`suite, 1 worker: ${s(serial.wallMs)} s wall`);
    progress('the full default profile of the suite');
    const profile = await suiteProfile(server);
    // The floor: the longest chain of waits (the longest test), or the server's own CPU time for the
    // suite's requests spread over the machine's cores, whichever is longer.
    const serverCores = Math.min(2, cpus().length);
    const suite = {
      ...profile,
      serialWallMs: serial.wallMs,
      floorMs: Math.max(profile.longestTest?.ms ?? 0, (profile.serverCpuS * 1000) / serverCores),
    };
    progress(`suite: ${s(suite.wallMs)} s wall, ${suite.requests} requests`);

    await ensureSchemathesis(progress);
    const token = await adminToken(server);
    progress('Schemathesis, default checks, same operations');
    const st = await runSchemathesis({ baseURL: server.baseURL, token });
    progress(`Schemathesis: ${s(st.wallMs)} s wall, ${st.requests} requests, exit ${st.exitCode}`);

    const faults: FaultRow[] = [];
    let stBaseline: BaselineRounds | undefined;
    const write = () => writeResults({ cold, warm, suite, st, stBaseline, faults });
    if (process.env.BENCH_FAULTS !== '0') {
      const examples = Number(process.env.BENCH_ST_EXAMPLES ?? 5);
      const baseline = path.join(mkdtempSync(path.join(tmpdir(), 'zc-st-baseline-')), 'baseline.json');
      // Schemathesis stops exploring an operation at its first new failure, and a baseline lets it go
      // past the failures it holds, so each run with a fuller baseline reaches further and finds more.
      // The baseline is complete when a run with it finds nothing new; only then can a fault run's new
      // failure be laid at the fault's door (the control row checks exactly that).
      stBaseline = await convergeBaseline(baseline, examples);
      write();
      const all = [...ALL_FAULTS].sort((x, y) => x.breaks.localeCompare(y.breaks));
      // Default: the first fault of each requirement; BENCH_FAULTS=all runs every case.
      const chosen =
        process.env.BENCH_FAULTS === 'all' ? all : all.filter((c, i) => all.findIndex((d) => d.breaks === c.breaks) === i);
      const control: FaultCase = {
        breaks: 'OAS-SCHEMA',
        fault: 'control: no fault (the proxy changes nothing)',
        proxy: {},
        grep: '@openapi',
      };
      for (const c of [control, ...chosen]) {
        // The two tools work on separate servers, so their runs overlap.
        const [suiteCaught, stRun] = await Promise.all([
          suiteCatches(server, c, c === control),
          schemathesisCatches(c, baseline, examples),
        ]);
        // On the control any new failure is noise, wherever it is.
        const stCaught = c === control ? stRun.schemathesisElsewhere.length > 0 : stRun.schemathesisOnFault.length > 0;
        faults.push({
          breaks: c === control ? '(control)' : c.breaks,
          fault: c.fault,
          suite: suiteCaught,
          schemathesis: stCaught,
          ...stRun,
        });
        progress(
          `${c.breaks} (${c.fault}): suite ${suiteCaught ? 'caught' : 'missed'}, Schemathesis ${stCaught ? 'caught' : 'missed'}${stRun.schemathesisElsewhere.length ? ` (${stRun.schemathesisElsewhere.length} new failures elsewhere)` : ''}`,
        );
        write();
      }
    }
    console.log(write());
  } finally {
    await server.stop();
  }
}

function benchResult({
  cold,
  warm,
  suite,
  st,
  stBaseline,
  faults,
}: {
  cold: { server: ReferenceServer; ms: number };
  warm: { server: ReferenceServer; ms: number };
  suite: Awaited<ReturnType<typeof suiteProfile>> & { serialWallMs: number; floorMs: number };
  st: SchemathesisRun;
  stBaseline?: BaselineRounds;
  faults: FaultRow[];
}) {
  return {
    date: new Date().toISOString(),
    machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    referenceServer: {
      coldStartS: s(cold.ms),
      warmStartS: s(warm.ms),
      coldTimings: cold.server.timings,
      warmTimings: warm.server.timings,
    },
    suite: {
      ...suite,
      wallS: s(suite.wallMs),
      floorS: s(suite.floorMs),
      wallToFloor: Number((suite.wallMs / suite.floorMs).toFixed(2)),
      overheadFraction: Number(
        ((suite.validateMs + suite.workers.reduce((x, w) => x + w.setupMs + w.compileMs, 0)) / suite.wallMs).toFixed(3),
      ),
    },
    schemathesis: {
      wallS: s(st.wallMs),
      requests: st.requests,
      exitCode: st.exitCode,
      failuresOnReferenceServer: st.failures,
      faultRunBaseline: stBaseline,
    },
    faults,
  };
}

type BenchResult = ReturnType<typeof benchResult>;

function writeResults(input: Parameters<typeof benchResult>[0]): string {
  const result = benchResult(input);
  writeFileSync(path.join(OUT, 'bench.json'), `${JSON.stringify(result, null, 2)}\n`);
  const md = markdown(result);
  writeFileSync(path.join(OUT, 'bench.md'), md);
  return md;
}

function markdown(r: BenchResult): string {
  const real = r.faults.filter((f) => f.breaks !== '(control)');
  const caught = (k: 'suite' | 'schemathesis') =>
    real.length ? `${real.filter((f) => f[k]).length} / ${real.length}` : 'not run (BENCH_FAULTS=0)';
  const lines = [
    `# Benchmark, ${r.date.slice(0, 10)} (${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, Node ${r.machine.node})`,
    '',
    '| measure | value |',
    '|---|---|',
    `| reference server start, cold (new database, migrated) | ${r.referenceServer.coldStartS} s |`,
    `| reference server start, warm (template copied) | ${r.referenceServer.warmStartS} s |`,
    `| suite, full default profile: wall | ${r.suite.wallS} s (${Object.entries(r.suite.tests)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}) |`,
    `| suite: CPU of its processes | ${r.suite.cpuSeconds.toFixed(1)} s |`,
    `| suite: requests sent | ${r.suite.requests} |`,
    `| suite: the server's CPU time for its requests | ${r.suite.serverCpuS.toFixed(1)} s |`,
    `| suite: summed request latency seen by the workers | ${s(r.suite.serverMs)} s |`,
    `| suite with 1 worker instead of ${process.env.ZC_WORKERS ?? 3}: wall | ${s(r.suite.serialWallMs)} s |`,
    `| suite: OpenAPI fetch (ZenML builds it on the first request) + validation (cached by digest) | ${r.suite.documentMs?.toFixed(0)} ms |`,
    `| suite: schema compilation (all workers) | ${r.suite.workers.reduce((x, w) => x + w.compileMs, 0).toFixed(0)} ms for ${r.suite.workers.reduce((x, w) => x + w.compiled, 0)} validators |`,
    `| suite: response validation (sum) | ${r.suite.validateMs.toFixed(0)} ms |`,
    `| suite overhead (validation, schema setup) / wall | ${(r.suite.overheadFraction * 100).toFixed(1)} % |`,
    `| floor: the longer of the longest test (${(r.suite.longestTest?.title ?? '-').split(' ')[0]}, ${s(r.suite.longestTest?.ms ?? 0)} s) and server CPU / ${Math.min(2, r.machine.cores)} cores | ${r.suite.floorS} s |`,
    `| wall / floor | ${r.suite.wallToFloor} |`,
    `| Schemathesis ${'4.32.5'}, default checks, same operations: wall | ${r.schemathesis.wallS} s |`,
    `| Schemathesis: requests sent | ${r.schemathesis.requests} |`,
    `| Schemathesis: failures on the unmodified reference server | ${r.schemathesis.failuresOnReferenceServer.join('; ') || 'none'} |`,
    `| faults caught, suite | ${caught('suite')} |`,
    `| faults caught, Schemathesis | ${caught('schemathesis')} |`,
    '',
  ];
  const b = r.schemathesis.faultRunBaseline;
  if (r.faults.length && b) {
    const cell = (xs: string[]) => xs.join('; ').replace(/\|/g, '\\|') || '-';
    lines.push(
      `Fault runs: each tool through the same fault proxy. Schemathesis runs deterministically (one worker, ${process.env.BENCH_ST_EXAMPLES ?? 5} examples per operation) on a fresh server each time, against a baseline of what it reports on the unmodified server, grown until a run added nothing (${b.rounds} rounds; ${b.entries} failure kinds; ${b.requests} requests a run). It catches a fault when it reports a failure outside that baseline on an operation whose exchanges the fault changed; new failures on other operations (the fault changed where it went, not what it checked) are listed but not counted. The control row is a proxy that changes nothing.`,
      '',
    );
    lines.push(
      '| requirement | fault | suite | Schemathesis | Schemathesis, new failures on the faulty operation | new failures elsewhere |',
      '|---|---|---|---|---|---|',
    );
    for (const f of r.faults)
      lines.push(
        `| ${f.breaks} | ${f.fault} | ${f.suite ? 'caught' : 'missed'} | ${f.schemathesis ? 'caught' : 'missed'} | ${cell(f.schemathesisOnFault)} | ${cell(f.schemathesisElsewhere)} |`,
      );
    lines.push('');
  }
  return lines.join('\n');
}

// Ctrl-C or a kill: leave through process.exit so that the servers' exit handlers stop them.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
