import { startReferenceServer, type Profile } from '../../reference-server/launcher';

/** The servers the self-tests share, by name: the suite runs they start point at them or at proxies
 * in front of them. Both hash at bcrypt's minimum cost (fast-hash): the fault proofs log in and make
 * users and keys by the thousand, and what they prove does not depend on the cost. The end-to-end
 * runs of test/suite.test.ts start servers of their own, configured as a conformance run does. */
export const SHARED_SERVERS: Record<string, Profile[]> = {
  default: ['fast-hash'],
  'rate-limited': ['rate-limited', 'fast-hash'],
};

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
