// The CLI as a real process (`node dist/src/cli/bin.cjs`, the package's bin): exit statuses, piped
// stdin, deadlines, and -overlay leaving the host directory exactly as it was.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { moduleFile, modulesUnavailable } from './modules.js';
import { CLI, deadlinesUnsupported, program, snapshot, spawnCli, tempDir } from './support.js';

test('the bin is executable with a node shebang', () => {
  assert.match(fs.readFileSync(CLI, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  const pkg = JSON.parse(fs.readFileSync(path.join(CLI, '..', '..', '..', '..', 'package.json'), 'utf8')) as { bin: Record<string, string> };
  assert.equal(pkg.bin.wasmbox, 'dist/src/cli/bin.cjs');
});

test('exit statuses: the guest code (mod 256 on POSIX), 1 for errors, 2 for bad flags', () => {
  const x = program('args_env');
  assert.equal(spawnCli(['run', x]).code, 0);
  assert.equal(spawnCli(['run', '-env=EXIT_CODE=42', x]).code, 42);
  assert.equal(spawnCli(['run', '-env=EXIT_CODE=300', x]).code, 300 & 0xff);
  assert.equal(spawnCli(['run', 'missing.wasm']).code, 1);
  const bad = spawnCli(['run', '-nope', x]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^flag provided but not defined: -nope\nUsage of run:\n/);
  const v = spawnCli(['version']);
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('stdin piped through, large and binary', () => {
  const small = spawnCli(['run', program('cat')], { input: 'piped\n' });
  assert.equal(small.code, 0, small.stderr);
  assert.equal(small.stdout, 'piped\n');
  const big = Buffer.alloc(3 << 20);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 10)) & 0xff;
  const r = spawnSync(process.execPath, [CLI, 'run', program('cat')], { input: big, maxBuffer: 16 << 20 });
  assert.equal(r.status, 0);
  assert.ok(Buffer.compare(r.stdout, big) === 0, 'binary stdin comes back byte for byte');
  // No stdin at all (closed): the guest reads end of file.
  const closed = spawnCli(['run', program('cat')], { stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(closed.code, 0);
  assert.equal(closed.stdout, '');
});

test('stdout and stderr stay separate, and guest output precedes the exit', () => {
  const r = spawnCli(['run', '-env=STDERR_TEXT=to stderr', '-env=EXIT_CODE=3', program('args_env'), 'a']);
  assert.equal(r.code, 3);
  assert.equal(r.stdout, 'arg[0]=args_env.wasm\narg[1]=a\nenv STDERR_TEXT=to stderr\nenv EXIT_CODE=3\n');
  assert.equal(r.stderr, 'to stderr\n');
});

test('a deadline stops a guest that never returns', async (t) => {
  const why = modulesUnavailable() ?? (await deadlinesUnsupported());
  if (why) {
    // Still: the flag is parsed and refused clearly, not ignored.
    const r = spawnCli(['run', '-timeout=100ms', program('hello')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: -timeout is not supported by this build yet/);
    return t.skip(why);
  }
  const t0 = Date.now();
  const r = spawnCli(['run', '-timeout=200ms', moduleFile('loop')]);
  assert.equal(r.stderr, 'error: module closed with context deadline exceeded (timeout 200ms)\n');
  assert.equal(r.code, 0xefffffff & 0xff);
  assert.ok(Date.now() - t0 < 10_000);
  const ok = spawnCli(['run', '-timeout=10s', program('hello')]);
  assert.equal(ok.code, 0);
  assert.equal(ok.stdout, 'hello world\n');
});

test('-overlay: the guest changes everything it sees, the host directory stays untouched', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'a.txt'), 'original');
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.writeFileSync(path.join(dir, 'sub', 'b.txt'), 'b');
  fs.symlinkSync('a.txt', path.join(dir, 'link'));
  const before = snapshot(dir);
  const r = spawnCli([
    'run', '-overlay', `-mount=${dir}:/`, program('fsops'),
    'write', '/a.txt', 'replaced', 'write', '/c.txt', 'new', 'rm', '/sub/b.txt', 'rmdir', '/sub', 'mkdir', '/made',
    'mv', '/c.txt', '/made/c.txt', 'rm', '/link', 'ls', '/', 'cat', '/a.txt',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /ls \/: a\.txt made\ncat \/a\.txt: replaced\n$/);
  assert.deepEqual(snapshot(dir), before);
  // Without -overlay the same run changes the host (so the check above is not vacuous).
  const real = spawnCli(['run', `-mount=${dir}:/`, program('fsops'), 'write', '/a.txt', 'replaced']);
  assert.equal(real.code, 0, real.stderr);
  assert.equal(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8'), 'replaced');
});

test('the one-file bundle: fresh after a build, stale when a module is newer, same behaviour as the modules', async (t) => {
  const { freshBundle } = createRequire(import.meta.url)('../../src/cli/bin.cjs') as typeof import('../../src/cli/bin.cjs');
  const fresh = freshBundle();
  if (!fresh) return t.skip('no fresh bundle: build with `npm run build` (tsc alone leaves the modules only)');
  const args = ['run', '-env=A=1', `-mount=${path.dirname(program('cat'))}:/p:ro`, program('fsops'), 'ls', '/p', 'cat', '/nope'];
  const viaBundle = spawnCli(args);
  const viaModules = spawnCli(args, { env: { ...process.env, WASMBOX_NO_BUNDLE: '1' } });
  assert.deepEqual(viaBundle, viaModules);
  assert.equal(viaBundle.code, 1);
  assert.ok(fs.existsSync(`${fresh.file}.v8cache`), 'the first bundled run leaves a V8 code cache');
  // A module rebuilt after the bundle makes it stale (the modules are used instead).
  const mod = path.join(path.dirname(CLI), 'run.js');
  const st = fs.statSync(mod);
  try {
    fs.utimesSync(mod, st.atime, new Date(fresh.stat.mtimeMs + 5000));
    assert.equal(freshBundle(), null);
  } finally {
    fs.utimesSync(mod, st.atime, st.mtime);
  }
  assert.notEqual(freshBundle(), null);
});

test('dist/src/cli/main.js run as a program is the same CLI (it hands over to the bin)', () => {
  const main = path.join(path.dirname(CLI), 'main.js');
  for (const args of [['version'], ['run', program('hello')], ['run', '-nope']]) {
    const viaMain = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', cwd: path.join(path.dirname(CLI), '..', '..', '..') });
    const { signal: _s, ...viaBin } = spawnCli(args);
    assert.deepEqual({ code: viaMain.status, stdout: viaMain.stdout, stderr: viaMain.stderr }, viaBin, args.join(' '));
  }
});
