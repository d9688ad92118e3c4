// The README's promises: its first command runs the example it names, its library example is
// examples/library.ts (compiled and run here), and CI runs its test command.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from './support.js';

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const firstBlock = /```sh\n([^]*?)```/.exec(readme)![1]!;
const commands = firstBlock.split('\n').filter((l) => l !== '' && !l.startsWith('#'));

test('the README starts with the two commands: run the example, pass the tests', () => {
  assert.ok(readme.indexOf('```sh') < readme.indexOf('\n## '), 'the commands come before any section');
  assert.equal(commands.length, 2);
  assert.match(commands[0]!, /^npm ci && npm run build && node dist\/src\/cli\/bin\.cjs run -mount=examples:\/data examples\/wordfreq\.wasm -- \/data\/sample\.txt$/);
  assert.equal(commands[1], 'npm ci && npm test');
  const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
  assert.ok(ci.trimEnd().endsWith(`\n${commands[1]}`), '.ci/run ends with the README test command');
});

test("the README's first command runs the example (its run part, on this build)", () => {
  const run = commands[0]!.split(' && ').pop()!.split(' ');
  assert.equal(run[0], 'node');
  const r = spawnSync(process.execPath, run.slice(1), { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^102 words, 64 distinct\n {5}10 the\n/);
});

test('the library example is examples/library.ts, and it runs', () => {
  const src = fs.readFileSync(path.join(ROOT, 'examples', 'library.ts'), 'utf8');
  const body = src.split('\n').slice(3).join('\n').replace("from '../src/index.js'", "from 'wasmbox'").trimEnd();
  assert.ok(readme.includes('```ts\n' + body + '\n```'), 'README shows examples/library.ts');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'examples', 'library.js')], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '102 words, 64 distinct\n');
});
