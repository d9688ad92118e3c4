// Host logging as a library feature: newHostLogger + instantiateWasi(rt, { logger }). Calls each WASI
// function through a guest and checks the lines, in wazero's text shape and as JSON.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogScope, memoryFS, newFSConfig, newHostLogger, newModuleConfig, parseLogScopes } from '../../src/index.js';
import { WASI_FUNCTIONS, WASI_P1, WASI_UNSTABLE, wasiFunctionByName } from '../../src/wasi/constants.js';
import { wasiPreview1Functions } from '../../src/wasi/index.js';
import { flagsText, planFor, scopeOf, wrapForLogging } from '../../src/wasi/logging.js';
import { testEngines } from '../support/engines.js';
import { watUnavailable } from '../support/wat.js';
import { Errno, makeGuest } from './support.js';

function logged(scopes: number | string, format: 'text' | 'json' = 'text') {
  const lines: string[] = [];
  const logger = newHostLogger({ scopes, format, write: (s) => lines.push(...s.split('\n').filter((l) => l !== '')) });
  return { logger, lines };
}

test('scopes group functions as wazero does', () => {
  assert.equal(parseLogScopes('all'), LogScope.all);
  assert.equal(parseLogScopes('clock,,random'), LogScope.clock | LogScope.random);
  assert.throws(() => parseLogScopes('bogus'), /not a log scope/);
  const cases: [string, number][] = [
    ['clock_time_get', LogScope.clock], ['clock_res_get', LogScope.clock], ['proc_exit', LogScope.proc],
    ['proc_raise', 0], ['fd_read', LogScope.filesystem], ['path_open', LogScope.filesystem],
    ['poll_oneoff', LogScope.poll], ['random_get', LogScope.random], ['sock_accept', LogScope.sock],
    ['args_get', 0], ['environ_sizes_get', 0], ['sched_yield', 0],
  ];
  for (const [name, scope] of cases) assert.equal(scopeOf(name), scope, name);
});

test('functions outside the scopes are not wrapped: unlogged calls run the same code', () => {
  const { logger } = logged('clock');
  for (const d of wasiPreview1Functions()) {
    const w = wrapForLogging(logger, WASI_P1, d);
    if (d.name.startsWith('clock_')) assert.notEqual(w.fn, d.fn, d.name);
    else assert.equal(w, d, d.name);
  }
  assert.throws(() => wrapForLogging({ scopes: -1, format: 'text', guestCall: (_n, f) => f() }, WASI_P1, wasiPreview1Functions()[0]!), /newHostLogger/);
  assert.throws(() => newHostLogger({ scopes: 1, format: 'xml' as 'text', write: () => {} }), /format/);
});

test('every function has a plan: inputs as parameters, out-pointers as results, errno last', () => {
  for (const f of WASI_FUNCTIONS) {
    const plan = planFor(f, WASI_P1);
    const outs = f.params.filter(([, k]) => k.startsWith('out:')).length + (f.name === 'fd_prestat_dir_name' ? 1 : 0);
    assert.equal(plan.results.length, outs, f.name);
    for (const p of plan.params) assert.ok(!p.name.startsWith('result.'), `${f.name}.${p.name}`);
    assert.ok(!plan.params.some((p) => p.name.endsWith('path_len')), `${f.name}: string lengths are part of the string`);
  }
  assert.deepEqual(planFor(wasiFunctionByName.get('fd_filestat_get')!, WASI_P1).results.map((r) => r.name), ['filestat']);
  assert.deepEqual(planFor(wasiFunctionByName.get('path_open')!, WASI_P1).params.map((p) => p.name),
    ['fd', 'dirflags', 'path', 'oflags', 'fs_rights_base', 'fs_rights_inheriting', 'fdflags']);
});

test('flags print by name, joined with |, empty when 0 (wazero names rights)', () => {
  assert.equal(flagsText('oflags', 0), '');
  assert.equal(flagsText('oflags', 9), 'CREAT|TRUNC');
  assert.equal(flagsText('lookupflags', 1), 'SYMLINK_FOLLOW');
  assert.equal(flagsText('rights', (1n << 3n) | (1n << 1n)), 'FD_READ|FDSTAT_SET_FLAGS');
  assert.equal(flagsText('fstflags', 16), '0x10');
});

for (const eng of testEngines()) {
  test(`text lines in wazero's shape (${eng.name})`, (t) => {
    const why = eng.unavailable ?? watUnavailable();
    if (why) return t.skip(why);
    const { logger, lines } = logged('all');
    const files = memoryFS({ 'bear.txt': 'pooh\n' });
    const config = newModuleConfig().withFSConfig(newFSConfig().withFSMount(files, '/animals'));
    const { rt, g } = makeGuest(eng, config, WASI_P1, { logger });
    try {
      const prestat = g.alloc(8);
      assert.equal(g.call('fd_prestat_get', 3, prestat), Errno.ESUCCESS);
      assert.equal(g.call('fd_prestat_get', 9, prestat), Errno.EBADF);
      const name = g.alloc(16);
      g.call('fd_prestat_dir_name', 3, name, 8);
      const [, fd] = g.open(3, 'bear.txt');
      g.read(fd);
      g.read(0);
      g.write(1, 'out');
      const st = g.alloc(64);
      g.call('fd_filestat_get', fd, st);
      g.call('fd_fdstat_get', fd, g.alloc(24));
      g.call('fd_close', fd);
      g.call('clock_time_get', 0, 1000n, g.alloc(8));
      g.call('random_get', g.alloc(4), 4);
      g.call('path_open', 3, 0, 100000000, 3, 0, 0n, 0n, 0, g.alloc(4));
      g.call('sched_yield');
      assert.throws(() => g.call('proc_exit', 3));
    } finally {
      rt.close();
    }
    const want = [
      '==> wasi_snapshot_preview1.fd_prestat_get(fd=3)',
      '<== (prestat={pr_name_len=8},errno=ESUCCESS)',
      '==> wasi_snapshot_preview1.fd_prestat_get(fd=9)',
      '<== (prestat=,errno=EBADF)',
      '==> wasi_snapshot_preview1.fd_prestat_dir_name(fd=3)',
      '<== (path=/animals,errno=ESUCCESS)',
      /^==> wasi_snapshot_preview1\.path_open\(fd=3,dirflags=SYMLINK_FOLLOW,path=bear\.txt,oflags=,fs_rights_base=FD_READ\|FD_SEEK\|FD_TELL\|FD_WRITE\|FD_READDIR\|FD_FILESTAT_GET,fs_rights_inheriting=,fdflags=\)$/,
      '<== (opened_fd=4,errno=ESUCCESS)',
      /^==> wasi_snapshot_preview1\.fd_read\(fd=4,iovs=\d+,iovs_len=1\)$/,
      '<== (nread=5,errno=ESUCCESS)',
      // fd_read(fd=0) and fd_write(fd=1): not logged, as wazero.
      '==> wasi_snapshot_preview1.fd_filestat_get(fd=4)',
      /^<== \(filestat=\{filetype=REGULAR_FILE,size=5,mtim=\d+\},errno=ESUCCESS\)$/,
      '==> wasi_snapshot_preview1.fd_fdstat_get(fd=4)',
      /^<== \(stat=\{filetype=REGULAR_FILE,fdflags=,fs_rights_base=FD_READ\|FD_SEEK\|FD_TELL\|FD_WRITE\|FD_READDIR\|FD_FILESTAT_GET,fs_rights_inheriting=\},errno=ESUCCESS\)$|^<== \(stat=\{filetype=REGULAR_FILE,fdflags=,fs_rights_base=[A-Z_|]+,fs_rights_inheriting=\},errno=ESUCCESS\)$/,
      '==> wasi_snapshot_preview1.fd_close(fd=4)',
      '<== errno=ESUCCESS',
      '==> wasi_snapshot_preview1.clock_time_get(id=realtime,precision=1000)',
      '<== (timestamp=1640995200000000000,errno=ESUCCESS)',
      /^==> wasi_snapshot_preview1\.random_get\(buf=\d+,buf_len=4\)$/,
      '<== errno=ESUCCESS',
      '==> wasi_snapshot_preview1.path_open(fd=3,dirflags=,path=OOM(100000000,3),oflags=,fs_rights_base=,fs_rights_inheriting=,fdflags=)',
      '<== (opened_fd=,errno=EFAULT)',
      '==> wasi_snapshot_preview1.sched_yield()',
      '<== errno=ESUCCESS',
      '==> wasi_snapshot_preview1.proc_exit(rval=3)',
    ];
    assert.equal(lines.length, want.length, lines.join('\n'));
    want.forEach((w, i) => (typeof w === 'string' ? assert.equal(lines[i], w) : assert.match(lines[i]!, w)));
  });

  test(`wasi_unstable decodes its own filestat layout (${eng.name})`, (t) => {
    const why = eng.unavailable ?? watUnavailable();
    if (why) return t.skip(why);
    const { logger, lines } = logged('filesystem');
    const files = memoryFS({ 'f.txt': 'twelve bytes' });
    const { rt, g } = makeGuest(eng, newModuleConfig().withFSConfig(newFSConfig().withFSMount(files, '/')), WASI_UNSTABLE, { logger });
    try {
      const [p, l] = g.bytes('f.txt');
      assert.equal(g.call('path_filestat_get', 3, 0, p, l, g.alloc(56)), Errno.ESUCCESS);
    } finally {
      rt.close();
    }
    assert.equal(lines[0], '==> wasi_unstable.path_filestat_get(fd=3,flags=,path=f.txt)');
    assert.match(lines[1]!, /^<== \(filestat=\{filetype=REGULAR_FILE,size=12,mtim=\d+\},errno=ESUCCESS\)$/);
  });

  test(`JSON: one object per call with decoded params, results, errno and duration (${eng.name})`, (t) => {
    const why = eng.unavailable ?? watUnavailable();
    if (why) return t.skip(why);
    const { logger, lines } = logged(LogScope.filesystem | LogScope.proc, 'json');
    const files = memoryFS({ 'bear.txt': 'pooh\n' });
    const { rt, g } = makeGuest(eng, newModuleConfig().withFSConfig(newFSConfig().withFSMount(files, '/')), WASI_P1, { logger });
    try {
      const [, fd] = g.open(3, 'bear.txt', { oflags: 0 });
      g.call('fd_filestat_get', fd, g.alloc(64));
      g.call('fd_prestat_get', 7, g.alloc(8));
      g.call('random_get', g.alloc(4), 4); // not in scope
      assert.throws(() => g.call('proc_exit', 5));
    } finally {
      rt.close();
    }
    const recs = lines.map((l) => JSON.parse(l) as Record<string, any>);
    assert.equal(recs.length, 4);
    for (const r of recs) {
      assert.equal(r.module, WASI_P1);
      assert.equal(typeof r.duration_ns, 'number');
    }
    assert.equal(recs[0].function, 'path_open');
    assert.deepEqual({ ...recs[0].params, fs_rights_base: undefined }, { fd: 3, dirflags: 'SYMLINK_FOLLOW', path: 'bear.txt', oflags: '', fs_rights_base: undefined, fs_rights_inheriting: '', fdflags: '' });
    assert.deepEqual(recs[0].results, { opened_fd: 4 });
    assert.equal(recs[0].errno, 'ESUCCESS');
    assert.deepEqual({ ...recs[1].results.filestat, mtim: 0 }, { filetype: 'REGULAR_FILE', size: 5, mtim: 0 });
    assert.deepEqual(recs[2].results, { prestat: null });
    assert.equal(recs[2].errno, 'EBADF');
    assert.equal(recs[3].function, 'proc_exit');
    assert.deepEqual(recs[3].params, { rval: 5 });
    assert.equal(recs[3].exit_code, 5);
    assert.equal(recs[3].errno, null);
  });
}
