// Runs every compiled test file (dist/test/**/*.test.js) with node's test runner. Node 20's
// `node --test` takes no glob, and given a folder it would also run the test support modules.
// Usage: node dist/scripts/run-tests.js [SUBSTRING...]  (only files whose path contains one of them)

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test');
const filters = process.argv.slice(2);

function find(dir: string, out: string[]): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) find(p, out);
    else if (e.name.endsWith('.test.js')) out.push(p);
  }
}

const files: string[] = [];
find(root, files);
files.sort();
const chosen = filters.length ? files.filter((f) => filters.some((s) => f.includes(s))) : files;
if (chosen.length === 0) {
  process.stderr.write(`no test files match ${filters.join(', ')}\n`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...chosen], { stdio: 'inherit' });
process.exit(r.status ?? 1);
