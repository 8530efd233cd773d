/**
 * Removes what runs of this suite left on the target: service accounts (with their API keys) and
 * users whose names start with the run prefix. Every run that writes holds a lease (lease.ts): a
 * marker service account whose description says until when the run is alive, renewed while it runs.
 * This run's leftovers always go; another run's only once its lease has lapsed (it was killed, or
 * ended without cleaning), so that a live parallel run sharing a staging server keeps what it uses.
 * Resources of a run without a lease (one killed before it took it) go once they are older than
 * ZC_SWEEP_AFTER_MINUTES (default 60).
 * Devices (RFC 8628) need no sweep of their own: an approved device belongs to its run-prefixed user
 * and goes with it (ZenML deletes a user's devices with the user). A device nobody approved has no
 * owner, is listed to nobody (admins included) and can be deleted by no one, so no sweep can find it:
 * the tests approve every device they start (fixtures/resources.ts), and only a run killed in between
 * leaves one (pending, without a token).
 */
import { RUN_PREFIX } from '../core/target';
import type { ZenmlApi } from '../zenml/api';
import { leaseOf, runIdOf } from './lease';

interface Named {
  id: string;
  name: string;
  body?: { created?: string };
  description?: string | null;
  metadata?: { description?: string | null };
}

const SWEEP_AFTER_MS = Number(process.env.ZC_SWEEP_AFTER_MINUTES ?? 60) * 60_000;
const PAGE = 1000;

const createdAt = (r: Named) => {
  const c = r.body?.created;
  return c ? Date.parse(/[Zz]|[+-]\d\d:?\d\d$/.test(c) ? c : `${c}Z`) : NaN;
};

export interface SweepOptions {
  /** The run that sweeps: its own leftovers always go. */
  currentRunId?: string;
  /** Also remove resources of runs whose lease is still live (a person cleaning a target). */
  force?: boolean;
  /** How old resources of a run without a lease must be to go (default ZC_SWEEP_AFTER_MINUTES). */
  leaselessAfterMs?: number;
}

/** Sweep and say what was removed and what was spared (live leases). */
export async function sweep(
  zenml: ZenmlApi,
  token: string,
  options: SweepOptions = {},
): Promise<{ removed: string[]; spared: string[] }> {
  const list = async (kind: 'serviceAccounts' | 'users'): Promise<Named[]> => {
    const res = await zenml[kind].list(token, { name: `startswith:${RUN_PREFIX}`, size: PAGE, hydrate: true });
    return res.status === 200 ? (res.body.items as unknown as Named[]).filter((r) => r.name.startsWith(RUN_PREFIX)) : [];
  };
  const [accounts, users] = await Promise.all([list('serviceAccounts'), list('users')]);
  const leases = new Map<string, number>();
  for (const a of accounts) {
    const lease = leaseOf(a);
    if (lease) leases.set(lease.runId, lease.until);
  }
  const spared = new Set<string>();
  const stale = (r: Named) => {
    const run = runIdOf(r.name);
    if (run === undefined) return false;
    if (run === options.currentRunId || options.force) return true;
    const until = leases.get(run);
    if (until !== undefined) {
      if (until > Date.now()) spared.add(run);
      return until <= Date.now();
    }
    return Number.isFinite(createdAt(r)) && Date.now() - createdAt(r) > (options.leaselessAfterMs ?? SWEEP_AFTER_MS);
  };
  const removed: string[] = [];
  // Service accounts go with their keys; users are independent of them: all in parallel.
  await Promise.all([
    ...accounts.filter(stale).map(async (sa) => {
      const keys = await zenml.apiKeys.list(token, sa.id, { size: PAGE });
      if (keys.status === 200)
        await Promise.all(keys.body.items.map((key) => zenml.apiKeys.delete(token, { id: key.id, serviceAccountId: sa.id })));
      if ((await zenml.serviceAccounts.delete(token, sa.id)).status === 200) removed.push(`service account ${sa.name}`);
    }),
    ...users.filter(stale).map(async (user) => {
      if ((await zenml.users.delete(token, user.id)).status === 200) removed.push(`user ${user.name}`);
    }),
  ]);
  return { removed: removed.sort(), spared: [...spared] };
}
