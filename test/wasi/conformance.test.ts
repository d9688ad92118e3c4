// The WASI conformance programs (test/wasi/c/*.c, built to .wasm) run on every engine and on both
// kinds of file system -- a host directory holding a fresh copy of the fixture, and the in-memory FS
// built from the same fixture -- and must print exactly what their .expected.json says, exit with
// its code and write its stderr. See test/wasi/README.md for the case format and what each covers.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { testEngines } from '../support/engines.js';
import { type WasiCase, expectedText, loadCases, loadFixture, tempFixture } from './cases.js';
import { type FSKind, type MountSpec, mountUnsupported, runWasi, wasiUnavailable } from './harness-api.js';

const cases = loadCases();
const unavailable = wasiUnavailable();
if (unavailable) process.stdout.write(`# skipping the WASI conformance tests: ${unavailable}\n`);

const decoder = new TextDecoder('utf-8', { fatal: false });
const wasmCache = new Map<string, Uint8Array>();
function wasmOf(c: WasiCase): Uint8Array {
  let w = wasmCache.get(c.wasmPath);
  if (!w) wasmCache.set(c.wasmPath, (w = new Uint8Array(fs.readFileSync(c.wasmPath))));
  return w;
}

test('conformance cases load and every program has its .wasm', () => {
  assert.ok(cases.length > 0, 'no cases found');
  for (const c of cases) assert.ok(fs.existsSync(c.wasmPath), `${c.id}: ${c.wasmPath} missing (scripts/build-wasi-tests.sh)`);
});

for (const eng of testEngines()) {
  if (eng.unavailable) process.stdout.write(`# skipping the WASI conformance tests on ${eng.name}: ${eng.unavailable}\n`);
  for (const kind of ['hostdir', 'memory'] as FSKind[]) {
    for (const c of cases) {
      const skipReason =
        eng.unavailable ??
        unavailable ??
        mountUnsupported(
          kind,
          c.mounts.map((m) => ({ guest: m.guest, readOnly: !!m.readOnly })),
        );
      test(`[${eng.name}][${kind}] ${c.id}`, { skip: skipReason ?? false }, () => {
        const temps: string[] = [];
        try {
          const mounts: MountSpec[] = c.mounts.map((m) => {
            const spec: MountSpec = { guest: m.guest, readOnly: !!m.readOnly };
            if (kind === 'hostdir') temps.push((spec.hostDir = tempFixture(m.fixture)));
            else spec.fixture = loadFixture(m.fixture);
            return spec;
          });
          const rt = eng.runtime();
          let r;
          try {
            r = runWasi(rt, wasmOf(c), { args: c.args, env: c.env, stdin: new TextEncoder().encode(c.stdin), mounts });
          } finally {
            rt.close();
          }
          const stdout = decoder.decode(r.stdout);
          const stderr = decoder.decode(r.stderr);
          // stdout first: its diff says the most about what went wrong.
          assert.equal(stdout, expectedText(c.stdout), `${c.id}: stdout`);
          assert.equal(r.exitCode, c.exitCode, `${c.id}: exit code (stderr: ${JSON.stringify(stderr)})`);
          if (typeof c.stderr === 'object' && !Array.isArray(c.stderr)) {
            assert.match(stderr, new RegExp(c.stderr.regex), `${c.id}: stderr`);
          } else {
            assert.equal(stderr, expectedText(c.stderr), `${c.id}: stderr`);
          }
        } finally {
          for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
        }
      });
    }
  }
}
