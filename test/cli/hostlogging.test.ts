// -hostlogging and -log-format through the CLI, checked against the output wazero's own CLI tests
// expect for the same program shapes (cmd/wazero: cat a mounted file; proc_exit; random_get; all).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { moduleFile, modulesUnavailable } from './modules.js';
import { HARNESS, program, runMain } from './support.js';

const bearDir = path.join(HARNESS, 'fs');

test('-hostlogging=filesystem: the calls cat makes, stdio reads and writes left out', async () => {
  const r = await runMain(['run', '-hostlogging=filesystem', `-mount=${bearDir}:/animals:ro`, program('cat'), '/animals/bear.txt']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'pooh\n');
  const lines = r.stderr.trimEnd().split('\n');
  const want: (string | RegExp)[] = [
    '==> wasi_snapshot_preview1.fd_prestat_get(fd=3)',
    '<== (prestat={pr_name_len=8},errno=ESUCCESS)',
    '==> wasi_snapshot_preview1.fd_prestat_dir_name(fd=3)',
    '<== (path=/animals,errno=ESUCCESS)',
    '==> wasi_snapshot_preview1.fd_prestat_get(fd=4)',
    '<== (prestat=,errno=EBADF)',
    '==> wasi_snapshot_preview1.fd_fdstat_get(fd=3)',
    /^<== \(stat=\{filetype=DIRECTORY,fdflags=,fs_rights_base=[A-Z_|]+,fs_rights_inheriting=[A-Z_|]+\},errno=ESUCCESS\)$/,
    /^==> wasi_snapshot_preview1\.path_open\(fd=3,dirflags=SYMLINK_FOLLOW,path=bear\.txt,oflags=,fs_rights_base=[A-Z_|]+,fs_rights_inheriting=[A-Z_|]+,fdflags=\)$/,
    '<== (opened_fd=4,errno=ESUCCESS)',
    /^==> wasi_snapshot_preview1\.fd_read\(fd=4,iovs=\d+,iovs_len=2\)$/,
    '<== (nread=5,errno=ESUCCESS)',
    /^==> wasi_snapshot_preview1\.fd_read\(fd=4,iovs=\d+,iovs_len=2\)$/,
    '<== (nread=0,errno=ESUCCESS)',
    '==> wasi_snapshot_preview1.fd_fdstat_get(fd=1)',
    /^<== \(stat=\{filetype=UNKNOWN,fdflags=,fs_rights_base=[A-Z_|]+,fs_rights_inheriting=\},errno=ESUCCESS\)$/,
    '==> wasi_snapshot_preview1.fd_close(fd=4)',
    '<== errno=ESUCCESS',
  ];
  assert.equal(lines.length, want.length, r.stderr);
  want.forEach((w, i) => (typeof w === 'string' ? assert.equal(lines[i], w) : assert.match(lines[i]!, w)));
});

test('-hostlogging=proc: proc_exit has no closing line', async () => {
  const r = await runMain(['run', '-hostlogging=proc', `-mount=${bearDir}:/animals:ro`, program('cat'), '/animals/not-bear.txt']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'cat: /animals/not-bear.txt: No such file or directory\n==> wasi_snapshot_preview1.proc_exit(rval=1)\n');
});

test('-hostlogging=random, repeatable flags and comma lists', async () => {
  const one = await runMain(['run', '-hostlogging=random', '-env=SLEEP_MS=0', program('clock_random')]);
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stderr, /^==> wasi_snapshot_preview1\.random_get\(buf=\d+,buf_len=16\)\n<== errno=ESUCCESS\n$/);
  const two = await runMain(['run', '-hostlogging=random', '-hostlogging=clock,poll', '-env=SLEEP_MS=1', program('clock_random')]);
  const fns = [...two.stderr.matchAll(/^==> wasi_snapshot_preview1\.(\w+)\(/gm)].map((m) => m[1]);
  assert.deepEqual(fns, ['clock_time_get', 'poll_oneoff', 'clock_time_get', 'clock_time_get', 'random_get']);
  assert.match(two.stderr, /==> wasi_snapshot_preview1\.clock_time_get\(id=monotonic,precision=\d+\)\n<== \(timestamp=\d+,errno=ESUCCESS\)\n/);
  assert.match(two.stderr, /==> wasi_snapshot_preview1\.clock_time_get\(id=realtime,precision=\d+\)\n/);
  assert.match(two.stderr, /==> wasi_snapshot_preview1\.poll_oneoff\(in=\d+,out=\d+,nsubscriptions=1\)\n<== \(nevents=1,errno=ESUCCESS\)\n/);
  // Scopes the guest never touches log nothing.
  const none = await runMain(['run', '-hostlogging=memory,sock', program('hello')]);
  assert.equal(none.stderr, '');
  assert.equal(none.stdout, 'hello world\n');
});

test('-hostlogging=all: the exported guest function frames its host calls', async (t) => {
  const r = await runMain(['run', '-hostlogging=all', program('hello')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^--> \.\$\d+\(\)\n(\t[=<]=[=>] .*\n)+<--\n$/);
  if (modulesUnavailable()) return t.skip(modulesUnavailable()!);
  const named = await runMain(['run', '-hostlogging=all', moduleFile('named_hello')]);
  assert.equal(named.stdout, 'hi\n');
  assert.equal(named.stderr, '--> named.main()\n<--\n'); // its only call is a write to stdout
  const exit = await runMain(['run', '-hostlogging=all', moduleFile('unstable')]);
  assert.equal(exit.code, 2);
  assert.equal(exit.stderr, '--> .$2()\n\t==> wasi_unstable.proc_exit(rval=2)\n');
});

test('-log-format=json: one object per call and line', async () => {
  const r = await runMain(['run', '-hostlogging=filesystem', '-log-format=json', `-mount=${bearDir}:/animals:ro`, program('cat'), '/animals/bear.txt']);
  assert.equal(r.code, 0, r.stderr);
  const recs = r.stderr.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
  assert.equal(recs.length, 9);
  for (const rec of recs) {
    assert.deepEqual(Object.keys(rec), ['module', 'function', 'params', 'results', 'errno', 'duration_ns']);
    assert.equal(rec.module, 'wasi_snapshot_preview1');
  }
  const open = recs.find((x) => x.function === 'path_open')!;
  assert.equal(open.params.path, 'bear.txt');
  assert.equal(open.params.dirflags, 'SYMLINK_FOLLOW');
  assert.deepEqual(open.results, { opened_fd: 4 });
  assert.deepEqual(recs[0].results, { prestat: { pr_name_len: 8 } });
  // Without -hostlogging, -log-format changes nothing.
  const quiet = await runMain(['run', '-log-format=json', program('hello')]);
  assert.equal(quiet.stderr, '');
  assert.ok(fs.existsSync(program('hello')));
});
