// The development tools' project-root finder: finds the checkout from a file inside it, and gives a
// clear error (rather than looping forever at '/') for a copy of dist/ outside any checkout.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { projectRootOf } from '../../scripts/project-root.js';

test('a file of the checkout finds the directory with package.json', () => {
  const root = projectRootOf(import.meta.url);
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string };
  assert.equal(pkg.name, 'wasmbox');
});

test('a file outside any checkout throws a clear error instead of looping', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmbox-root-'));
  try {
    // Only meaningful when no directory above the temporary one has a package.json.
    let up = dir;
    let clean = true;
    while (path.dirname(up) !== up) {
      up = path.dirname(up);
      if (fs.existsSync(path.join(up, 'package.json'))) clean = false;
    }
    if (!clean) {
      t.skip(`a directory above ${dir} has a package.json`);
      return;
    }
    const file = pathToFileURL(path.join(dir, 'bench', 'programs.js')).href;
    assert.throws(() => projectRootOf(file), /cannot find the project root: no package\.json in .*bench or above it/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
