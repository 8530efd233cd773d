/**
 * `npm run bench`: what the suite costs and what it catches, beside Schemathesis, on the same
 * reference server in one run on this machine. Writes bench-results/bench.json and bench.md.
 *
 * - reference-server start, cold (migrating a new database) and warm (copying the template);
 * - the full default profile: wall, CPU of the suite's processes, requests, schema loading and
 *   compilation, validation time, and the floor (the longest chain of waits the suite must make:
 *   its longest test, or the server time of its requests spread over the server's cores);
 * - Schemathesis with its default checks over the same operations;
 * - every fault-injection case of test/faults/ through both tools: who caught it.
 * BENCH_FAULTS=0 skips the fault comparison, BENCH_FAULTS=all runs every fault case (default: the
 * first of each requirement); BENCH_ST_EXAMPLES sets Schemathesis' examples per operation in the
 * fault runs (default 5, to keep the comparison within minutes).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { startReferenceServer, type ReferenceServer } from '../fixtures/reference-server/launcher';
import { PROJECT_ROOT } from '../fixtures/reference-server/python-env';
import { startFaultProxy } from '../test/harness/fault-proxy';
import type { FaultCase } from '../test/harness/fault-cases';
import { runSuite, type SuiteRun } from '../test/harness/run-suite';
import { ensureSchemathesis, runSchemathesis, type SchemathesisRun } from './bench-schemathesis';

const OUT = path.join(PROJECT_ROOT, 'bench-results');
const progress = (m: string) => console.log(`[bench] ${m}`);
const s = (ms: number) => Number((ms / 1000).toFixed(1));

/** CPU seconds from /proc: of a process itself, or of its waited-for children (the suite runner and its workers). */
function cpuSeconds(pid: number | 'self', of: 'self' | 'children'): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const [user, system] = of === 'self' ? [fields[11], fields[12]] : [fields[13], fields[14]];
  return (Number(user) + Number(system)) / 100;
}

function annotationSum(run: SuiteRun, type: string): number {
  return run.tests.reduce((sum, t) => sum + t.annotations.filter((a) => a.type === type).reduce((x, a) => x + Number(a.description ?? 0), 0), 0);
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
  const run = await runSuite(server, { env: { ZC_BENCH_FILE: benchFile, ...(workerCount ? { ZC_WORKERS: String(workerCount) } : {}) } });
  const wallMs = performance.now() - t0;
  const suiteCpuS = cpuSeconds('self', 'children') - cpu0;
  // What the server itself computed for the suite (bcrypt dominates): the part no client can avoid.
  const serverCpuS = cpuSeconds(server.pid, 'self') - server0;
  const lines = readFileSync(benchFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
  rmSync(path.dirname(benchFile), { recursive: true, force: true });
  const workers = lines.filter((l) => l.worker).map((l) => l.worker as { setupMs: number; compileMs: number; compiled: number });
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
    documentMs: lines.find((l) => l.documentMs !== undefined)?.documentMs as number | undefined,
    workers,
    longestTest: longest ? { title: longest.title, ms: longest.duration } : undefined,
  };
}

function loadFaults(): FaultCase[] {
  const dir = path.join(__dirname, '..', 'test', 'faults');
  return readdirSync(dir)
    .filter((f) => /\.faults\.(js|ts)$/.test(f))
    .sort()
    .flatMap((f) => (require(path.join(dir, f)) as { faults: FaultCase[] }).faults);
}

async function adminToken(server: ReferenceServer): Promise<string> {
  const res = await fetch(`${server.baseURL}/api/v1/login`, { method: 'POST', body: new URLSearchParams({ username: server.username, password: server.password }) });
  return ((await res.json()) as { access_token: string }).access_token;
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
    const suite = { ...profile, serialWallMs: serial.wallMs, floorMs: Math.max(profile.longestTest?.ms ?? 0, (profile.serverCpuS * 1000) / serverCores) };
    progress(`suite: ${s(suite.wallMs)} s wall, ${suite.requests} requests`);

    await ensureSchemathesis(progress);
    const token = await adminToken(server);
    progress('Schemathesis, default checks, same operations');
    const st = await runSchemathesis({ baseURL: server.baseURL, token });
    progress(`Schemathesis: ${s(st.wallMs)} s wall, ${st.requests} requests, exit ${st.exitCode}`);

    const faults: Array<{ breaks: string; fault: string; suite: boolean; schemathesis: boolean }> = [];
    const write = () => writeResults({ cold, warm, suite, st, faults });
    if (process.env.BENCH_FAULTS !== '0') {
      // Schemathesis fails on the unmodified server too, its runs change the server's state (it
      // creates users and service accounts), and which failures it finds varies with that state. So
      // each of its fault runs gets a fresh server, and a fault counts as caught only by a failure
      // that two clean deterministic runs on fresh servers did not show (its baseline); the control row
      // checks that a proxy that changes nothing is not counted as a fault.
      const examples = Number(process.env.BENCH_ST_EXAMPLES ?? 5);
      const baseline = path.join(mkdtempSync(path.join(tmpdir(), 'zc-st-baseline-')), 'baseline.json');
      const onFreshServer = async <T>(run: (fresh: ReferenceServer) => Promise<T>): Promise<T> => {
        const fresh = await startReferenceServer(() => undefined);
        // ZenML builds its OpenAPI document on the first request (seconds); Schemathesis gives up
        // loading a document after 10 s, so the build must not count against it.
        await fetch(`${fresh.baseURL}/openapi.json`);
        try {
          return await run(fresh);
        } finally {
          await fresh.stop();
        }
      };
      // Through a proxy that changes nothing: Schemathesis reports some failures through any proxy that
      // it does not report directly (e.g. Allow-header checks on OPTIONS), so the baseline is taken
      // the way the faults are measured.
      for (let i = 0; i < 2; i++) {
        await onFreshServer(async (fresh) => {
          const noop = await startFaultProxy(fresh.baseURL, {});
          try {
            return await runSchemathesis({ baseURL: noop.baseURL, token: await adminToken(fresh), baseline, updateBaseline: true, maxExamples: examples, deterministic: true });
          } finally {
            await noop.close();
          }
        });
      }
      const all = loadFaults();
      // Default: the first fault of each requirement; BENCH_FAULTS=all runs every case.
      const chosen = process.env.BENCH_FAULTS === 'all' ? all : all.filter((c, i) => all.findIndex((d) => d.breaks === c.breaks) === i);
      const control: FaultCase = { breaks: 'OAS-SCHEMA', fault: 'control: no fault (the proxy changes nothing)', proxy: {}, grep: '@openapi' };
      for (const c of [control, ...chosen]) {
        const proxy = await startFaultProxy(server.baseURL, c.proxy);
        let suiteCaught: boolean;
        try {
          const run = await runSuite({ ...server, baseURL: proxy.baseURL }, { grep: c.grep ?? c.breaks, env: c.env });
          suiteCaught =
            c === control ? run.exitCode !== 0 : (c.expect ?? 'fail') === 'fail' ? run.exitCode === 1 && run.failedRequirements.has(c.breaks) : run.findings.has(c.breaks);
        } finally {
          await proxy.close();
        }
        const stCaught = await onFreshServer(async (fresh) => {
          const stProxy = await startFaultProxy(fresh.baseURL, c.proxy);
          try {
            // Exit 1: failures beyond the baseline; any other non-zero exit is Schemathesis' own error.
            const code = (await runSchemathesis({ baseURL: stProxy.baseURL, token: await adminToken(fresh), baseline, maxExamples: examples, deterministic: true })).exitCode;
            if (code !== 0 && code !== 1) throw new Error(`Schemathesis exited with ${code} on the fault "${c.fault}"`);
            return code === 1;
          } finally {
            await stProxy.close();
          }
        });
        faults.push({ breaks: c === control ? '(control)' : c.breaks, fault: c.fault, suite: suiteCaught, schemathesis: stCaught });
        progress(`${c.breaks} (${c.fault}): suite ${suiteCaught ? 'caught' : 'missed'}, Schemathesis ${stCaught ? 'caught' : 'missed'}`);
        write();
      }
    }
    console.log(write());
  } finally {
    await server.stop();
  }
}

function writeResults({ cold, warm, suite, st, faults }: { cold: { server: ReferenceServer; ms: number }; warm: { server: ReferenceServer; ms: number }; suite: Awaited<ReturnType<typeof suiteProfile>> & { serialWallMs: number; floorMs: number }; st: SchemathesisRun; faults: unknown[] }): string {
  const result = {
    date: new Date().toISOString(),
    machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    referenceServer: { coldStartS: s(cold.ms), warmStartS: s(warm.ms), coldTimings: cold.server.timings, warmTimings: warm.server.timings },
    suite: {
      ...suite,
      wallS: s(suite.wallMs),
      floorS: s(suite.floorMs),
      wallToFloor: Number((suite.wallMs / suite.floorMs).toFixed(2)),
      overheadFraction: Number(((suite.validateMs + suite.workers.reduce((x, w) => x + w.setupMs + w.compileMs, 0)) / suite.wallMs).toFixed(3)),
    },
    schemathesis: { wallS: s(st.wallMs), requests: st.requests, exitCode: st.exitCode, failuresOnReferenceServer: st.failures },
    faults,
  };
  writeFileSync(path.join(OUT, 'bench.json'), `${JSON.stringify(result, null, 2)}\n`);
  const md = markdown(result);
  writeFileSync(path.join(OUT, 'bench.md'), md);
  return md;
}

function markdown(r: any): string {
  const real = r.faults.filter((f: any) => f.breaks !== '(control)');
  const caught = (k: 'suite' | 'schemathesis') => real.filter((f: any) => f[k]).length;
  const lines = [
    `# Benchmark, ${r.date.slice(0, 10)} (${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, Node ${r.machine.node})`,
    '',
    '| measure | value |',
    '|---|---|',
    `| reference server start, cold (new database, migrated) | ${r.referenceServer.coldStartS} s |`,
    `| reference server start, warm (template copied) | ${r.referenceServer.warmStartS} s |`,
    `| suite, full default profile: wall | ${r.suite.wallS} s (${Object.entries(r.suite.tests).map(([k, v]) => `${v} ${k}`).join(', ')}) |`,
    `| suite: CPU of its processes | ${r.suite.cpuSeconds.toFixed(1)} s |`,
    `| suite: requests sent | ${r.suite.requests} |`,
    `| suite: the server's CPU time for its requests | ${r.suite.serverCpuS.toFixed(1)} s |`,
    `| suite: summed request latency seen by the workers | ${s(r.suite.serverMs)} s |`,
    `| suite with 1 worker instead of ${process.env.ZC_WORKERS ?? 3}: wall | ${s(r.suite.serialWallMs)} s |`,
    `| suite: OpenAPI fetch (ZenML builds it on the first request) + validation (cached by digest) | ${r.suite.documentMs?.toFixed(0)} ms |`,
    `| suite: schema compilation (all workers) | ${r.suite.workers.reduce((x: number, w: any) => x + w.compileMs, 0).toFixed(0)} ms for ${r.suite.workers.reduce((x: number, w: any) => x + w.compiled, 0)} validators |`,
    `| suite: response validation (sum) | ${r.suite.validateMs.toFixed(0)} ms |`,
    `| suite overhead (validation, schema setup) / wall | ${(r.suite.overheadFraction * 100).toFixed(1)} % |`,
    `| floor: the longer of the longest test (${(r.suite.longestTest?.title ?? '-').split(' ')[0]}, ${s(r.suite.longestTest?.ms ?? 0)} s) and server CPU / ${Math.min(2, r.machine.cores)} cores | ${r.suite.floorS} s |`,
    `| wall / floor | ${r.suite.wallToFloor} |`,
    `| Schemathesis ${'4.32.5'}, default checks, same operations: wall | ${r.schemathesis.wallS} s |`,
    `| Schemathesis: requests sent | ${r.schemathesis.requests} |`,
    `| Schemathesis: failures on the unmodified reference server | ${r.schemathesis.failuresOnReferenceServer.join('; ') || 'none'} |`,
    `| faults caught, suite | ${caught('suite')} / ${real.length} |`,
    `| faults caught, Schemathesis | ${caught('schemathesis')} / ${real.length} |`,
    '',
  ];
  if (r.faults.length) {
    lines.push('A fault counts as caught by Schemathesis only through a failure that two clean runs with the same settings did not show; the control row is a proxy that changes nothing (a "caught" there is noise).', '');
    lines.push('| requirement | fault | suite | Schemathesis |', '|---|---|---|---|');
    for (const f of r.faults) lines.push(`| ${f.breaks} | ${f.fault} | ${f.suite ? 'caught' : 'missed'} | ${f.schemathesis ? 'caught' : 'missed'} |`);
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
