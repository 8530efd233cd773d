/**
 * Removes what runs of this suite left on the target: service accounts (with their API keys), users,
 * secrets, schedules, pipeline runs and pipelines whose names start with the run prefix. Every run that writes holds a lease (lease.ts): a
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
import { randomBytes } from 'node:crypto';
import { registerSecret } from '../core/redaction';
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
  // What identities own goes first (a user or service account that owns a secret cannot be deleted);
  // schedules before pipelines (a pipeline takes its snapshots and runs along, not its schedules).
  const [secrets, schedules, runs, pipelines] = await Promise.all([
    listNamed(() => zenml.secrets.list(token, { name: `startswith:${RUN_PREFIX}`, size: PAGE })),
    listNamed(() => zenml.schedules.list(token, { name: `startswith:${RUN_PREFIX}`, size: PAGE, hydrate: true })),
    listNamed(() => zenml.runs.list(token, { name: `startswith:${RUN_PREFIX}`, size: PAGE, hydrate: true })),
    listNamed(() => zenml.pipelines.list(token, { name: `startswith:${RUN_PREFIX}`, size: PAGE, hydrate: true })),
  ]);
  const remove = (kind: string, items: Named[], del: (id: string) => Promise<{ status: number }>) =>
    Promise.all(
      items.filter(stale).map(async (r) => {
        if ((await del(r.id)).status === 200) removed.push(`${kind} ${r.name}`);
      }),
    );
  await Promise.all([
    remove('secret', secrets, (id) => zenml.secrets.delete(token, id)),
    remove('schedule', schedules, (id) => zenml.schedules.delete(token, id)),
  ]);
  await remove('pipeline run', runs, (id) => zenml.runs.delete(token, id));
  await remove('pipeline', pipelines, (id) => zenml.pipelines.delete(token, id));
  // Service accounts go with their keys; users are independent of them: all in parallel. One that
  // still owns something (a private secret, which only its owner sees) is rescued: see rescueOwner.
  await Promise.all([
    ...accounts.filter(stale).map(async (sa) => {
      const keys = await zenml.apiKeys.list(token, sa.id, { size: PAGE });
      if (keys.status === 200)
        await Promise.all(keys.body.items.map((key) => zenml.apiKeys.delete(token, { id: key.id, serviceAccountId: sa.id })));
      let res = await zenml.serviceAccounts.delete(token, sa.id);
      if (res.status === 403 && (await rescueOwner(zenml, token, sa, 'service account')))
        res = await zenml.serviceAccounts.delete(token, sa.id);
      if (res.status === 200) removed.push(`service account ${sa.name}`);
    }),
    ...users.filter(stale).map(async (user) => {
      let res = await zenml.users.delete(token, user.id);
      if (res.status === 403 && (await rescueOwner(zenml, token, user, 'user'))) res = await zenml.users.delete(token, user.id);
      if (res.status === 200) removed.push(`user ${user.name}`);
    }),
  ]);
  return { removed: removed.sort(), spared: [...spared] };
}

async function listNamed(list: () => Promise<{ status: number; body: { items: unknown[] } }>): Promise<Named[]> {
  const res = await list();
  return res.status === 200 ? (res.body.items as Named[]).filter((r) => r.name.startsWith(RUN_PREFIX)) : [];
}

/**
 * A leftover identity that still owns private secrets (invisible even to the admin) cannot be
 * deleted. The admin gets in as it — a service account through a new key, a user through the
 * deactivation and activation flow with a new random password — and deletes its secrets. True when
 * that worked.
 */
async function rescueOwner(zenml: ZenmlApi, token: string, owner: Named, kind: 'user' | 'service account'): Promise<boolean> {
  let ownerToken: string | undefined;
  let cleanup = async (): Promise<unknown> => undefined;
  if (kind === 'service account') {
    await zenml.serviceAccounts.update(token, owner.id, { active: true });
    const key = await zenml.apiKeys.create(token, owner.id, { name: `${owner.name}-sweep` });
    if (key.status !== 200 || typeof key.body.body.key !== 'string') return false;
    registerSecret(key.body.body.key);
    cleanup = () => zenml.apiKeys.delete(token, { id: key.body.id, serviceAccountId: owner.id });
    const login = await zenml.login.apiKey(key.body.body.key);
    ownerToken = login.body?.access_token;
  } else {
    const deactivated = await zenml.users.deactivate(token, owner.id);
    const activationToken = deactivated.body?.body?.activation_token;
    if (deactivated.status !== 200 || typeof activationToken !== 'string') return false;
    const password = `Zct-${randomBytes(18).toString('base64url')}`;
    registerSecret(password);
    if ((await zenml.users.activate(owner.id, activationToken, password)).status !== 200) return false;
    ownerToken = (await zenml.login.password(owner.name, password)).body?.access_token;
  }
  try {
    if (!ownerToken) return false;
    const as = ownerToken;
    const own = await zenml.secrets.list(as, { size: PAGE });
    if (own.status !== 200) return false;
    const mine = own.body.items.filter((s) => (s.body as { user_id?: string }).user_id === owner.id);
    const deleted = await Promise.all(mine.map((s) => zenml.secrets.delete(as, s.id)));
    return deleted.every((r) => r.status === 200 || r.status === 404);
  } finally {
    await cleanup();
  }
}
