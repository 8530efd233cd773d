/**
 * What the conformance reporter needs to know about a run besides its tests: the target, and whether
 * the run was complete (no --grep, no file filter, no shard), which decides whether an unused known
 * deviation is stale or was simply not exercised.
 *
 * The global setup writes both into `config.metadata`: that object is what Playwright shows at the top
 * of the HTML report and what the blob reporter stores, so `merge-reports` of sharded runs still knows
 * the target and can tell whether all shards are there. (The blob reporter serialises the config when
 * the run ends, so what the global setup adds is included.) Each shard writes its own scope key, so
 * merged metadata keeps them all.
 */
import type { FullConfig } from '@playwright/test';

export const TARGET_KEY = 'zenml-conformance';
/** Set by the global setup just before it exits with code 2, for the reporter's summary. */
export const UNUSABLE_ENV = 'ZC_UNUSABLE';
const SCOPE_KEY = 'zenml-conformance-run';

export interface TargetInfo {
  target: string;
  serverVersion: string;
  serverId?: string;
  authScheme?: string;
  /** The suite started the reference server itself. */
  embedded?: boolean;
}

export interface RunScope {
  /** Options and arguments that left tests out, e.g. "--grep @openapi", "specs/login.spec.ts". */
  filters: string[];
  shard?: { current: number; total: number };
}

/** The URL without user info: a BASE_URL may carry credentials (https://user:pass@host). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    return '(not a URL)';
  }
}

// Options of `playwright test` that take a value (so that the value is not taken for a file filter).
const WITH_VALUE = new Set([
  '-c',
  '--config',
  '--reporter',
  '-g',
  '--grep',
  '-G',
  '--grep-invert',
  '--project',
  '--shard',
  '--output',
  '--timeout',
  '-j',
  '--workers',
  '--retries',
  '--repeat-each',
  '--max-failures',
  '--global-timeout',
  '--trace',
  '--tsconfig',
  '--test-list',
  '--test-list-invert',
  '--browser',
  '--last-failed-file',
  '--update-source-method',
  '--ui-host',
  '--ui-port',
]);
// Options that leave tests out. (-x / --max-failures only stop early; tests that did not run are
// seen in the results.)
const FILTERING = new Set([
  '-g',
  '--grep',
  '-G',
  '--grep-invert',
  '--last-failed',
  '--only-changed',
  '--test-list',
  '--test-list-invert',
]);

/** Which tests a `playwright test` command line leaves out. `projects`: all project names of the config
 * (--project naming every one of them leaves nothing out). */
export function runScope(argv: string[], projects: string[], shard: FullConfig['shard']): RunScope {
  const filters: string[] = [];
  const named: string[] = [];
  const start = argv.indexOf('test');
  const args = start < 0 ? [] : argv.slice(start + 1);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') break;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = inline ?? (WITH_VALUE.has(flag) ? args[++i] : undefined);
    if (flag === '--project') named.push(value ?? '');
    else if (FILTERING.has(flag)) filters.push(value === undefined ? flag : `${flag} ${value}`);
    else if (!flag.startsWith('-')) filters.push(flag);
  }
  if (named.length > 0 && !projects.every((p) => named.includes(p))) filters.push(`--project ${named.join(',')}`);
  return { filters, ...(shard ? { shard: { current: shard.current, total: shard.total } } : {}) };
}

/** Record the target and the scope of this run (global setup, runner process). */
export function recordRunInfo(config: FullConfig, target: TargetInfo): void {
  const scope = runScope(
    config.argv ?? [],
    config.projects.map((p) => p.name),
    config.shard,
  );
  config.metadata[TARGET_KEY] = target;
  config.metadata[scope.shard ? `${SCOPE_KEY} ${scope.shard.current}/${scope.shard.total}` : SCOPE_KEY] = scope;
  // The HTML report hides custom metadata unless asked (#?show-metadata-other) but always shows its
  // title, which it reads when it writes the report; a title the user chose wins.
  process.env.PLAYWRIGHT_HTML_TITLE ??= `ZenML conformance: ZenML ${target.serverVersion} at ${target.target}${target.embedded ? ' (embedded reference server)' : ''}`;
}

export function targetOf(metadata: Record<string, unknown>): TargetInfo | undefined {
  const t = metadata[TARGET_KEY] as TargetInfo | undefined;
  return t && typeof t.target === 'string' ? t : undefined;
}

/** Complete: every recorded scope is unfiltered, and shards (of a merged report) are all present. */
export function completeness(metadata: Record<string, unknown>): { complete: boolean; why: string } {
  const scopes = Object.entries(metadata)
    .filter(([k]) => k === SCOPE_KEY || k.startsWith(`${SCOPE_KEY} `))
    .map(([, v]) => v as RunScope);
  if (scopes.length === 0) return { complete: false, why: 'the run did not record its scope (no global setup)' };
  const filters = [...new Set(scopes.flatMap((s) => s.filters))];
  if (filters.length > 0) return { complete: false, why: `filtered: ${filters.join(' ')}` };
  const shards = scopes.filter((s) => s.shard);
  if (shards.length === 0) return { complete: true, why: 'all tests' };
  const total = shards[0].shard!.total;
  const present = new Set(shards.map((s) => s.shard!.current));
  if (shards.length !== scopes.length || present.size !== total || shards.some((s) => s.shard!.total !== total)) {
    return { complete: false, why: `shards ${[...present].sort().join(', ')} of ${total}` };
  }
  return { complete: true, why: `all ${total} shards` };
}
