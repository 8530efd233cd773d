/**
 * `npm run bench`: what the suite costs and what it catches, beside Schemathesis, on the same
 * reference server in one run on this machine. Writes bench-results/bench.json and bench.md, and
 * prints the targets it is held to (wall at most 60 s, wall / floor at most 1.3, overhead at most
 * 5 %, wall with 100 ms of latency at most 1.5 x wall on loopback) with what it measured.
 *
 * - reference-server start, cold (migrating a new database) and warm (copying the template);
 * - the full default profile: wall, CPU of the suite's processes, requests, schema loading and
 *   compilation, validation time, and the floor (the longest chain of waits the suite must make:
 *   its longest test, or the server's CPU time for its requests spread over the server's cores);
 * - the same through a proxy that adds 100 ms to every response, with the workers a remote target
 *   gets (core/workers.ts);
 * - growth: the whole-surface sweep over a quarter, half and all of the document's operations (a
 *   proxy trims the document), and the fuzz properties at FUZZ_RUNS 100, 300 and 1000;
 * - Schemathesis with its default checks over the same operations, and its ignored_auth check over
 *   every operation against the whole-surface sweep, on the surface faults;
 * - fault-injection cases of test/faults/ through both tools: who caught it.
 * BENCH_SECTIONS (comma-separated: timing, latency, growth, schemathesis, ignored-auth, faults; all by
 * default) chooses what runs; BENCH_FAULTS=all runs every fault case (default: the first of each
 * requirement); BENCH_ST_EXAMPLES sets Schemathesis' examples per operation in the fault runs
 * (default 5); BENCH_ST_ROUNDS bounds the runs that build its baseline (default 8).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { startReferenceServer, type ReferenceServer } from '../reference-server/launcher';
import { PROJECT_ROOT } from '../reference-server/python-env';
import { editJson, pathOf, startFaultProxy, type Fault } from '../test/harness/fault-proxy';
import { faults as SURFACE_FAULTS } from '../test/faults/surface.faults';
import { LOCAL_WORKERS, REMOTE_WORKERS } from '../core/workers';
import { catchOf, type FaultCase } from '../test/harness/fault-cases';
import { ALL_FAULTS } from '../test/faults/index';
import { runSuite, summarize, type SuiteRun } from '../test/harness/run-suite';
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

interface ProfileOptions {
  workers?: number;
  /** Through a proxy in front of the server (its URL), e.g. one that adds latency. */
  fault?: Fault;
  grep?: string;
  env?: Record<string, string>;
}

async function suiteProfile(server: ReferenceServer, options: ProfileOptions = {}) {
  const benchFile = path.join(mkdtempSync(path.join(tmpdir(), 'zc-bench-')), 'bench.jsonl');
  writeFileSync(benchFile, '');
  const proxy = options.fault ? await startFaultProxy(server.baseURL, options.fault) : undefined;
  const cpu0 = cpuSeconds('self', 'children');
  const server0 = cpuSeconds(server.pid, 'self');
  const t0 = performance.now();
  const run = await runSuite(proxy ? { ...server, baseURL: proxy.baseURL } : server, {
    grep: options.grep,
    env: {
      ZC_BENCH_FILE: benchFile,
      ...(options.workers ? { ZC_WORKERS: String(options.workers) } : {}),
      ...options.env,
    },
  }).finally(() => proxy?.close());
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
  // A run that does not pass says why, here and in the table: a benchmark of a failing run is no benchmark.
  const failing = Object.entries(run.statuses)
    .filter(([, st]) => st === 'fail' || st === 'error')
    .map(([id, st]) => `${id} ${st}`);
  if (run.exitCode !== 0) console.error(`[bench] the run did not pass:\n${summarize(run)}`);
  return {
    exitCode: run.exitCode,
    result: run.summary?.result,
    failing,
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

const SECTIONS = ['timing', 'latency', 'growth', 'schemathesis', 'ignored-auth', 'faults'] as const;
type Section = (typeof SECTIONS)[number];
function sections(): Set<Section> {
  const named = (process.env.BENCH_SECTIONS ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const unknown = named.filter((n) => !(SECTIONS as readonly string[]).includes(n));
  if (unknown.length) throw new Error(`BENCH_SECTIONS names ${unknown.join(', ')}; the sections are ${SECTIONS.join(', ')}`);
  // BENCH_FAULTS=0 (the older switch) leaves out the fault comparisons.
  const all = SECTIONS.filter((x) => process.env.BENCH_FAULTS !== '0' || (x !== 'faults' && x !== 'ignored-auth'));
  return new Set((named.length ? named : all) as Section[]);
}

/** What a server across a network adds: this long before each response. */
const LATENCY_MS = 100;
const latency = (ms: number): Fault => ({
  response: async (res) => {
    await new Promise((r) => setTimeout(r, ms));
    return res;
  },
});

/** The operations the suite itself calls besides the sweep: kept whatever the size, so that only the
 * sweep shrinks. */
const KEPT = /^\/api\/v1\/(login|logout|current-user|api_token|info|users(\/[^/]+)?)$|^\/health$/;

/** A document with `operations` operations: the kept ones, then the others in document order. */
function trimmedDocument(doc: { paths: Record<string, Record<string, unknown>> }, operations: number): void {
  const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);
  const ops = Object.entries(doc.paths).flatMap(([p, item]) =>
    Object.keys(item)
      .filter((m) => METHODS.has(m))
      .map((m) => ({ p, m })),
  );
  const kept = new Set(ops.filter((o) => KEPT.test(o.p)).map((o) => `${o.m} ${o.p}`));
  for (const o of ops) if (kept.size < operations) kept.add(`${o.m} ${o.p}`);
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of Object.keys(item)) if (METHODS.has(m) && !kept.has(`${m} ${p}`)) delete item[m];
    if (!Object.keys(item).some((m) => METHODS.has(m))) delete doc.paths[p];
  }
}

const trimming = (operations: number): Fault => ({
  response: (res, req) =>
    pathOf(req) === '/openapi.json'
      ? editJson(res, (d) => void trimmedDocument(d as { paths: Record<string, Record<string, unknown>> }, operations))
      : undefined,
});

interface GrowthPoint {
  size: number;
  wallS: number;
  requests: number;
}

/** How a measure grows between three sizes: the exponent of size in wall time and in requests (1:
 * linear), from the first and last point, and the marginal cost per unit between each pair. */
function growthOf(points: GrowthPoint[]) {
  const [a, , c] = points;
  const exponent = (f: (p: GrowthPoint) => number) => Number((Math.log(f(c) / f(a)) / Math.log(c.size / a.size)).toFixed(2));
  const marginal = points.slice(1).map((p, i) => Number(((p.wallS - points[i].wallS) / (p.size - points[i].size)).toFixed(4)));
  return {
    points,
    wallExponent: exponent((p) => p.wallS),
    requestExponent: exponent((p) => p.requests),
    marginalWallS: marginal,
  };
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const run = sections();
  progress(`sections: ${[...run].join(', ')}`);
  const coldHome = mkdtempSync(path.join(tmpdir(), 'zc-cold-'));
  progress('cold start: a new database, migrated');
  const cold = await timedStart(coldHome);
  await cold.server.stop();
  rmSync(coldHome, { recursive: true, force: true });
  progress('warm start: the migrated template copied');
  const warm = await timedStart();
  const server = warm.server;
  const results: Partial<BenchInput> = { cold, warm, faults: [] };
  const write = () => writeResults(results);
  try {
    if (run.has('timing') || run.has('latency')) {
      progress('the full default profile of the suite, one worker (the sequential baseline)');
      const serial = await suiteProfile(server, { workers: 1 });
      progress(`suite, 1 worker: ${s(serial.wallMs)} s wall`);
      progress(`the full default profile of the suite (${LOCAL_WORKERS} workers)`);
      const profile = await suiteProfile(server);
      // The floor: the longest chain of waits (the longest test), or the server's own CPU time for the
      // suite's requests spread over the machine's cores, whichever is longer.
      const serverCores = Math.min(2, cpus().length);
      results.suite = {
        ...profile,
        serialWallMs: serial.wallMs,
        floorMs: Math.max(profile.longestTest?.ms ?? 0, (profile.serverCpuS * 1000) / serverCores),
      };
      progress(`suite: ${s(profile.wallMs)} s wall, ${profile.requests} requests`);
      write();
    }
    if (run.has('latency')) {
      progress(`the same profile through a proxy that adds ${LATENCY_MS} ms to every response (${REMOTE_WORKERS} workers)`);
      const slow = await suiteProfile(server, { fault: latency(LATENCY_MS), workers: REMOTE_WORKERS });
      results.latency = { ...slow, ms: LATENCY_MS, workerCount: REMOTE_WORKERS };
      progress(`suite with latency: ${s(slow.wallMs)} s wall`);
      write();
    }
    if (run.has('growth')) {
      const doc = (await (await fetch(`${server.baseURL}/openapi.json`)).json()) as { paths: Record<string, object> };
      const total = Object.values(doc.paths).reduce(
        (n, item) => n + Object.keys(item).filter((k) => k !== 'parameters').length,
        0,
      );
      const surface: GrowthPoint[] = [];
      for (const size of [Math.round(total / 4), Math.round(total / 2), total]) {
        progress(`growth: the whole-surface sweep over ${size} of ${total} operations`);
        const p = await suiteProfile(server, { fault: trimming(size), grep: 'SURFACE-AUTH-REQUIRED' });
        surface.push({ size, wallS: s(p.wallMs), requests: p.requests });
      }
      const fuzz: GrowthPoint[] = [];
      for (const size of [100, 300, 1000]) {
        progress(`growth: FUZZ-AUTH-HEADER and FUZZ-API-TOKEN at FUZZ_RUNS=${size}`);
        const p = await suiteProfile(server, { grep: 'FUZZ-AUTH-HEADER|FUZZ-API-TOKEN', env: { FUZZ_RUNS: String(size) } });
        fuzz.push({ size, wallS: s(p.wallMs), requests: p.requests });
      }
      results.growth = { surface: growthOf(surface), fuzz: growthOf(fuzz) };
      write();
    }
    if (run.has('schemathesis') || run.has('ignored-auth') || run.has('faults')) await ensureSchemathesis(progress);
    if (run.has('schemathesis')) {
      const token = await adminToken(server);
      progress('Schemathesis, default checks, same operations');
      const st = await runSchemathesis({ baseURL: server.baseURL, token });
      results.st = st;
      progress(`Schemathesis: ${s(st.wallMs)} s wall, ${st.requests} requests, exit ${st.exitCode}`);
      write();
    }
    if (run.has('ignored-auth')) {
      results.ignoredAuth = [];
      const examples = Number(process.env.BENCH_ST_EXAMPLES ?? 5);
      const control: FaultCase = {
        breaks: 'SURFACE-AUTH-REQUIRED',
        fault: 'control: no fault (the proxy changes nothing)',
        proxy: {},
      };
      for (const c of [control, ...SURFACE_FAULTS]) {
        const [suiteCaught, st] = await Promise.all([
          suiteCatches(server, { ...c, grep: 'SURFACE-AUTH-REQUIRED' }, c === control),
          onFreshServer(async (fresh) => {
            const proxy = await startFaultProxy(fresh.baseURL, c.proxy);
            try {
              const r = await runSchemathesis({
                baseURL: proxy.baseURL,
                token: await adminToken(fresh),
                checks: ['ignored_auth'],
                includePathRegex: '',
                maxExamples: examples,
                deterministic: true,
              });
              return { run: r, altered: proxy.altered() };
            } finally {
              await proxy.close();
            }
          }),
        ]);
        const caught = st.run.exitCode === 1;
        results.ignoredAuth.push({
          breaks: c === control ? '(control)' : c.breaks,
          fault: c.fault,
          suite: suiteCaught,
          schemathesis: caught,
          schemathesisFailures: st.run.failures,
          schemathesisRequests: st.run.requests,
          schemathesisWallS: s(st.run.wallMs),
        });
        progress(
          `ignored_auth, ${c.fault}: suite ${suiteCaught ? 'caught' : 'missed'}, Schemathesis ${caught ? 'caught' : 'missed'}`,
        );
        write();
      }
    }
    if (run.has('faults')) {
      const examples = Number(process.env.BENCH_ST_EXAMPLES ?? 5);
      const baseline = path.join(mkdtempSync(path.join(tmpdir(), 'zc-st-baseline-')), 'baseline.json');
      // Schemathesis stops exploring an operation at its first new failure, and a baseline lets it go
      // past the failures it holds, so each run with a fuller baseline reaches further and finds more.
      // The baseline is complete when a run with it finds nothing new; only then can a fault run's new
      // failure be laid at the fault's door (the control row checks exactly that).
      results.stBaseline = await convergeBaseline(baseline, examples);
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
        results.faults!.push({
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

type Profile = Awaited<ReturnType<typeof suiteProfile>>;

interface IgnoredAuthRow {
  breaks: string;
  fault: string;
  suite: boolean;
  schemathesis: boolean;
  schemathesisFailures: string[];
  schemathesisRequests: number;
  schemathesisWallS: number;
}

interface BenchInput {
  cold: { server: ReferenceServer; ms: number };
  warm: { server: ReferenceServer; ms: number };
  suite?: Profile & { serialWallMs: number; floorMs: number };
  latency?: Profile & { ms: number; workerCount: number };
  growth?: { surface: ReturnType<typeof growthOf>; fuzz: ReturnType<typeof growthOf> };
  st?: SchemathesisRun;
  stBaseline?: BaselineRounds;
  ignoredAuth?: IgnoredAuthRow[];
  faults: FaultRow[];
}

/** The targets the default profile is held to (issue 17), and whether this run met them. */
function targets(r: Partial<BenchInput>) {
  const rows: Array<{ measure: string; target: string; value: number | undefined; met: boolean | undefined }> = [];
  const add = (measure: string, target: string, value: number | undefined, ok: (v: number) => boolean) =>
    rows.push({ measure, target, value, met: value === undefined ? undefined : ok(value) });
  const suite = r.suite;
  // The suite's own work (validation, schema setup) is spread over its workers, which run side by
  // side: its share of the wall is the summed time over the workers' summed wall.
  const overhead = suite
    ? (suite.validateMs + suite.workers.reduce((x, w) => x + w.setupMs + w.compileMs, 0)) /
      (suite.wallMs * Math.max(1, suite.workers.length))
    : undefined;
  add('wall, full default profile (s)', '≤ 60', suite && s(suite.wallMs), (v) => v <= 60);
  add('wall / floor', '≤ 1.3', suite && Number((suite.wallMs / suite.floorMs).toFixed(2)), (v) => v <= 1.3);
  add("the suite's own overhead / the workers' wall", '≤ 5 %', overhead && Number((overhead * 100).toFixed(1)), (v) => v <= 5);
  add(
    `wall with ${LATENCY_MS} ms latency / wall on loopback`,
    '≤ 1.5',
    suite && r.latency ? Number((r.latency.wallMs / suite.wallMs).toFixed(2)) : undefined,
    (v) => v <= 1.5,
  );
  return rows;
}

function benchResult(r: Partial<BenchInput>) {
  const suite = r.suite;
  return {
    date: new Date().toISOString(),
    machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    targets: targets(r),
    referenceServer:
      r.cold && r.warm
        ? {
            coldStartS: s(r.cold.ms),
            warmStartS: s(r.warm.ms),
            coldTimings: r.cold.server.timings,
            warmTimings: r.warm.server.timings,
          }
        : undefined,
    suite: suite
      ? {
          ...suite,
          wallS: s(suite.wallMs),
          floorS: s(suite.floorMs),
          wallToFloor: Number((suite.wallMs / suite.floorMs).toFixed(2)),
          overheadFraction: Number(
            ((suite.validateMs + suite.workers.reduce((x, w) => x + w.setupMs + w.compileMs, 0)) / suite.wallMs).toFixed(3),
          ),
        }
      : undefined,
    latency: r.latency ? { ...r.latency, wallS: s(r.latency.wallMs) } : undefined,
    growth: r.growth,
    schemathesis: r.st
      ? {
          wallS: s(r.st.wallMs),
          requests: r.st.requests,
          exitCode: r.st.exitCode,
          failuresOnReferenceServer: r.st.failures,
          faultRunBaseline: r.stBaseline,
        }
      : undefined,
    ignoredAuth: r.ignoredAuth ?? [],
    faults: r.faults ?? [],
  };
}

type BenchResult = ReturnType<typeof benchResult>;

function writeResults(input: Partial<BenchInput>): string {
  const result = benchResult(input);
  writeFileSync(path.join(OUT, 'bench.json'), `${JSON.stringify(result, null, 2)}\n`);
  const md = markdown(result);
  writeFileSync(path.join(OUT, 'bench.md'), md);
  return md;
}

function markdown(r: BenchResult): string {
  const real = r.faults.filter((f) => f.breaks !== '(control)');
  const caught = (k: 'suite' | 'schemathesis') =>
    real.length ? `${real.filter((f) => f[k]).length} / ${real.length}` : 'not run';
  const lines = [
    `# Benchmark, ${r.date.slice(0, 10)} (${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, Node ${r.machine.node})`,
    '',
    '| target | bound | measured | met |',
    '|---|---|---|---|',
    ...r.targets.map(
      (t) => `| ${t.measure} | ${t.target} | ${t.value ?? 'not run'} | ${t.met === undefined ? '-' : t.met ? 'yes' : '**no**'} |`,
    ),
    '',
    '| measure | value |',
    '|---|---|',
  ];
  if (r.referenceServer)
    lines.push(
      `| reference server start, cold (new database, migrated) | ${r.referenceServer.coldStartS} s |`,
      `| reference server start, warm (template copied) | ${r.referenceServer.warmStartS} s |`,
    );
  const u = r.suite;
  if (u)
    lines.push(
      `| suite, full default profile (${LOCAL_WORKERS} workers): wall | ${u.wallS} s (${Object.entries(u.tests)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}; verdict ${u.result ?? '-'}${u.failing.length ? `: ${u.failing.join(', ')}` : ''}) |`,
      `| suite: CPU of its processes | ${u.cpuSeconds.toFixed(1)} s |`,
      `| suite: requests sent | ${u.requests} |`,
      `| suite: the server's CPU time for its requests | ${u.serverCpuS.toFixed(1)} s |`,
      `| suite: summed request latency seen by the workers | ${s(u.serverMs)} s |`,
      `| suite with 1 worker: wall | ${s(u.serialWallMs)} s |`,
      `| suite: OpenAPI fetch (ZenML builds it on the first request) + validation (cached by digest) | ${u.documentMs?.toFixed(0)} ms |`,
      `| suite: schema compilation (all workers) | ${u.workers.reduce((x, w) => x + w.compileMs, 0).toFixed(0)} ms for ${u.workers.reduce((x, w) => x + w.compiled, 0)} validators |`,
      `| suite: response validation (sum) | ${u.validateMs.toFixed(0)} ms |`,
      `| suite overhead (validation, schema setup), summed over the ${u.workers.length} workers / wall | ${(u.overheadFraction * 100).toFixed(1)} % |`,
      `| floor: the longer of the longest test (${(u.longestTest?.title ?? '-').split(' ')[0]}, ${s(u.longestTest?.ms ?? 0)} s) and server CPU / ${Math.min(2, r.machine.cores)} cores | ${u.floorS} s |`,
      `| wall / floor | ${u.wallToFloor} |`,
    );
  if (r.latency)
    lines.push(
      `| suite through a proxy adding ${r.latency.ms} ms to every response (${r.latency.workerCount} workers): wall | ${r.latency.wallS} s, ${r.latency.requests} requests (verdict ${r.latency.result ?? '-'}${r.latency.failing.length ? `: ${r.latency.failing.join(', ')}` : ''}) |`,
    );
  if (r.growth) {
    const row = (what: string, g: NonNullable<BenchResult['growth']>['surface'], unit: string) =>
      `| growth, ${what} | ${g.points.map((p) => `${p.size} ${unit}: ${p.wallS} s, ${p.requests} requests`).join('; ')}. Exponent of size: wall ${g.wallExponent}, requests ${g.requestExponent}; marginal wall ${g.marginalWallS.join(', ')} s per ${unit.replace(/s$/, '')} |`;
    lines.push(
      row('whole-surface sweep (4 credentials)', r.growth.surface, 'operations'),
      row('FUZZ-AUTH-HEADER + FUZZ-API-TOKEN', r.growth.fuzz, 'runs'),
    );
  }
  if (r.schemathesis)
    lines.push(
      `| Schemathesis ${'4.32.5'}, default checks, same operations: wall | ${r.schemathesis.wallS} s |`,
      `| Schemathesis: requests sent | ${r.schemathesis.requests} |`,
      `| Schemathesis: failures on the unmodified reference server | ${r.schemathesis.failuresOnReferenceServer.join('; ') || 'none'} |`,
    );
  lines.push(`| faults caught, suite | ${caught('suite')} |`, `| faults caught, Schemathesis | ${caught('schemathesis')} |`, '');
  if (r.ignoredAuth.length) {
    lines.push(
      `Schemathesis' ignored_auth check (every operation, deterministic, ${process.env.BENCH_ST_EXAMPLES ?? 5} examples each, a fresh server per run) against the suite's whole-surface sweep (SURFACE-AUTH-REQUIRED), on the surface faults:`,
      '',
      '| fault | suite | Schemathesis ignored_auth | Schemathesis failures | its requests, wall |',
      '|---|---|---|---|---|',
      ...r.ignoredAuth.map(
        (f) =>
          `| ${f.fault} | ${f.suite ? 'caught' : 'missed'} | ${f.schemathesis ? 'caught' : 'missed'} | ${f.schemathesisFailures.join('; ').replace(/\|/g, '\\|') || '-'} | ${f.schemathesisRequests}, ${f.schemathesisWallS} s |`,
      ),
      '',
    );
  }
  const b = r.schemathesis?.faultRunBaseline;
  if (r.faults.length && b) {
    const cell = (xs: string[]) => xs.join('; ').replace(/\|/g, '\\|') || '-';
    lines.push(
      `Fault runs: each tool through the same fault proxy. Schemathesis runs deterministically (one worker, ${process.env.BENCH_ST_EXAMPLES ?? 5} examples per operation) on a fresh server each time, against a baseline of what it reports on the unmodified server, grown until a run added nothing (${b.rounds} rounds; ${b.entries} failure kinds; ${b.requests} requests a run). It catches a fault when it reports a failure outside that baseline on an operation whose exchanges the fault changed; new failures on other operations (the fault changed where it went, not what it checked) are listed but not counted. The control row is a proxy that changes nothing.`,
      '',
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
