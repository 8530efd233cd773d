/**
 * A run's lease on what it creates. The runner takes it before any test runs: a service account
 * `<run id>-lease` whose description says until when the run is alive, renewed every RENEW_MS while
 * the runner lives. A killed run stops renewing; once its lease lapses, the next run's sweeper
 * removes what it left (sweeper.ts). The lease goes with the run's other resources at the end.
 */
import { RUN_PREFIX } from '../core/target';
import type { ZenmlApi } from '../zenml/api';

/** How long a lease lasts without renewal, and how often the runner renews it. */
export const LEASE_MS = Number(process.env.ZC_LEASE_MINUTES ?? 5) * 60_000;
const RENEW_MS = Math.max(10_000, Math.floor(LEASE_MS / 3));
const MARK = 'zenml-conformance lease until ';

/** "zct-<time>-<hex>", the run id at the start of every name the run gives. */
export function runIdOf(name: string): string | undefined {
  return new RegExp(`^(${RUN_PREFIX}[0-9a-z]+-[0-9a-f]{4})-`).exec(name)?.[1];
}

/** The lease a marker account holds, if it is one. */
export function leaseOf(account: {
  name: string;
  description?: string | null;
  metadata?: { description?: string | null };
}): { runId: string; until: number } | undefined {
  const run = runIdOf(account.name);
  const description = account.metadata?.description ?? account.description ?? '';
  if (!run || !account.name.endsWith('-lease') || !description.startsWith(MARK)) return undefined;
  const until = Date.parse(description.slice(MARK.length));
  return Number.isFinite(until) ? { runId: run, until } : undefined;
}

export interface Lease {
  /** Stop renewing (the run is ending; its resources are being removed). */
  release(): void;
}

/** Take the lease and keep it while this process lives. Undefined when the target refused it (a
 * read-only account): the run then creates nothing a sweeper could need to spare. */
export async function takeLease(zenml: ZenmlApi, token: string, runId: string): Promise<Lease | undefined> {
  const description = () => `${MARK}${new Date(Date.now() + LEASE_MS).toISOString()}`;
  const res = await zenml.serviceAccounts.create(token, { name: `${runId}-lease`, active: false, description: description() });
  if (res.status !== 200) return undefined;
  const id = res.body.id;
  const timer = setInterval(
    () => void zenml.serviceAccounts.update(token, id, { description: description() }).catch(() => undefined),
    RENEW_MS,
  );
  timer.unref();
  return { release: () => clearInterval(timer) };
}
