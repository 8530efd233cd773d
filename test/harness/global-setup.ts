import { startReferenceServer, type Profile } from '../../reference-server/launcher';

/** The servers the self-tests share, by name: the suite runs they start point at them or at proxies
 * in front of them. */
export const SHARED_SERVERS: Record<string, Profile[]> = { default: [], 'rate-limited': ['rate-limited'] };

/** Real reference servers for all self-tests, started together. */
export default async function selftestSetup(): Promise<() => Promise<void>> {
  const servers = await Promise.all(
    Object.entries(SHARED_SERVERS).map(async ([name, profiles]) => {
      const server = await startReferenceServer((m) => console.log(`[self-test ${name} server] ${m}`), { profiles });
      process.env[`ZC_SELFTEST_SERVER_${name.toUpperCase().replace(/-/g, '_')}`] = JSON.stringify({
        baseURL: server.baseURL,
        username: server.username,
        password: server.password,
        jwtSecret: server.jwtSecret,
      });
      return server;
    }),
  );
  return async () => void (await Promise.all(servers.map((s) => s.stop())));
}
