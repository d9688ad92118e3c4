#!/usr/bin/env node
// The `wasmbox` program (the package's bin). A CommonJS script on purpose: Node starts a CommonJS main
// module without its ES-module loader, which saves ~6 ms of every start; with the one-file bundle of
// the CLI (scripts/bundle-cli.ts) it then loads nothing else of wasmbox's. See RATIONALE.md, "Why a
// CommonJS launcher for the CLI?".
//
// It runs the CLI from the bundle when the bundle is at least as new as the modules it was made from,
// else from the modules themselves (`import('./main.js')`); WASMBOX_NO_BUNDLE=1 forces the modules.

import fs = require('node:fs');
import path = require('node:path');
import url = require('node:url');
import vm = require('node:vm');

/** What the bundle's entry (src/cli/entry.ts) returns. */
interface BundleExports {
  cli(argv: readonly string[]): Promise<number>;
}

interface FreshBundle {
  file: string;
  source: string;
  stat: fs.Stats;
}

/** The bundle beside this file, when it exists and no module it was made from is newer; else null. */
export function freshBundle(): FreshBundle | null {
  const file = path.join(__dirname, 'wasmbox.bundle.js');
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return null;
  const source = fs.readFileSync(file, 'latin1'); // the bundler writes ASCII only
  if (!source.startsWith('// wasmbox-bundle-modules: ')) return null;
  // tsc rewrites every output on each build, so two sentinels tell whether the modules were rebuilt
  // after the bundle (statting all ~75 modules cost ~6 ms of a ~50 ms start).
  const srcDir = path.join(__dirname, '..');
  for (const rel of ['cli/run.js', 'index.js']) {
    const st = fs.statSync(path.join(srcDir, rel), { throwIfNoEntry: false });
    if (!st || st.mtimeMs > stat.mtimeMs) return null; // rebuilt since: the bundle is stale
  }
  return { file, source, stat };
}

/**
 * Compiles the bundle with node:vm, handing V8 the code cache kept beside it (written after the
 * first run, when the functions that run has used are compiled and can be cached with it). The cache
 * names the bundle it belongs to by size and mtime: V8 itself only checks the source's length.
 */
function loadBundle(fresh: FreshBundle): BundleExports {
  const { file, source, stat: b } = fresh;
  const cacheFile = `${file}.v8cache`;
  const stampBytes = new Uint8Array(new Float64Array([b.size, b.mtimeMs]).buffer);
  let cachedData: Buffer | undefined;
  try {
    const c = fs.readFileSync(cacheFile);
    if (c.length > 16 && c.subarray(0, 16).equals(stampBytes)) cachedData = c.subarray(16);
  } catch {
    // no cache yet
  }
  const script = new vm.Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const factory = script.runInThisContext() as (req: NodeJS.Require, url: string) => BundleExports;
  const exports = factory(require, url.pathToFileURL(file).href);
  if (!cachedData || script.cachedDataRejected) {
    process.once('exit', () => {
      // Best effort: a read-only installation simply runs without the cache.
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(tmp, Buffer.concat([stampBytes, script.createCachedData()]));
        fs.renameSync(tmp, cacheFile);
      } catch {
        fs.rmSync(tmp, { force: true });
      }
    });
  }
  return exports;
}

/** Runs the CLI on `argv` as the process: from the bundle when it is fresh, else from the modules. */
export function runCli(argv: readonly string[]): void {
  let run: Promise<number>;
  try {
    const fresh = process.env.WASMBOX_NO_BUNDLE ? null : freshBundle();
    run = fresh
      ? loadBundle(fresh).cli(argv)
      : import('./main.js').then((m) => m.main(argv, m.processIO()));
  } catch (e) {
    run = Promise.reject(e);
  }
  run.then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`wasmbox: internal error: ${(e as Error)?.stack ?? e}\n`);
      process.exit(70);
    },
  );
}

if (require.main === module) runCli(process.argv.slice(2));
