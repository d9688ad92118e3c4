// The WASI conformance cases: loading the expectation files next to the C programs and turning
// fixture descriptions into host directories. Nothing here touches wasmbox's API, so other tools
// (e.g. a script that runs the same cases under another runtime) can reuse it.
//
// An expectation file is test/wasi/c/<program>.expected.json:
//   {
//     "covers": "what the program checks (free text)",
//     "cases": [{
//       "name": "default",                       // unique within the file
//       "args": ["prog", "a"],                   // the full argv, argv[0] included; default [program]
//       "env": [["K", "V"]],                     // ordered pairs; default none
//       "stdin": "text",                         // UTF-8 text; default "" (EOF at once)
//       "mounts": [{ "fixture": "basic", "guest": "/sandbox", "readOnly": false }],
//                                                // preopens fd 3, 4, ... in this order; default none
//       "exitCode": 0,
//       "stdout": ["line", ...] | "exact text",  // lines each end with "\n"; a string is taken as is
//       "stderr": same as stdout | { "regex": "..." }   // default "" (nothing)
//     }]
//   }
// A fixture is test/wasi/fixtures/<name>.json, a flat file tree in the shape of memoryFS's init:
//   { "a.txt": "text", "sub/": null, "sub/b.txt": "x", "link": { "symlink": "a.txt" } }
// (a key ending in "/" is a directory; parents are created as needed; contents are UTF-8).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type FixtureEntry = string | null | { symlink: string };
export type Fixture = Record<string, FixtureEntry>;

export interface Mount {
  fixture: string;
  guest: string;
  readOnly?: boolean;
}

export type Expected = string | string[];

export interface WasiCase {
  /** `<program>/<case name>`, for test titles. */
  id: string;
  program: string;
  wasmPath: string;
  args: string[];
  env: [string, string][];
  stdin: string;
  mounts: Mount[];
  exitCode: number;
  stdout: Expected;
  stderr: Expected | { regex: string };
}

/** test/wasi in the source tree, whether running from dist/ or not. */
export function wasiTestDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  // From dist/test/wasi, step back to the source tree's test/wasi.
  const marker = `${path.sep}dist${path.sep}test${path.sep}wasi`;
  if (dir.endsWith(marker)) dir = path.join(dir.slice(0, -marker.length), 'test', 'wasi');
  return dir;
}

export function expectedText(e: Expected): string {
  return typeof e === 'string' ? e : e.map((l) => l + '\n').join('');
}

/** Does `actual` satisfy the expectation? */
export function matches(expected: Expected | { regex: string }, actual: string): boolean {
  if (typeof expected === 'object' && !Array.isArray(expected)) return new RegExp(expected.regex).test(actual);
  return expectedText(expected) === actual;
}

export function loadFixture(name: string): Fixture {
  const file = path.join(wasiTestDir(), 'fixtures', `${name}.json`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Fixture;
}

/** Every case of every expectation file, sorted by program name; `filter` keeps programs by name. */
export function loadCases(filter?: (program: string) => boolean): WasiCase[] {
  const cdir = path.join(wasiTestDir(), 'c');
  const out: WasiCase[] = [];
  for (const f of fs.readdirSync(cdir).sort()) {
    if (!f.endsWith('.expected.json')) continue;
    const program = f.slice(0, -'.expected.json'.length);
    if (filter && !filter(program)) continue;
    const spec = JSON.parse(fs.readFileSync(path.join(cdir, f), 'utf8')) as {
      cases: Partial<WasiCase & { name: string }>[];
    };
    for (const c of spec.cases) {
      const name = c.name ?? 'default';
      out.push({
        id: `${program}/${name}`,
        program,
        wasmPath: path.join(cdir, `${program}.wasm`),
        args: c.args ?? [program],
        env: c.env ?? [],
        stdin: c.stdin ?? '',
        mounts: c.mounts ?? [],
        exitCode: c.exitCode ?? 0,
        stdout: c.stdout ?? '',
        stderr: c.stderr ?? '',
      });
    }
  }
  return out;
}

/** Writes a fixture into `dir` (which must exist and be empty). */
export function materialize(fixture: Fixture, dir: string): void {
  const keys = Object.keys(fixture).sort();
  for (const key of keys) {
    const entry = fixture[key];
    const rel = key.endsWith('/') ? key.slice(0, -1) : key;
    const p = path.join(dir, ...rel.split('/'));
    if (!p.startsWith(dir + path.sep)) throw new Error(`fixture path escapes its root: ${key}`);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (entry === null) fs.mkdirSync(p, { recursive: true });
    else if (typeof entry === 'string') fs.writeFileSync(p, entry);
    else fs.symlinkSync(entry.symlink, p);
  }
}

/** A fresh temp directory holding a copy of the fixture; remove it with `fs.rmSync(dir, { recursive: true })`. */
export function tempFixture(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `wasmbox-wasi-${name}-`));
  materialize(loadFixture(name), dir);
  return dir;
}
