// Acceptance: a WASI test harness written for `wazero run` works unchanged against `wasmbox run`.
//
// The harness is the shape of wasi-testsuite's runner with a wazero adapter: each case names a .wasm
// with its arguments, environment, directories, expected exit code, stdout and (optionally) stderr
// (test/cli/harness/cases.json); the adapter turns a case into a `wazero run` command line —
// `-env=K=V` per variable, `-mount=DIR:/` per directory, the .wasm path, then the arguments — run from
// the cases' directory. Nothing in it knows about wasmbox: the command comes from $WAZERO (split on
// spaces), as in the testsuite's adapter, defaulting to this repository's CLI. With wazero
// installed, `WAZERO=wazero node dist/scripts/run-tests.js harness` runs the same cases against it.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CLI, HARNESS } from './support.js';

interface Case {
  name: string;
  wasm: string;
  args?: string[];
  env?: Record<string, string>;
  dirs?: string[];
  exit_code: number;
  stdout: string;
  stderr?: string;
}

const WAZERO = process.env.WAZERO ? process.env.WAZERO.split(' ').filter(Boolean) : [process.execPath, CLI];

/** The adapter: a case's command line for `wazero run`. */
function computeArgv(testPath: string, c: Case): string[] {
  const argv = [...WAZERO, 'run'];
  for (const [k, v] of Object.entries(c.env ?? {})) argv.push(`-env=${k}=${v}`);
  for (const dir of c.dirs ?? []) argv.push(`-mount=${dir}:/`);
  argv.push(testPath, ...(c.args ?? []));
  return argv;
}

const cases = JSON.parse(fs.readFileSync(path.join(HARNESS, 'cases.json'), 'utf8')) as Case[];

for (const c of cases) {
  test(`wazero-style harness: ${c.name}`, () => {
    const [cmd, ...args] = computeArgv(c.wasm, c);
    const r = spawnSync(cmd!, args, { cwd: HARNESS, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '' } });
    assert.equal(r.error, undefined);
    assert.equal(r.status, c.exit_code, `exit code; stderr: ${r.stderr}`);
    assert.equal(r.stdout, c.stdout);
    if (c.stderr !== undefined) assert.equal(r.stderr, c.stderr);
  });
}

test('the harness leaves its directories as they were', () => {
  assert.deepEqual(fs.readdirSync(path.join(HARNESS, 'fs')).sort(), ['bear.txt', 'mammals']);
});
