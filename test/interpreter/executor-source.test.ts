// Rules about how the executor's hot function is written that no behaviour test can see, because they
// only change what TurboFan makes of it (RATIONALE, "Why profile with perf and V8's jitdump").

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { projectRootOf } from '../../scripts/project-root.js';

const execSource = fs.readFileSync(path.join(projectRootOf(import.meta.url), 'src', 'engine', 'interpreter', 'exec.ts'), 'utf8');

/** The DataView calls of `src` that have another DataView call inside their parentheses. */
function nestedDataViewCalls(src: string): string[] {
  const out: string[] = [];
  const call = /\bdv\.(?:get|set)\w+\(/g;
  for (let m = call.exec(src); m !== null; m = call.exec(src)) {
    let depth = 1;
    let i = m.index + m[0].length;
    const from = i;
    while (i < src.length && depth > 0) {
      if (src[i] === '(') depth++;
      else if (src[i] === ')') depth--;
      i++;
    }
    if (/\bdv\.(?:get|set)\w+\(/.test(src.slice(from, i))) {
      out.push(`exec.ts:${src.slice(0, m.index).split('\n').length}: ${src.slice(m.index, i)}`);
    }
  }
  return out;
}

test('exec.ts never passes one DataView call as an argument of another (TurboFan then calls the builtin)', () => {
  assert.deepEqual(nestedDataViewCalls(execSource), [], 'read the inner value into a local first');
});

test('the check sees the shape it forbids, and only that', () => {
  assert.equal(nestedDataViewCalls('dv.setFloat64(ea, dv.getFloat64(ea, true) + x, true);').length, 1);
  assert.equal(nestedDataViewCalls('const v = dv.getFloat64(ea, true) + x;\ndv.setFloat64(ea, v, true);').length, 0);
  assert.equal(nestedDataViewCalls('const v = k ? dv.getInt16(ea, true) : dv.getUint16(ea, true);').length, 0);
});
