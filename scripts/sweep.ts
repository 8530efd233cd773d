/**
 * `npm run sweep`: remove what runs of this suite left on a target (BASE_URL, with the admin's
 * ZENML_USERNAME/ZENML_PASSWORD; without BASE_URL, the embedded server of .zenml-reference/server.env
 * if one is running). Everything named zct-… goes unless a live run holds it (a lease renewed in the
 * last few minutes); `--force` removes that too.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { request } from '@playwright/test';
import { ApiClient } from '../contract/client';
import { REFERENCE_HOME } from '../reference-server/python-env';
import { sweep } from '../setup/sweeper';
import { ZenmlApi } from '../zenml/api';
import { cookieless } from '../contract/cookieless';

function target(): { baseURL: string; username: string; password: string } {
  const env: Record<string, string | undefined> = { ...process.env };
  const file = path.join(REFERENCE_HOME, 'server.env');
  if (!env.BASE_URL && existsSync(file)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/^export (\w+)='(.*)'$/gm)) env[m[1]] = m[2];
  }
  if (!env.BASE_URL || !env.ZENML_USERNAME)
    throw new Error('set BASE_URL and an admin ZENML_USERNAME/ZENML_PASSWORD (or start `npm run server`)');
  return { baseURL: env.BASE_URL.replace(/\/+$/, ''), username: env.ZENML_USERNAME, password: env.ZENML_PASSWORD ?? '' };
}

async function main(): Promise<void> {
  const force = process.argv.includes('--force');
  const t = target();
  const ctx = cookieless(() => request.newContext({ timeout: 30_000 }));
  try {
    const zenml = new ZenmlApi(new ApiClient(ctx, t.baseURL));
    const login = await zenml.login.password(t.username, t.password);
    if (login.status !== 200 || !login.body.access_token)
      throw new Error(`login as ${t.username} at ${t.baseURL} answered ${login.status}`);
    const { removed, spared } = await sweep(zenml, login.body.access_token, { force, leaselessAfterMs: 0 });
    console.log(removed.length ? `Removed ${removed.length}: ${removed.join(', ')}` : 'Nothing to remove.');
    if (spared.length)
      console.log(`Spared what ${spared.length} live run(s) hold: ${spared.join(', ')} (--force removes it too)`);
  } finally {
    await ctx.dispose();
  }
}

main().catch((e: unknown) => {
  console.error(`sweep: ${(e as Error).message}`);
  process.exit(1);
});
