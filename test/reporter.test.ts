/**
 * The reports as a CI job and its readers get them:
 * - no secret reaches any output of a run in which tests fail (so failure attachments exist): the HTML
 *   report including the data it embeds, test-results, JUnit, JSON, the summary, the console;
 * - a run sharded with the blob reporter and merged with `playwright merge-reports` gives the same
 *   requirement matrix as the same run unsharded.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import type { Summary } from '../reporters/summary';
import { editJson, pathOf, startFaultProxy, type Fault } from './harness/fault-proxy';
import { CONFORMANCE_REPORTER, ROOT, runSuite, summarize, type SuiteRun } from './harness/run-suite';
import { sharedServer } from './harness/shared-server';

const REDACTION_REPORTER = path.join(ROOT, 'reporters', 'redaction-reporter.ts');

/** The entries of a zip archive (stored or deflated), enough for Playwright's report data. */
function unzip(buf: Buffer): Array<{ name: string; data: Buffer }> {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip archive');
  const entries: Array<{ name: string; data: Buffer }> = [];
  let p = buf.readUInt32LE(eocd + 16);
  for (let i = buf.readUInt16LE(eocd + 10); i > 0; i--) {
    const [method, size, nameLength, extraLength, commentLength, local] = [
      buf.readUInt16LE(p + 10),
      buf.readUInt32LE(p + 20),
      buf.readUInt16LE(p + 28),
      buf.readUInt16LE(p + 30),
      buf.readUInt16LE(p + 32),
      buf.readUInt32LE(p + 42),
    ];
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + size);
    entries.push({ name: buf.toString('utf8', p + 46, p + 46 + nameLength), data: method === 8 ? inflateRawSync(raw) : raw });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Every text a run left behind, with where it came from; the HTML report's embedded zip (report
 * data, inlined attachments) and blob zips are opened. */
function outputsOf(dir: string): Array<{ where: string; text: string }> {
  const out: Array<{ where: string; text: string }> = [];
  const visit = (file: string) => {
    if (statSync(file).isDirectory()) return readdirSync(file).forEach((f) => visit(path.join(file, f)));
    const buf = readFileSync(file);
    const where = path.relative(dir, file);
    out.push({ where, text: buf.toString('utf8') });
    if (file.endsWith('.zip'))
      for (const e of unzip(buf)) out.push({ where: `${where}!${e.name}`, text: e.data.toString('utf8') });
    const embedded = buf.toString('utf8').match(/data:application\/zip;base64,([A-Za-z0-9+/=]+)/);
    if (embedded)
      for (const e of unzip(Buffer.from(embedded[1], 'base64')))
        out.push({ where: `${where} (embedded)!${e.name}`, text: e.data.toString('utf8') });
  };
  visit(dir);
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// A real signed token (header and payload JSON, a signature) and a real API key: anything the suite
// writes itself passes through redact(), which removes both shapes, so a match is a leak.
const SECRET_SHAPES: Array<[string, RegExp]> = [
  ['a JWT', /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{20,}/],
  ['a ZenML API key', /ZEN(?:PRO)?KEY_[A-Za-z0-9+/=%]{16,}/],
];

function leaks(texts: Array<{ where: string; text: string }>, secrets: Record<string, string>): string[] {
  const patterns: Array<[string, RegExp]> = [
    ...Object.entries(secrets).map(([name, value]): [string, RegExp] => [name, new RegExp(escape(value))]),
    ...SECRET_SHAPES,
  ];
  const found: string[] = [];
  for (const { where, text } of texts) {
    for (const [name, pattern] of patterns) {
      const m = text.match(pattern);
      if (m) found.push(`${name} in ${where}: …${text.slice(Math.max(0, m.index! - 80), m.index).replace(/\s+/g, ' ')}[here]`);
    }
  }
  return found;
}

// After the preflight: the server echoes what it was sent (the login form with the password or API
// key, the bearer token) and names every caller "someone-else", so tests fail all over the suite with
// secrets in their exchanges, error messages and attachments.
const LEAKY: Fault = {
  response: (res, req) => {
    const path = pathOf(req);
    if (path === '/api/v1/login' && res.status === 401) return editJson(res, (b) => ({ ...b, echo: req.body.toString('utf8') }));
    if (path === '/api/v1/current-user' && res.status === 200) {
      return editJson(
        { ...res, headers: [...res.headers, ['x-debug-authorization', String(req.headers.authorization)]] },
        (b) => void (b.name = 'someone-else'),
      );
    }
    return res;
  },
};

test('no secret in any output of a failing run: HTML report and its embedded data, test results, JUnit, JSON, summary, console', async () => {
  test.setTimeout(600_000);
  const server = sharedServer();
  const proxy = await startFaultProxy(server.baseURL, LEAKY);
  let run: SuiteRun | undefined;
  try {
    run = await runSuite(
      { ...server, baseURL: proxy.baseURL },
      { reporters: [REDACTION_REPORTER, 'html', 'junit'], keepOutput: true },
    );
    const failed = run.tests.filter((t) => t.status === 'failed');
    expect(failed.length, `the fault must make tests fail, so that failure attachments exist\n${summarize(run)}`).toBeGreaterThan(
      5,
    );
    const texts = outputsOf(run.outputDir);
    expect(
      texts.some((t) => t.where.startsWith('html/index.html (embedded)!')),
      'the HTML report data was opened',
    ).toBe(true);
    expect(
      texts.some((t) => /exchanges/.test(t.text) && t.where.includes('(embedded)')),
      'failure attachments are in the HTML report',
    ).toBe(true);
    expect(texts.some((t) => t.where === 'junit.xml')).toBe(true);
    texts.push({ where: 'console output', text: run.output });
    expect(leaks(texts, { 'the admin password': server.password, 'the JWT secret': server.jwtSecret })).toEqual([]);
  } finally {
    await proxy.close();
    if (run) rmSync(run.outputDir, { recursive: true, force: true });
  }
});

function merge(blobDir: string, reportDir: string): Promise<{ code: number; output: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(ZENML_|ZC_|BASE_URL$|CONFORMANCE_|PLAYWRIGHT_|TEST_|GITHUB_STEP_SUMMARY$)/.test(k),
    ),
  );
  return new Promise((resolve) => {
    const child = spawn(
      path.join(ROOT, 'node_modules', '.bin', 'playwright'),
      ['merge-reports', '--reporter', CONFORMANCE_REPORTER, blobDir],
      {
        cwd: ROOT,
        env: { ...env, ZC_REPORT_DIR: reportDir, FORCE_COLOR: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

/** What must not depend on sharding: each requirement's status, tests and evidence. */
const matrix = (s: Summary | undefined) =>
  (s?.requirements ?? []).map((r) => ({ ...r, tests: [...r.tests].sort((a, b) => a.title.localeCompare(b.title)) }));

test('sharded with the blob reporter and merged with merge-reports: the same requirement matrix as unsharded', async () => {
  const server = sharedServer();
  const grep = '@openapi';
  const work = mkdtempSync(path.join(tmpdir(), 'zc-shards-'));
  try {
    const [whole, ...shards] = await Promise.all([
      runSuite(server, { grep }),
      ...[1, 2].map((n) =>
        runSuite(server, {
          grep,
          extraArgs: [`--shard=${n}/2`],
          reporters: [REDACTION_REPORTER, 'blob'],
          env: { PLAYWRIGHT_BLOB_OUTPUT_DIR: path.join(work, `blob-${n}`) },
        }),
      ),
    ]);
    expect(whole.exitCode, summarize(whole)).toBe(0);
    const blobs = path.join(work, 'all-blob-reports');
    mkdirSync(blobs);
    for (const [i, shard] of shards.entries()) {
      expect(shard.exitCode, summarize(shard)).toBe(0);
      // Each shard alone is a partial run, and says so.
      expect(shard.summary?.run.complete).toBe(false);
      cpSync(path.join(work, `blob-${i + 1}`), blobs, { recursive: true });
    }
    expect(
      readdirSync(blobs).filter((f) => f.endsWith('.zip')),
      'one blob report per shard',
    ).toHaveLength(2);

    const merged = await merge(blobs, path.join(work, 'merged'));
    expect(merged.code, merged.output).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(work, 'merged', 'summary.json'), 'utf8')) as Summary;
    expect(matrix(summary)).toEqual(matrix(whole.summary));
    expect(matrix(summary).length).toBeGreaterThan(5);
    expect(summary.notRun).toEqual(whole.summary!.notRun);
    // The target travels in the blob reports' metadata; the merged run knows it was filtered.
    expect({ target: summary.target, version: summary.serverVersion, result: summary.result }).toEqual({
      target: whole.summary!.target,
      version: whole.summary!.serverVersion,
      result: 'pass',
    });
    expect(summary.run).toMatchObject({ complete: false, scope: 'filtered: --grep @openapi' });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
