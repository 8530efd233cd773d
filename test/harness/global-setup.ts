import { startReferenceServer } from '../../reference-server/launcher';

/** One real reference server for all self-tests; the suite runs they start point at it or at proxies in front of it. */
export default async function selftestSetup(): Promise<() => Promise<void>> {
  const server = await startReferenceServer((m) => console.log(`[self-test reference server] ${m}`));
  process.env.ZC_SELFTEST_SERVER = JSON.stringify({
    baseURL: server.baseURL,
    username: server.username,
    password: server.password,
    jwtSecret: server.jwtSecret,
  });
  return () => server.stop();
}
