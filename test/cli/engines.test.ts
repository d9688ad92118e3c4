// The same runs on each engine the CLI can pick: the compiler by default, the interpreter with
// -interpreter. An engine that cannot run here is skipped with the reason.

import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { testEngines } from '../support/engines.js';
import { HARNESS, ROOT, program, runMain } from './support.js';

const runs: { argv: string[]; stdin?: string; code: number; stdout: string }[] = [
  { argv: [program('args_env'), 'a b', '-c'], code: 0, stdout: 'arg[0]=args_env.wasm\narg[1]=a b\narg[2]=-c\n' },
  { argv: ['-env=EXIT_CODE=9', program('args_env')], code: 9, stdout: 'arg[0]=args_env.wasm\nenv EXIT_CODE=9\n' },
  { argv: [program('cat')], stdin: 'from stdin\n', code: 0, stdout: 'from stdin\n' },
  { argv: [`-mount=${path.join(HARNESS, 'fs')}:/:ro`, program('fsops'), 'ls', '/', 'cat', '/bear.txt'], code: 0, stdout: 'ls /: bear.txt mammals\ncat /bear.txt: pooh\n\n' },
  { argv: [`-mount=${path.join(ROOT, 'examples')}:/data`, path.join(ROOT, 'examples', 'wordfreq.wasm'), '/data/sample.txt'], code: 0, stdout: '' },
];

for (const eng of testEngines()) {
  test(`run on the ${eng.name} engine`, async (t) => {
    if (eng.unavailable) return t.skip(eng.unavailable);
    const flag = eng.name === 'interpreter' ? ['-interpreter'] : [];
    for (const r of runs) {
      const got = await runMain(['run', ...flag, ...r.argv], { stdin: r.stdin ?? '' });
      assert.equal(got.code, r.code, got.stderr);
      if (r.stdout) assert.equal(got.stdout, r.stdout);
      else assert.match(got.stdout, /^102 words, 64 distinct\n/);
    }
  });
}
