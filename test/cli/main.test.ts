// main(argv, io) in-process, table-driven: every command, flag and error path, with wazero's messages
// and exit codes (cmd/wazero's own tests check the same cases).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { VERSION } from '../../src/version.js';
import { testEngines } from '../support/engines.js';
import { moduleFile, modulesUnavailable } from './modules.js';
import { HARNESS, ROOT, deadlinesUnsupported, fuelUnsupported, program, runMain, snapshot, tempDir } from './support.js';

type Want = string | RegExp | ((s: string) => boolean);

interface Case {
  name: string;
  argv: () => string[];
  stdin?: string;
  env?: Record<string, string>;
  cwd?: () => string;
  code: number;
  stdout?: Want;
  stderr?: Want;
  /** Needs the WAT modules. */
  wat?: boolean;
  /** A reason to skip, decided when the test runs. */
  skip?: () => Promise<string | null>;
}

function check(what: string, got: string, want: Want | undefined): void {
  if (want === undefined) return;
  if (typeof want === 'string') assert.equal(got, want, what);
  else if (want instanceof RegExp) assert.match(got, want, what);
  else assert.ok(want(got), `${what}: ${JSON.stringify(got)}`);
}

async function runCases(t: import('node:test').TestContext, cases: Case[]): Promise<void> {
  for (const c of cases) {
    await t.test(c.name, async (tt) => {
      const why = (c.wat ? modulesUnavailable() : null) ?? (await c.skip?.()) ?? null;
      if (why) return tt.skip(why);
      const r = await runMain(c.argv(), { stdin: c.stdin ?? '', env: c.env ?? {}, cwd: c.cwd?.() ?? ROOT });
      assert.equal(r.code, c.code, `exit code (stderr: ${r.stderr})`);
      check('stdout', r.stdout, c.stdout);
      check('stderr', r.stderr, c.stderr);
    });
  }
}

const usageTop = /^wasmbox CLI\n\nUsage:\n {2}wasmbox <command>\n\nCommands:\n {2}compile\t.*\n {2}run\t\t.*\n {2}version\t.*\n$/;
const usageRun = /^wasmbox CLI\n\nUsage:\n {2}wasmbox run <options> <path to wasm file> \[--\] <wasm args>\n\nOptions:\n {2}-cachedir string\n[^]*-timeout duration\n/;
const usageCompile = /^wasmbox CLI\n\nUsage:\n {2}wasmbox compile <options> <path to wasm file>\n\nOptions:\n {2}-cachedir string\n[^]*-h\tPrints usage.\n[^]*-interpreter\n/;

const notWasm = (): string => {
  const d = tempDir();
  const p = path.join(d, 'bears.wasm');
  fs.writeFileSync(p, 'pooh');
  return p;
};

test('top level: usage, version, unknown commands and flags', async (t) => {
  await runCases(t, [
    { name: 'no arguments prints usage, exit 0', argv: () => [], code: 0, stdout: '', stderr: usageTop },
    { name: '-h prints usage', argv: () => ['-h'], code: 0, stderr: usageTop },
    { name: '-help is Go flag help: default usage, exit 0', argv: () => ['-help'], code: 0, stderr: 'Usage of wasmbox:\n  -h\tPrints usage.\n' },
    { name: 'unknown flag: Go wording, exit 2', argv: () => ['-x', 'run'], code: 2, stderr: 'flag provided but not defined: -x\nUsage of wasmbox:\n  -h\tPrints usage.\n' },
    { name: 'invalid command, exit 1', argv: () => ['frobnicate'], code: 1, stderr: (s) => s.startsWith('invalid command\nwasmbox CLI\n') },
    { name: 'version prints to stdout', argv: () => ['version'], code: 0, stdout: `${VERSION}\n`, stderr: '' },
  ]);
});

test('run: usage and flag syntax errors (Go flag.ExitOnError: exit 2)', async (t) => {
  const x = program('args_env');
  await runCases(t, [
    { name: 'missing path to wasm file, exit 1', argv: () => ['run'], code: 1, stderr: (s) => s.startsWith('missing path to wasm file\nwasmbox CLI\n') },
    { name: '-h prints usage', argv: () => ['run', '-h'], code: 0, stderr: usageRun },
    { name: '--h works too', argv: () => ['run', '--h', x], code: 0, stderr: usageRun },
    { name: '-help: Go default usage', argv: () => ['run', '-help'], code: 0, stderr: /^Usage of run:\n {2}-cachedir string\n/ },
    { name: 'unknown flag', argv: () => ['run', '-bogus', x], code: 2, stderr: /^flag provided but not defined: -bogus\nUsage of run:\n/ },
    { name: 'missing value', argv: () => ['run', '-env'], code: 2, stderr: /^flag needs an argument: -env\nUsage of run:\n/ },
    { name: 'bad boolean', argv: () => ['run', '-interpreter=maybe', x], code: 2, stderr: /^invalid boolean value "maybe" for -interpreter: parse error\n/ },
    { name: 'bad duration', argv: () => ['run', '-timeout=1d', x], code: 2, stderr: /^invalid value "1d" for flag -timeout: parse error\nUsage of run:\n/ },
    { name: 'duration without unit', argv: () => ['run', '-timeout', '5', x], code: 2, stderr: /^invalid value "5" for flag -timeout: parse error\n/ },
    { name: 'bad log scope', argv: () => ['run', '-hostlogging=bogus', x], code: 2, stderr: /^invalid value "bogus" for flag -hostlogging: not a log scope\n/ },
    { name: 'bad log scope in a list', argv: () => ['run', '-hostlogging=clock,nope', x], code: 2, stderr: /^invalid value "clock,nope" for flag -hostlogging: not a log scope\n/ },
    { name: 'bad log format', argv: () => ['run', '-log-format=xml', x], code: 2, stderr: /^invalid value "xml" for flag -log-format: must be text or json\n/ },
    { name: 'bad fuel', argv: () => ['run', '-fuel=lots', x], code: 2, stderr: /^invalid value "lots" for flag -fuel: parse error\n/ },
    { name: 'fuel out of range', argv: () => ['run', '-fuel=99999999999999999999', x], code: 2, stderr: /^invalid value "99999999999999999999" for flag -fuel: value out of range\n/ },
  ]);
});

test('run: arguments, environment, streams and exit codes', async (t) => {
  const x = program('args_env');
  await runCases(t, [
    { name: "argv[0] is the file's base name", argv: () => ['run', x, 'hello world'], code: 0, stdout: 'arg[0]=args_env.wasm\narg[1]=hello world\n', stderr: '' },
    { name: '"--" after the path is dropped when arguments follow', argv: () => ['run', x, '--', 'a', '-b'], code: 0, stdout: 'arg[0]=args_env.wasm\narg[1]=a\narg[2]=-b\n' },
    { name: 'a lone "--" after the path is passed on (as wazero)', argv: () => ['run', x, '--'], code: 0, stdout: 'arg[0]=args_env.wasm\narg[1]=--\n' },
    { name: '"--" before the path ends the flags', argv: () => ['run', '--', x, '-env=A=1'], code: 0, stdout: 'arg[0]=args_env.wasm\narg[1]=-env=A=1\n' },
    { name: 'flags after the path go to the guest', argv: () => ['run', x, '-h'], code: 0, stdout: 'arg[0]=args_env.wasm\narg[1]=-h\n' },
    { name: 'a relative path is taken from the working directory', argv: () => ['run', 'programs/args_env.wasm'], cwd: () => path.join(ROOT, 'test', 'cli'), code: 0, stdout: 'arg[0]=args_env.wasm\n' },
    { name: '-env in order; = in values kept', argv: () => ['run', '-env=ANIMAL=bear', '--env', 'FOOD=sushi=rice', '-env=EMPTY=', x], code: 0, stdout: 'arg[0]=args_env.wasm\nenv ANIMAL=bear\nenv FOOD=sushi=rice\nenv EMPTY=\n' },
    { name: '-env without = is an error', argv: () => ['run', '-env=NOPE', x], code: 1, stdout: '', stderr: 'invalid environment variable: NOPE\n' },
    { name: 'no environment by default', argv: () => ['run', x], env: { SECRET: 'x' }, code: 0, stdout: 'arg[0]=args_env.wasm\n' },
    { name: '-env-inherit passes the host environment', argv: () => ['run', '-env-inherit', x], env: { ANIMAL: 'kitten', INHERITED: 'wazero' }, code: 0, stdout: 'arg[0]=args_env.wasm\nenv ANIMAL=kitten\nenv INHERITED=wazero\n' },
    { name: '-env wins over the inherited value, in its place', argv: () => ['run', '-env-inherit', '-env=ANIMAL=bear', '-env=NEW=1', x], env: { ANIMAL: 'kitten', INHERITED: 'wazero' }, code: 0, stdout: 'arg[0]=args_env.wasm\nenv ANIMAL=bear\nenv INHERITED=wazero\nenv NEW=1\n' },
    { name: '-env-inherit=false', argv: () => ['run', '-env-inherit=false', x], env: { ANIMAL: 'kitten' }, code: 0, stdout: 'arg[0]=args_env.wasm\n' },
    { name: "the exit status is the guest's exit code", argv: () => ['run', '-env=EXIT_CODE=42', x], code: 42, stderr: '' },
    { name: 'guest stderr goes to stderr', argv: () => ['run', '-env=STDERR_TEXT=oops', x], code: 0, stderr: 'oops\n' },
    { name: 'stdin reaches the guest', argv: () => ['run', program('cat')], stdin: 'piped data\n', code: 0, stdout: 'piped data\n' },
    { name: 'guest failures print what the guest prints', argv: () => ['run', program('cat'), '/nope'], code: 1, stdout: '', stderr: 'cat: /nope: Capabilities insufficient\n' },
  ]);
});

test('run: -interpreter picks the interpreter engine', async () => {
  const interp = testEngines().find((e) => e.name === 'interpreter')!;
  const r = await runMain(['run', '-interpreter', program('args_env'), 'x']);
  if (interp.unavailable) {
    // Until it lands, the placeholder refuses every module, and the CLI says so as wazero would.
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error compiling wasm binary: .*interpreter/);
  } else {
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'arg[0]=args_env.wasm\narg[1]=x\n');
  }
  const c = await runMain(['compile', '-interpreter', program('hello')]);
  assert.equal(c.code, interp.unavailable ? 1 : 0);
});

test('run: real clocks, sleep and a secure random source are wired', async () => {
  const a = await runMain(['run', '-env=SLEEP_MS=30', program('clock_random')]);
  const b = await runMain(['run', '-env=SLEEP_MS=30', program('clock_random')]);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stdout, /^slept_enough=1\nwall_after_2023=1\n[0-9a-f]{32}\n$/);
  // The library's default PRNG has a fixed seed: two runs would draw the same bytes.
  assert.notEqual(a.stdout.split('\n')[2], b.stdout.split('\n')[2]);
});

test('run: mounts', async (t) => {
  const fsDir = path.join(HARNESS, 'fs');
  const scratch = tempDir();
  fs.writeFileSync(path.join(scratch, 'plain.txt'), 'x');
  const cat = program('cat');
  const ops = program('fsops');
  await runCases(t, [
    { name: 'HOST:GUEST', argv: () => ['run', `-mount=${fsDir}:/animals`, cat, '/animals/bear.txt'], code: 0, stdout: 'pooh\n' },
    { name: 'HOST:/ makes it the root', argv: () => ['run', `-mount=${fsDir}:/`, cat, 'bear.txt', '/mammals/whale.txt'], code: 0, stdout: 'pooh\nmoby dick\n' },
    { name: 'GUEST defaults to HOST as written', argv: () => ['run', `-mount=${fsDir}`, cat, `${fsDir}/bear.txt`], code: 0, stdout: 'pooh\n' },
    { name: 'a relative HOST is resolved from the working directory', argv: () => ['run', '-mount=harness/fs:/a', cat, '/a/bear.txt'], cwd: () => path.join(ROOT, 'test', 'cli'), code: 0, stdout: 'pooh\n' },
    { name: 'several mounts', argv: () => ['run', `-mount=${fsDir}:/a`, `-mount=${fsDir}/mammals:/b`, cat, '/a/bear.txt', '/b/whale.txt'], code: 0, stdout: 'pooh\nmoby dick\n' },
    { name: ':ro mounts read', argv: () => ['run', `-mount=${fsDir}:/:ro`, cat, 'bear.txt'], code: 0, stdout: 'pooh\n' },
    { name: ':ro mounts refuse writes', argv: () => ['run', `-mount=${scratch}:/s:ro`, ops, 'write', '/s/new.txt', 'hi'], code: 1, stderr: 'write /s/new.txt: Read-only file system\n' },
    { name: 'writable mounts write through', argv: () => ['run', `-mount=${scratch}:/s`, ops, 'write', '/s/new.txt', 'hi', 'cat', '/s/new.txt', 'rm', '/s/new.txt'], code: 0, stdout: 'wrote /s/new.txt\ncat /s/new.txt: hi\nremoved /s/new.txt\n' },
    { name: 'empty mount', argv: () => ['run', '-mount=', cat], code: 1, stderr: 'invalid mount: empty string\n' },
    { name: 'missing host directory', argv: () => ['run', '-mount=/no/such/dir:/x', cat], code: 1, stderr: 'invalid mount: path "/no/such/dir" error: stat /no/such/dir: no such file or directory\n' },
    { name: 'host path not a directory', argv: () => ['run', `-mount=${path.join(scratch, 'plain.txt')}:/x`, cat], code: 1, stderr: `invalid mount: path ${JSON.stringify(path.join(scratch, 'plain.txt'))} is not a directory\n` },
    { name: 'mounts are checked before the module is read', argv: () => ['run', '-mount=/no/such/dir', 'missing.wasm'], code: 1, stderr: /^invalid mount/ },
  ]);
});

test('run: -overlay gives mounts a writable in-memory layer and leaves the host alone', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'a.txt'), 'orig');
  fs.mkdirSync(path.join(dir, 'keep'));
  fs.writeFileSync(path.join(dir, 'keep', 'k.txt'), 'k');
  const before = snapshot(dir);
  const r = await runMain([
    'run', '-overlay', `-mount=${dir}:/d`, program('fsops'),
    'write', '/d/new.txt', 'hi', 'append', '/d/a.txt', '+more', 'mkdir', '/d/sub', 'mv', '/d/new.txt', '/d/sub/n.txt',
    'rm', '/d/keep/k.txt', 'rmdir', '/d/keep', 'ls', '/d', 'ls', '/d/sub', 'cat', '/d/a.txt',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    'wrote /d/new.txt\nappended /d/a.txt\nmade /d/sub\nmoved /d/new.txt to /d/sub/n.txt\nremoved /d/keep/k.txt\n' +
      'removed dir /d/keep\nls /d: a.txt sub\nls /d/sub: n.txt\ncat /d/a.txt: orig+more\n',
  );
  assert.deepEqual(snapshot(dir), before);
  // :ro stays read-only under -overlay.
  const ro = await runMain(['run', '-overlay', `-mount=${dir}:/d:ro`, program('fsops'), 'write', '/d/x', 'y']);
  assert.equal(ro.code, 1);
  assert.equal(ro.stderr, 'write /d/x: Read-only file system\n');
  assert.deepEqual(snapshot(dir), before);
});

test('run: module errors and import modes', async (t) => {
  await runCases(t, [
    { name: 'missing file', argv: () => ['run', 'non-existent.wasm'], code: 1, stderr: 'error reading wasm binary: open non-existent.wasm: no such file or directory\n' },
    { name: 'a directory', argv: () => ['run', HARNESS], code: 1, stderr: /^error reading wasm binary: open .*: illegal operation on a directory\n$/ },
    { name: 'not wasm', argv: () => ['run', notWasm()], code: 1, stderr: /^error compiling wasm binary: magic header not detected/ },
    { name: 'wasi_unstable is served with its own names', argv: () => ['run', moduleFile('unstable')], wat: true, code: 2, stdout: 'unstable\n', stderr: '' },
    { name: 'Go GOOS=js modules are not supported yet', argv: () => ['run', moduleFile('gojs')], wat: true, code: 1, stderr: /^error instantiating wasm binary: Go modules built with GOOS=js .* are not supported yet\n$/ },
    { name: 'a plain module runs without WASI', argv: () => ['run', moduleFile('plain_ok')], wat: true, code: 0, stdout: '', stderr: '' },
    { name: 'a trap in _start', argv: () => ['run', moduleFile('plain_trap')], wat: true, code: 1, stderr: /^error instantiating wasm binary: unreachable/ },
    { name: 'a trap in the start function', argv: () => ['run', moduleFile('start_trap')], wat: true, code: 1, stderr: /^error instantiating wasm binary: unreachable/ },
    { name: 'an import nothing provides', argv: () => ['run', moduleFile('plain_import')], wat: true, code: 1, stderr: /^error instantiating wasm binary: .*env.*missing/ },
    { name: '-listen is not supported yet', argv: () => ['run', '-listen=127.0.0.1:8080', program('hello')], code: 1, stderr: 'invalid listen: -listen 127.0.0.1:8080 is not supported yet (wasmbox has no sockets)\n' },
  ]);
});

test('run: -timeout and -fuel', async (t) => {
  const x = program('args_env');
  const noDeadlines = await deadlinesUnsupported();
  const noFuel = await fuelUnsupported();
  await runCases(t, [
    { name: 'negative timeout', argv: () => ['run', '-timeout=-1s', x], code: 1, stderr: /^timeout duration may not be negative, -1s given\nwasmbox CLI\n/ },
    { name: 'timeout 0 disables', argv: () => ['run', '-timeout=0', x], code: 0, stdout: 'arg[0]=args_env.wasm\n' },
    { name: 'negative fuel', argv: () => ['run', '-fuel=-5', x], code: 1, stderr: /^fuel may not be negative, -5 given\nwasmbox CLI\n/ },
    { name: 'fuel 0 disables', argv: () => ['run', '-fuel=0', x], code: 0, stdout: 'arg[0]=args_env.wasm\n' },
    ...(noDeadlines
      ? [{ name: 'without deadlines in the runtime, -timeout says so', argv: () => ['run', '-timeout=10s', x], code: 1, stderr: /^error: -timeout is not supported by this build yet/ } as Case]
      : [
          { name: 'a run within its timeout', argv: () => ['run', '-timeout=10s', x], code: 0, stdout: 'arg[0]=args_env.wasm\n' } as Case,
          { name: 'a run past its deadline', argv: () => ['run', '-timeout=100ms', moduleFile('loop')], wat: true, code: 0xefffffff, stderr: 'error: module closed with context deadline exceeded (timeout 100ms)\n' } as Case,
        ]),
    ...(noFuel
      ? [{ name: 'without fuel in the runtime, -fuel says so', argv: () => ['run', '-fuel=1000', x], code: 1, stderr: /^error: -fuel is not supported by this build yet/ } as Case]
      : [
          { name: 'enough fuel', argv: () => ['run', '-fuel=100000000', x], code: 0, stdout: 'arg[0]=args_env.wasm\n' } as Case,
          { name: 'fuel runs out', argv: () => ['run', '-fuel=1000', moduleFile('loop')], wat: true, code: 1, stderr: /^error instantiating wasm binary: fuel exhausted/ } as Case,
        ]),
  ]);
});

test('run and compile: -cachedir', async (t) => {
  const base = tempDir();
  const file = path.join(base, 'file');
  fs.writeFileSync(file, '');
  const entries = (d: string) => fs.readdirSync(path.join(d, `wasmbox-${VERSION}`));
  await runCases(t, [
    { name: 'run: a file is not a cache directory', argv: () => ['run', '-cachedir', file, program('hello')], code: 1, stderr: /^invalid cachedir: .*is not a directory\n$/ },
    { name: 'compile: a file is not a cache directory', argv: () => ['compile', '-cachedir', file, program('hello')], code: 1, stderr: /^invalid cachedir: / },
  ]);
  for (const [cmd, out] of [['run', 'hello world\n'], ['compile', '']] as const) {
    const dir = path.join(base, `new-${cmd}`, 'nested');
    const r = await runMain([cmd, `-cachedir=${dir}`, program('hello')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, out);
    assert.equal(r.stderr, '');
    assert.equal(entries(dir).length, 1, `${cmd} fills the cache`);
  }
  // Relative to the working directory, like every path.
  const r = await runMain(['compile', '-cachedir=rel', program('hello')], { cwd: base });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(entries(path.join(base, 'rel')).length, 1);
});

test('-cachedir with -interpreter keeps the lowered code, and run uses it', async () => {
  const dir = path.join(tempDir(), 'cache');
  const sizes = () => fs.readdirSync(path.join(dir, `wasmbox-${VERSION}`)).map((f) => fs.statSync(path.join(dir, `wasmbox-${VERSION}`, f)).size);
  let r = await runMain(['compile', `-cachedir=${dir}`, '-interpreter', program('hello')]);
  assert.equal(r.code, 0, r.stderr);
  const [size] = sizes();
  // The entry carries the lowered functions: more than the module's own bytes (a marker-only entry
  // is a few hundred bytes) once dist/ is stamped by `npm run build`.
  assert.ok(size! > fs.statSync(program('hello')).size, `entry of ${size} bytes`);
  r = await runMain(['run', `-cachedir=${dir}`, '-interpreter', program('hello')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hello world\n');
  assert.deepEqual(sizes(), [size], 'a hit leaves the entry as it is');
});

test('compile', async (t) => {
  await runCases(t, [
    { name: 'compiles quietly', argv: () => ['compile', program('hello')], code: 0, stdout: '', stderr: '' },
    { name: 'missing path', argv: () => ['compile'], code: 1, stderr: (s) => s.startsWith('missing path to wasm file\nwasmbox CLI\n') },
    { name: '-h', argv: () => ['compile', '-h'], code: 0, stderr: usageCompile },
    { name: 'unknown flag', argv: () => ['compile', '-mount=/', program('hello')], code: 2, stderr: /^flag provided but not defined: -mount\nUsage of compile:\n/ },
    { name: 'missing file', argv: () => ['compile', 'non-existent.wasm'], code: 1, stderr: 'error reading wasm binary: open non-existent.wasm: no such file or directory\n' },
    { name: 'not wasm', argv: () => ['compile', notWasm()], code: 1, stderr: /^error compiling wasm binary: / },
  ]);
});
