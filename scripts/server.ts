/**
 * `npm run server`: start an embedded ZenML server alone (the reference release, or ZENML_VERSION,
 * with the profiles of ZC_SERVER_PROFILE), for exploring it or for running the suite against it
 * repeatedly with BASE_URL. Credentials go to a file only its owner can read, never to the terminal:
 * .zenml-reference/server.env for the default server, server-<release>[-<profiles>].env for others,
 * so that servers started side by side do not overwrite each other's.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startReferenceServer } from '../reference-server/launcher';
import { REFERENCE_HOME, REFERENCE_VERSION, SetupError } from '../reference-server/python-env';

async function main(): Promise<void> {
  const server = await startReferenceServer();
  const special = server.version !== REFERENCE_VERSION || server.profiles.length > 0;
  const envFile = path.join(
    REFERENCE_HOME,
    special ? `server-${[server.version, ...server.profiles].join('-')}.env` : 'server.env',
  );
  writeFileSync(
    envFile,
    [
      `export BASE_URL='${server.baseURL}'`,
      `export ZENML_USERNAME='${server.username}'`,
      `export ZENML_PASSWORD='${server.password}'`,
      `export ZENML_JWT_SECRET='${server.jwtSecret}'`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  console.log(
    `ZenML ${server.version}${server.profiles.length ? ` (${server.profiles.join(', ')})` : ''} at ${server.baseURL} (log: ${server.logFile})`,
  );
  console.log(`Credentials: source ${path.relative(process.cwd(), envFile)}   Stop: Ctrl-C`);
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
  console.error(e instanceof SetupError ? `error: ${e.message}` : e);
  process.exit(2);
});
