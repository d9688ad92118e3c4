// The descriptor table's numbering (SysContext.add/remove): numbers grow, a closed one is not handed
// out again at once, and the table stays a bounded dense array however many opens a guest makes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newModuleConfig } from '../../src/index.js';
import { FdEntry, SysContext } from '../../src/sys/context.js';
import { Filetype } from '../../src/wasi/constants.js';

const entry = () => new FdEntry('file', Filetype.REGULAR_FILE, 0n, 0n);

test('a closed descriptor number is not handed out by the next open', () => {
  const sys = new SysContext(newModuleConfig());
  const a = sys.add(entry());
  const b = sys.add(entry());
  assert.equal(b, a + 1);
  sys.remove(a);
  const c = sys.add(entry());
  assert.notEqual(c, a);
  assert.equal(c, b + 1);
  sys.remove(c);
  assert.equal(sys.add(entry()), c + 1);
});

test('open/close cycles keep the table bounded and numbers come back only after a full window', () => {
  const sys = new SysContext(newModuleConfig());
  const keep = sys.add(entry());
  const seen = new Map<number, number>();
  let maxLen = 0;
  for (let i = 0; i < 200_000; i++) {
    const fd = sys.add(entry());
    assert.notEqual(fd, keep);
    const last = seen.get(fd);
    if (last !== undefined) assert.ok(i - last >= 4000, `fd ${fd} reused after ${i - last} opens`);
    seen.set(fd, i);
    sys.remove(fd);
    maxLen = Math.max(maxLen, sys.fds.length);
  }
  assert.ok(maxLen <= 4097, `table grew to ${maxLen}`);
  assert.ok(sys.get(keep) !== undefined);
});

test('with many descriptors open, new ones never take a live number', () => {
  const sys = new SysContext(newModuleConfig());
  const live = new Set<number>();
  for (let i = 0; i < 6000; i++) live.add(sys.add(entry()));
  assert.equal(live.size, 6000);
  // Close every third, then open and close many times: no live number is ever returned.
  let k = 0;
  for (const fd of [...live]) if (k++ % 3 === 0) {
    sys.remove(fd);
    live.delete(fd);
  }
  for (let i = 0; i < 20_000; i++) {
    const fd = sys.add(entry());
    assert.ok(!live.has(fd), `fd ${fd} is still open`);
    if (i % 2 === 0) live.add(fd);
    else sys.remove(fd);
  }
  for (const fd of live) assert.ok(sys.get(fd) !== undefined);
});
