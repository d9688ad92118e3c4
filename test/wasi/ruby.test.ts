// A real program: CRuby's WASI build (npm @ruby/3.4-wasm-wasi, fetched by scripts/fetch-ruby-wasm.sh
// into the git-ignored .cache/ruby) runs a Ruby script from a mounted directory that reads, writes,
// renames and lists files there. The build is a reactor made for ruby.wasm's JS glue: we call its
// exports (ruby-init, rb-eval-string-protect) through the canonical ABI by hand, and give its JS
// interop imports stubs (the script does not `require "js"`).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { type FSConfig, hostDirFS, instantiateWasi, newFSConfig, newModuleConfig, overlayFS } from '../../src/index.js';
import type { CompiledModule, Runtime } from '../../src/api/types.js';
import { testEngines } from '../support/engines.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const wasmPath = path.join(root, '.cache', 'ruby', 'package', 'dist', 'ruby+stdlib.wasm');
const missing = fs.existsSync(wasmPath) ? null : `${path.relative(root, wasmPath)} is absent: run scripts/fetch-ruby-wasm.sh`;

const SCRIPT = `
lines = File.readlines("/data/in.txt", chomp: true)
File.write("/data/out.txt", lines.map(&:upcase).join(",") + "\\n")
puts File.read("/data/out.txt")
Dir.mkdir("/data/d")
File.rename("/data/out.txt", "/data/d/moved.txt")
puts Dir.children("/data/d").sort.inspect
puts File.exist?("/data/out.txt")
puts (1..10).sum * 7
`;
const EXPECTED = 'LINE ONE,LINE TWO\n["moved.txt"]\nfalse\n385\n';

/** Runs `code` in CRuby with `fsc` mounted; returns what it printed. */
function runRuby(rt: Runtime, mod: CompiledModule, fsc: FSConfig, code: string): string {
  let out = '';
  const handles: unknown[] = [0];
  const impl: Record<string, (...a: any[]) => unknown> = {
    'resource_new_rb-abi-value': (_c, v) => handles.push(v) - 1,
    'resource_get_rb-abi-value': (_c, h) => handles[h],
    'resource_drop_js-abi-value': () => {},
  };
  const stubs = new Map<string, { name: string; params: any[]; results: any[] }[]>();
  for (const i of mod.imports()) {
    if (i.module.startsWith('wasi') || i.type.kind !== 'func') continue;
    if (!stubs.has(i.module)) stubs.set(i.module, []);
    stubs.get(i.module)!.push({ name: i.name, params: [...i.type.params], results: [...i.type.results] });
  }
  for (const [m, list] of stubs) {
    if (rt.module(m)) continue;
    const b = rt.newHostModuleBuilder(m);
    for (const i of list) {
      b.exportFunction(i.name, { params: i.params, results: i.results }, impl[i.name] ?? (() => {
        throw new Error(`JS interop (${i.name}) is not available`);
      }));
    }
    b.instantiate();
  }
  const dec = new TextDecoder();
  const cfg = newModuleConfig()
    .withName('')
    .withStartFunctions('_initialize')
    .withStdout({ write: (d: Uint8Array) => (out += dec.decode(d)) })
    .withStderr({ write: (d: Uint8Array) => (out += dec.decode(d)) })
    .withFSConfig(fsc);
  const inst = rt.instantiate(mod, cfg);
  const mem = inst.memory()!;
  const fn = (prefix: string) => {
    const name = inst.exportNames().find((n) => n === prefix || n.startsWith(prefix + ':'));
    return inst.exportedFunction(name!)!;
  };
  const realloc = fn('cabi_realloc');
  // Strings in, NUL-terminated (ruby-init hands them to C as is), length without the NUL.
  const str = (s: string): [number, number] => {
    const b = new TextEncoder().encode(s + '\0');
    const p = realloc.call(0, 0, 1, b.length)[0] as number;
    mem.write(p, b);
    return [p, b.length - 1];
  };
  const args = ['ruby', '-EUTF-8', '-e_=0'].map(str);
  const list = realloc.call(0, 0, 4, args.length * 8)[0] as number;
  args.forEach(([p, l], i) => {
    mem.writeUint32Le(list + i * 8, p);
    mem.writeUint32Le(list + i * 8 + 4, l);
  });
  fn('ruby-init').call(list, args.length);
  fn('ruby-init-loadpath').call();
  const [sp, sl] = str(code);
  const ret = fn('rb-eval-string-protect').call(sp, sl)[0] as number;
  const state = mem.readUint32Le(ret + 4);
  inst.close();
  assert.equal(state, 0, `ruby raised (state ${state}); output:\n${out}`);
  return out;
}

for (const eng of testEngines()) {
  const skip = eng.unavailable ?? missing ?? false;
  test(`[${eng.name}] CRuby runs a script that reads, writes, renames and lists files in a mount`, { skip, timeout: 120_000 }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmbox-ruby-'));
    try {
      fs.writeFileSync(path.join(dir, 'in.txt'), 'line one\nline two\n');
      fs.writeFileSync(path.join(dir, 'script.rb'), SCRIPT);
      const rt = eng.runtime();
      instantiateWasi(rt);
      const mod = rt.compile(fs.readFileSync(wasmPath));
      const t0 = performance.now();
      const out = runRuby(rt, mod, newFSConfig().withDirMount(dir, '/data'), 'load "/data/script.rb"; $stdout.flush');
      const ms = performance.now() - t0;
      assert.equal(out, EXPECTED);
      assert.equal(fs.readFileSync(path.join(dir, 'd', 'moved.txt'), 'utf8'), 'LINE ONE,LINE TWO\n');
      assert.equal(fs.existsSync(path.join(dir, 'out.txt')), false);
      process.stdout.write(`# CRuby on ${eng.name}: ${ms.toFixed(0)} ms (host directory)\n`);
      // Again over an overlay: same output, and the host directory is left alone.
      fs.rmSync(path.join(dir, 'd'), { recursive: true });
      const before = fs.readdirSync(dir).sort();
      const out2 = runRuby(rt, mod, newFSConfig().withFSMount(overlayFS(hostDirFS(dir)), '/data'), 'load "/data/script.rb"; $stdout.flush');
      assert.equal(out2, EXPECTED);
      assert.deepEqual(fs.readdirSync(dir).sort(), before, 'the overlay kept every change in memory');
      rt.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
