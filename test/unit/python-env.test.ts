/**
 * Servers started together share one install of their release: the self-tests' two servers once ran
 * pip into the same venv at the same time on a fresh clone, and both failed. A fake python (ZC_PYTHON)
 * makes a venv whose pip only counts its calls, so the tests need neither PyPI nor a minute.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { ensurePythonEnv, pythonEnv, type PythonEnv } from '../../reference-server/python-env';

const FAKE_PYTHON = `#!/bin/sh
# "python -m venv DIR" makes DIR/bin/pip, which logs its arguments and takes a moment
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin"
  printf '#!/bin/sh\\necho "$*" >> "%s"\\nsleep 0.5\\n' "$PIP_LOG" > "$3/bin/pip"
  chmod +x "$3/bin/pip"
fi
exit 0
`;

let work: string;
let env: PythonEnv;
const installs = () =>
  readFileSync(process.env.PIP_LOG!, 'utf8')
    .split('\n')
    .filter((l) => l.includes(' install '));

test.beforeEach(({}, info) => {
  work = mkdtempSync(path.join(tmpdir(), 'zc-python-env-'));
  writeFileSync(path.join(work, 'python'), FAKE_PYTHON);
  chmodSync(path.join(work, 'python'), 0o755);
  process.env.ZC_PYTHON = path.join(work, 'python');
  process.env.PIP_LOG = path.join(work, 'pip.log');
  writeFileSync(process.env.PIP_LOG, '');
  const release = pythonEnv(`0.0.${info.workerIndex}+selftest${Date.now()}`);
  env = { ...release, venv: path.join(work, 'venv'), bin: (name) => path.join(work, 'venv', 'bin', name) };
});

test.afterEach(() => {
  rmSync(work, { recursive: true, force: true });
  delete process.env.ZC_PYTHON;
});

test('servers started together install their release once, and the next start installs nothing', async () => {
  await Promise.all([ensurePythonEnv(() => {}, env), ensurePythonEnv(() => {}, env)]);
  expect(installs(), 'pip install calls for two servers started together').toHaveLength(1);
  await ensurePythonEnv(() => {}, env);
  expect(installs(), 'pip install calls after a third start').toHaveLength(1);
});

test('a lock left by a process that is gone does not block the install', async () => {
  mkdirSync(`${env.venv}.installing`);
  writeFileSync(path.join(`${env.venv}.installing`, 'pid'), '2147483646');
  await ensurePythonEnv(() => {}, env);
  expect(installs(), 'pip install calls').toHaveLength(1);
});
